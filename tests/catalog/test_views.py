"""Product pages: filters, export, import, prices by level, editing, and query counts."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from qudao.catalog import services
from qudao.catalog.models import Category, Product, ProductPrice
from tests.factories import BrandFactory, ProductFactory
from tests.helpers import page_queries


@pytest.fixture
def shelf(world, hq_admin):
    """DRINK -> TEA, and SNACK; brands B01 and B02; three SKUs; SKU-A with a full price system."""
    drink = services.category_create(actor=hq_admin, code="DRINK", name="饮料")
    tea = services.category_create(actor=hq_admin, code="TEA", name="茶饮料", parent=drink)
    snack = services.category_create(actor=hq_admin, code="SNACK", name="休闲食品")
    b01 = BrandFactory(code="B01", name="茶语")
    b02 = BrandFactory(code="B02", name="清泉源")
    a = ProductFactory(sku="SKU-A", name="茉莉蜜茶", category=tea, brand=b01)
    b = ProductFactory(sku="SKU-B", name="纯净水", category=Category.objects.get(pk=drink.pk),
                       brand=b02, status="discontinued")
    c = ProductFactory(sku="SKU-C", name="苏打饼干", category=snack, brand=b01)
    start = date(2024, 1, 1)
    for level, price in [("tier1", "40.80"), ("tier2", "45.00"), ("terminal", "51.00"),
                         ("retail", "60.00")]:
        services.price_add(actor=hq_admin, product=a, level=level, unit_price=Decimal(price),
                           valid_from=start)
    services.price_add(actor=hq_admin, product=a, level="tier1", unit_price=Decimal("42.00"),
                       valid_from=timezone.localdate() + timedelta(days=30))
    return {"drink": drink, "tea": tea, "snack": snack, "b01": b01, "b02": b02,
            "a": a, "b": b, "c": c}


def _skus(response) -> list[str]:
    return [p.sku for p in response.context["page"].object_list]



@pytest.mark.django_db
def test_list_filters_and_sort(shelf, hq_admin, login):
    client = login(hq_admin)
    assert _skus(client.get("/products/")) == ["SKU-A", "SKU-B", "SKU-C"]
    assert _skus(client.get("/products/?status=discontinued")) == ["SKU-B"]
    # A category filter takes its whole subtree.
    assert _skus(client.get(f"/products/?category={shelf['drink'].pk}")) == ["SKU-A", "SKU-B"]
    assert _skus(client.get(f"/products/?category={shelf['tea'].pk}")) == ["SKU-A"]
    assert _skus(client.get(f"/products/?brand={shelf['b01'].pk}")) == ["SKU-A", "SKU-C"]
    assert _skus(client.get("/products/?q=饼干")) == ["SKU-C"]
    assert _skus(client.get("/products/?sort=-sku")) == ["SKU-C", "SKU-B", "SKU-A"]
    body = client.get("/products/").content.decode()
    assert "¥40.80" in body and "¥60.00" in body  # today's tier-1 and retail prices


@pytest.mark.django_db
def test_htmx_request_gets_only_the_results_partial(shelf, hq_admin, login):
    response = login(hq_admin).get("/products/?q=SKU-C", HTTP_HX_REQUEST="true",
                                   HTTP_HX_TARGET="results")
    body = response.content.decode()
    assert "<html" not in body and "SKU-C" in body and "SKU-A" not in body


@pytest.mark.django_db
def test_pagination(shelf, hq_admin, login, settings):
    settings.PAGE_SIZE = 2
    client = login(hq_admin)
    assert _skus(client.get("/products/?page=2")) == ["SKU-C"]
    assert "page=2" in client.get("/products/").content.decode()


@pytest.mark.django_db
def test_list_query_count_does_not_grow_with_products(world, hq_admin, login):
    client = login(hq_admin)
    for _ in range(3):
        ProductFactory()
    few = page_queries(client, "/products/")
    for _ in range(27):
        product = ProductFactory()
        services.price_add(actor=hq_admin, product=product, level="retail",
                           unit_price=Decimal("9.90"), valid_from=date(2024, 1, 1))
    assert len(client.get("/products/").context["page"].object_list) == 25
    assert page_queries(client, "/products/") == few


@pytest.mark.django_db
def test_export_returns_an_xlsx_following_the_filters(shelf, hq_admin, login):
    response = login(hq_admin).get(f"/products/export/?brand={shelf['b01'].pk}&sort=-sku")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:2] == ("SKU", "Name")
    assert [row[0] for row in rows[1:]] == ["SKU-C", "SKU-A"]
    assert rows[2][3:5] == ("TEA", "B01")


@pytest.mark.django_db
def test_export_and_import_need_their_permissions(shelf, north_rep, login):
    client = login(north_rep)
    assert client.get("/products/export/").status_code == 403
    assert client.get("/products/import/").status_code == 403
    assert client.get("/products/new/").status_code == 403
    assert client.get(f"/products/{shelf['a'].pk}/edit/").status_code == 403
    body = client.get("/products/").content.decode()
    assert "/products/new/" not in body and "/products/export/" not in body


@pytest.mark.django_db
def test_detail_shows_prices_by_level_and_history(shelf, hq_admin, login):
    response = login(hq_admin).get(f"/products/{shelf['a'].pk}/")
    groups = {g["level"]: g["prices"] for g in response.context["price_groups"]}
    assert list(groups) == ["tier1", "tier2", "terminal", "retail"]
    assert [(p.unit_price, p.state) for p in groups["tier1"]] == [
        (Decimal("42.00"), "future"), (Decimal("40.80"), "current")]
    body = response.content.decode()
    assert "45.00" in body and "51.00" in body and "Price period closed" in body
    assert 'data-testid="price-form"' in body


@pytest.mark.django_db
def test_dealer_sees_only_his_level_and_retail_prices(shelf, dealer_a_admin, login):
    client = login(dealer_a_admin)  # dealer A is a tier-1 distributor
    response = client.get(f"/products/{shelf['a'].pk}/")
    assert [g["level"] for g in response.context["price_groups"]] == ["tier1", "retail"]
    body = response.content.decode()
    assert "40.80" in body and "60.00" in body
    assert "45.00" not in body and "51.00" not in body
    assert 'data-testid="history"' not in body and 'data-testid="price-form"' not in body
    # Products not on sale are not the dealer's to see.
    assert _skus(client.get("/products/")) == ["SKU-A", "SKU-C"]
    assert client.get(f"/products/{shelf['b'].pk}/").status_code == 404
    assert client.post(f"/products/{shelf['a'].pk}/prices/", {
        "level": "tier1", "unit_price": "1.00", "valid_from": "2030-01-01"}).status_code == 403


@pytest.mark.django_db
def test_terminal_dealer_sees_the_terminal_price(shelf, world, login):
    from tests.factories import UserFactory

    shop = UserFactory(username="shop", role="dealer_admin", dealer=world.dealer_a_shop)
    response = login(shop).get(f"/products/{shelf['a'].pk}/")
    assert [g["level"] for g in response.context["price_groups"]] == ["terminal", "retail"]
    assert "40.80" not in response.content.decode()


@pytest.mark.django_db
def test_price_add_from_the_page(shelf, hq_admin, login):
    client = login(hq_admin)
    url = f"/products/{shelf['c'].pk}/prices/"
    assert client.get(url).status_code == 405
    response = client.post(url, {"level": "retail", "unit_price": "6.50",
                                 "valid_from": "2025-01-01"})
    assert response.status_code == 302
    assert ProductPrice.objects.get(product=shelf["c"]).unit_price == Decimal("6.50")


@pytest.mark.django_db
@pytest.mark.parametrize(("data", "message"), [
    ({"level": "tier1", "unit_price": "30.00", "valid_from": "2023-06-01",
      "valid_to": "2024-03-01"}, "which overlaps this period"),
    ({"level": "tier1", "unit_price": "-1", "valid_from": "2030-01-01"},
     "A price cannot be negative."),
    ({"level": "tier1", "unit_price": "1", "valid_from": "2030-01-01",
      "valid_to": "2029-01-01"}, "A price cannot end before it starts."),
])
def test_price_errors_are_shown_on_the_form(shelf, hq_admin, login, data, message):
    before = ProductPrice.objects.count()
    response = login(hq_admin).post(f"/products/{shelf['a'].pk}/prices/", data)
    assert response.status_code == 200
    assert any(message in e for e in response.context["price_form"].non_field_errors())
    assert message in response.content.decode()
    assert ProductPrice.objects.count() == before


@pytest.mark.django_db
def test_create_product_from_the_page(shelf, hq_admin, login):
    client = login(hq_admin)
    assert client.get("/products/new/").status_code == 200
    response = client.post("/products/new/", {
        "sku": "SKU-N", "name": "大麦茶", "category": shelf["tea"].pk, "brand": shelf["b01"].pk,
        "unit": "箱", "units_per_case": "15", "barcode": "6901234567892", "status": "active"})
    product = Product.objects.get(sku="SKU-N")
    assert response.status_code == 302 and response["Location"] == f"/products/{product.pk}/"


@pytest.mark.django_db
def test_rule_errors_are_attached_to_their_fields(shelf, hq_admin, login):
    response = login(hq_admin).post("/products/new/", {
        "sku": "SKU-A", "name": "重复", "category": shelf["tea"].pk, "brand": shelf["b01"].pk,
        "unit": "箱", "units_per_case": "15", "barcode": "6901234567890", "status": "active"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "SKU SKU-A is already used." in errors["sku"]
    assert "barcode" in errors
    assert Product.objects.filter(sku="SKU-A").count() == 1


@pytest.mark.django_db
def test_edit_product_and_see_it_in_the_history(shelf, hq_admin, login):
    client = login(hq_admin)
    url = f"/products/{shelf['c'].pk}/edit/"
    form = client.get(url).context["form"]
    data = {k: ("" if v is None else v) for k, v in form.initial.items() if k in form.fields}
    data.update({"name": "苏打饼干(新包装)", "units_per_case": "20"})
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    product = Product.objects.get(pk=shelf["c"].pk)
    assert product.name == "苏打饼干(新包装)" and product.units_per_case == 20
    body = client.get(f"/products/{product.pk}/").content.decode()
    assert "Product edited" in body and "苏打饼干 → 苏打饼干(新包装)" in body


@pytest.mark.django_db
def test_import_page_lists_every_error_and_saves_nothing(shelf, hq_admin, login):
    book = Workbook()
    book.active.append(["SKU", "Name", "Category code", "Brand code", "Units per case"])
    book.active.append(["SKU-X", "好的", "TEA", "B01", 12])
    book.active.append(["SKU-A", "重复", "NOPE", "B01", "x"])
    buffer = io.BytesIO()
    book.save(buffer)
    before = Product.objects.count()
    client = login(hq_admin)
    response = client.post("/products/import/", {
        "file": SimpleUploadedFile("p.xlsx", buffer.getvalue())})
    assert response.status_code == 200
    assert {(e.row, e.column) for e in response.context["errors"]} == {
        (3, "SKU"), (3, "Category code"), (3, "Units per case")}
    assert 'data-testid="import-errors"' in response.content.decode()
    assert Product.objects.count() == before
    template = client.get("/products/import/?template=1")
    header = next(load_workbook(io.BytesIO(template.content)).active.iter_rows(values_only=True))
    assert header[0] == "SKU"


@pytest.mark.django_db
def test_import_page_saves_a_good_file(shelf, hq_admin, login):
    book = Workbook()
    book.active.append(["SKU", "Name", "Category code", "Brand code"])
    book.active.append(["SKU-X", "好的", "TEA", "B01"])
    buffer = io.BytesIO()
    book.save(buffer)
    response = login(hq_admin).post("/products/import/", {
        "file": SimpleUploadedFile("p.xlsx", buffer.getvalue())})
    assert response.status_code == 302 and response["Location"] == "/products/"
    assert Product.objects.filter(sku="SKU-X").exists()
