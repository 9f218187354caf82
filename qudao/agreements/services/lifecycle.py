"""An agreement's way from submitted to active, renewed and ended."""

import calendar
import uuid
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from qudao.agreements.choices import (
    AgreementStatus,
)
from qudao.agreements.exceptions import (
    AgreementIncomplete,
    AgreementInvalid,
    AgreementOverlap,
    AgreementTransitionInvalid,
    TerritoryProtected,
)
from qudao.agreements.models import Agreement, AgreementTarget
from qudao.agreements.services._common import (
    AGREEMENT_FIELDS,
    CENT,
    CLAUSE_FIELDS,
    M2M_FIELDS,
    MONEY_FIELDS,
    ZERO,
    _label,
    _locked,
    _months_between,
    _move,
    _require,
    _visible_or_refuse,
    add_months,
    agreement_check,
)
from qudao.catalog.models import Product
from qudao.core import audit
from qudao.core.exceptions import NotAllowed
from qudao.core.numbering import number_assign
from qudao.dealers.models import Dealer
from qudao.finance import services as finance_services
from qudao.territories.models import Territory

# --- lifecycle ---------------------------------------------------------------------------

def missing_clauses(agreement: Agreement) -> dict[str, str]:
    """Standard clauses neither filled nor marked not applicable, plus a missing territory
    or product scope, as {field: label} (R-AG-29).

    Text counts when not blank, numbers when set (amounts and percentages only above 0),
    choices and yes/no clauses always count.
    """
    marked = set(agreement.not_applicable or [])
    missing: dict[str, str] = {}
    for name in CLAUSE_FIELDS:
        if name in marked:
            continue
        value = getattr(agreement, name)
        if isinstance(value, bool):
            continue
        if value is None or (isinstance(value, str) and not value.strip()) or (
                name in MONEY_FIELDS and value == 0):
            missing[name] = _label(name)
    if not agreement.territories.exists():
        missing["territories"] = _label("territories")
    if not (agreement.all_products or agreement.categories.exists()
            or agreement.products.exists()):
        missing["products"] = _("products covered")
    return missing


@transaction.atomic
def agreement_submit(*, actor: Any, agreement: Agreement) -> Agreement:
    """Send a draft for approval. Every standard clause must be filled or marked not
    applicable, with at least one territory and a product scope.

    Raises AgreementIncomplete listing every missing clause, AgreementTransitionInvalid,
    NotAllowed.
    """
    _require(actor, "agreements.change_agreement")
    agreement = _locked(agreement)
    _visible_or_refuse(actor, agreement)
    previous = _move(agreement, AgreementStatus.SUBMITTED)
    missing = missing_clauses(agreement)
    if missing:
        raise AgreementIncomplete(
            _("Agreement %(number)s cannot be submitted. Fill in or mark not applicable: "
              "%(clauses)s.") % {"number": agreement.number,
                                 "clauses": ", ".join(missing.values())},
            errors=missing)
    agreement.submitted_at = timezone.now()
    agreement.save(update_fields=["status", "submitted_at", "updated_at"])
    audit.record(actor=actor, target=agreement, event="agreement.submitted",
                 data={"status": [previous, agreement.status]})
    return agreement


@transaction.atomic
def agreement_approve(*, actor: Any, agreement: Agreement) -> Agreement:
    """Approve a submitted agreement. The approver may not be the person who drafted it.

    Raises AgreementTransitionInvalid or NotAllowed.
    """
    _require(actor, "agreements.approve_agreement")
    agreement = _locked(agreement)
    _visible_or_refuse(actor, agreement)
    if agreement.created_by_id is not None and agreement.created_by_id == actor.pk:
        raise NotAllowed(_("You drafted agreement %(number)s; someone else must approve it.")
                         % {"number": agreement.number})
    previous = _move(agreement, AgreementStatus.APPROVED)
    agreement.approved_at = timezone.now()
    agreement.approved_by = actor
    agreement.save(update_fields=["status", "approved_at", "approved_by", "updated_at"])
    audit.record(actor=actor, target=agreement, event="agreement.approved",
                 data={"status": [previous, agreement.status]})
    return agreement


