"""Terminal control (R-RT-11): the share of trading terminals audited or visited in the
month, per region, directly or via a dealer."""

from decimal import Decimal

import pytest
from django.utils import timezone

from qudao.dealers.models import Dealer
from qudao.retail import reports
from qudao.stock.periods import add_months
from tests.retail.factories import audit_make, month_make, store_make


@pytest.mark.django_db
def test_share_of_terminals_audited_or_visited_per_province(world):
    month = timezone.localdate().replace(day=1)
    last = add_months(month, -1)
    shop = world.dealer_a_shop  # via dealer A, 石家庄: audited this month
    audit_make(shop, day=month, score="88.00")
    visited = store_make(parent=world.dealer_a_sub)  # via the tier-2, 唐山: visited
    month_make(visited, month, visits=2)
    store_make(parent=world.dealer_a)  # via dealer A: not reached
    direct = store_make(parent=None, territory=world.shijiazhuang)  # direct: audited last
    audit_make(direct, day=last, score="70.00")  # month only: not counted
    month_make(direct, month, visits=0)
    store_make(parent=None, territory=world.dongcheng)  # direct, 北京: not reached
    hz = store_make(parent=world.dealer_b)  # 浙江 via B: visited
    month_make(hz, month, visits=1)
    store_make(parent=world.dealer_b, status="terminated")  # not trading: left out
    store_make(parent=world.dealer_a, level="key_account")  # key account: not a terminal

    report = reports.terminal_control(retailers=Dealer.objects.all(), month=month)

    rows = {row["territory"].code: (row["total"], row["covered"], row["share"],
                                    row["direct"], row["covered_direct"], row["via"],
                                    row["covered_via"]) for row in report["rows"]}
    assert rows == {
        "130000": (4, 2, Decimal("50.0"), 1, 0, 3, 2),
        "110000": (1, 0, Decimal("0.0"), 1, 0, 0, 0),
        "330000": (1, 1, Decimal("100.0"), 0, 0, 1, 1),
    }
    total = report["total"]
    assert (total["total"], total["covered"], total["share"]) == (6, 3, Decimal("50.0"))
    assert (total["share_direct"], total["share_via"]) == (Decimal("0.0"), Decimal("75.0"))
    assert (total["audited"], total["visited"]) == (1, 2)


@pytest.mark.django_db
def test_within_a_region_the_rows_are_its_children(world):
    month = timezone.localdate().replace(day=1)
    audit_make(world.dealer_a_shop, day=month, score="90.00")
    store_make(parent=world.dealer_a_sub)

    report = reports.terminal_control(retailers=Dealer.objects.all(), month=month,
                                      region=world.hebei)

    assert [(r["territory"].code, r["total"], r["covered"]) for r in report["rows"]] == [
        ("130100", 1, 1), ("130200", 1, 0)]
