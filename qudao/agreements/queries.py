"""Reads of agreements. Ordering asks here which agreement covers a product, at what price."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q, QuerySet

from qudao.agreements.choices import AgreementStatus
from qudao.agreements.models import Agreement
from qudao.catalog.models import Category, Product
from qudao.catalog.queries import prices_on

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
