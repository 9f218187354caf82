"""Demo calls, visits and month plans over the last months (six; four at large scale).

Runs after the dealers (and, when present, the trade history: it reads ctx["trade"] for
"today"). Every active dealer is looked after by its rep, or by the regional manager of
its 大区 when it has no rep:

- most are called every 12-29 days and visited every 25-58 days, and call in now and
  then themselves;
- about one in ten lapsed: nobody called or visited them for the last 40-100 days, so
  they are on the overdue list;
- a few trading dealers (at least two, tagged "demo:calls_jump") call in once or twice a
  month and then seven to ten times in the last complete month, mostly complaints: the
  inbound-call signal the early warning can pick up from the dealer-month facts.

Each rep also gets a plan for last month (mostly carried out, some missed, with a comment
from his manager) and one for this month. Written in bulk (COPY on PostgreSQL), without
audit events, like the trade history.

Call it after stock.demo: ``visits_demo.run(scale=scale, rng=rng, ctx=ctx)`` (the step
"visits" of demo_data).
"""

import datetime
import random
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils import timezone

from qudao.accounts.choices import Role
from qudao.accounts.models import User
from qudao.core import demo as gen
from qudao.dealers.choices import ChannelLevel, DealerStatus
from qudao.dealers.models import Contact as DealerContact
from qudao.dealers.models import Dealer, Tag
from qudao.orders import history as h
from qudao.territories.models import AssignmentRole, Territory, TerritoryAssignment
from qudao.visits.choices import ContactKind, DistanceBasis, PlanKind, Purpose
from qudao.visits.models import Contact, MonthPlan, PlanComment, PlanItem
from qudao.visits.services import distance_m

# Months of history: at large scale (~90,000 active dealers) four months are ~1M rows.
HISTORY_MONTHS = {"small": 6, "large": 4}
CALLS_JUMP = "calls_jump"
LAPSED_SHARE = 0.10
JUMPERS = {"small": 4, "large": 40}
PURPOSES = {
    ContactKind.CALL_OUT: gen.Mix([(Purpose.ORDER_FOLLOW_UP, 35), (Purpose.COLLECTION, 20),
                                   (Purpose.PROMOTION, 15), (Purpose.RELATIONSHIP, 20),
                                   (Purpose.OTHER, 10)]),
    ContactKind.CALL_IN: gen.Mix([(Purpose.ORDER_FOLLOW_UP, 50), (Purpose.COMPLAINT, 20),
                                  (Purpose.PROMOTION, 10), (Purpose.OTHER, 20)]),
    ContactKind.VISIT: gen.Mix([(Purpose.INSPECTION, 30), (Purpose.RELATIONSHIP, 25),
                                (Purpose.PROMOTION, 15), (Purpose.TRAINING, 10),
                                (Purpose.COLLECTION, 10), (Purpose.COMPLAINT, 5),
                                (Purpose.ORDER_FOLLOW_UP, 5)]),
    ContactKind.MESSAGE: gen.Mix([(Purpose.ORDER_FOLLOW_UP, 60), (Purpose.PROMOTION, 20),
                                  (Purpose.OTHER, 20)]),
}
NOTES = {
    Purpose.ORDER_FOLLOW_UP: [
        "确认本月进货计划，下周补货两个规格。",
        "跟进上批订单到货情况，已全部签收。",
        "经销商反映部分规格断货，催促尽快下单。",
        "核对订单数量与发货单，无差异。",
    ],
    Purpose.COLLECTION: [
        "提醒上月货款到期，对方承诺本周内回款。",
        "对账完成，余款月底前结清。",
        "回款比上月慢，老板称下游账期拉长。",
    ],
    Purpose.PROMOTION: [
        "介绍本季度陈列奖励政策，经销商愿意参加。",
        "沟通新品上市铺货方案和首批进货量。",
        "落实节日促销堆头，需总部支持物料。",
    ],
    Purpose.COMPLAINT: [
        "经销商投诉到货破损，已拍照登记，申请退换。",
        "反映邻区低价窜货，要求厂家处理。",
        "投诉送货延迟三天，影响终端供货。",
        "客诉产品批次日期不新鲜，需核实。",
    ],
    Purpose.RELATIONSHIP: [
        "例行回访，了解经营情况，老板对合作满意。",
        "拜访老板，沟通明年合作意向。",
        "了解其团队人员变动，新任采购已对接。",
    ],
    Purpose.INSPECTION: [
        "检查库存和陈列，主力规格库存约两周。",
        "走访下游三家终端，价格执行到位。",
        "仓库存货偏多，建议控制进货节奏。",
        "巡查市场价格，发现一家终端低于限价。",
    ],
    Purpose.TRAINING: [
        "为经销商业务员讲解新品卖点和陈列标准。",
        "培训订货平台使用和库存上报。",
    ],
    Purpose.OTHER: [
        "咨询发票开具事宜。",
        "确认联系人电话变更。",
    ],
}
OUTCOMES = ["已解决", "已答复，待总部确认", "达成一致，按计划执行", "问题已上报区域经理", ""]
NEXT_STEPS = ["下周电话确认到货", "月底前上门对账", "提交陈列费用申请", "跟进破损退换进度",
              "安排新品试销", "督促回款"]
