"""Writes of channel performance: KPI weights, channel expenses (by hand or from Excel),
market sizes, the hand-recorded indicators, and the dealers' rating of their rep.

Every write runs in one transaction; the caller has checked the role's permission, the
service checks the record is within the actor's territories. Weights, expenses and
market sizes (money and master data) are audited. A dealer's rating is not: the audit
trail would tell the rep's colleagues which dealer said what.
"""

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qudao.accounts.choices import Role
from qudao.core import audit
from qudao.core.models import AuditEvent
from qudao.dealers.models import Dealer
from qudao.dealers.scoping import visible_territories
from qudao.performance.choices import ExpenseCategory, PeriodKind
from qudao.performance.exceptions import (
    ExpenseInvalid,
    IndicatorInvalid,
    MarketSizeInvalid,
    RatingInvalid,
    WeightsInvalid,
)
from qudao.performance.kpi import current_weights
from qudao.performance.models import (
    KPI_ITEMS,
    ChannelExpense,
    KpiWeights,
    MarketSize,
    RegionIndicator,
    RepRating,
)
from qudao.performance.periods import quarter_start
from qudao.territories.models import Territory

ONE = Decimal("1.00")
CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("99999999999999.99")
SCORE_FIELDS = ("responsiveness", "professionalism", "sales_help")
INDICATOR_FIELDS = ("relationship", "satisfaction", "atmosphere")
COMMENT_MAX = 2000


def _decimal(value: Any) -> Decimal | None:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        return None
    return number if number.is_finite() else None


# -- KPI weights -------------------------------------------------------------------------

def weights_check(values: dict[str, Any]) -> dict[str, str]:
    """Why the weights cannot be taken, by field: each between 0 and 1 with two places,
    together exactly 1.00; development targets above 0."""
    errors: dict[str, str] = {}
    total = Decimal("0")
    for item in KPI_ITEMS:
        weight = _decimal(values.get(item))
        label = str(KpiWeights._meta.get_field(item).verbose_name)
        if weight is None or not Decimal("0") <= weight <= ONE or weight != weight.quantize(
                CENT):
            errors[item] = _("The weight of “%(item)s” must be a number from 0 to 1 with at "
                             "most two decimals.") % {"item": label}
            continue
        total += weight
    for key in ("new_dealers_per_month", "first_orders_per_month"):
        target = _decimal(values.get(key, "1"))
        if target is None or target <= 0 or target > Decimal("999"):
            errors[key] = _("“%(field)s” must be a number above 0.") % {
                "field": KpiWeights._meta.get_field(key).verbose_name}
    if not errors and total != ONE:
        errors["__all__"] = _("The weights add up to %(total)s; they must add up to "
                              "exactly 1.00.") % {"total": total.quantize(CENT)}
    return errors


@transaction.atomic
def weights_set(*, actor: Any, values: dict[str, Any]) -> KpiWeights:
    """Put a new KPI scheme in force (R-SK-01). Raises WeightsInvalid; nothing is saved."""
    errors = weights_check(values)
    if errors:
        raise WeightsInvalid(errors)
    before = current_weights()
    fields = KPI_ITEMS + ["new_dealers_per_month", "first_orders_per_month"]
    old = audit.snapshot(before, fields)
    row = KpiWeights.objects.create(
        created_by=actor if getattr(actor, "pk", None) else None,
        **{key: _decimal(values.get(key, getattr(before, key))).quantize(CENT)
           for key in fields})
    audit.record(actor=actor, target=row, event="performance.weights_set",
                 data=audit.diff(old, audit.snapshot(row, fields)))
    return row


# -- channel expenses --------------------------------------------------------------------

def _territory_ok(actor: Any, territory: Territory | None) -> bool:
    return territory is not None and visible_territories(actor).filter(pk=territory.pk).exists()


def expense_check(*, actor: Any, values: dict[str, Any]) -> dict[str, str]:
    """Why an expense cannot be taken, by field."""
    errors: dict[str, str] = {}
    territory = values.get("territory")
    if territory is None:
        errors["territory"] = _("Choose the region the expense belongs to.")
    elif not _territory_ok(actor, territory):
        errors["territory"] = _("Region “%(region)s” is outside your territories.") % {
            "region": territory}
    if not isinstance(values.get("month"), datetime.date):
        errors["month"] = _("Give the month of the expense (YYYY-MM).")
    if values.get("category") not in ExpenseCategory.values:
        errors["category"] = _("“%(value)s” is not an expense category (%(choices)s).") % {
            "value": values.get("category") or "", "choices": ", ".join(ExpenseCategory.values)}
    amount = _decimal(values.get("amount"))
    if amount is None or amount < 0 or amount > MAX_AMOUNT or amount != amount.quantize(CENT):
        errors["amount"] = _("The amount must be a number of CNY of 0 or more, with at most "
                             "two decimals.")
    if len(values.get("note") or "") > 200:
        errors["note"] = _("The note is longer than 200 characters.")
    return errors


