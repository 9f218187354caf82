"""Every write to products and the price system."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from qudao.catalog.exceptions import PriceInvalid, PriceOverlap, ProductInvalid
from qudao.catalog.models import Brand, Category, PriceLevel, Product, ProductPrice, ProductStatus
from qudao.core import audit

PRODUCT_FIELDS = ["sku", "name", "spec", "category", "brand", "unit", "units_per_case",
                  "order_multiple", "barcode", "status"]


def gtin_valid(code: str) -> bool:
    """Whether `code` is an EAN-8, UPC-A, EAN-13 or GTIN-14 with a correct check digit."""
    if not code.isdigit() or len(code) not in (8, 12, 13, 14):
        return False
    digits = [int(c) for c in code]
    body, check = digits[:-1], digits[-1]
    total = sum(d * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10 == check


def product_check(*, values: dict[str, Any], product: Product | None = None,
                  pending_skus: set[str] | None = None) -> dict[str, str]:
    """Errors in a product as it would be after the write, by field."""
    errors: dict[str, str] = {}
    sku = (values.get("sku") or "").strip()
    if not sku:
        errors["sku"] = _("A product needs a SKU.")
    elif (sku in (pending_skus or set())
          or Product.objects.filter(sku=sku).exclude(pk=getattr(product, "pk", None)).exists()):
        errors["sku"] = _("SKU %(sku)s is already used.") % {"sku": sku}
    if not (values.get("name") or "").strip():
        errors["name"] = _("A product needs a name.")
    if values.get("category") is None:
        errors["category"] = _("Choose a category.")
    if values.get("brand") is None:
        errors["brand"] = _("Choose a brand.")
    units = values.get("units_per_case")
    if units is None or units < 1:
        errors["units_per_case"] = _("Units per case must be 1 or more.")
    multiple = values.get("order_multiple", 1)
    if multiple is None or multiple < 1:
        errors["order_multiple"] = _("The order multiple must be 1 or more.")
    barcode = (values.get("barcode") or "").strip()
    if barcode and not gtin_valid(barcode):
        errors["barcode"] = _("“%(code)s” is not a valid EAN/UPC barcode.") % {"code": barcode}
    if values.get("status", ProductStatus.ACTIVE) not in ProductStatus.values:
        errors["status"] = _("Unknown status.")
    return errors


@transaction.atomic
def product_create(*, actor: Any, values: dict[str, Any]) -> Product:
    """Create a SKU. Raises ProductInvalid."""
    values = {k: v for k, v in values.items() if k in PRODUCT_FIELDS}
    values.setdefault("units_per_case", 1)
    errors = product_check(values=values)
    if errors:
        raise ProductInvalid(errors)
    product = Product.objects.create(**values)
    audit.record(actor=actor, target=product, event="product.created",
                 data={"sku": product.sku, "name": product.name})
    return product


@transaction.atomic
def product_update(*, actor: Any, product: Product, values: dict[str, Any]) -> Product:
    """Edit a SKU; changes go into its history. Raises ProductInvalid."""
    product = Product.objects.select_for_update().get(pk=product.pk)
    before = audit.snapshot(product, PRODUCT_FIELDS)
    merged = {name: getattr(product, name) for name in PRODUCT_FIELDS}
    merged.update({k: v for k, v in values.items() if k in PRODUCT_FIELDS})
    errors = product_check(values=merged, product=product)
    if errors:
        raise ProductInvalid(errors)
    for name, value in merged.items():
        setattr(product, name, value)
    product.save()
    changes = audit.diff(before, audit.snapshot(product, PRODUCT_FIELDS))
    if changes:
        audit.record(actor=actor, target=product, event="product.updated", data=changes)
    return product


def _overlapping(product: Product, level: str, start: date, end: date | None):
    prices = ProductPrice.objects.filter(product=product, level=level)
    # Two periods overlap when each starts before (or on) the other's end.
    prices = prices.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start))
    if end is not None:
        prices = prices.filter(valid_from__lte=end)
    return prices


@transaction.atomic
def price_add(*, actor: Any, product: Product, level: str, unit_price: Decimal,
              valid_from: date, valid_to: date | None = None,
              close_open_price: bool = True) -> ProductPrice:
    """Set a SKU's price at a level from `valid_from`.

    An open-ended price that started earlier is closed the day before (the usual way a
    price changes); any other overlap with an existing period raises PriceOverlap.
    """
    if level not in PriceLevel.values:
        raise PriceInvalid(_("Unknown price level."))
    if unit_price is None or unit_price < 0:
        raise PriceInvalid(_("A price cannot be negative."))
    if valid_to is not None and valid_to < valid_from:
        raise PriceInvalid(_("A price cannot end before it starts."))
    # Lock the product: two price changes for one SKU at once must not both pass the check.
    product = Product.objects.select_for_update().get(pk=product.pk)
    clashes = list(_overlapping(product, level, valid_from, valid_to))
    if close_open_price:
        for clash in list(clashes):
            if clash.valid_to is None and clash.valid_from < valid_from:
                clash.valid_to = date.fromordinal(valid_from.toordinal() - 1)
                clash.save(update_fields=["valid_to", "updated_at"])
                audit.record(actor=actor, target=clash, subject=product, event="price.closed",
                             data={"level": level, "valid_to": clash.valid_to})
                clashes.remove(clash)
    if clashes:
        clash = clashes[0]
        raise PriceOverlap(
            _("%(level)s of %(sku)s already has a price from %(start)s to %(end)s, "
              "which overlaps this period.") % {
                "level": PriceLevel(level).label, "sku": product.sku, "start": clash.valid_from,
                "end": clash.valid_to or _("open end")})
    price = ProductPrice.objects.create(
        product=product, level=level, unit_price=unit_price, valid_from=valid_from,
        valid_to=valid_to, created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit.record(actor=actor, target=price, subject=product, event="price.added",
                 data={"level": level, "unit_price": unit_price, "valid_from": valid_from,
                       "valid_to": valid_to})
    return price


@transaction.atomic
def category_create(*, actor: Any, code: str, name: str, name_en: str = "",
                    parent: Category | None = None) -> Category:
    if Category.objects.filter(code=code).exists():
        raise ProductInvalid({"code": _("Category code %(code)s is already used.")
                              % {"code": code}})
    values = {"code": code, "name": name, "name_en": name_en}
    node = (Category.objects.add_child(parent, values) if parent
            else Category.objects.add_root(values))
    audit.record(actor=actor, target=node, event="category.created", data=values)
    return node


@transaction.atomic
def brand_create(*, actor: Any, code: str, name: str) -> Brand:
    if Brand.objects.filter(code=code).exists():
        raise ProductInvalid({"code": _("Brand code %(code)s is already used.") % {"code": code}})
    brand = Brand.objects.create(code=code, name=name)
    audit.record(actor=actor, target=brand, event="brand.created", data={"code": code})
    return brand