@transaction.atomic
def agreement_return(*, actor: Any, agreement: Agreement, reason: str) -> Agreement:
    """Send a submitted or approved agreement back to draft, with the reason.

    Approvers may return any agreement; the person who drafted it may withdraw it.
    Raises AgreementTransitionInvalid (also for a missing reason) or NotAllowed.
    """
    is_author = agreement.created_by_id is not None and agreement.created_by_id == actor.pk
    if not (actor.has_perm("agreements.approve_agreement")
            or (is_author and actor.has_perm("agreements.change_agreement"))):
        raise NotAllowed(_("Your role may not do this."))
    agreement = _locked(agreement)
    _visible_or_refuse(actor, agreement)
    previous = _move(agreement, AgreementStatus.DRAFT)
    if not (reason or "").strip():
        raise AgreementTransitionInvalid(_("Give a reason for returning the agreement."))
    agreement.submitted_at = None
    agreement.approved_at = None
    agreement.approved_by = None
    agreement.save(update_fields=["status", "submitted_at", "approved_at", "approved_by",
                                  "updated_at"])
    audit.record(actor=actor, target=agreement, event="agreement.returned",
                 data={"status": [previous, agreement.status], "reason": reason.strip()})
    return agreement


@transaction.atomic
def agreement_sign(*, actor: Any, agreement: Agreement, signed_on: date | None) -> Agreement:
    """Record that both parties signed an approved agreement on `signed_on` (not a future day).

    Raises AgreementTransitionInvalid or NotAllowed.
    """
    _require(actor, "agreements.sign_agreement")
    agreement = _locked(agreement)
    _visible_or_refuse(actor, agreement)
    previous = _move(agreement, AgreementStatus.SIGNED)
    if not isinstance(signed_on, date):
        raise AgreementTransitionInvalid(_("Give the date the agreement was signed."))
    if signed_on > timezone.localdate():
        raise AgreementTransitionInvalid(_("The signing date cannot be in the future."))
    agreement.signed_on = signed_on
    agreement.save(update_fields=["status", "signed_on", "updated_at"])
    audit.record(actor=actor, target=agreement, event="agreement.signed",
                 data={"status": [previous, agreement.status], "signed_on": signed_on})
    return agreement


def _scope(agreement: Agreement) -> tuple[bool, set[str], dict[int, str]]:
    """(covers all, category paths, {product id: its category's path}) of an agreement whose
    categories and products (with category) are prefetched or loaded here."""
    return (agreement.all_products,
            {c.path for c in agreement.categories.all()},
            {p.pk: p.category.path for p in agreement.products.all()})


def _paths_related(a: str, b: str) -> bool:
    """Same node, or one is an ancestor of the other (materialized paths)."""
    return a.startswith(b) or b.startswith(a)


def scopes_overlap(one: Agreement, other: Agreement) -> bool:
    """Whether two agreements cover at least one product in common: either covers all
    products, they name a common product, a category of one lies in or above a category of
    the other, or an explicit product of one lies in a category of the other."""
    all_a, cats_a, prods_a = _scope(one)
    all_b, cats_b, prods_b = _scope(other)
    if all_a or all_b:
        return True
    if set(prods_a) & set(prods_b):
        return True
    if any(_paths_related(a, b) for a in cats_a for b in cats_b):
        return True
    if any(path.startswith(cat) for path in prods_a.values() for cat in cats_b):
        return True
    return any(path.startswith(cat) for path in prods_b.values() for cat in cats_a)


def _with_scope(queryset: models.QuerySet) -> models.QuerySet:
    return queryset.select_related("dealer").prefetch_related(
        "categories", models.Prefetch("products",
                                      queryset=Product.objects.select_related("category")))


def _ancestor_paths(path: str) -> list[str]:
    step = Territory.steplen
    return [path[:end] for end in range(step, len(path) + 1, step)]


def _activation_conflicts(agreement: Agreement) -> None:
    """Refuse activation over another active agreement of the dealer with an overlapping
    term and product scope (the version this one renews excepted), or over another
    dealer's protected territory for overlapping products."""
    term = Q(start_date__lte=agreement.end_date, end_date__gte=agreement.start_date)
    subject = _with_scope(Agreement.objects.filter(pk=agreement.pk)).get()
    own = (Agreement.objects.filter(term, dealer_id=agreement.dealer_id,
                                    status=AgreementStatus.ACTIVE)
           .exclude(pk=agreement.pk))
    if agreement.previous_id:
        own = own.exclude(pk=agreement.previous_id)
    for other in _with_scope(own):
        if scopes_overlap(subject, other):
            raise AgreementOverlap(
                _("Agreement %(other)s of %(dealer)s is already active from %(start)s to "
                  "%(end)s for overlapping products; terminate it or narrow the product scope "
                  "before activating %(number)s.") % {
                    "other": other.number, "dealer": agreement.dealer.name,
                    "start": other.start_date, "end": other.end_date,
                    "number": agreement.number})
    paths = list(agreement.territories.values_list("path", flat=True))
    if not paths:
        return
    # Lock the territory nodes and their ancestors in path order: two activations over
    # related territories share at least the upper node, so they run one after the other.
    related_paths = sorted({p for path in paths for p in _ancestor_paths(path)})
    list(Territory.objects.select_for_update().filter(path__in=related_paths)
         .order_by("path").values_list("pk", flat=True))
    near = Q(territories__path__in=related_paths)
    for path in paths:
        near |= Q(territories__path__startswith=path)
    protected = (Agreement.objects.filter(term, near, status=AgreementStatus.ACTIVE,
                                          territory_protection=True)
                 .exclude(dealer_id=agreement.dealer_id).distinct())
    for other in _with_scope(protected.prefetch_related("territories")):
        if scopes_overlap(subject, other):
            places = [t.display_name for t in other.territories.all()
                      if any(_paths_related(t.path, p) for p in paths)]
            raise TerritoryProtected(
                _("%(dealer)s holds territory protection over %(places)s under agreement "
                  "%(other)s (%(start)s to %(end)s) for overlapping products; %(number)s "
                  "cannot authorize the same area.") % {
                    "dealer": other.dealer.name, "places": ", ".join(places),
                    "other": other.number, "start": other.start_date, "end": other.end_date,
                    "number": agreement.number})