def _expense_values(values: dict[str, Any]) -> dict[str, Any]:
    return {"territory": values["territory"], "month": values["month"].replace(day=1),
            "category": values["category"], "amount": _decimal(values["amount"]),
            "note": (values.get("note") or "").strip()}


EXPENSE_FIELDS = ["territory", "month", "category", "amount", "note"]


@transaction.atomic
def expense_create(*, actor: Any, values: dict[str, Any]) -> ChannelExpense:
    """Record a channel expense of a region and month (R-EV-11). Raises ExpenseInvalid."""
    errors = expense_check(actor=actor, values=values)
    if errors:
        raise ExpenseInvalid(errors)
    expense = ChannelExpense.objects.create(created_by=actor, **_expense_values(values))
    audit.record(actor=actor, target=expense, event="performance.expense_added",
                 data=audit.snapshot(expense, EXPENSE_FIELDS))
    return expense


@transaction.atomic
def expense_update(*, actor: Any, expense: ChannelExpense,
                   values: dict[str, Any]) -> ChannelExpense:
    """Correct an expense. Raises ExpenseInvalid; nothing is saved then."""
    expense = ChannelExpense.objects.select_for_update().get(pk=expense.pk)
    merged = {key: values.get(key, getattr(expense, key)) for key in EXPENSE_FIELDS}
    errors = expense_check(actor=actor, values=merged)
    if not _territory_ok(actor, expense.territory):
        errors["territory"] = _("Region “%(region)s” is outside your territories.") % {
            "region": expense.territory}
    if errors:
        raise ExpenseInvalid(errors)
    before = audit.snapshot(expense, EXPENSE_FIELDS)
    for key, value in _expense_values(merged).items():
        setattr(expense, key, value)
    expense.save()
    changes = audit.diff(before, audit.snapshot(expense, EXPENSE_FIELDS))
    if changes:
        audit.record(actor=actor, target=expense, event="performance.expense_changed",
                     data=changes)
    return expense


@transaction.atomic
def expense_delete(*, actor: Any, expense: ChannelExpense) -> None:
    """Delete a wrongly entered expense (the audit trail keeps what it was)."""
    if not _territory_ok(actor, expense.territory):
        raise ExpenseInvalid({"territory": _("Region “%(region)s” is outside your "
                                             "territories.") % {"region": expense.territory}})
    audit.record(actor=actor, target=expense, event="performance.expense_deleted",
                 data=audit.snapshot(expense, EXPENSE_FIELDS))
    expense.delete()


@transaction.atomic
def expenses_write(*, actor: Any, rows: list[dict[str, Any]]) -> int:
    """Save checked expense rows at once (an import, the demo), each audited."""
    objects = ChannelExpense.objects.bulk_create(
        [ChannelExpense(created_by=actor if getattr(actor, "pk", None) else None,
                        **_expense_values(row)) for row in rows], batch_size=1000)
    kind = ContentType.objects.get_for_model(ChannelExpense)
    if objects and objects[0].pk is None:
        # Backends that do not return keys from a bulk insert: read them back.
        objects = list(ChannelExpense.objects.order_by("-id")[:len(objects)])
    AuditEvent.objects.bulk_create([
        AuditEvent(actor=actor if getattr(actor, "pk", None) else None,
                   event="performance.expense_added", target_type=kind,
                   target_id=str(expense.pk), target_repr=str(expense)[:200],
                   subject_type=kind, subject_id=str(expense.pk),
                   data={k: audit._plain(v) for k, v in audit.snapshot(
                       expense, EXPENSE_FIELDS).items()})
        for expense in objects], batch_size=1000)
    return len(objects)


# -- market sizes -----------------------------------------------------------------------

