"""Product import and export as Excel: the same columns both ways, all-or-nothing import."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qudao.catalog import services
from qudao.catalog.exceptions import ProductInvalid
from qudao.catalog.models import Brand, Category, Product, ProductStatus
from qudao.core.excel import Column, ImportFailed, RowError, read_rows

COLUMNS = [
    Column("sku", gettext_lazy("SKU"), required=True),
    Column("name", gettext_lazy("Name"), required=True),
    Column("spec", gettext_lazy("Specification")),
    Column("category", gettext_lazy("Category code"), required=True),
    Column("brand", gettext_lazy("Brand code"), required=True),
    Column("unit", gettext_lazy("Unit")),
    Column("units_per_case", gettext_lazy("Units per case"), kind="int"),
    Column("order_multiple", gettext_lazy("Order in multiples of"), kind="int"),
    Column("barcode", gettext_lazy("Barcode")),
    Column("status", gettext_lazy("Status")),
]


def export_row(product: Product) -> list[Any]:
    return [product.sku, product.name, product.spec, product.category.code, product.brand.code,
            product.unit, product.units_per_case, product.order_multiple, product.barcode,
            product.status]


def products_import(*, actor: Any, upload: Any) -> int:
    """Create the SKUs of an Excel sheet, all or none. Raises ImportFailed with every error."""
    rows, errors = read_rows(upload, COLUMNS)
    headers = {column.key: str(column.header) for column in COLUMNS}
    categories = {c.code: c for c in Category.objects.all()}
    categories.update({c.name: c for c in categories.values()})
    brands = {b.code: b for b in Brand.objects.all()}
    brands.update({b.name: b for b in brands.values()})
    status_names = {str(label).lower(): value for value, label in ProductStatus.choices}
    prepared: list[tuple[int, dict[str, Any]]] = []
    pending: set[str] = set()
    for number, record in rows:
        values = {k: v for k, v in record.items() if k not in ("category", "brand", "status")}
        counts = ("units_per_case", "order_multiple")
        values = {k: ("" if v is None and k not in counts else v) for k, v in values.items()}
        for key in counts:
            if values.get(key) is None:
                values[key] = 1
        if not values.get("unit"):
            values["unit"] = "件"
        values["category"] = categories.get(record.get("category") or "")
        values["brand"] = brands.get(record.get("brand") or "")
        status = (record.get("status") or ProductStatus.ACTIVE).strip()
        values["status"] = status if status in ProductStatus.values else status_names.get(
            status.lower(), status)
        if record.get("category") and values["category"] is None:
            errors.append(RowError(number, headers["category"], _(
                "Unknown category “%(value)s”.") % {"value": record["category"]}))
        if record.get("brand") and values["brand"] is None:
            errors.append(RowError(number, headers["brand"], _(
                "Unknown brand “%(value)s”.") % {"value": record["brand"]}))
        # One message per cell: a cell already reported (unreadable, empty though required,
        # unknown category or brand) is not reported again by the product rules.
        reported = {e.column for e in errors if e.row == number}
        for field, why in services.product_check(values=values, pending_skus=pending).items():
            if headers.get(field, field) not in reported:
                errors.append(RowError(number, headers.get(field, field), why))
        pending.add((values.get("sku") or "").strip())
        prepared.append((number, values))
    if errors:
        raise ImportFailed(sorted(errors, key=lambda e: (e.row, e.column)))
    return _save(actor=actor, prepared=prepared, headers=headers)


@transaction.atomic
def _save(*, actor: Any, prepared: list, headers: dict[str, str]) -> int:
    errors: list[RowError] = []
    for number, values in prepared:
        try:
            services.product_create(actor=actor, values=values)
        except ProductInvalid as exc:
            errors.extend(RowError(number, headers.get(f, f), why) for f, why in exc.errors.items())
    if errors:
        raise ImportFailed(errors)  # leaving the atomic block undoes every row created above
    return len(prepared)