def _credit_limit_sync(dealer_id: int) -> tuple[Decimal, Decimal]:
    """Set the dealer's credit limit to the sum of its active agreements' limits; returns
    (old, new). The credit account row is locked by finance for the write."""
    total = (Agreement.objects.filter(dealer_id=dealer_id, status=AgreementStatus.ACTIVE)
             .aggregate(total=Sum("credit_limit"))["total"]) or ZERO
    # SQLite stores a whole amount as an integer and sums to Decimal("80000"): show cents.
    total = Decimal(total).quantize(CENT)
    account = finance_services.credit_account_lock(dealer_id=dealer_id)
    old = account.limit
    if old != total:
        finance_services.credit_limit_set(dealer_id=dealer_id, limit=total)
    return old, total


@transaction.atomic
def agreement_activate(*, actor: Any, agreement: Agreement) -> Agreement:
    """Put a signed agreement in force and set the dealer's credit limit from it.

    Refused when another active agreement of the dealer overlaps in term and product scope,
    or another dealer's protected territory overlaps for overlapping products. Activating a
    renewal ends the version it renews (expired the day before the new start) instead.
    Raises AgreementOverlap, TerritoryProtected, AgreementTransitionInvalid or NotAllowed.
    """
    _require(actor, "agreements.sign_agreement")
    # The dealer row is the queue for activations of one dealer: two parallel activations
    # must not both pass the overlap check.
    list(Dealer.objects.select_for_update().filter(pk=agreement.dealer_id)
         .values_list("pk", flat=True))
    agreement = Agreement.objects.select_for_update().select_related("dealer").get(
        pk=agreement.pk)
    _visible_or_refuse(actor, agreement)
    previous_status = _move(agreement, AgreementStatus.ACTIVE)
    if agreement.end_date < timezone.localdate():
        raise AgreementTransitionInvalid(
            _("Agreement %(number)s ended on %(end)s; it cannot be activated.") % {
                "number": agreement.number, "end": agreement.end_date})
    _activation_conflicts(agreement)
    renewed = None
    if agreement.previous_id:
        renewed = Agreement.objects.select_for_update().get(pk=agreement.previous_id)
        if renewed.status == AgreementStatus.ACTIVE:
            renewed.status = AgreementStatus.EXPIRED
            renewed.ended_on = max(renewed.start_date,
                                   agreement.start_date - timedelta(days=1))
            renewed.save(update_fields=["status", "ended_on", "updated_at"])
            audit.record(actor=actor, target=renewed, event="agreement.expired",
                         data={"status": [AgreementStatus.ACTIVE, AgreementStatus.EXPIRED],
                               "ended_on": renewed.ended_on, "renewed_by": agreement.number})
        else:
            renewed = None
    agreement.save(update_fields=["status", "updated_at"])
    old_limit, new_limit = _credit_limit_sync(agreement.dealer_id)
    data: dict[str, Any] = {"status": [previous_status, agreement.status]}
    if old_limit != new_limit:
        data["credit_limit"] = [old_limit, new_limit]
    if renewed is not None:
        data["renews"] = renewed.number
    audit.record(actor=actor, target=agreement, event="agreement.activated", data=data)
    return agreement


