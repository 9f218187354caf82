"""Reads of orders, shipments, returns and product codes, each starting from the user's scope.

Lists fetch what they show in a fixed number of queries (counts come from subqueries, not
a query per row); another dealer's record answers 404.
"""

from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from qudao.agreements import queries as agreement_queries
from qudao.catalog.models import Product, ProductStatus
from qudao.core.exceptions import NotAllowed
from qudao.core.pagination import filters_copy
from qudao.dealers.models import Dealer
from qudao.dealers.scoping import dealer_rows, visible_dealers
from qudao.finance.models import CreditAccount
from qudao.orders.choices import OrderStatus, ReturnStatus
from qudao.orders.filters import OrderFilter, ReturnFilter, ShipmentFilter
from qudao.orders.models import (
    Order,
    OrderLine,
    ProductCode,
    ReturnLine,
    ReturnRequest,
    Shipment,
    ShipmentLine,
)
from qudao.territories.models import Territory

OPEN_STATUSES = (OrderStatus.SUBMITTED, OrderStatus.APPROVED, OrderStatus.PARTIALLY_SHIPPED)
PANEL_RECENT = 5
SEARCH_LIMIT = 30


def _count(queryset: QuerySet, group: str) -> Coalesce:
    """A correlated count subquery (0 when there is none)."""
    sub = queryset.order_by().values(group).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(sub, output_field=IntegerField()), 0)


def _scoped(model, user: Any) -> QuerySet:
    return dealer_rows(model.objects.all(), user)


# ---------------------------------------------------------------------------------------
# Orders
# ---------------------------------------------------------------------------------------

def order_list(*, user: Any, filters: dict | None = None) -> QuerySet[Order]:
    """Orders of the dealers the user may see, newest first, filtered as asked."""
    orders = _scoped(Order, user).select_related("dealer").order_by("-ordered_on", "-id")
    return OrderFilter(filters_copy(filters), queryset=orders).qs


def order_get(*, user: Any, pk: int) -> Order:
    """One visible order with its lines, shipments and returns; Http404 otherwise."""
    lines = OrderLine.objects.select_related("product").order_by("id")
    shipments = (Shipment.objects.order_by("shipped_on", "id")
                 .annotate(code_count=_count(ProductCode.objects.filter(
                     shipment_line__shipment=OuterRef("pk")), "shipment_line__shipment")))
    returns = ReturnRequest.objects.order_by("created_at", "id")
    orders = (_scoped(Order, user)
              .select_related("dealer", "agreement", "delivery_territory", "placed_by",
                              "approved_by")
              .prefetch_related(Prefetch("lines", queryset=lines),
                                Prefetch("shipments", queryset=shipments),
                                Prefetch("returns", queryset=returns)))
    return get_object_or_404(orders, pk=pk)


def order_placed_get(*, order: Order) -> Order:
    """A just-placed order as order_get shows it, without reading it back: order_place
    hands it over with its dealer, agreement and lines, and it has no shipments or returns
    yet (the API answers every placement with it)."""
    order._prefetched_objects_cache.update(shipments=Shipment.objects.none(),
                                           returns=ReturnRequest.objects.none())
    return order


def credit_account(*, dealer_id: int) -> CreditAccount | None:
    """The dealer's credit situation as it stands (not locked; for showing)."""
    return CreditAccount.objects.filter(dealer_id=dealer_id).first()


def approval_queue(*, user: Any) -> QuerySet[Order]:
    """Orders waiting for finance, oldest first, with the reason and the dealer's credit."""
    return (_scoped(Order, user).filter(status=OrderStatus.SUBMITTED)
            .select_related("dealer", "dealer__credit_account", "placed_by")
            .order_by("submitted_at", "id"))


