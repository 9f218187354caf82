"""Products and the price system over the API."""

from datetime import date, datetime
from decimal import Decimal

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import PageNumberPagination, paginate
from pydantic import Field

from qudao.api import require
from qudao.catalog import importer, queries, services
from qudao.catalog.exceptions import ProductInvalid

router = Router(tags=["catalog"])


class ProductOut(Schema):
    id: int
    sku: str
    name: str
    spec: str
    category_id: int
    category_name: str = Field(alias="category.name")
    brand_id: int
    brand_name: str = Field(alias="brand.name")
    unit: str
    units_per_case: int
    order_multiple: int
    barcode: str
    status: str
    updated_at: datetime


class ProductIn(Schema):
    sku: str
    name: str
    category_id: int
    brand_id: int
    spec: str = ""
    unit: str = "件"
    units_per_case: int = Field(1, ge=1)
    order_multiple: int = Field(1, ge=1)
    barcode: str = ""
    status: str = "active"


class ProductPatch(Schema):
    sku: str | None = None
    name: str | None = None
    category_id: int | None = None
    brand_id: int | None = None
    spec: str | None = None
    unit: str | None = None
    units_per_case: int | None = Field(None, ge=1)
    order_multiple: int | None = Field(None, ge=1)
    barcode: str | None = None
    status: str | None = None


class ProductQuery(Schema):
    q: str | None = None
    status: str | None = None
    category: int | None = None
    brand: int | None = None
    sort: str | None = None


class PriceOut(Schema):
    id: int
    product_id: int
    level: str
    unit_price: Decimal
    valid_from: date
    valid_to: date | None


class PriceIn(Schema):
    level: str
    unit_price: Decimal = Field(..., ge=0, decimal_places=2)
    valid_from: date
    valid_to: date | None = None


class CategoryOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    depth: int


class BrandOut(Schema):
    id: int
    code: str
    name: str


def _resolve(data: dict) -> dict:
    errors = {}
    if "category_id" in data:
        data["category"] = queries.category_list().filter(pk=data.pop("category_id")).first()
        if data["category"] is None:
            errors["category"] = _("Unknown category.")
    if "brand_id" in data:
        data["brand"] = queries.brand_list().filter(pk=data.pop("brand_id")).first()
        if data["brand"] is None:
            errors["brand"] = _("Unknown brand.")
    if errors:
        raise ProductInvalid(errors)
    return data


def _product(request, product_id: int):
    return get_object_or_404(queries.product_list(user=request.user), pk=product_id)


@router.get("/products", response=list[ProductOut])
@paginate(PageNumberPagination)
def product_list(request, filters: Query[ProductQuery]):
    require(request, "catalog.view_product")
    return queries.product_list(user=request.user, filters=filters.dict(exclude_none=True))


@router.post("/products", response={201: ProductOut})
def product_create(request, payload: ProductIn):
    require(request, "catalog.add_product")
    product = services.product_create(actor=request.user, values=_resolve(payload.dict()))
    return Status(201, _product(request, product.pk))


@router.post("/products/import", response={201: dict})
def product_import(request, file: File[UploadedFile]):
    require(request, "catalog.import_product")
    return Status(201, {"created": importer.products_import(actor=request.user, upload=file)})


@router.get("/products/{product_id}", response=ProductOut)
def product_detail(request, product_id: int):
    require(request, "catalog.view_product")
    return _product(request, product_id)


@router.patch("/products/{product_id}", response=ProductOut)
def product_update(request, product_id: int, payload: ProductPatch):
    require(request, "catalog.change_product")
    product = _product(request, product_id)
    services.product_update(
        actor=request.user, product=product, values=_resolve(payload.dict(exclude_unset=True))
    )
    return _product(request, product_id)


@router.get("/products/{product_id}/prices", response=list[PriceOut])
def price_list(request, product_id: int):
    require(request, "catalog.view_product")
    return queries.price_list(user=request.user, product=_product(request, product_id))


@router.post("/products/{product_id}/prices", response={201: PriceOut})
def price_add(request, product_id: int, payload: PriceIn):
    require(request, "catalog.change_price")
    return Status(
        201,
        services.price_add(
            actor=request.user, product=_product(request, product_id), **payload.dict()
        ),
    )


@router.get("/categories", response=list[CategoryOut])
def category_list(request):
    require(request, "catalog.view_product")
    return queries.category_list()


@router.get("/brands", response=list[BrandOut])
def brand_list(request):
    require(request, "catalog.view_product")
    return queries.brand_list()
