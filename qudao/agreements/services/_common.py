"""Shared pieces of the agreement services: field lists, checks, scope and target helpers."""

import calendar
from datetime import date
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext as _

from qudao.agreements.choices import (
    CLAUSE_SECTIONS,
    STATUS_TRANSITIONS,
    AgreementStatus,
    AgreementType,
    FreightBearer,
    PaymentMethod,
    PickupMethod,
    SettlementMethod,
)
from qudao.agreements.exceptions import (
    AgreementTransitionInvalid,
)
from qudao.agreements.models import Agreement, AgreementTarget
from qudao.catalog.models import Category, PriceLevel, Product
from qudao.core.exceptions import NotAllowed
from qudao.dealers.models import Dealer
from qudao.dealers.scoping import visible_dealers, visible_territories
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