def orderable_products(*, user: Any, dealer: Dealer, q: str = "", day: date | None = None,
                       limit: int = SEARCH_LIMIT) -> list[dict[str, Any]]:
    """Products on sale matching `q` that the dealer's active agreements authorize, with
    the unit price each agreement gives on `day` (a few queries per agreement, usually one
    agreement). Empty when the user may not see the dealer."""
    day = day or timezone.localdate()
    if not visible_dealers(user).filter(pk=dealer.pk).exists():
        return []
    products = Product.objects.filter(status=ProductStatus.ACTIVE).order_by("sku")
    q = (q or "").strip()
    if q:
        products = products.filter(Q(sku__istartswith=q) | Q(name__icontains=q)
                                   | Q(barcode=q))
    found = {p.pk: p for p in products[:limit * 3]}
    rows: dict[int, dict[str, Any]] = {}
    agreements = agreement_queries.agreements_in_force(dealer_id=dealer.pk, day=day)
    for agreement in agreements.order_by("-start_date", "-id"):
        pending = set(found) - set(rows)
        if not pending:
            break
        covered = agreement_queries.covered_product_ids(agreement, pending)
        prices = agreement_queries.agreement_prices(agreement, covered, day)
        for pk, (list_price, unit_price) in prices.items():
            rows[pk] = {"product": found[pk], "list_price": list_price,
                        "unit_price": unit_price, "agreement": agreement}
    ordered = sorted(rows.values(), key=lambda row: row["product"].sku)
    return ordered[:limit]


def product_prices(*, dealer: Dealer, product_ids: set[int],
                   day: date | None = None) -> dict[int, Decimal]:
    """Unit price of each product under the dealer's agreements on `day` (for showing a
    total before placing); products without one are left out."""
    day = day or timezone.localdate()
    prices: dict[int, Decimal] = {}
    for agreement in agreement_queries.agreements_in_force(dealer_id=dealer.pk, day=day):
        pending = set(product_ids) - set(prices)
        if not pending:
            break
        covered = agreement_queries.covered_product_ids(agreement, pending)
        for pk, (_list, unit) in agreement_queries.agreement_prices(agreement, covered,
                                                                    day).items():
            prices[pk] = unit
    return prices


# ---------------------------------------------------------------------------------------
# Shipments and product codes
# ---------------------------------------------------------------------------------------

def shipment_list(*, user: Any, filters: dict | None = None) -> QuerySet[Shipment]:
    """Shipments of visible dealers, newest first, with their line and code counts."""
    shipments = (_scoped(Shipment, user).select_related("dealer", "order")
                 .annotate(line_count=_count(ShipmentLine.objects.filter(
                     shipment=OuterRef("pk")), "shipment"),
                           code_count=_count(ProductCode.objects.filter(
                               shipment_line__shipment=OuterRef("pk")),
                               "shipment_line__shipment"))
                 .order_by("-shipped_on", "-id"))
    return ShipmentFilter(filters_copy(filters), queryset=shipments).qs


def shipment_get(*, user: Any, pk: int) -> Shipment:
    """One visible shipment with its lines (and each line's code count); Http404 otherwise."""
    lines = (ShipmentLine.objects.select_related("product", "order_line").order_by("id")
             .annotate(code_count=_count(ProductCode.objects.filter(
                 shipment_line=OuterRef("pk")), "shipment_line")))
    shipments = (_scoped(Shipment, user).select_related("dealer", "order", "shipped_by")
                 .annotate(code_count=_count(ProductCode.objects.filter(
                     shipment_line__shipment=OuterRef("pk")), "shipment_line__shipment"))
                 .prefetch_related(Prefetch("lines", queryset=lines)))
    return get_object_or_404(shipments, pk=pk)


def shipment_codes(*, shipment: Shipment) -> QuerySet[ProductCode]:
    """The product codes of a shipment (already fetched through shipment_get), for export."""
    return (ProductCode.objects.filter(shipment_line__shipment=shipment)
            .select_related("product", "shipment_line").order_by("id"))


