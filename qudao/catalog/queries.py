"""Reads of products and prices. Products are company-wide; dealer users see their level."""

from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from qudao.catalog.filters import ProductFilter
from qudao.catalog.models import Brand, Category, PriceLevel, Product, ProductPrice
from qudao.core.pagination import filters_copy

DEALER_LEVEL_PRICE = {"tier1": PriceLevel.TIER1, "tier2": PriceLevel.TIER2,
                      "terminal": PriceLevel.TERMINAL, "key_account": PriceLevel.TERMINAL}


def product_list(*, user: Any, filters: dict | None = None) -> QuerySet[Product]:
    """Products with category and brand; dealer users see only products on sale."""
    products = Product.objects.select_related("category", "brand")
    if getattr(user, "is_dealer_user", False):
        products = products.filter(status="active")
    data = filters_copy(filters)
    data.setdefault("sort", "sku")
    return ProductFilter(data, queryset=products).qs


def visible_price_levels(user: Any) -> list[str]:
    """Price levels a user may see: staff see all; a dealer its own level and the retail price."""
    if not getattr(user, "is_dealer_user", False):
        return list(PriceLevel.values)
    level = DEALER_LEVEL_PRICE.get(user.dealer.channel_level, PriceLevel.TERMINAL)
    return [level, PriceLevel.RETAIL]


def price_list(*, user: Any, product: Product) -> QuerySet[ProductPrice]:
    """A product's prices over time at the levels the user may see."""
    return (ProductPrice.objects.filter(product=product, level__in=visible_price_levels(user))
            .select_related("created_by").order_by("level", "-valid_from"))


def prices_on(*, products: list[int], level: str, day: date | None = None) -> dict[int, Any]:
    """Unit price of each product at `level` on `day` (today by default), in one query."""
    day = day or timezone.localdate()
    rows = ProductPrice.objects.filter(
        product_id__in=products, level=level, valid_from__lte=day,
    ).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
    return {row.product_id: row.unit_price for row in rows}


def category_list() -> QuerySet:
    """Every category in tree order (categories are company-wide)."""
    return Category.objects.order_by("path")


def brand_list() -> QuerySet:
    """Every brand by code (brands are company-wide)."""
    return Brand.objects.order_by("code")
