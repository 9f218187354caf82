"""Writes: KPI weights (sum 1.00, audited), the dealer's rating (one per quarter, updated
within it), channel expenses (scoped, audited) and their Excel import (all or nothing)."""

import datetime
import io
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from qudao.core.excel import ImportFailed
from qudao.core.models import AuditEvent
from qudao.performance import excel, services
from qudao.performance.exceptions import ExpenseInvalid, RatingInvalid, WeightsInvalid
from qudao.performance.kpi import current_weights
from qudao.performance.models import ChannelExpense, KpiWeights, RepRating

pytestmark = pytest.mark.django_db

WEIGHTS = {"new_dealers": "0.15", "first_orders": "0.10", "retention": "0.15",
           "repeat_orders": "0.10", "growth": "0.10", "contact": "0.10",
           "first_order_only": "0.05", "sell_through": "0.10", "rating": "0.15",
           "new_dealers_per_month": "2", "first_orders_per_month": "1"}


def test_weights_must_add_up_to_one(hq_admin):
    with pytest.raises(WeightsInvalid) as caught:
        services.weights_set(actor=hq_admin, values={**WEIGHTS, "rating": "0.10"})
    assert caught.value.errors["__all__"] == (
        "The weights add up to 0.95; they must add up to exactly 1.00.")
    with pytest.raises(WeightsInvalid) as caught:
        services.weights_set(actor=hq_admin, values={**WEIGHTS, "growth": "-0.10",
                                                     "rating": "0.35"})
    assert "growth" in caught.value.errors
    assert not KpiWeights.objects.exists()
    assert not AuditEvent.objects.filter(event="performance.weights_set").exists()


def test_weights_set_is_in_force_and_audited(hq_admin):
    services.weights_set(actor=hq_admin, values={**WEIGHTS, "rating": "0.25",
                                                 "sell_through": "0.00"})
    weights = current_weights()
    assert (weights.rating, weights.sell_through, weights.new_dealers_per_month) == (
        D("0.25"), D("0.00"), D("2.00"))
    event = AuditEvent.objects.get(event="performance.weights_set")
    assert event.actor == hq_admin
    assert event.data["rating"] == ["0.15", "0.25"]


def test_dealer_rates_its_rep_once_per_quarter(world, dealer_a_admin, north_rep):
    world.dealer_a.assigned_rep = north_rep
    world.dealer_a.save()
    day = datetime.date(2025, 5, 2)
    first = services.rating_submit(actor=dealer_a_admin, today=day, comment="一般",
                                   scores={"responsiveness": 3, "professionalism": 3,
                                           "sales_help": 2})
    again = services.rating_submit(actor=dealer_a_admin, today=datetime.date(2025, 6, 30),
                                   comment="好多了", scores={"responsiveness": 5,
                                                          "professionalism": 4,
                                                          "sales_help": 4})
    assert again.pk == first.pk
    rating = RepRating.objects.get()
    assert (rating.quarter, rating.responsiveness, rating.comment, rating.rep) == (
        datetime.date(2025, 4, 1), 5, "好多了", north_rep)
    services.rating_submit(actor=dealer_a_admin, today=datetime.date(2025, 7, 1),
                           scores={"responsiveness": 4, "professionalism": 4, "sales_help": 4})
    assert RepRating.objects.count() == 2


def test_rating_refused_without_a_rep_or_with_a_bad_score(world, dealer_a_admin,
                                                          dealer_a_staff, north_rep):
    with pytest.raises(RatingInvalid) as caught:
        services.rating_submit(actor=dealer_a_admin, scores={
            "responsiveness": 3, "professionalism": 3, "sales_help": 3})
    assert "no sales rep assigned" in caught.value.errors["rep"]
    world.dealer_a.assigned_rep = north_rep
    world.dealer_a.save()
    with pytest.raises(RatingInvalid) as caught:
        services.rating_submit(actor=dealer_a_admin, scores={
            "responsiveness": 6, "professionalism": 3, "sales_help": 0})
    assert set(caught.value.errors) == {"responsiveness", "sales_help"}
    with pytest.raises(RatingInvalid):
        services.rating_submit(actor=dealer_a_staff, scores={
            "responsiveness": 3, "professionalism": 3, "sales_help": 3})
    assert not RepRating.objects.exists()


