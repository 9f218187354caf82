"""Every write to agreements: drafted, checked, approved, signed, activated, renewed, ended.

Each service runs in one transaction, locks the agreement row it changes, checks the
actor's role and scope, raises a DomainError subclass (nothing written) and records an
audit event on the agreement.
"""

import calendar
import uuid
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from qudao.agreements.choices import (
    CLAUSE_SECTIONS,
    STATUS_TRANSITIONS,
    AgreementStatus,
    AgreementType,
    AttachmentKind,
    FreightBearer,
    PaymentMethod,
    PickupMethod,
    SettlementMethod,
)
from qudao.agreements.exceptions import (
    AgreementIncomplete,
    AgreementInvalid,
    AgreementNotEditable,
    AgreementOverlap,
    AgreementTransitionInvalid,
    AttachmentInvalid,
    TerritoryProtected,
)
from qudao.agreements.models import Agreement, AgreementAttachment, AgreementTarget
from qudao.catalog.models import Category, PriceLevel, Product
from qudao.core import audit
from qudao.core.exceptions import NotAllowed
from qudao.core.numbering import number_assign
from qudao.dealers.models import Dealer
from qudao.dealers.scoping import visible_dealers, visible_territories
from qudao.finance import services as finance_services
from qudao.territories.models import Territory

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
MONTHS_IN_TARGET = 12