COMMENTS = ["拜访安排合理，重点客户再增加一次上门。", "上月有两家未按计划拜访，本月请补上。",
            "注意回款慢的客户，优先上门。", "计划执行得不错，继续保持。"]
COLUMNS = ["dealer_id", "staff_id", "kind", "happened_at", "month", "duration_minutes",
           "purpose", "person", "notes", "outcome", "next_step", "next_step_due",
           "next_step_done_on", "latitude", "longitude", "accuracy_m", "checked_in_at",
           "distance_m", "distance_basis", "created_at", "updated_at"]


def _moment(rng: random.Random, day: datetime.date) -> datetime.datetime:
    return h.at(day, rng.randint(9, 17), rng.choice([0, 10, 15, 20, 30, 40, 45, 50]))


def _schedule(rng: random.Random, first: datetime.date, last: datetime.date,
              gap: tuple[int, int]) -> list[datetime.date]:
    """Days from a random start within the first gap, every `gap` days, up to `last`."""
    days = []
    day = first + datetime.timedelta(days=rng.randint(0, gap[1] - 1))
    while day <= last:
        days.append(day)
        day += datetime.timedelta(days=rng.randint(*gap))
    return days


def _staff(dealers: list[dict[str, Any]]) -> dict[int, int]:
    """Who looks after each dealer: its rep, else the manager of its 大区, else the admin."""
    step = Territory.steplen
    managers = {path[:step]: user for path, user in TerritoryAssignment.objects.filter(
        role=AssignmentRole.MANAGER).order_by("territory__path", "user_id")
        .values_list("territory__path", "user_id")}
    fallback = (User.objects.filter(Q(role=Role.HQ_ADMIN) | Q(is_superuser=True))
                .order_by("pk").values_list("pk", flat=True).first())
    result = {}
    for row in dealers:
        staff = row["assigned_rep_id"] or managers.get((row["territory__path"] or "")[:step])
        staff = staff or fallback
        if staff:
            result[row["pk"]] = staff
    return result


def _position(rng: random.Random, row: dict[str, Any]) -> tuple[Any, Any, str]:
    if row["latitude"] is not None and row["longitude"] is not None:
        spread = 2_000 if rng.random() < 0.15 else 300
        lat, lng = gen.near(rng, latitude=row["latitude"], longitude=row["longitude"],
                            spread=spread)
        return lat, lng, DistanceBasis.DEALER
    if row["territory__latitude"] is not None and row["territory__longitude"] is not None:
        lat, lng = gen.near(rng, latitude=row["territory__latitude"],
                            longitude=row["territory__longitude"], spread=20_000)
        return lat, lng, DistanceBasis.TERRITORY
    return None, None, ""


def _contact(rng: random.Random, row: dict[str, Any], staff: int, kind: str,
             day: datetime.date, today: datetime.date, *, purpose: str | None = None
             ) -> tuple:
    moment = _moment(rng, day)
    purpose = purpose or PURPOSES[kind].pick(rng)
    notes = rng.choice(NOTES[purpose])
    step, due, done = "", None, None
    if rng.random() < 0.3:
        step = rng.choice(NEXT_STEPS)
        due = day + datetime.timedelta(days=rng.randint(3, 14))
        if due < today and rng.random() < 0.8:
            done = due + datetime.timedelta(days=rng.randint(-2, 2))
            done = max(min(done, today - datetime.timedelta(days=1)), day)
    lat = lng = accuracy = checked = distance = None
    basis = ""
    if kind == ContactKind.VISIT and rng.random() < 0.9:
        lat, lng, basis = _position(rng, row)
        if lat is not None:
            accuracy = Decimal(rng.randint(50, 600)) / 10
            checked = moment
            target = ((row["latitude"], row["longitude"]) if basis == DistanceBasis.DEALER
                      else (row["territory__latitude"], row["territory__longitude"]))
            distance = distance_m(lat, lng, *target)
    duration = rng.randint(2, 15) if kind in (ContactKind.CALL_OUT, ContactKind.CALL_IN) else (
        rng.randint(30, 120) if kind == ContactKind.VISIT else None)
    person = row["person"] if rng.random() < 0.8 else ""
    return (row["pk"], staff, kind, moment, day.replace(day=1), duration, purpose, person,
            notes, rng.choice(OUTCOMES), step, due, done, lat, lng, accuracy, checked,
            distance, basis, moment, moment)


