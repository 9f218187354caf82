"""Reads of agreements. Ordering asks here which agreement covers a product, at what price."""

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone

from qudao.agreements.choices import AgreementStatus
from qudao.agreements.filters import AgreementFilter
from qudao.agreements.models import Agreement, AgreementAttachment
from qudao.catalog.models import Category, Product
from qudao.catalog.queries import prices_on
from qudao.core import audit
from qudao.core.pagination import filters_copy
from qudao.dealers.scoping import dealer_rows
from qudao.territories.models import Territory

CENT = Decimal("0.01")


def agreements_in_force(*, dealer_id: int, day: date) -> QuerySet[Agreement]:
    """The dealer's active agreements whose term includes `day`."""
    return Agreement.objects.filter(dealer_id=dealer_id, status=AgreementStatus.ACTIVE,
                                    start_date__lte=day, end_date__gte=day)


def covered_product_ids(agreement: Agreement, product_ids: set[int]) -> set[int]:
    """Which of `product_ids` the agreement authorizes: all products, its products, or the
    products in its categories and their sub-categories (two queries)."""
    if agreement.all_products:
        return set(product_ids)
    paths = list(agreement.categories.values_list("path", flat=True))
    condition = Q(pk__in=agreement.products.values("pk"))
    if paths:
        under = Q()
        for path in paths:
            under |= Q(path__startswith=path)
        condition |= Q(category__in=Category.objects.filter(under))
    return set(Product.objects.filter(condition, pk__in=product_ids)
               .values_list("pk", flat=True))


def agreement_prices(agreement: Agreement, product_ids: set[int],
                     day: date) -> dict[int, tuple[Decimal, Decimal]]:
    """(list price, unit price) per product under the agreement on `day`: the price of the
    agreement's price level, less its discount, rounded half up to the cent. Products
    without a price that day are left out."""
    listed = prices_on(products=list(product_ids), level=agreement.price_level, day=day)
    factor = (Decimal("100") - agreement.discount_percent) / Decimal("100")
    return {pk: (price, (price * factor).quantize(CENT, ROUND_HALF_UP))
            for pk, price in listed.items()}


# --- reads for pages and the API, each starting from the user's scope ---------------------

EXPIRING_DAYS = 60
# What a dealer's own users see: the contracts they signed, not drafts in progress.
DEALER_VISIBLE = Q(status__in=[AgreementStatus.SIGNED, AgreementStatus.ACTIVE,
                               AgreementStatus.EXPIRED]) | Q(
    status=AgreementStatus.TERMINATED, signed_on__isnull=False)


def agreement_scope(*, user: Any) -> QuerySet[Agreement]:
    """Agreements of the dealers the user may see; a dealer's own users see signed ones only."""
    agreements = dealer_rows(Agreement.objects.all(), user)
    if getattr(user, "is_dealer_user", False):
        agreements = agreements.filter(DEALER_VISIBLE)
    return agreements


def agreement_list(*, user: Any, filters: dict | None = None) -> QuerySet[Agreement]:
    """Visible agreements, filtered and sorted as asked, with the dealer each list row shows."""
    agreements = agreement_scope(user=user).select_related("dealer")
    data = filters_copy(filters)
    data.setdefault("sort", "-start")
    return AgreementFilter(data, queryset=agreements).qs


def agreement_get(*, user: Any, pk: int) -> Agreement:
    """One visible agreement with everything its page shows; Http404 outside the scope."""
    return get_object_or_404(
        agreement_scope(user=user)
        .select_related("dealer", "dealer__territory", "previous", "approved_by", "created_by")
        .prefetch_related(
            Prefetch("territories", queryset=Territory.objects.order_by("path")),
            Prefetch("categories", queryset=Category.objects.order_by("path")),
            Prefetch("products", queryset=Product.objects.select_related("category")
                     .order_by("sku")),
            "targets",
            Prefetch("attachments",
                     queryset=AgreementAttachment.objects.select_related("uploaded_by")),
        ),
        pk=pk)


