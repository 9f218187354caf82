"""Dealer import and export as Excel: the same columns both ways.

Import is all-or-nothing: every row is checked (missing column, bad number, unknown
region, duplicate code, unknown parent, bad choice, ...) and the file is saved only when
no row has an error. A parent may be an existing dealer or one defined earlier in the file.
"""

from typing import Any

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qudao.accounts.models import User
from qudao.core.excel import Column, ImportFailed, RowError, read_rows
from qudao.dealers import scoping, services
from qudao.dealers.choices import (
    ChannelLevel,
    CreditRating,
    DealerStatus,
    DistributionMode,
    Grade,
    OwnershipType,
    RetailerType,
)
from qudao.dealers.exceptions import DealerInvalid
from qudao.dealers.models import Dealer
from qudao.territories.models import Territory

COLUMNS = [
    Column("code", gettext_lazy("Dealer code"), required=True),
    Column("name", gettext_lazy("Name"), required=True),
    Column("short_name", gettext_lazy("Short name")),
    Column("channel_level", gettext_lazy("Channel level"), required=True),
    Column("territory", gettext_lazy("Region code"), required=True),
    Column("parent", gettext_lazy("Parent dealer code")),
    Column("legal_name", gettext_lazy("Legal entity")),
    Column("legal_representative", gettext_lazy("Legal representative")),
    Column("credit_code", gettext_lazy("Unified social credit code")),
    Column("distribution_mode", gettext_lazy("Distribution mode")),
    Column("retailer_type", gettext_lazy("Retailer type")),
    Column("address", gettext_lazy("Address")),
    Column("phone", gettext_lazy("Phone")),
    Column("email", gettext_lazy("E-mail")),
    Column("assigned_rep", gettext_lazy("Sales rep (user name)")),
    Column("vehicles", gettext_lazy("Vehicles"), kind="int"),
    Column("warehouse_area", gettext_lazy("Warehouse area (m²)"), kind="int"),
    Column("staff_count", gettext_lazy("Staff"), kind="int"),
    Column("registered_capital", gettext_lazy("Registered capital (CNY)"), kind="decimal"),
    Column("credit_rating", gettext_lazy("Credit rating")),
    Column("ownership_type", gettext_lazy("Ownership type")),
    Column("grade", gettext_lazy("Grade")),
    Column("status", gettext_lazy("Status")),
    Column("tags", gettext_lazy("Tags")),
]
CHOICES = {
    "channel_level": ChannelLevel, "distribution_mode": DistributionMode,
    "retailer_type": RetailerType, "credit_rating": CreditRating,
    "ownership_type": OwnershipType, "grade": Grade, "status": DealerStatus,
}
# Columns of the Excel sheet that are not plain dealer fields.
RELATION_KEYS = {"territory", "parent", "assigned_rep", "status", "tags"}


def _choice_lookup(choices: Any) -> dict[str, str]:
    """Every way a person may write a choice (value, or label in any language) -> value."""
    lookup: dict[str, str] = {}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            for value, label in choices.choices:
                lookup[str(label).strip().lower()] = value
    for value in choices.values:
        lookup[str(value).lower()] = value
    return lookup


def export_row(dealer: Dealer) -> list[Any]:
    """One dealer as a row of COLUMNS (choices as labels in the current language)."""
    values = {
        "territory": dealer.territory.code,
        "parent": dealer.parent.code if dealer.parent_id else "",
        "assigned_rep": dealer.assigned_rep.username if dealer.assigned_rep_id else "",
        "tags": ", ".join(tag.name for tag in dealer.tags.all()),
    }
    row = []
    for column in COLUMNS:
        if column.key in values:
            row.append(values[column.key])
        elif column.key in CHOICES:
            row.append(getattr(dealer, f"get_{column.key}_display")())
        else:
            row.append(getattr(dealer, column.key))
    return row


