"""Product import: a good file saves every row; any fault lists every error and saves nothing."""


import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from qudao.catalog.importer import products_import
from qudao.catalog.models import Product
from qudao.core.excel import ImportFailed
from tests import helpers
from tests.factories import BrandFactory, ProductFactory, category

HEADER = ["SKU", "Name", "Specification", "Category code", "Brand code", "Unit",
          "Units per case", "Barcode", "Status"]


def xlsx(rows, header=HEADER) -> SimpleUploadedFile:
    return helpers.xlsx(rows, header, "products.xlsx")


@pytest.fixture
def catalog(db):
    drink = category("DRINK", "饮料")
    BrandFactory(code="B01", name="茶语")
    return drink


@pytest.mark.django_db
def test_good_file_creates_every_row(catalog, hq_admin):
    upload = xlsx([
        ["SKU-1", "茉莉蜜茶 500ml×15", "500ml×15", "DRINK", "B01", "箱", 15, "6901234567892", None],
        ["SKU-2", "绿茶 1L×6", None, "饮料", "茶语", None, "6", None, "Draft"],
        ["SKU-3", "乌龙茶", None, "DRINK", "B01", None, None, None, "discontinued"],
    ])
    assert products_import(actor=hq_admin, upload=upload) == 3
    first = Product.objects.get(sku="SKU-1")
    assert first.units_per_case == 15 and first.barcode == "6901234567892"
    assert first.status == "active" and first.category == catalog
    second = Product.objects.get(sku="SKU-2")
    assert second.units_per_case == 6 and second.unit == "件" and second.status == "draft"
    assert Product.objects.get(sku="SKU-3").status == "discontinued"


@pytest.mark.django_db
def test_every_fault_is_reported_by_row_and_column_and_nothing_is_saved(catalog, hq_admin):
    ProductFactory(sku="SKU-OLD")
    before = Product.objects.count()
    upload = xlsx([
        ["SKU-1", "好的一行", None, "DRINK", "B01", None, 12, None, None],
        ["SKU-2", "坏数字", None, "DRINK", "B01", None, "十二", None, None],        # bad number
        ["SKU-3", "未知品类", None, "NOPE", "B01", None, 12, None, None],    # unknown category
        ["SKU-1", "文件内重复", None, "DRINK", "B01", None, 12, None, None],        # twice in file
        ["SKU-OLD", "库里已有", None, "DRINK", "B01", None, 12, None, None],       # exists already
        ["SKU-6", "坏条码", None, "DRINK", "B99", None, 0, "6901234567890", None],  # three faults
        ["SKU-7", None, None, None, "B01", None, 12, None, "sold"],                 # missing cells
    ])
    with pytest.raises(ImportFailed) as caught:
        products_import(actor=hq_admin, upload=upload)
    errors = caught.value.errors
    found = [(e.row, e.column) for e in errors]
    assert sorted(found) == sorted([
        (3, "Units per case"), (4, "Category code"), (5, "SKU"), (6, "SKU"),
        (7, "Brand code"), (7, "Units per case"), (7, "Barcode"),
        (8, "Name"), (8, "Category code"), (8, "Status"),
    ])
    assert len(found) == len(set(found)), "one message per faulty cell"
    messages = {(e.row, e.column): e.message for e in errors}
    assert "十二" in messages[(3, "Units per case")]
    assert "NOPE" in messages[(4, "Category code")]
    assert "SKU-1" in messages[(5, "SKU")] and "SKU-OLD" in messages[(6, "SKU")]
    assert "B99" in messages[(7, "Brand code")]
    assert Product.objects.count() == before


@pytest.mark.django_db
def test_missing_required_column_is_reported(catalog, hq_admin):
    header = ["SKU", "Name", "Brand code", "Units per case"]
    upload = xlsx([["SKU-1", "无品类", "B01", 12]], header=header)
    with pytest.raises(ImportFailed) as caught:
        products_import(actor=hq_admin, upload=upload)
    assert [(e.row, e.column) for e in caught.value.errors] == [(1, "Category code")]
    assert not Product.objects.exists()


@pytest.mark.django_db
def test_not_an_excel_file(catalog, hq_admin):
    with pytest.raises(ImportFailed) as caught:
        products_import(actor=hq_admin, upload=SimpleUploadedFile("x.xlsx", b"plain text"))
    assert caught.value.errors[0].row == 0
    assert not Product.objects.exists()