@transaction.atomic
def agreement_terminate(*, actor: Any, agreement: Agreement, reason: str) -> Agreement:
    """End an agreement early (合同中止, R-AG-32) with the reason; an abandoned draft is
    ended the same way. An active one gives its credit limit back.

    Raises AgreementTransitionInvalid (also for a missing reason) or NotAllowed.
    """
    _require(actor, "agreements.end_agreement")
    agreement = _locked(agreement)
    _visible_or_refuse(actor, agreement)
    previous = _move(agreement, AgreementStatus.TERMINATED)
    if not (reason or "").strip():
        raise AgreementTransitionInvalid(_("Give a reason for terminating the agreement."))
    agreement.ended_on = timezone.localdate()
    agreement.end_reason = reason.strip()
    agreement.save(update_fields=["status", "ended_on", "end_reason", "updated_at"])
    data: dict[str, Any] = {"status": [previous, agreement.status], "reason": reason.strip()}
    if previous == AgreementStatus.ACTIVE:
        old_limit, new_limit = _credit_limit_sync(agreement.dealer_id)
        if old_limit != new_limit:
            data["credit_limit"] = [old_limit, new_limit]
    audit.record(actor=actor, target=agreement, event="agreement.terminated", data=data)
    return agreement


def agreements_expire(today: date | None = None) -> int:
    """Expire active agreements whose term ended before `today`; their credit limit goes
    with them. Safe to run twice. Returns how many expired."""
    today = today or timezone.localdate()
    count = 0
    ids = list(Agreement.objects.filter(status=AgreementStatus.ACTIVE, end_date__lt=today)
               .values_list("pk", flat=True))
    for pk in ids:
        with transaction.atomic():
            agreement = Agreement.objects.select_for_update().get(pk=pk)
            if agreement.status != AgreementStatus.ACTIVE or agreement.end_date >= today:
                continue
            agreement.status = AgreementStatus.EXPIRED
            agreement.ended_on = agreement.end_date
            agreement.save(update_fields=["status", "ended_on", "updated_at"])
            old_limit, new_limit = _credit_limit_sync(agreement.dealer_id)
            data: dict[str, Any] = {"status": [AgreementStatus.ACTIVE, AgreementStatus.EXPIRED],
                                    "ended_on": agreement.ended_on}
            if old_limit != new_limit:
                data["credit_limit"] = [old_limit, new_limit]
            audit.record(actor=None, target=agreement, event="agreement.expired", data=data)
            count += 1
    return count


@transaction.atomic
def agreement_renew(*, actor: Any, agreement: Agreement, start_date: date | None = None,
                    end_date: date | None = None) -> Agreement:
    """Draft the next version of a signed, active or expired agreement: every clause,
    territory and product copied, monthly targets moved to the new term. The old version
    stays as it is until the new one is activated.

    Defaults: the new term starts the day after the old one ends and lasts as many months.
    Raises AgreementInvalid (already renewed, bad term) or NotAllowed.
    """
    _require(actor, "agreements.add_agreement")
    old = _locked(agreement)
    _visible_or_refuse(actor, old)
    if old.status not in (AgreementStatus.SIGNED, AgreementStatus.ACTIVE,
                          AgreementStatus.EXPIRED):
        raise AgreementInvalid({"status": _(
            "Only a signed, active or expired agreement can be renewed; %(number)s is "
            "%(status)s.") % {"number": old.number,
                              "status": AgreementStatus(old.status).label}})
    existing = Agreement.objects.filter(previous=old).first()
    if existing is not None:
        raise AgreementInvalid({"previous": _(
            "Agreement %(number)s is already renewed by %(renewal)s.") % {
                "number": old.number, "renewal": existing.number}})
    start = start_date or old.end_date + timedelta(days=1)
    shift = _months_between(old.start_date, start)
    if end_date is None:
        end_date = add_months(old.end_date, shift)
        if old.end_date.day == calendar.monthrange(old.end_date.year, old.end_date.month)[1]:
            end_date = end_date.replace(
                day=calendar.monthrange(end_date.year, end_date.month)[1])
    values = {name: getattr(old, name) for name in AGREEMENT_FIELDS}
    values.update(start_date=start, end_date=end_date)
    errors = agreement_check(actor=actor, values=values)
    if errors:
        raise AgreementInvalid(errors)
    renewal = Agreement.objects.create(
        **values, dealer_id=old.dealer_id, previous=old, version=old.version + 1,
        number=f"TMP{uuid.uuid4().hex[:24]}",
        created_by=actor if getattr(actor, "pk", None) else None)
    number_assign(renewal, prefix="AG", day=timezone.localdate())
    for name in M2M_FIELDS:
        getattr(renewal, name).set(getattr(old, name).all())
    AgreementTarget.objects.bulk_create(
        AgreementTarget(agreement=renewal, month=add_months(t.month, shift), amount=t.amount)
        for t in old.targets.all())
    audit.record(actor=actor, target=renewal, event="agreement.renewal_created",
                 data={"renews": old.number, "version": renewal.version,
                       "start_date": start, "end_date": end_date})
    audit.record(actor=actor, target=old, event="agreement.renewed",
                 data={"renewal": renewal.number})
    return renewal