def agreement_history(*, agreement: Agreement) -> QuerySet:
    """The agreement's change and lifecycle history (attachments included), newest first."""
    return audit.history(agreement)


def agreement_versions(*, user: Any, agreement: Agreement) -> list[Agreement]:
    """The chain of versions the agreement belongs to, oldest first (one query): the
    versions it renews and the ones renewing it, as far as the user may see them."""
    rows = {a.pk: a for a in agreement_scope(user=user).filter(dealer_id=agreement.dealer_id)
            .only("id", "number", "version", "status", "start_date", "end_date",
                  "previous_id", "dealer_id")}
    chain = [agreement.pk]
    node = rows.get(agreement.pk)
    while node is not None and node.previous_id in rows and node.previous_id not in chain:
        chain.insert(0, node.previous_id)
        node = rows[node.previous_id]
    renewed_by = {a.previous_id: a.pk for a in rows.values() if a.previous_id}
    current = agreement.pk
    while current in renewed_by and renewed_by[current] not in chain:
        current = renewed_by[current]
        chain.append(current)
    return [rows[pk] for pk in chain if pk in rows]


def expiring_soon(*, user: Any, days: int = EXPIRING_DAYS,
                  today: date | None = None) -> QuerySet[Agreement]:
    """Active agreements ending within `days` (R-AG-04 reminders), soonest first, each
    with `renewal_status`: the status of its renewal if one is drafted, else None."""
    today = today or timezone.localdate()
    renewal = Agreement.objects.filter(previous=OuterRef("pk")).values("status")[:1]
    return (agreement_scope(user=user)
            .filter(status=AgreementStatus.ACTIVE, end_date__gte=today,
                    end_date__lte=today + timedelta(days=days))
            .select_related("dealer").annotate(renewal_status=Subquery(renewal))
            .order_by("end_date", "number"))


def dealer_panel(*, user: Any, dealer: Any) -> dict[str, Any]:
    """The agreements panel of a dealer's page: agreements in force today, the next one
    signed or drafted, and a warning for those expiring within 60 days (three queries)."""
    today = timezone.localdate()
    agreements = list(
        agreement_scope(user=user).filter(dealer_id=dealer.pk)
        .exclude(status__in=[AgreementStatus.EXPIRED, AgreementStatus.TERMINATED])
        .order_by("start_date", "number")
        .only("id", "number", "version", "status", "agreement_type", "start_date", "end_date",
              "credit_limit", "annual_target", "payment_terms_days", "all_products",
              "dealer_id"))
    active = [a for a in agreements if a.status == AgreementStatus.ACTIVE]
    expiring = [a for a in active if today <= a.end_date <= today + timedelta(days=EXPIRING_DAYS)]
    return {
        "agreements": agreements,
        "active": active,
        "in_force": [a for a in active if a.start_date <= today <= a.end_date],
        "expiring": expiring,
        "ended_count": agreement_scope(user=user).filter(
            dealer_id=dealer.pk,
            status__in=[AgreementStatus.EXPIRED, AgreementStatus.TERMINATED]).count(),
        "days_left": {a.pk: (a.end_date - today).days for a in expiring},
        "can_add": user.has_perm("agreements.add_agreement") and not user.is_dealer_user,
        "dealer": dealer,
    }


def agreement_price_table(*, agreement: Agreement, day: date | None = None) -> list[dict]:
    """The products the agreement names, each with its specification, the supply price
    under the agreement and the limited retail price on `day` (default: the start date),
    for the contract document (R-AG-02, R-AG-15). Three queries."""
    day = day or agreement.start_date
    products = list(agreement.products.all())
    ids = {p.pk for p in products}
    supply = agreement_prices(agreement, ids, day) if ids else {}
    retail = prices_on(products=list(ids), level="retail", day=day) if ids else {}
    return [{"product": p, "list_price": supply.get(p.pk, (None, None))[0],
             "unit_price": supply.get(p.pk, (None, None))[1], "retail_price": retail.get(p.pk)}
            for p in sorted(products, key=lambda p: p.sku)]
