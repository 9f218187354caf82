"""Builders shared by the trade tests (agreements, orders, finance, stock).

Factories write rows directly (no services, no audit events), so any test can start from
"dealer X has an active agreement with credit Y and priced products" in one line.
"""

import datetime
import itertools
from decimal import Decimal

import factory

from qudao.agreements.models import Agreement
from qudao.catalog.models import Product, ProductPrice
from qudao.finance.models import CreditAccount
from tests.factories import ProductFactory

_numbers = itertools.count(1)
TERM_START = datetime.date(2026, 1, 1)
TERM_END = datetime.date(2026, 12, 31)


class AgreementFactory(factory.django.DjangoModelFactory):
    """An active distribution agreement over all products for the year 2026."""

    class Meta:
        model = Agreement
        skip_postgeneration_save = True  # the hook only sets a many-to-many

    number = factory.LazyFunction(lambda: f"AG-T{next(_numbers):06d}")
    status = "active"
    agreement_type = "distribution"
    start_date = TERM_START
    end_date = TERM_END
    all_products = True
    price_level = "tier1"
    credit_limit = Decimal("10000.00")
    payment_terms_days = 30
    annual_target = Decimal("120000.00")

    @factory.post_generation
    def territories(self, create, extracted, **kwargs):
        if not create:
            return
        if extracted is None:
            extracted = [self.dealer.territory_id] if self.dealer.territory_id else []
        self.territories.set(extracted)


def priced_product(price: Decimal | str = "100.00", *, level: str = "tier1",
                   valid_from: datetime.date = datetime.date(2025, 1, 1),
                   **fields) -> Product:
    """A product with one open-ended price at `level`."""
    product = ProductFactory(**fields)
    ProductPrice.objects.create(product=product, level=level, unit_price=Decimal(price),
                                valid_from=valid_from)
    return product


def trading_dealer(dealer, *, credit_limit: Decimal | str = "10000.00", **agreement_fields
                   ) -> Agreement:
    """Make `dealer` able to order: an active agreement and a credit account with its limit."""
    agreement = AgreementFactory(dealer=dealer, credit_limit=Decimal(credit_limit),
                                 **agreement_fields)
    CreditAccount.objects.update_or_create(dealer=dealer,
                                           defaults={"limit": Decimal(credit_limit)})
    return agreement
