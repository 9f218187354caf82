"""Factories shared by the tests: one per model, plain defaults that pass every rule."""

import itertools
from decimal import Decimal

import factory
from django.contrib.auth.hashers import make_password

from qudao.accounts.models import User
from qudao.catalog.models import Brand, Category, Product
from qudao.dealers.models import Contact, Dealer
from qudao.dealers.validators import credit_code_check_char

PASSWORD = "pass-for-tests-1"
_PASSWORD_HASH = None
_codes = itertools.count(1)


def password_hash() -> str:
    global _PASSWORD_HASH
    if _PASSWORD_HASH is None:
        _PASSWORD_HASH = make_password(PASSWORD)
    return _PASSWORD_HASH


def credit_code(n: int) -> str:
    body = f"91130100MA{n:07d}"
    return body + credit_code_check_char(body)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.LazyAttribute(lambda o: o.username)
    role = "sales_rep"
    password = factory.LazyFunction(password_hash)


class DealerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dealer

    code = factory.Sequence(lambda n: f"T{n:05d}")
    name = factory.Sequence(lambda n: f"测试商贸有限公司{n}")
    channel_level = "tier1"
    status = "active"
    credit_code = factory.LazyFunction(lambda: credit_code(next(_codes)))


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    dealer = factory.SubFactory(DealerFactory)
    name = factory.Sequence(lambda n: f"联系人{n}")
    mobile = "13800000000"


class BrandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Brand
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"B{n}")
    name = factory.Sequence(lambda n: f"品牌{n}")


def category(code: str = "DRINK", name: str = "饮料") -> Category:
    existing = Category.objects.filter(code=code).first()
    return existing or Category.objects.add_root({"code": code, "name": name})


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    sku = factory.Sequence(lambda n: f"SKU-T{n:05d}")
    name = factory.Sequence(lambda n: f"绿茶{n} 500ml×24")
    category = factory.LazyFunction(category)
    brand = factory.SubFactory(BrandFactory)
    unit = "箱"
    units_per_case = 24


ZERO = Decimal("0.00")