@transaction.atomic
def market_size_set(*, actor: Any, territory: Territory | None, year: Any, amount: Any,
                    note: str = "") -> MarketSize:
    """Enter (or correct) a region's market size for a year (R-EV-10). Raises
    MarketSizeInvalid."""
    errors: dict[str, str] = {}
    if territory is None or not _territory_ok(actor, territory):
        errors["territory"] = _("Choose a region within your territories.")
    year_number = int(year) if str(year or "").isdigit() else None
    if year_number is None or not 2000 <= year_number <= 2100:
        errors["year"] = _("The year must be between 2000 and 2100.")
    size = _decimal(amount)
    if size is None or size <= 0 or size > MAX_AMOUNT or size != size.quantize(CENT):
        errors["amount"] = _("The market size must be an amount of CNY above 0, with at "
                             "most two decimals.")
    if errors:
        raise MarketSizeInvalid(errors)
    row = MarketSize.objects.select_for_update().filter(territory=territory,
                                                        year=year_number).first()
    before = audit.snapshot(row, ["amount", "note"]) if row else {}
    if row is None:
        row = MarketSize(territory=territory, year=year_number)
    row.amount, row.note, row.updated_by = size, (note or "").strip()[:200], actor
    row.save()
    audit.record(actor=actor, target=row, event="performance.market_size_set",
                 data=audit.diff(before, audit.snapshot(row, ["amount", "note"])))
    return row


# -- hand-recorded indicators -------------------------------------------------------------

@transaction.atomic
def indicator_set(*, actor: Any, territory: Territory | None, period_kind: str,
                  period_start: datetime.date, scores: dict[str, Any],
                  note: str = "") -> RegionIndicator:
    """Record the relationship, satisfaction and atmosphere of a region (None: the whole
    company, HQ only) for a period, replacing what was recorded before (R-EV-06)."""
    errors: dict[str, str] = {}
    if territory is None and not getattr(actor, "sees_all_dealers", False):
        errors["territory"] = _("Only head office records the whole company's indicators.")
    elif territory is not None and not _territory_ok(actor, territory):
        errors["territory"] = _("Region “%(region)s” is outside your territories.") % {
            "region": territory}
    if period_kind not in PeriodKind.values:
        errors["period"] = _("Unknown period.")
    values = {}
    for field in INDICATOR_FIELDS:
        value = scores.get(field)
        if not str(value or "").isdigit() or not 1 <= int(value) <= 5:
            errors[field] = _("“%(field)s” must be a score from 1 to 5.") % {
                "field": RegionIndicator._meta.get_field(field).verbose_name}
        else:
            values[field] = int(value)
    if len(note or "") > COMMENT_MAX:
        errors["note"] = _("The note is longer than %(n)d characters.") % {"n": COMMENT_MAX}
    if errors:
        raise IndicatorInvalid(errors)
    indicator, _created = RegionIndicator.objects.update_or_create(
        territory=territory, period_kind=period_kind, period_start=period_start,
        defaults={**values, "note": (note or "").strip(), "recorded_by": actor})
    return indicator


# -- the dealers' rating of their rep ------------------------------------------------------

@transaction.atomic
def rating_submit(*, actor: Any, scores: dict[str, Any], comment: str = "",
                  today: datetime.date | None = None) -> RepRating:
    """The actor's dealer rates its assigned rep for this quarter (R-SK-02): one rating per
    dealer, rep and quarter; rating again within the quarter updates it. Only the dealer's
    admin rates. Raises RatingInvalid; nothing is saved then."""
    if not (getattr(actor, "is_dealer_user", False) and actor.role == Role.DEALER_ADMIN
            and actor.dealer_id):
        raise RatingInvalid({"dealer": _("Only a dealer's admin rates its sales rep.")})
    # The dealer row is locked: two ratings sent at once by the same dealer become one.
    dealer = Dealer.objects.select_for_update(of=("self",)).select_related("assigned_rep").get(
        pk=actor.dealer_id)
    errors: dict[str, str] = {}
    rep = dealer.assigned_rep
    if rep is None or not rep.is_active:
        errors["rep"] = _("%(dealer)s has no sales rep assigned to rate.") % {"dealer": dealer}
    values = {}
    for field in SCORE_FIELDS:
        value = scores.get(field)
        if not str(value or "").isdigit() or not 1 <= int(value) <= 5:
            errors[field] = _("“%(field)s” must be a score from 1 to 5.") % {
                "field": RepRating._meta.get_field(field).verbose_name}
        else:
            values[field] = int(value)
    if len(comment or "") > COMMENT_MAX:
        errors["comment"] = _("The comment is longer than %(n)d characters.") % {
            "n": COMMENT_MAX}
    if errors:
        raise RatingInvalid(errors)
    quarter = quarter_start(today or timezone.localdate())
    rating, _created = RepRating.objects.update_or_create(
        dealer=dealer, rep=rep, quarter=quarter,
        defaults={**values, "comment": (comment or "").strip(), "rated_by": actor})
    return rating