def test_expense_outside_ones_territory_is_refused(world, north_manager, hq_admin):
    values = {"territory": world.zhejiang, "month": datetime.date(2025, 3, 1),
              "category": "promotion", "amount": D("100.00")}
    with pytest.raises(ExpenseInvalid) as caught:
        services.expense_create(actor=north_manager, values=values)
    assert "outside your territories" in caught.value.errors["territory"]
    expense = services.expense_create(actor=hq_admin, values={**values, "amount": "100.5"})
    assert expense.amount == D("100.50")
    assert AuditEvent.objects.filter(event="performance.expense_added",
                                     target_id=str(expense.pk)).exists()
    with pytest.raises(ExpenseInvalid) as caught:
        services.expense_update(actor=hq_admin, expense=expense, values={"amount": "-1"})
    expense.refresh_from_db()
    assert expense.amount == D("100.50")


def _sheet(rows: list[list]) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(["Region code", "Month (YYYY-MM)", "Category", "Amount (CNY)", "Note"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("expenses.xlsx", buffer.getvalue())


def test_import_with_errors_saves_nothing_and_names_each_row(world, hq_admin):
    upload = _sheet([
        ["130000", "2025-01", "promotion", 1200, "春节促销"],
        ["999999", "2025-01", "promotion", 10, ""],
        ["330000", "2025-13", "物流", 10, ""],
        ["330000", "2025-02", "travel", -5, ""],
    ])
    with pytest.raises(ImportFailed) as caught:
        excel.expenses_import(actor=hq_admin, upload=upload)
    found = {(e.row, e.column) for e in caught.value.errors}
    assert found == {(3, "Region code"), (4, "Month (YYYY-MM)"), (5, "Category"),
                     (5, "Amount (CNY)")}
    assert not ChannelExpense.objects.exists()


def test_import_saves_every_row(world, hq_admin):
    upload = _sheet([["130000", "2025-01", "promotion", 1200, "春节促销"],
                     ["330000", "2025-02", "物流", "88.5", ""],
                     ["330000", "2025-02", "Staff", 300, ""]])
    assert excel.expenses_import(actor=hq_admin, upload=upload) == 3
    assert sorted(ChannelExpense.objects.values_list("territory__code", "category", "amount")) == [
        ("130000", "promotion", D("1200.00")), ("330000", "logistics", D("88.50")),
        ("330000", "staff", D("300.00"))]
    assert AuditEvent.objects.filter(event="performance.expense_added").count() == 3


def test_market_size_and_indicators(world, hq_admin, north_manager):
    size = services.market_size_set(actor=hq_admin, territory=world.hebei, year=2025,
                                    amount="5000000")
    services.market_size_set(actor=hq_admin, territory=world.hebei, year=2025,
                             amount="6000000")
    size.refresh_from_db()
    assert size.amount == D("6000000.00")
    assert AuditEvent.objects.filter(event="performance.market_size_set").count() == 2
    indicator = services.indicator_set(
        actor=north_manager, territory=world.hebei, period_kind="quarter",
        period_start=datetime.date(2025, 1, 1),
        scores={"relationship": 4, "satisfaction": 3, "atmosphere": 5}, note="关系融洽")
    assert (indicator.relationship, indicator.atmosphere) == (4, 5)
    from qudao.performance.exceptions import IndicatorInvalid
    with pytest.raises(IndicatorInvalid):
        services.indicator_set(actor=north_manager, territory=None, period_kind="quarter",
                               period_start=datetime.date(2025, 1, 1),
                               scores={"relationship": 4, "satisfaction": 3, "atmosphere": 5})
    with pytest.raises(IndicatorInvalid):
        services.indicator_set(actor=north_manager, territory=world.zhejiang,
                               period_kind="quarter", period_start=datetime.date(2025, 1, 1),
                               scores={"relationship": 4, "satisfaction": 3, "atmosphere": 5})