CLAUSE_FIELDS: list[str] = [name for names in CLAUSE_SECTIONS.values() for name in names]
# Fields a create or an edit may set; status, number and version move only through services.
AGREEMENT_FIELDS: list[str] = [
    "agreement_type", "start_date", "end_date", "all_products", "price_level",
    "discount_percent", *CLAUSE_FIELDS, "supplementary_terms", "not_applicable",
]
M2M_FIELDS = ("territories", "categories", "products")
MONEY_FIELDS = {
    name for name in AGREEMENT_FIELDS
    if isinstance(Agreement._meta.get_field(name), models.DecimalField)
}
CHOICE_FIELDS = {
    "agreement_type": AgreementType, "price_level": PriceLevel,
    "settlement_method": SettlementMethod, "payment_method": PaymentMethod,
    "pickup_method": PickupMethod, "freight_bearer": FreightBearer,
}
ATTACHMENT_TYPES: dict[str, tuple[bytes, ...]] = {
    # Extension -> the bytes such a file starts with (its "magic number").
    "pdf": (b"%PDF",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "doc": (b"\xd0\xcf\x11\xe0",),
    "xls": (b"\xd0\xcf\x11\xe0",),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
}


# --- helpers -----------------------------------------------------------------------------

def _require(actor: Any, perm: str) -> None:
    if actor is None or not actor.has_perm(perm):
        raise NotAllowed(_("Your role may not do this."))


def _label(name: str) -> str:
    return str(Agreement._meta.get_field(name).verbose_name)


def add_months(day: date, months: int) -> date:
    """`day` moved by whole months, clamped to the month's last day (Jan 31 + 1 = Feb 28)."""
    years, month_index = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month_index + 1
    return day.replace(year=year, month=month,
                       day=min(day.day, calendar.monthrange(year, month)[1]))


def _months_between(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month


def _locked(agreement: Agreement) -> Agreement:
    return Agreement.objects.select_for_update().get(pk=agreement.pk)


def _visible_or_refuse(actor: Any, agreement: Agreement) -> None:
    if not visible_dealers(actor).filter(pk=agreement.dealer_id).exists():
        raise NotAllowed(_("Agreement %(number)s is outside your scope.")
                         % {"number": agreement.number})


def _move(agreement: Agreement, to_status: str) -> str:
    """Check the lifecycle allows the move; return the status moved from."""
    if to_status not in STATUS_TRANSITIONS.get(agreement.status, set()):
        raise AgreementTransitionInvalid(
            _("Agreement %(number)s cannot go from %(from)s to %(to)s.") % {
                "number": agreement.number,
                "from": AgreementStatus(agreement.status).label,
                "to": AgreementStatus(to_status).label,
            })
    previous = agreement.status
    agreement.status = to_status
    return previous


def _m2m_ids(agreement: Agreement) -> dict[str, list[int]]:
    return {name: sorted(getattr(agreement, name).values_list("pk", flat=True))
            for name in M2M_FIELDS}


def agreement_check(*, actor: Any, values: dict[str, Any]) -> dict[str, str]:
    """Errors in `values` (the agreement as it would be after the write), by field.

    Checks: term present and ordered, choices known, amounts not negative, percentages and
    the report day in range, texts within their length, N/A only for standard clauses.
    """
    errors: dict[str, str] = {}
    start, end = values.get("start_date"), values.get("end_date")
    if not isinstance(start, date):
        errors["start_date"] = _("Give the date the agreement takes effect.")
    if not isinstance(end, date):
        errors["end_date"] = _("Give the date the agreement ends.")
    elif isinstance(start, date) and end < start:
        errors["end_date"] = _("The agreement cannot end before it starts.")
    for name, choices in CHOICE_FIELDS.items():
        if name in values and values[name] not in choices.values:
            errors[name] = _("Choose a valid %(field)s.") % {"field": _label(name)}
    for name, value in values.items():
        if name in errors or name not in AGREEMENT_FIELDS:
            continue
        field = Agreement._meta.get_field(name)
        if value is None and not field.null:
            errors[name] = _("%(field)s is required.") % {"field": _label(name)}
        elif name in MONEY_FIELDS:
            if value is None or not isinstance(value, Decimal | int) or value < 0:
                errors[name] = _("%(field)s cannot be negative.") % {"field": _label(name)}
            elif Decimal(value).as_tuple().exponent < -field.decimal_places:
                errors[name] = _("%(field)s has too many decimal places.") % {
                    "field": _label(name)}
        elif isinstance(field, models.PositiveIntegerField | models.PositiveSmallIntegerField):
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                      or value < 0):
                errors[name] = _("%(field)s cannot be negative.") % {"field": _label(name)}
        elif isinstance(field, models.CharField | models.TextField) and name not in CHOICE_FIELDS:
            if value is not None and not isinstance(value, str):
                errors[name] = _("%(field)s must be text.") % {"field": _label(name)}
            elif field.max_length and value and len(value) > field.max_length:
                errors[name] = _("%(field)s is longer than %(n)d characters.") % {
                    "field": _label(name), "n": field.max_length}
    discount = values.get("discount_percent")
    if "discount_percent" not in errors and discount is not None and discount > 50:
        errors["discount_percent"] = _("The price discount cannot exceed 50%.")
    rebate = values.get("rebate_percent")
    if "rebate_percent" not in errors and rebate is not None and rebate > 100:
        errors["rebate_percent"] = _("Rebate points cannot exceed 100%.")
    day = values.get("flow_report_day")
    if "flow_report_day" not in errors and day is not None and not 1 <= day <= 28:
        errors["flow_report_day"] = _("The report day is a day of the month from 1 to 28.")
    unknown = [name for name in values.get("not_applicable") or [] if name not in CLAUSE_FIELDS]
    if not isinstance(values.get("not_applicable", []), list) or unknown:
        errors["not_applicable"] = _("Only standard clauses can be marked not applicable: "
                                     "%(names)s.") % {"names": ", ".join(map(str, unknown))}
    return errors


def _scope_rows(*, actor: Any, territory_ids: list[int] | None, category_ids: list[int] | None,
                product_ids: list[int] | None) -> tuple[dict[str, list], dict[str, str]]:
    """The territories, categories and products given by id, and errors for unknown ids or
    authorized territories outside the actor's own."""
    rows: dict[str, list] = {}
    errors: dict[str, str] = {}
    if territory_ids is not None:
        wanted = set(territory_ids)
        found = {t.pk: t for t in Territory.objects.filter(pk__in=wanted)}
        if wanted - set(found):
            errors["territories"] = _("Unknown territory: %(ids)s.") % {
                "ids": ", ".join(str(pk) for pk in sorted(wanted - set(found)))}
        else:
            allowed = set(visible_territories(actor).filter(pk__in=wanted)
                          .values_list("pk", flat=True))
            outside = [found[pk] for pk in sorted(wanted - allowed)]
            if outside:
                errors["territories"] = _(
                    "Authorized territory %(names)s is outside your territories; an agreement "
                    "can only authorize regions you cover.") % {
                    "names": ", ".join(t.display_name for t in outside)}
        rows["territories"] = list(found.values())
    for name, model, ids in (("categories", Category, category_ids),
                             ("products", Product, product_ids)):
        if ids is None:
            continue
        found = list(model.objects.filter(pk__in=set(ids)))
        if len(found) != len(set(ids)):
            unknown = set(ids) - {row.pk for row in found}
            errors[name] = _("Unknown %(what)s: %(ids)s.") % {
                "what": _label(name), "ids": ", ".join(str(pk) for pk in sorted(unknown))}
        rows[name] = found
    return rows, errors


def _targets_split(agreement: Agreement) -> None:
    """Replace the monthly targets by the annual target spread over 12 months from the
    start month. Each month gets the same amount rounded down to the cent; the last month
    takes the remainder, so the months add up to the annual target exactly."""
    agreement.targets.all().delete()
    total = agreement.annual_target or ZERO
    share = (total / MONTHS_IN_TARGET).quantize(CENT, ROUND_DOWN)
    first = agreement.start_date.replace(day=1)
    amounts = [share] * (MONTHS_IN_TARGET - 1) + [total - share * (MONTHS_IN_TARGET - 1)]
    AgreementTarget.objects.bulk_create(
        AgreementTarget(agreement=agreement, month=add_months(first, i), amount=amount)
        for i, amount in enumerate(amounts))


def _targets_plain(agreement: Agreement) -> dict[str, str]:
    return {f"{t.month:%Y-%m}": str(t.amount) for t in agreement.targets.all()}


def party_defaults(dealer: Dealer | None) -> dict[str, str]:
    """The parties' details as they stand today (the manufacturer's alone without a dealer);
    the agreement keeps this snapshot."""
    maker = settings.MANUFACTURER
    values = {
        "manufacturer_name": maker.get("name", ""),
        "manufacturer_legal_representative": maker.get("legal_representative", ""),
        "manufacturer_address": maker.get("address", ""),
        "manufacturer_phone": maker.get("phone", ""),
        "manufacturer_bank_account": maker.get("bank_account", ""),
    }
    if dealer is not None:
        values.update({
            "dealer_legal_name": dealer.legal_name or dealer.name,
            "dealer_legal_representative": dealer.legal_representative,
            "dealer_address": dealer.address,
            "dealer_phone": dealer.phone,
            "dealer_bank_account": " ".join(
                part for part in (dealer.bank_name, dealer.bank_account) if part),
        })
    return values


def _trimmed(values: dict[str, Any]) -> dict[str, Any]:
    """Texts stripped; party snapshot fields cut to their column width."""
    clean = {}
    for name, value in values.items():
        try:
            field = Agreement._meta.get_field(name)
        except FieldDoesNotExist:
            field = None
        if value is None and isinstance(field, models.CharField | models.TextField):
            value = ""
        elif value is None and name == "not_applicable":
            value = []
        if isinstance(value, str):
            value = value.strip()
            width = getattr(field, "max_length", None)
            if width and name.startswith(("manufacturer_", "dealer_")):
                value = value[:width]
        clean[name] = value
    if "not_applicable" in clean and isinstance(clean["not_applicable"], list | tuple | set):
        clean["not_applicable"] = sorted(set(clean["not_applicable"]))
    return clean


# --- drafting ----------------------------------------------------------------------------

@transaction.atomic
def agreement_create(*, actor: Any, dealer: Dealer, values: dict[str, Any],
                     territory_ids: list[int], category_ids: list[int] | None = None,
                     product_ids: list[int] | None = None) -> Agreement:
    """Draft an agreement for a dealer, numbered AG…, with the parties' details snapshotted
    and the annual target split over 12 months.

    The dealer must be in the actor's scope and every authorized territory among the
    actor's territories. Raises AgreementInvalid (nothing written) or NotAllowed.
    """
    _require(actor, "agreements.add_agreement")
    if not visible_dealers(actor).filter(pk=dealer.pk).exists():
        raise AgreementInvalid({"dealer": _("Dealer %(name)s is outside your scope.")
                                % {"name": dealer.name}})
    data = {k: v for k, v in values.items() if k in AGREEMENT_FIELDS}
    for name, default in party_defaults(dealer).items():
        if not (data.get(name) or "").strip():
            data[name] = default
    data = _trimmed(data)
    errors = agreement_check(actor=actor, values=data)
    rows, scope_errors = _scope_rows(actor=actor, territory_ids=list(territory_ids or []),
                                     category_ids=list(category_ids or []),
                                     product_ids=list(product_ids or []))
    errors.update(scope_errors)
    if errors:
        raise AgreementInvalid(errors)
    agreement = Agreement.objects.create(
        **data, dealer=dealer, number=f"TMP{uuid.uuid4().hex[:24]}",
        created_by=actor if getattr(actor, "pk", None) else None)
    number_assign(agreement, prefix="AG", day=timezone.localdate())
    for name in M2M_FIELDS:
        getattr(agreement, name).set(rows[name])
    _targets_split(agreement)
    audit.record(actor=actor, target=agreement, event="agreement.created",
                 data={"number": agreement.number, "dealer": dealer.code,
                       "start_date": agreement.start_date, "end_date": agreement.end_date,
                       "annual_target": agreement.annual_target})
    return agreement


@transaction.atomic
def agreement_update(*, actor: Any, agreement: Agreement, values: dict[str, Any],
                     territory_ids: list[int] | None = None,
                     category_ids: list[int] | None = None,
                     product_ids: list[int] | None = None) -> Agreement:
    """Edit a draft; every changed clause goes into its history. A `None` id list leaves
    that scope unchanged. A new annual target or start month re-splits the monthly targets.

    Raises AgreementNotEditable unless the agreement is a draft, AgreementInvalid, NotAllowed.
    """
    _require(actor, "agreements.change_agreement")
    agreement = _locked(agreement)
    _visible_or_refuse(actor, agreement)
    if agreement.status != AgreementStatus.DRAFT:
        raise AgreementNotEditable(
            _("Agreement %(number)s is %(status)s; only a draft can be edited.") % {
                "number": agreement.number,
                "status": AgreementStatus(agreement.status).label})
    before = {**audit.snapshot(agreement, AGREEMENT_FIELDS), **_m2m_ids(agreement)}
    merged = {name: getattr(agreement, name) for name in AGREEMENT_FIELDS}
    merged.update(_trimmed({k: v for k, v in values.items() if k in AGREEMENT_FIELDS}))
    errors = agreement_check(actor=actor, values=merged)
    rows, scope_errors = _scope_rows(actor=actor, territory_ids=territory_ids,
                                     category_ids=category_ids, product_ids=product_ids)
    errors.update(scope_errors)
    if errors:
        raise AgreementInvalid(errors)
    resplit = (merged["annual_target"] != agreement.annual_target
               or merged["start_date"].replace(day=1) != agreement.start_date.replace(day=1))
    for name, value in merged.items():
        setattr(agreement, name, value)
    agreement.save()
    for name, found in rows.items():
        getattr(agreement, name).set(found)
    if resplit:
        _targets_split(agreement)
    changes = audit.diff(before, {**audit.snapshot(agreement, AGREEMENT_FIELDS),
                                  **_m2m_ids(agreement)})
    if changes:
        audit.record(actor=actor, target=agreement, event="agreement.updated", data=changes)
    return agreement


@transaction.atomic
def agreement_targets_set(*, actor: Any, agreement: Agreement,
                          months: dict[date, Decimal]) -> Agreement:
    """Set a draft's monthly targets (at most 12 months, each within the term); the annual
    target becomes their sum. Any day of a month stands for that month.

    Raises AgreementNotEditable, AgreementInvalid (nothing written) or NotAllowed.
    """
    _require(actor, "agreements.change_agreement")
    agreement = _locked(agreement)
    _visible_or_refuse(actor, agreement)
    if agreement.status != AgreementStatus.DRAFT:
        raise AgreementNotEditable(_("Agreement %(number)s is not a draft; its targets are "
                                     "fixed.") % {"number": agreement.number})
    clean: dict[date, Decimal] = {}
    errors: dict[str, str] = {}
    first, last = agreement.start_date.replace(day=1), agreement.end_date.replace(day=1)
    for day, amount in months.items():
        month = day.replace(day=1)
        key = f"{month:%Y-%m}"
        if month in clean:
            errors[key] = _("%(month)s is given twice.") % {"month": key}
        elif not first <= month <= last:
            errors[key] = _("%(month)s is outside the agreement's term.") % {"month": key}
        elif amount is None or amount < 0 or Decimal(amount).as_tuple().exponent < -2:
            errors[key] = _("The target for %(month)s must be an amount of at least 0 with "
                            "at most 2 decimal places.") % {"month": key}
        else:
            clean[month] = Decimal(amount).quantize(CENT)
    if len(months) > MONTHS_IN_TARGET:
        errors["months"] = _("Give at most 12 monthly targets.")
    if errors:
        raise AgreementInvalid(errors)
    before = _targets_plain(agreement)
    old_total = agreement.annual_target
    agreement.targets.all().delete()
    AgreementTarget.objects.bulk_create(
        AgreementTarget(agreement=agreement, month=month, amount=amount)
        for month, amount in sorted(clean.items()))
    agreement.annual_target = sum(clean.values(), ZERO)
    agreement.save(update_fields=["annual_target", "updated_at"])
    after = _targets_plain(agreement)
    changes = {month: [before.get(month), after.get(month)]
               for month in sorted(set(before) | set(after))
               if before.get(month) != after.get(month)}
    if old_total != agreement.annual_target:
        changes["annual_target"] = [str(old_total), str(agreement.annual_target)]
    if changes:
        audit.record(actor=actor, target=agreement, event="agreement.targets_set", data=changes)
    return agreement


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


# --- attachments -------------------------------------------------------------------------

@transaction.atomic
def attachment_add(*, actor: Any, agreement: Agreement, upload: Any,
                   kind: str = AttachmentKind.OTHER, name: str = "") -> AgreementAttachment:
    """Keep a document with the agreement (power of attorney, pickup proof, signed copy …).

    Accepts PDF, JPG, PNG, Word and Excel files up to the import size limit, checked by
    extension and content. Raises AttachmentInvalid (nothing stored) or NotAllowed.
    """
    _require(actor, "agreements.change_agreement")
    agreement = _locked(agreement)
    _visible_or_refuse(actor, agreement)
    if kind not in AttachmentKind.values:
        raise AttachmentInvalid(_("Choose the kind of document."))
    filename = Path(getattr(upload, "name", "") or "").name
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in ATTACHMENT_TYPES:
        raise AttachmentInvalid(_("%(file)s: only PDF, JPG, PNG, Word and Excel files can be "
                                  "attached.") % {"file": filename or "?"})
    size = getattr(upload, "size", None) or 0
    if size > settings.IMPORT_MAX_BYTES:
        raise AttachmentInvalid(_("%(file)s is larger than %(mb)d MB.") % {
            "file": filename, "mb": settings.IMPORT_MAX_BYTES // (1024 * 1024)})
    if size == 0:
        raise AttachmentInvalid(_("%(file)s is empty.") % {"file": filename})
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if not head.startswith(ATTACHMENT_TYPES[extension]):
        raise AttachmentInvalid(_("%(file)s is not really a .%(ext)s file.") % {
            "file": filename, "ext": extension})
    title = (name or "").strip()[:120] or filename[:120]
    attachment = AgreementAttachment(agreement=agreement, kind=kind, name=title,
                                     uploaded_by=actor if getattr(actor, "pk", None) else None)
    attachment.file.save(filename, upload, save=False)
    try:
        attachment.save()
        audit.record(actor=actor, target=attachment, subject=agreement,
                     event="agreement.attachment_added",
                     data={"name": title, "kind": kind, "size": size})
    except Exception:
        attachment.file.storage.delete(attachment.file.name)
        raise
    return attachment


@transaction.atomic
def attachment_delete(*, actor: Any, attachment: AgreementAttachment) -> None:
    """Remove a document from an agreement still in progress or in force; the documents of
    an ended agreement are its archive and stay. Raises AttachmentInvalid or NotAllowed."""
    _require(actor, "agreements.change_agreement")
    agreement = _locked(attachment.agreement)
    _visible_or_refuse(actor, agreement)
    if agreement.status in (AgreementStatus.EXPIRED, AgreementStatus.TERMINATED):
        raise AttachmentInvalid(_("Agreement %(number)s has ended; its documents are kept.")
                                % {"number": agreement.number})
    audit.record(actor=actor, target=attachment, subject=agreement,
                 event="agreement.attachment_deleted",
                 data={"name": attachment.name, "kind": attachment.kind})
    stored, storage = attachment.file.name, attachment.file.storage
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(stored))
