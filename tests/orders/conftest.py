"""Builders for the order tests: a dealer able to order, priced products, placed orders."""

from decimal import Decimal

import pytest

from qudao.orders import services
from tests.trade import priced_product, trading_dealer


@pytest.fixture
def agreement_a(world):
    """Dealer A may order: an active agreement over all products, credit 10,000."""
    return trading_dealer(world.dealer_a, credit_limit="10000.00")


@pytest.fixture
def tea(db):
    """A product at 100.00 (tier-1), ordered by the piece, 24 to a case."""
    return priced_product("100.00", sku="TEA-500", units_per_case=24)


@pytest.fixture
def place(hq_admin):
    """Place an order for a dealer through the service (as HQ unless told)."""
    def _place(dealer, lines, actor=None, **kwargs):
        return services.order_place(actor=actor or hq_admin, dealer=dealer,
                                    lines=[(p.pk, q) for p, q in lines], **kwargs)
    return _place


def money(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))