def dealers_import(*, actor: Any, upload: Any) -> int:
    """Create the dealers of an Excel sheet, all or none. Raises ImportFailed with every error."""
    rows, errors = read_rows(upload, COLUMNS)
    headers = {column.key: str(column.header) for column in COLUMNS}
    lookups = {key: _choice_lookup(choices) for key, choices in CHOICES.items()}
    territory_codes = {r.get("territory") for _n, r in rows if r.get("territory")}
    territories = {t.code: t for t in Territory.objects.filter(code__in=territory_codes)}
    territories.update({t.name: t for t in Territory.objects.filter(name__in=territory_codes)})
    parent_codes = {r.get("parent") for _n, r in rows if r.get("parent")}
    parents = {d.code: d for d in scoping.visible_dealers(actor).filter(code__in=parent_codes)}
    rep_names = {r.get("assigned_rep") for _n, r in rows if r.get("assigned_rep")}
    reps = {u.username: u for u in User.objects.filter(username__in=rep_names)}
    existing = set(Dealer.objects.filter(code__in=[r.get("code") for _n, r in rows])
                   .values_list("code", flat=True))
    seen: dict[str, int] = {}
    prepared: list[tuple[int, dict[str, Any], str | None, str, list[str]]] = []
    for number, record in rows:
        row_errors: list[RowError] = []
        values: dict[str, Any] = {}
        for key, value in record.items():
            if key in RELATION_KEYS:
                continue
            if key in CHOICES and value not in (None, ""):
                chosen = lookups[key].get(str(value).strip().lower())
                if chosen is None:
                    row_errors.append(RowError(number, headers[key], _(
                        "“%(value)s” is not a valid choice.") % {"value": value}))
                    continue
                value = chosen
            values[key] = "" if value is None and key not in _NULLABLE else value
        code = (record.get("code") or "").strip()
        if code in existing:
            row_errors.append(RowError(number, headers["code"], _(
                "Dealer code %(code)s already exists.") % {"code": code}))
        elif code in seen:
            row_errors.append(RowError(number, headers["code"], _(
                "Dealer code %(code)s appears twice in the file (row %(row)d).")
                % {"code": code, "row": seen[code]}))
        seen.setdefault(code, number)
        territory_ref = record.get("territory")
        territory = territories.get(territory_ref) if territory_ref else None
        if territory_ref and territory is None:
            row_errors.append(RowError(number, headers["territory"], _(
                "Unknown region “%(value)s”.") % {"value": territory_ref}))
        values["territory"] = territory
        parent_code = record.get("parent") or None
        if parent_code and parent_code not in parents and parent_code not in seen:
            row_errors.append(RowError(number, headers["parent"], _(
                "Unknown parent dealer “%(value)s” (not in Qudao, nor earlier in the file).")
                % {"value": parent_code}))
        rep_name = record.get("assigned_rep")
        values["assigned_rep"] = reps.get(rep_name) if rep_name else None
        if rep_name and values["assigned_rep"] is None:
            row_errors.append(RowError(number, headers["assigned_rep"], _(
                "Unknown user “%(value)s”.") % {"value": rep_name}))
        status = values.pop("status", "") or DealerStatus.PROSPECT
        tags = [t.strip() for t in (record.get("tags") or "").replace("，", ",").split(",")]
        errors.extend(row_errors)
        prepared.append((number, values, parent_code, status, tags))
    if errors:
        raise ImportFailed(sorted(errors, key=lambda e: (e.row, e.column)))
    return _save(actor=actor, prepared=prepared, parents=parents, headers=headers)


_NULLABLE = {"vehicles", "warehouse_area", "staff_count", "registered_capital"}


@transaction.atomic
def _save(*, actor: Any, prepared: list, parents: dict[str, Dealer],
          headers: dict[str, str]) -> int:
    """Create the checked rows through the dealer service; any rule it raises fails the file."""
    errors: list[RowError] = []
    created: dict[str, Dealer] = {}
    for number, values, parent_code, status, tags in prepared:
        values["parent"] = (created.get(parent_code) or parents.get(parent_code)
                            if parent_code else None)
        try:
            dealer = services.dealer_create(actor=actor, values=values, tags=tags)
        except DealerInvalid as exc:
            for field, why in exc.errors.items():
                errors.append(RowError(number, headers.get(field, field), why))
            continue
        if status != dealer.status:
            dealer.status = status
            dealer.save(update_fields=["status"])
        created[dealer.code] = dealer
    if errors:
        raise ImportFailed(errors)  # leaving the atomic block undoes every row created above
    return len(created)
