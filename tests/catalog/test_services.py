"""Products and the price system: the rules the services enforce, and what they write."""

from datetime import date
from decimal import Decimal

import pytest

from qudao.catalog import services
from qudao.catalog.exceptions import PriceInvalid, PriceOverlap, ProductInvalid
from qudao.catalog.models import Product, ProductPrice
from qudao.core.models import AuditEvent
from tests.factories import BrandFactory, ProductFactory, category


def _values(**overrides):
    values = {"sku": "SKU-NEW", "name": "茉莉蜜茶 500ml×15", "category": category(),
              "brand": BrandFactory(code="B01", name="茶语"), "units_per_case": 15,
              "unit": "箱", "barcode": "6901234567892"}
    values.update(overrides)
    return values


def _add(product, actor, start, end=None, price="10.00", level="tier1"):
    return services.price_add(actor=actor, product=product, level=level,
                              unit_price=Decimal(price), valid_from=start, valid_to=end)


@pytest.mark.django_db
def test_create_product_and_record_it(hq_admin):
    product = services.product_create(actor=hq_admin, values=_values())
    assert product.sku == "SKU-NEW" and product.status == "active"
    assert AuditEvent.objects.filter(event="product.created", target_id=str(product.pk)).exists()


@pytest.mark.django_db
def test_duplicate_sku_is_refused_and_nothing_written(hq_admin):
    ProductFactory(sku="SKU-NEW")
    with pytest.raises(ProductInvalid) as caught:
        services.product_create(actor=hq_admin, values=_values())
    assert caught.value.errors == {"sku": "SKU SKU-NEW is already used."}
    assert Product.objects.filter(sku="SKU-NEW").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["4006381333931", "036000291452", "96385074", "10012345678902"])
def test_barcodes_with_a_correct_check_digit_pass(hq_admin, code):
    assert services.gtin_valid(code)
    assert services.product_create(actor=hq_admin, values=_values(barcode=code)).barcode == code


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["6901234567890", "690123456789", "69012345678A2", "123"])
def test_barcode_with_a_wrong_check_digit_or_shape_is_refused(hq_admin, code):
    with pytest.raises(ProductInvalid) as caught:
        services.product_create(actor=hq_admin, values=_values(barcode=code))
    assert set(caught.value.errors) == {"barcode"}
    assert code in caught.value.errors["barcode"]
    assert not Product.objects.exists()


@pytest.mark.django_db
def test_every_broken_rule_is_reported_by_field(hq_admin):
    with pytest.raises(ProductInvalid) as caught:
        services.product_create(actor=hq_admin, values=_values(
            sku=" ", name="", category=None, brand=None, units_per_case=0, status="sold"))
    assert set(caught.value.errors) == {"sku", "name", "category", "brand", "units_per_case",
                                        "status"}


@pytest.mark.django_db
def test_update_records_the_changed_fields(hq_admin):
    product = services.product_create(actor=hq_admin, values=_values())
    services.product_update(actor=hq_admin, product=product,
                            values={"units_per_case": 24, "status": "discontinued"})
    product.refresh_from_db()
    assert product.units_per_case == 24 and product.status == "discontinued"
    event = AuditEvent.objects.get(event="product.updated")
    assert event.data == {"units_per_case": [15, 24], "status": ["active", "discontinued"]}


@pytest.mark.django_db
def test_update_to_an_existing_sku_is_refused(hq_admin):
    ProductFactory(sku="SKU-OTHER")
    product = services.product_create(actor=hq_admin, values=_values())
    with pytest.raises(ProductInvalid) as caught:
        services.product_update(actor=hq_admin, product=product, values={"sku": "SKU-OTHER"})
    assert "sku" in caught.value.errors
    product.refresh_from_db()
    assert product.sku == "SKU-NEW"


@pytest.mark.django_db
def test_overlapping_price_is_refused_with_a_clear_message(hq_admin):
    product = ProductFactory(sku="SKU-P1")
    _add(product, hq_admin, date(2025, 1, 1), date(2025, 6, 30))
    with pytest.raises(PriceOverlap) as caught:
        _add(product, hq_admin, date(2025, 3, 1), date(2025, 12, 31), price="11.00")
    assert caught.value.message == (
        "Factory → tier-1 price of SKU-P1 already has a price from 2025-01-01 to 2025-06-30, "
        "which overlaps this period.")
    assert ProductPrice.objects.filter(product=product).count() == 1


@pytest.mark.django_db
def test_price_starting_before_an_open_price_overlaps_it(hq_admin):
    product = ProductFactory()
    _add(product, hq_admin, date(2025, 7, 1))
    with pytest.raises(PriceOverlap, match="open end"):
        _add(product, hq_admin, date(2025, 1, 1), price="9.00")
    assert ProductPrice.objects.get(product=product).valid_to is None


@pytest.mark.django_db
def test_new_price_closes_the_open_ended_one_the_day_before(hq_admin):
    product = ProductFactory()
    old = _add(product, hq_admin, date(2024, 1, 1))
    new = _add(product, hq_admin, date(2025, 7, 1), price="10.50")
    old.refresh_from_db()
    assert old.valid_to == date(2025, 6, 30)
    assert new.valid_to is None and new.unit_price == Decimal("10.50")
    events = set(AuditEvent.objects.filter(subject_id=str(product.pk))
                 .values_list("event", flat=True))
    assert events == {"price.added", "price.closed"}


@pytest.mark.django_db
def test_levels_are_independent(hq_admin):
    product = ProductFactory()
    _add(product, hq_admin, date(2025, 1, 1), level="tier1")
    _add(product, hq_admin, date(2025, 1, 1), level="retail", price="15.00")
    assert ProductPrice.objects.filter(product=product, valid_to__isnull=True).count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(("price", "start", "end", "level", "message"), [
    ("-0.01", date(2025, 1, 1), None, "tier1", "A price cannot be negative."),
    ("10.00", date(2025, 6, 1), date(2025, 5, 31), "tier1", "A price cannot end before it starts."),
    ("10.00", date(2025, 6, 1), None, "vip", "Unknown price level."),
])
def test_invalid_price_is_refused_and_nothing_written(hq_admin, price, start, end, level,
                                                      message):
    product = ProductFactory()
    with pytest.raises(PriceInvalid) as caught:
        _add(product, hq_admin, start, end, price=price, level=level)
    assert caught.value.message == message
    assert not ProductPrice.objects.exists()
