"""Builders for agreement tests: complete clauses, drafts made through the services, and a
small category tree (饮料 > 茶饮料 > 绿茶; 食品)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest

from qudao.agreements import services
from qudao.catalog.models import Category
from tests.factories import ProductFactory


def complete_values(**overrides) -> dict:
    """Every standard clause filled, for the year 2026."""
    values = {
        "agreement_type": "distribution",
        "start_date": datetime.date(2026, 1, 1), "end_date": datetime.date(2026, 12, 31),
        "dealer_legal_representative": "张经理", "dealer_address": "经销商地址 1 号",
        "dealer_phone": "0311-88888888", "dealer_bank_account": "工商银行 6222000000000001",
        "renewal_terms": "期满前30天双方协商续签", "termination_terms": "严重窜货可解除",
        "dispute_resolution_days": 30, "dispute_venue": "石家庄仲裁委员会",
        "copies": 2, "copies_holders": "甲乙双方各执一份",
        "territory_protection": True, "delivery_obligation": "48小时内配送到下游客户",
        "coverage_target_count": 50, "coverage_target_days": 90, "safety_stock_days": 15,
        "max_stock_days": 45, "flow_report_day": 5, "channel_management_terms": "管理二批区域",
        "credit_limit": Decimal("50000.00"), "payment_terms_days": 30,
        "settlement_method": "credit", "payment_method": "bank_transfer",
        "initial_stock_amount": Decimal("20000.00"), "rebate_percent": Decimal("2.00"),
        "rebate_terms": "季度返利", "promotion_fund": Decimal("5000.00"),
        "promotion_support": "地方电视台广告", "over_target_reward": "超额部分奖励1%",
        "quality_terms": "质量问题包退换", "lead_time_days": 3, "pickup_method": "delivery",
        "freight_bearer": "manufacturer", "annual_target": Decimal("1200000.00"),
        "target_reward": "完成目标返利2%", "target_miss_consequence": "取消年终奖励",
        "deposit_amount": Decimal("10000.00"), "cross_region_penalty": Decimal("2000.00"),
        "price_violation_penalty": Decimal("1000.00"), "exclusivity": True,
        "exclusivity_reward": "专卖奖励0.5%",
    }
    values.update(overrides)
    return values


def draft(actor, dealer, *, territories=None, categories=(), products=(), **overrides):
    """A complete draft made through the service (all products unless a scope is given)."""
    if not categories and not products:
        overrides.setdefault("all_products", True)
    territory_ids = [t.pk for t in (territories if territories is not None
                                    else [dealer.territory])]
    return services.agreement_create(
        actor=actor, dealer=dealer, values=complete_values(**overrides),
        territory_ids=territory_ids, category_ids=[c.pk for c in categories],
        product_ids=[p.pk for p in products])


def to_signed(agreement, *, approver, signer=None):
    """Submit (as the author), approve and sign."""
    services.agreement_submit(actor=agreement.created_by, agreement=agreement)
    services.agreement_approve(actor=approver, agreement=agreement)
    services.agreement_sign(actor=signer or approver, agreement=agreement,
                            signed_on=datetime.date(2025, 12, 20))
    agreement.refresh_from_db()
    return agreement


def to_active(agreement, *, approver):
    to_signed(agreement, approver=approver)
    services.agreement_activate(actor=approver, agreement=agreement)
    agreement.refresh_from_db()
    return agreement


@dataclass
class Catalog:
    drinks: Category
    tea: Category
    green_tea: Category
    food: Category


@pytest.fixture
def catalog(db) -> Catalog:
    drinks = Category.objects.add_root({"code": "DRINK", "name": "饮料"})
    tea = Category.objects.add_child(Category.objects.get(pk=drinks.pk),
                                     {"code": "TEA", "name": "茶饮料"})
    green = Category.objects.add_child(Category.objects.get(pk=tea.pk),
                                       {"code": "GREEN", "name": "绿茶"})
    food = Category.objects.add_root({"code": "FOOD", "name": "食品"})
    return Catalog(drinks, tea, green, food)


@pytest.fixture
def product_in():
    def _make(category, **fields):
        return ProductFactory(category=category, **fields)
    return _make


@pytest.fixture(autouse=True)
def _today_in_2026(monkeypatch):
    """Business date 2026-03-15 for every agreement test (terms are the year 2026)."""
    from django.utils import timezone

    day = datetime.date(2026, 3, 15)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)
    return day
