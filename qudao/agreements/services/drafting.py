"""Drafting agreements: create, edit, monthly targets."""

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qudao.agreements.choices import (
    AgreementStatus,
)
from qudao.agreements.exceptions import (
    AgreementInvalid,
    AgreementNotEditable,
)
from qudao.agreements.models import Agreement, AgreementTarget
from qudao.agreements.services._common import (
    AGREEMENT_FIELDS,
    CENT,
    M2M_FIELDS,
    MONTHS_IN_TARGET,
    ZERO,
    _locked,
    _m2m_ids,
    _require,
    _scope_rows,
    _targets_plain,
    _targets_split,
    _trimmed,
    _visible_or_refuse,
    agreement_check,
    party_defaults,
)
from qudao.core import audit
from qudao.core.numbering import number_assign
from qudao.dealers.models import Dealer
from qudao.dealers.scoping import visible_dealers

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
