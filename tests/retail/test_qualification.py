"""The qualification check (R-RT-03): each condition met or unmet, with the numbers."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from qudao.retail import qualification
from qudao.retail.models import QualificationCondition
from qudao.stock.periods import add_months
from tests.retail.factories import audit_make, month_make, profile_make, store_make


@pytest.fixture
def conditions(db):
    """Authorized grade B: 200,000 CNY, 50 m², 3 staff, audit score 70, management 3."""
    QualificationCondition.objects.filter(retailer_type="authorized", grade="B").update(
        min_volume=Decimal("200000"), min_area=50, min_staff=3,
        min_audit_score=Decimal("70"), min_management=3)


@pytest.mark.django_db
def test_each_condition_met_or_unmet_with_the_numbers(world, conditions):
    store = store_make(parent=world.dealer_a, grade="B", staff_count=2)
    profile_make(store, area=80, management=3)
    this_month = timezone.localdate().replace(day=1)
    # The twelve complete months before this one count; this month and the 13th back do not.
    month_make(store, add_months(this_month, -1), amount="120000.00")
    month_make(store, add_months(this_month, -12), amount="75000.50")
    month_make(store, add_months(this_month, -13), amount="900000.00")
    month_make(store, this_month, amount="900000.00")
    audit_make(store, day=this_month - datetime.timedelta(days=40), score="90.00")
    audit_make(store, day=this_month - datetime.timedelta(days=3), score="68.50")

    check = qualification.retailer_check(retailer=store)

    rows = {row.key: (row.required, row.actual, row.met) for row in check.rows}
    assert rows == {
        "volume": (Decimal("200000.00"), Decimal("195000.50"), False),
        "area": (50, 80, True),
        "staff": (3, 2, False),
        "environment": (Decimal("70.00"), Decimal("68.50"), False),
        "management": (3, 3, True),
    }
    assert not check.qualified
    assert [row.key for row in check.unmet] == ["volume", "staff", "environment"]


@pytest.mark.django_db
def test_a_store_meeting_everything_qualifies_and_missing_data_is_unmet(world, conditions):
    store = store_make(parent=world.dealer_a, grade="B", staff_count=4)
    profile_make(store, area=50, management=5)
    last = add_months(timezone.localdate(), -1)
    month_make(store, last, amount="200000.00")
    audit_make(store, day=last, score="70.00")
    assert qualification.retailer_check(retailer=store).qualified

    bare = store_make(parent=world.dealer_a, grade="B", staff_count=None)
    check = qualification.retailer_check(retailer=bare)
    rows = {row.key: (row.actual, row.met) for row in check.rows}
    assert rows["area"] == (None, False)
    assert rows["environment"] == (None, False)
    assert rows["volume"] == (Decimal("0.00"), False)
    assert not check.qualified


@pytest.mark.django_db
def test_conditions_not_set_are_not_required(world):
    QualificationCondition.objects.filter(retailer_type="cooperating", grade="C").update(
        min_volume=None, min_area=None, min_staff=None, min_audit_score=None,
        min_management=2)
    store = store_make(parent=world.dealer_a, retailer_type="cooperating", grade="C")
    profile_make(store, management=2)

    check = qualification.retailer_check(retailer=store)

    assert [row.key for row in check.rows if row.needed] == ["management"]
    assert check.qualified
    assert check.as_dict()["rows"][4] == {"key": "management", "label": "Management "
                                          "capability (1-5)", "required": "2", "actual": "2",
                                          "met": True, "unit": ""}