def run(*, scale: str, rng: random.Random, ctx: dict[str, Any]) -> None:
    """Write months of calls and visits for the active dealers, and the reps' plans."""
    trade = ctx.get("trade")
    today = trade["window"].today if trade else timezone.localdate()
    current = today.replace(day=1)
    first = h.add_months(current, -HISTORY_MONTHS.get(scale, 6))
    last_month = h.add_months(current, -1)
    yesterday = today - datetime.timedelta(days=1)
    dealers = list(Dealer.objects.filter(status=DealerStatus.ACTIVE).order_by("pk").values(
        "pk", "channel_level", "assigned_rep_id", "latitude", "longitude", "territory__path",
        "territory__latitude", "territory__longitude"))
    people = {}
    for dealer_id, name in (DealerContact.objects.filter(is_primary=True)
                            .order_by("dealer_id", "pk").values_list("dealer_id", "name")):
        people.setdefault(dealer_id, name)
    for row in dealers:
        row["person"] = people.get(row["pk"], "")
    staff = _staff(dealers)
    steady = set(Dealer.objects.filter(tags__name=h.pattern_tag(h.STEADY))
                 .values_list("pk", flat=True))
    looked_after = [d for d in dealers if d["pk"] in staff]
    candidates = [d for d in looked_after if d["pk"] in steady] or [
        d for d in looked_after if d["channel_level"] in (ChannelLevel.TIER1, ChannelLevel.TIER2)]
    jumpers = {d["pk"] for d in rng.sample(candidates, min(len(candidates),
                                                           JUMPERS.get(scale, 4)))}
    sink = h.RowSink([(Contact, COLUMNS)])
    bar = h.progress(len(dealers), "visits", "dealer", enabled=scale == "large")
    by_rep_month: dict[tuple[int, datetime.date], list[tuple]] = defaultdict(list)
    for row in dealers:
        who = staff.get(row["pk"])
        if who is None:
            bar.update()
            continue
        lapsed = row["pk"] not in jumpers and rng.random() < LAPSED_SHARE
        until = today - datetime.timedelta(days=rng.randint(40, 100)) if lapsed else yesterday
        rows = []
        for day in _schedule(rng, first, until, (12, 29)):
            rows.append(_contact(rng, row, who, ContactKind.CALL_OUT, day, today))
        for day in _schedule(rng, first, until, (25, 58)):
            rows.append(_contact(rng, row, who, ContactKind.VISIT, day, today))
        month = first
        while month <= current:
            end = min(h.add_months(month, 1) - datetime.timedelta(days=1), yesterday)
            if row["pk"] in jumpers:
                calls = rng.randint(7, 10) if month == last_month else rng.randint(1, 2)
            else:
                calls = rng.choices([0, 1, 2], weights=[55, 35, 10])[0]
            for _n in range(calls if end >= month else 0):
                day = month + datetime.timedelta(days=rng.randint(0, (end - month).days))
                purpose = (Purpose.COMPLAINT if row["pk"] in jumpers and month == last_month
                           and rng.random() < 0.6 else None)
                rows.append(_contact(rng, row, who, ContactKind.CALL_IN, day, today,
                                     purpose=purpose))
            if rng.random() < 0.15 and end >= month:
                day = month + datetime.timedelta(days=rng.randint(0, (end - month).days))
                rows.append(_contact(rng, row, who, ContactKind.MESSAGE, day, today))
            month = h.add_months(month, 1)
        sink.extend(Contact, rows)
        for contact in rows:
            by_rep_month[(who, contact[4])].append(contact)
        bar.update()
        sink.maybe_flush()
    bar.close()
    written = sink.finish()
    ctx.setdefault("trade_written", {}).update(written)
    tag = Tag.objects.get_or_create(name=h.pattern_tag(CALLS_JUMP))[0]
    Dealer.tags.through.objects.bulk_create(
        [Dealer.tags.through(dealer_id=pk, tag_id=tag.pk) for pk in sorted(jumpers)],
        ignore_conflicts=True)
    _plans(rng, dealers=dealers, staff=staff, by_rep_month=by_rep_month, today=today)