def product_code_trace(*, user: Any, code: str) -> ProductCode:
    """Where a product code was shipped: dealer, shipment, order, batch and product.

    Staff only (a dealer may not trace goods); the code must belong to a dealer in the
    user's scope, else Http404."""
    if getattr(user, "is_dealer_user", False):
        raise NotAllowed(_("Only the manufacturer's staff may trace product codes."))
    codes = (_scoped(ProductCode, user)
             .select_related("dealer", "dealer__territory", "product", "shipment_line",
                             "shipment_line__shipment", "shipment_line__shipment__order"))
    return get_object_or_404(codes, code=(code or "").strip().upper())


# ---------------------------------------------------------------------------------------
# Returns
# ---------------------------------------------------------------------------------------

def return_list(*, user: Any, filters: dict | None = None) -> QuerySet[ReturnRequest]:
    """Returns of visible dealers, newest first."""
    returns = (_scoped(ReturnRequest, user).select_related("dealer", "order")
               .order_by("-created_at", "-id"))
    return ReturnFilter(filters_copy(filters), queryset=returns).qs


def return_get(*, user: Any, pk: int) -> ReturnRequest:
    """One visible return with its lines; Http404 otherwise."""
    lines = (ReturnLine.objects.select_related("order_line", "order_line__product")
             .order_by("id"))
    returns = (_scoped(ReturnRequest, user)
               .select_related("dealer", "order", "requested_by", "decided_by")
               .prefetch_related(Prefetch("lines", queryset=lines)))
    return get_object_or_404(returns, pk=pk)


def returnable_lines(*, order: Order) -> list[dict[str, Any]]:
    """Each shipped line of the order with how much may still be asked back."""
    asked = dict(ReturnLine.objects.filter(
        return_request__order=order,
        return_request__status__in=(ReturnStatus.REQUESTED, ReturnStatus.APPROVED))
        .values("order_line_id").annotate(n=Sum("quantity")).values_list("order_line_id", "n"))
    rows = []
    for line in order.lines.all():
        left = line.shipped_quantity - line.returned_quantity - asked.get(line.pk, 0)
        if line.shipped_quantity:
            rows.append({"line": line, "left": max(left, 0)})
    return rows


# ---------------------------------------------------------------------------------------
# Dealer page panel
# ---------------------------------------------------------------------------------------

def dealer_panel(*, user: Any, dealer: Dealer) -> dict[str, Any]:
    """The orders panel of a dealer page: recent orders, open orders and those awaiting
    finance (two queries, whatever the number of orders)."""
    orders = _scoped(Order, user).filter(dealer=dealer)
    totals = orders.order_by().aggregate(
        open_count=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        open_amount=Sum("total_amount", filter=Q(status__in=OPEN_STATUSES)),
        awaiting_count=Count("pk", filter=Q(status=OrderStatus.SUBMITTED)),
        awaiting_amount=Sum("total_amount", filter=Q(status=OrderStatus.SUBMITTED)),
    )
    return {
        "dealer": dealer,
        "recent_orders": list(orders.order_by("-ordered_on", "-id")[:PANEL_RECENT]),
        "open_count": totals["open_count"] or 0,
        "open_amount": totals["open_amount"] or Decimal("0.00"),
        "awaiting_count": totals["awaiting_count"] or 0,
        "awaiting_amount": totals["awaiting_amount"] or Decimal("0.00"),
    }


def delivery_regions(*, dealer: Dealer, day: date) -> list[Territory]:
    """Regions the dealer may have goods delivered to (the caller has checked the dealer is
    visible): its agreements' authorized territories and everything below them."""
    paths = list(Territory.objects.filter(
        agreements__in=agreement_queries.agreements_in_force(dealer_id=dealer.pk, day=day))
        .values_list("path", flat=True).distinct())
    if not paths:
        return [dealer.territory]
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(path__startswith=path)
    return list(Territory.objects.filter(condition).order_by("path"))
