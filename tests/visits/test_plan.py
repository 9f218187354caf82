"""The month plan (月行程计划): what a rep may plan, plan against actual, and who reads and
comments on it."""

import datetime

import pytest
from django.utils import timezone

from qudao.core.exceptions import NotAllowed
from qudao.stock.periods import add_months
from qudao.visits import queries, services
from qudao.visits.exceptions import PlanClosed, PlanInvalid
from qudao.visits.models import Contact, MonthPlan, PlanComment, PlanItem
from qudao.visits.services import local_month


def _this_month() -> datetime.date:
    return timezone.localdate().replace(day=1)


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _contact(dealer, staff, kind, day):
    moment = _at(day)
    return Contact.objects.create(dealer=dealer, staff=staff, kind=kind, happened_at=moment,
                                  month=local_month(moment), purpose="relationship",
                                  notes="回访")


@pytest.fixture
def last_month_plan(world, north_rep, north_manager):
    """Last month: planned visits to A on the 5th and 20th and calls to A on the 10th and
    to A-sub on the 12th. Logged: a visit to A on the 6th, calls to A on the 10th and 25th,
    a call FROM A-sub on the 12th, an unplanned visit to A-shop on the 15th, and the
    manager's own call to A."""
    month = add_months(_this_month(), -1)
    day = month.replace
    plan = MonthPlan.objects.create(rep=north_rep, month=month, notes="重点客户上门")
    for dealer, on, kind in [(world.dealer_a, 5, "visit"), (world.dealer_a, 20, "visit"),
                             (world.dealer_a, 10, "call"), (world.dealer_a_sub, 12, "call")]:
        PlanItem.objects.create(plan=plan, dealer=dealer, day=day(day=on), kind=kind)
    for dealer, on, kind in [(world.dealer_a, 6, "visit"), (world.dealer_a, 10, "call_out"),
                             (world.dealer_a, 25, "call_out"), (world.dealer_a_sub, 12, "call_in"),
                             (world.dealer_a_shop, 15, "visit")]:
        _contact(dealer, north_rep, kind, day(day=on))
    _contact(world.dealer_a, north_manager, "call_out", day(day=11))
    return plan


@pytest.mark.django_db
def test_plan_against_actual(last_month_plan, world, north_rep, north_manager):
    view = queries.plan_month(user=north_manager, rep=north_rep, month=last_month_plan.month)

    outcome = {(r["item"].dealer.code, r["item"].day.day, r["item"].kind):
               (r["done_by"].happened_at.day if r["done_by"] else None, r["missed"])
               for r in view["rows"]}
    assert outcome == {
        ("A0001", 5, "visit"): (6, False),  # carried out a day late
        ("A0001", 20, "visit"): (None, True),
        ("A0001", 10, "call"): (10, False),
        ("A0002", 12, "call"): (None, True),  # the dealer called us: not our call
    }
    assert view["totals"] == {"planned_calls": 2, "planned_visits": 2, "actual_calls": 2,
                              "actual_visits": 2, "done": 2, "planned": 4, "missed": 2,
                              "done_share": 0.5}
    assert view["other_contacts"] == 1
    dealers = {r["dealer"].code: (r["planned_calls"], r["actual_calls"], r["planned_visits"],
                                  r["actual_visits"], r["unplanned"]) for r in view["dealers"]}
    assert dealers == {"A0001": (1, 2, 2, 1, False), "A0002": (1, 0, 0, 0, False),
                       "A0003": (0, 0, 0, 1, True)}
    assert view["is_open"] is False


@pytest.mark.django_db
def test_the_overview_counts_each_followed_rep(last_month_plan, north_rep, north_manager):
    rows = queries.plan_overview(user=north_manager, month=last_month_plan.month)
    assert [(str(r["rep"]), r["planned_calls"], r["planned_visits"], r["actual_calls"],
             r["actual_visits"], r["plan_id"] is not None) for r in rows] == [
        ("华北经理", 0, 0, 1, 0, False), ("河北业务员", 2, 2, 2, 2, True)]


@pytest.mark.django_db
def test_a_rep_plans_days_to_come_of_open_months(world, north_rep):
    today = timezone.localdate()
    next_month = add_months(_this_month(), 1)

    item = services.plan_item_add(actor=north_rep, dealer=world.dealer_a, day=today,
                                  kind="visit", purpose="inspection", note="查库存")
    later = services.plan_item_add(actor=north_rep, dealer=world.dealer_a,
                                   day=next_month.replace(day=3), kind="call")

    assert (item.plan.rep, item.plan.month) == (north_rep, _this_month())
    assert later.plan.month == next_month
    with pytest.raises(PlanInvalid, match="already planned"):
        services.plan_item_add(actor=north_rep, dealer=world.dealer_a, day=today,
                               kind="visit")
    with pytest.raises(PlanClosed):
        services.plan_item_add(actor=north_rep, dealer=world.dealer_a,
                               day=add_months(_this_month(), -1), kind="visit")
    if today.day > 1:
        with pytest.raises(PlanInvalid, match="has passed"):
            services.plan_item_add(actor=north_rep, dealer=world.dealer_a,
                                   day=today - datetime.timedelta(days=1), kind="visit")
    with pytest.raises(PlanInvalid):
        services.plan_item_add(actor=north_rep, dealer=world.dealer_a, day=today,
                               kind="message")
    with pytest.raises(NotAllowed):
        services.plan_item_add(actor=north_rep, dealer=world.dealer_b, day=today,
                               kind="visit")
    assert PlanItem.objects.count() == 2

    services.plan_item_delete(actor=north_rep, item=later)
    assert list(PlanItem.objects.all()) == [item]


@pytest.mark.django_db
def test_missed_days_and_closed_months_stay_on_the_plan(last_month_plan, north_rep,
                                                        east_rep):
    item = last_month_plan.items.first()
    with pytest.raises(PlanClosed):
        services.plan_item_delete(actor=north_rep, item=item)
    with pytest.raises(NotAllowed):
        services.plan_item_delete(actor=east_rep, item=item)
    assert last_month_plan.items.count() == 4


@pytest.mark.django_db
def test_who_reads_and_comments_on_a_plan(last_month_plan, north_rep, north_manager, east_rep,
                                          hq_admin, finance, dealer_a_admin):
    plan = last_month_plan
    assert plan in queries.visible_plans(north_rep)
    assert plan in queries.visible_plans(north_manager)
    assert plan in queries.visible_plans(hq_admin)
    assert plan in queries.visible_plans(finance)
    assert plan not in queries.visible_plans(east_rep)
    assert plan not in queries.visible_plans(dealer_a_admin)

    services.plan_comment_add(actor=north_manager, plan=plan, text="20号的拜访要补上")
    services.plan_comment_add(actor=north_rep, plan=plan, text="收到，本月初补")
    with pytest.raises(NotAllowed):
        services.plan_comment_add(actor=east_rep, plan=plan, text="x")
    with pytest.raises(NotAllowed):
        services.plan_comment_add(actor=finance, plan=plan, text="x")  # reads, no comments
    with pytest.raises(PlanInvalid):
        services.plan_comment_add(actor=north_manager, plan=plan, text="  ")
    assert [(c.author.username, c.text) for c in PlanComment.objects.order_by("id")] == [
        ("north_manager", "20号的拜访要补上"), ("north_rep", "收到，本月初补")]
    view = queries.plan_month(user=north_manager, rep=north_rep, month=plan.month)
    assert [c.text for c in view["comments"]] == ["20号的拜访要补上", "收到，本月初补"]