def _plans(rng: random.Random, *, dealers: list[dict[str, Any]], staff: dict[int, int],
           by_rep_month: dict[tuple[int, datetime.date], list[tuple]],
           today: datetime.date) -> None:
    """Last month's plan of each rep (most of it carried out, some missed, a comment from
    his manager) and this month's (the days still to come)."""
    current = today.replace(day=1)
    last_month = h.add_months(current, -1)
    reps = dict(User.objects.filter(role=Role.SALES_REP, is_active=True)
                .values_list("pk", "username"))
    managers = _managers_of(list(reps))
    mine: dict[int, list[int]] = defaultdict(list)
    for row in dealers:
        if staff.get(row["pk"]) in reps:
            mine[staff[row["pk"]]].append(row["pk"])
    items: list[PlanItem] = []
    comments: list[PlanComment] = []
    for rep_id in sorted(reps):
        if not mine[rep_id]:
            continue
        past = MonthPlan.objects.create(rep_id=rep_id, month=last_month,
                                        notes="重点客户全部上门一次，回款慢的客户优先。")
        logged = [c for c in by_rep_month.get((rep_id, last_month), [])
                  if c[2] in (ContactKind.VISIT, ContactKind.CALL_OUT)]
        seen = set()
        for contact in rng.sample(logged, min(len(logged), 24)):
            kind = PlanKind.VISIT if contact[2] == ContactKind.VISIT else PlanKind.CALL
            day = timezone.localdate(contact[3])
            if rng.random() < 0.3:
                day = max(last_month, day - datetime.timedelta(days=rng.randint(1, 3)))
            if (contact[0], day, kind) not in seen:
                seen.add((contact[0], day, kind))
                items.append(PlanItem(plan=past, dealer_id=contact[0], day=day, kind=kind,
                                      purpose=contact[6]))
        for _n in range(rng.randint(2, 4)):  # planned, never done
            dealer = rng.choice(mine[rep_id])
            day = last_month + datetime.timedelta(days=rng.randint(0, 27))
            if (dealer, day, PlanKind.VISIT) not in seen:
                seen.add((dealer, day, PlanKind.VISIT))
                items.append(PlanItem(plan=past, dealer_id=dealer, day=day,
                                      kind=PlanKind.VISIT, purpose=Purpose.INSPECTION))
        if managers.get(rep_id):
            comments.append(PlanComment(plan=past, author_id=managers[rep_id],
                                        text=rng.choice(COMMENTS)))
        end = h.add_months(current, 1) - datetime.timedelta(days=1)
        if today <= end:
            plan = MonthPlan.objects.create(rep_id=rep_id, month=current,
                                            notes="完成季度陈列检查，跟进新品铺货。")
            seen = set()
            for dealer in rng.sample(mine[rep_id], min(len(mine[rep_id]), 15)):
                day = today + datetime.timedelta(days=rng.randint(0, (end - today).days))
                kind = rng.choice([PlanKind.VISIT, PlanKind.CALL])
                if (dealer, day, kind) not in seen:
                    seen.add((dealer, day, kind))
                    items.append(PlanItem(plan=plan, dealer_id=dealer, day=day, kind=kind,
                                          purpose=PURPOSES[ContactKind.VISIT].pick(rng)))
    PlanItem.objects.bulk_create(items, batch_size=2000)
    PlanComment.objects.bulk_create(comments)


def _managers_of(rep_ids: list[int]) -> dict[int, int]:
    """Each rep's regional manager: the manager whose territory lies above the rep's."""
    assignments = list(TerritoryAssignment.objects.filter(
        Q(user_id__in=rep_ids) | Q(role=AssignmentRole.MANAGER))
        .values_list("user_id", "role", "territory__path"))
    managers = [(path, user) for user, role, path in assignments
                if role == AssignmentRole.MANAGER]
    result = {}
    for user, role, path in assignments:
        if user in rep_ids and role == AssignmentRole.REP:
            above = [(len(p), m) for p, m in managers if path.startswith(p) and m != user]
            if above:
                result[user] = max(above)[1]
    return result
