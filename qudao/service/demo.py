"""Demo dealer service: the directory filled in, a few service-desk staff, portal users for
some dealers, and some hundreds of requests over the last eight months, raised, answered,
escalated, resolved, confirmed and rated through the services at the moments they happen.

Runs after the dealers exist (after stock.demo in `qudao demo-data`); reads dealers, staff
and products from the database, so it also runs on a small test world. Every step of every
request is an event on one timeline, played in time order with the escalation task at the
five-minute beats where a deadline has passed unmet (it finds nothing at the others) and
the auto-close task every night, so requests that ran late carry the escalations they
would have had. Requests raised in the last days are still open, some
already overdue. A few dealers (tag "demo:complaints") raise a burst of complaints and
quality problems in the last complete month: the pattern early warning should find.
"""

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from qudao.accounts.choices import DEALER_ROLES, Role
from qudao.accounts.models import User
from qudao.catalog.models import Product, ProductStatus
from qudao.core import demo as gen
from qudao.core.demo import Mix
from qudao.dealers.choices import ChannelLevel, DealerStatus
from qudao.dealers.models import Dealer, Tag
from qudao.service import services
from qudao.service.choices import Channel, RequestStatus
from qudao.service.models import ServiceFunction, ServiceRequest, WorkingCalendar
from qudao.service.workhours import (
    SHANGHAI,
    WorkCalendar,
    add_working_hours,
    calendar_load,
    working_hours_between,
)
from qudao.stock.periods import add_months
from qudao.territories.models import AssignmentRole, TerritoryAssignment

MONTHS = 8
# Requests per trading dealer and month (portal dealers ask three times as often), and a
# cap on the total: large scale has ten thousand trading dealers.
RATE = 0.3
MAX_REQUESTS = {"small": 600, "large": 2500}
PORTAL_DEALERS = {"small": 20, "large": 60}
RECENT = {"small": 12, "large": 60}
SURGE_TAG = "demo:complaints"
SURGE_REQUESTS = (5, 8)
PASSWORD = "qudao2026"

# Service-desk staff the directory names: user name, full name, function codes.
DESK = [
    ("svc_logistics", "陈刚", ["logistics"]),
    ("svc_marketing", "林晓", ["design", "advertising", "promotion"]),
    ("svc_training", "何静", ["sales_guidance"]),
    ("svc_quality", "高峰", ["quality"]),
]
CONTACTS = {
    "order": ("400-800-2026 转 1", "order@qudao.example.com", "dingtalk", "qd-order"),
    "payment": ("0311-86000001", "finance@qudao.example.com", "dingtalk", "qd-finance"),
    "logistics": ("0311-86000002", "logistics@qudao.example.com", "wechat", "qd_wuliu"),
    "design": ("0311-86000003", "design@qudao.example.com", "wecom", "qd-sheji"),
    "advertising": ("0311-86000003", "marketing@qudao.example.com", "wecom", "qd-shichang"),
    "sales_guidance": ("0311-86000004", "training@qudao.example.com", "wechat", "qd_peixun"),
    "promotion": ("0311-86000003", "promotion@qudao.example.com", "wecom", "qd-cuxiao"),
    "after_sales": ("400-800-2026 转 2", "service@qudao.example.com", "wechat", "qd_kefu"),
    "complaint": ("400-800-2026 转 3", "complaint@qudao.example.com", "wechat", "qd_tousu"),
    "quality": ("0311-86000005", "quality@qudao.example.com", "dingtalk", "qd-zhiliang"),
}
FUNCTION_MIX = Mix([("order", 18), ("payment", 12), ("logistics", 20), ("design", 5),
                    ("advertising", 4), ("sales_guidance", 4), ("promotion", 8),
                    ("after_sales", 12), ("complaint", 7), ("quality", 10)])
PRIORITY_MIX = Mix([("low", 15), ("normal", 60), ("high", 20), ("urgent", 5)])
WITH_PRODUCT = {"quality", "complaint", "after_sales"}

# What dealers ask, per function: (subject, description).
ASKS: dict[str, list[tuple[str, str]]] = {
    "order": [("订单需要加量", "上周的订单想每个品项各加10箱,能否赶上同一车发货?"),
              ("撤销重复订单", "系统里提交了两次同样的订单,请撤销后一张。"),
              ("订单一直未审核", "订单提交三天了还是待审核状态,影响备货。"),
              ("修改收货地址", "新仓库已启用,请把本月订单的收货地址改到新仓。")],
    "payment": [("汇款已到账请确认", "昨天通过对公账户汇款,请核对到账并释放额度。"),
                ("对账单金额不符", "本月对账单比我们账上多出一笔,请核对。"),
                ("返利抵扣未生效", "上季度返利应在本次订单中抵扣,但订单未体现。")],
    "logistics": [("到货破损", "今天到货有几箱外包装破损,已拍照。"),
                  ("发货延迟", "订单已审核五天还未发货,终端在催。"),
                  ("错发品项", "到货品项与订单不符,多了一个口味,少了另一个。"),
                  ("到货数量短少", "签收时清点少了3箱,司机说装车就这么多。")],
    "design": [("门头设计", "新开的专卖店需要门头设计,尺寸6米×1.2米。"),
               ("堆头陈列方案", "超市给了端架和地堆位置,需要陈列方案。")],
    "advertising": [("宣传物料申请", "需要一批海报和价签,用于县城终端。"),
                    ("本地广告费用支持", "计划在县电视台投放广告,申请费用支持。")],
    "sales_guidance": [("导购员培训", "新招的3名导购需要产品知识培训。"),
                       ("驻店导购安排", "节前希望在两家大卖场安排驻店导购。")],
    "promotion": [("节日促销方案", "节日前想做买赠活动,请给出方案和赠品。"),
                  ("促销费用核销", "上月促销活动已结束,费用核销材料已准备好。")],
    "after_sales": [("消费者退货", "消费者反映口感异常要求退货,如何处理?"),
                    ("临期品处理", "有一批产品距到期不足两个月,申请调换。")],
    "complaint": [("业务员承诺未兑现", "业务员答应的陈列费一直没有兑现。"),
                  ("配送司机态度差", "送货司机卸货时态度恶劣,拒绝搬进仓库。"),
                  ("邻区低价窜货", "邻县经销商低价窜货到我区域,扰乱价格。"),
                  ("消费者投诉产品问题", "消费者在超市购买后投诉产品有异物。")],
    "quality": [("产品胀袋", "同一批次多袋出现胀袋,已暂停销售。"),
                ("包装漏液", "到货后发现多瓶漏液,批号见照片。"),
                ("口味异常", "多名消费者反映该批次口味发酸。")],
}
REPLIES = ["收到,已安排专人跟进,今天内给您答复。", "已转相关同事核实,请稍候。",
           "您好,我们正在处理,有进展第一时间告诉您。", "已记录,正在与仓库确认。"]
WAITS = ["请提供照片和批号。", "请把汇款凭证发过来。", "请确认具体数量和收货时间。",
         "请提供门店尺寸和现场照片。"]
DEALER_ANSWERS = ["照片和批号已上传。", "凭证已发,请查收。", "数量和时间已确认,见附言。",
                  "资料已补充。"]
RESOLUTIONS = ["已处理完毕,请确认。", "已补发/调换,物流单号已短信发送。",
               "已核实并更正,请查看最新对账单。", "方案已发送,如有问题请再联系。"]
NOTES = ["仓库反馈是装车问题,已提醒物流。", "这家经销商本月第二次反映同类问题。",
         "需要质量部出具检测报告。", "费用需要区域经理审批。"]
REOPENS = ["补发的货还是有问题。", "问题没有解决,请再处理。", "对账单仍未更正。"]
COMMENTS = {5: ["处理很及时,谢谢!", "非常满意"], 4: ["还不错", "处理得挺快"],
            3: ["一般,希望更快一些"], 2: ["拖得太久了", "沟通不够及时"],
            1: ["很不满意,问题拖了很久"]}


@dataclass
class _Plan:
    """One request to play: who raises it and what happens to it, and when."""

    dealer: Dealer
    code: str
    priority: str
    subject: str
    description: str
    raiser: User
    channel: str
    created: datetime.datetime
    product_id: int | None = None
    caller: str = ""
    portal_user: User | None = None
    state: dict[str, Any] = field(default_factory=dict)


def _moment(day: datetime.date, hour: float) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), tzinfo=SHANGHAI) + (
        datetime.timedelta(minutes=round(hour * 60)))


def _beat(moment: datetime.datetime) -> datetime.datetime:
    """The first run of the escalation task at or after `moment` (every five minutes)."""
    start = moment.replace(second=0, microsecond=0)
    if start < moment:
        start += datetime.timedelta(minutes=1)
    return start + datetime.timedelta(minutes=(-start.minute) % 5)


def _staff(ctx: dict[str, Any]) -> dict[str, User]:
    """The demo's staff by user name (from ctx, or the database when run on its own)."""
    users = dict(ctx.get("users") or {})
    for user in User.objects.filter(is_active=True).exclude(role__in=DEALER_ROLES):
        users.setdefault(user.username, user)
    return users


def _desk(ctx: dict[str, Any], staff: dict[str, User], admin: User) -> dict[str, User]:
    """Create the service-desk staff and fill in the directory (through the service, so
    it is audited like HQ's own edits); route promotions to each region's rep."""
    password = ctx.get("password_hash") or make_password(PASSWORD)
    ctx["password_hash"] = password
    by_code: dict[str, User] = {}
    for username, full_name, codes in DESK:
        user = User.objects.filter(username=username).first() or User.objects.create(
            username=username, full_name=full_name, role=Role.CUSTOMER_SERVICE,
            email=f"{username}@qudao.example.com", password=password)
        staff[username] = user
        by_code.update({code: user for code in codes})
    fallback = staff.get("service") or admin
    by_code.update({"order": fallback, "after_sales": fallback, "complaint": fallback,
                    "payment": staff.get("finance") or fallback})
    for function in ServiceFunction.objects.all():
        phone, email, app, handle = CONTACTS.get(function.code, ("", "", "", ""))
        services.function_update(actor=admin, function=function, values={
            "responsible": by_code.get(function.code, fallback), "phone": phone,
            "email": email, "messaging_app": app, "messaging_id": handle})
    promotion = ServiceFunction.objects.get(code="promotion")
    for assignment in (TerritoryAssignment.objects.filter(role=AssignmentRole.REP)
                       .select_related("territory", "user")):
        services.route_add(actor=admin, function=promotion, territory=assignment.territory,
                           user=assignment.user)
    return by_code


def _portal_users(rng: random.Random, ctx: dict[str, Any], dealers: list[Dealer],
                  scale: str) -> dict[int, list[User]]:
    """The dealer users of each dealer, after giving a portal login to some more dealers."""
    users: dict[int, list[User]] = {}
    for user in User.objects.filter(role__in=[r.value for r in DEALER_ROLES], is_active=True,
                                    dealer__in=dealers).order_by("pk"):
        users.setdefault(user.dealer_id, []).append(user)
    without = [d for d in dealers if d.pk not in users]
    wanted = max(0, PORTAL_DEALERS[scale] - len(users))
    for dealer in rng.sample(without, min(wanted, len(without))):
        user = User.objects.create(
            username=f"portal_{dealer.code.lower()}", full_name=gen.person_name(rng),
            role=Role.DEALER_ADMIN, dealer=dealer, phone=gen.mobile(rng),
            password=ctx["password_hash"])
        users[dealer.pk] = [user]
    return users


def _working_day(rng: random.Random, calendar: WorkCalendar, first: datetime.date,
                 last: datetime.date) -> datetime.date:
    span = (last - first).days
    for _try in range(50):
        day = first + datetime.timedelta(days=rng.randint(0, max(0, span)))
        if calendar.is_working_day(day):
            return day
    return last


def _plan_one(rng: random.Random, dealer: Dealer, code: str, created: datetime.datetime, *,
              portal: list[User], staff: dict[str, User], products: list[int],
              priority: str | None = None) -> _Plan:
    subject, description = rng.choice(ASKS[code])
    portal_user = rng.choice(portal) if portal else None
    if portal_user is not None and rng.random() < 0.75:
        raiser, channel, caller = portal_user, Channel.PORTAL, ""
    elif dealer.assigned_rep_id and rng.random() < 0.4:
        raiser, channel, caller = dealer.assigned_rep, Channel.VISIT, ""
    else:
        raiser = staff.get("service") or next(iter(staff.values()))
        channel, caller = Channel.PHONE, gen.person_name(rng)
    product = rng.choice(products) if code in WITH_PRODUCT and products and (
        rng.random() < 0.7) else None
    return _Plan(dealer=dealer, code=code, priority=priority or PRIORITY_MIX.pick(rng),
                 subject=subject, description=description, raiser=raiser, channel=channel,
                 created=created, product_id=product, caller=caller, portal_user=portal_user)


def _events(rng: random.Random, plan: _Plan, calendar: WorkCalendar,
            function: ServiceFunction, fallback: User, neglect: bool = False,
            in_hand: bool = False) -> list[tuple[datetime.datetime, Callable[[], None]]]:
    """The steps of one request, each at its moment (staff act in working hours, dealers
    whenever they like). `neglect`: nobody answers it; `in_hand`: answered, still being
    worked on."""
    response, resolution = function.limits(plan.priority)
    created = plan.created
    state = plan.state
    steps: list[tuple[datetime.datetime, Callable[[], None]]] = []

    def staff() -> User:
        request = state["request"]
        return request.assignee or fallback

    def later(hours: float, base: datetime.datetime) -> datetime.datetime:
        return add_working_hours(base, Decimal(str(round(hours, 2))), calendar=calendar)

    def create() -> None:
        state["request"] = services.request_create(
            actor=plan.raiser, dealer=plan.dealer, function=function, priority=plan.priority,
            subject=plan.subject, description=plan.description,
            product=Product.objects.get(pk=plan.product_id) if plan.product_id else None,
            channel=plan.channel, caller_name=plan.caller, at=created, calendar=calendar)

    steps.append((created, create))
    # When the escalation task would find a deadline passed unmet (level 1 at the deadline,
    # level 2 one limit later): the demo runs the task only at those moments, as beat
    # would every five minutes, since it finds nothing at any other time.
    watch: list[datetime.datetime] = state.setdefault("escalate_at", [])

    def unmet(due: datetime.datetime, limit: Decimal, met: datetime.datetime | None) -> None:
        for moment in (due, add_working_hours(due, limit, calendar=calendar)):
            if met is None or moment < met:
                watch.append(moment)

    response_due = add_working_hours(created, response, calendar=calendar)
    resolution_due = add_working_hours(created, resolution, calendar=calendar)
    if neglect:
        unmet(response_due, response, None)
        unmet(resolution_due, resolution, None)
        return steps
    late_answer = rng.random() < 0.15
    answered = later(float(response) * (rng.uniform(1.05, 3) if late_answer
                                        else rng.uniform(0.1, 0.95)), created)
    steps.append((answered, lambda: services.message_add(
        actor=staff(), request=state["request"], body=rng.choice(REPLIES), at=answered,
        calendar=calendar)))
    cursor = answered
    if rng.random() < 0.2:
        noted = later(rng.uniform(0.1, 1.5), cursor)
        steps.append((noted, lambda: services.message_add(
            actor=staff(), request=state["request"], body=rng.choice(NOTES), internal=True,
            at=noted)))
        cursor = noted
    unmet(response_due, response, answered)
    if rng.random() < 0.15:
        asked = later(rng.uniform(0.2, 2), cursor)
        answered_back = asked + datetime.timedelta(hours=rng.uniform(4, 60))
        steps.append((asked, lambda: services.request_status_change(
            actor=staff(), request=state["request"], to_status=RequestStatus.WAITING,
            note=rng.choice(WAITS), at=asked, calendar=calendar)))

        def dealer_answers() -> None:
            request = state["request"]
            if plan.portal_user is not None:
                services.message_add(actor=plan.portal_user, request=request,
                                     body=rng.choice(DEALER_ANSWERS), at=answered_back,
                                     calendar=calendar)
            else:  # the dealer sent it by WeChat; staff take the request up again
                services.request_status_change(actor=staff(), request=request,
                                               to_status=RequestStatus.IN_PROGRESS,
                                               note=rng.choice(DEALER_ANSWERS),
                                               at=answered_back, calendar=calendar)
        steps.append((answered_back, dealer_answers))
        cursor = answered_back
        # Waiting stops the resolution clock: what was left counts again after the answer.
        if resolution_due > asked:
            resolution_due = add_working_hours(answered_back, working_hours_between(
                asked, resolution_due, calendar=calendar), calendar=calendar)
        watch.append(answered_back)
    if in_hand:
        unmet(resolution_due, resolution, None)
        return steps
    late_fix = rng.random() < 0.2
    resolved = max(later(float(resolution) * (rng.uniform(1.05, 2.5) if late_fix
                                              else rng.uniform(0.3, 0.95)), created),
                   later(rng.uniform(0.3, 2), cursor))
    steps.append((resolved, lambda: services.request_status_change(
        actor=staff(), request=state["request"], to_status=RequestStatus.RESOLVED,
        note=rng.choice(RESOLUTIONS), at=resolved, calendar=calendar)))
    unmet(resolution_due, resolution, resolved)
    if plan.portal_user is None or rng.random() > 0.7:
        state["closes_after"] = resolved  # by itself, after the calendar's days
        return steps
    confirmed = resolved + datetime.timedelta(hours=rng.uniform(2, 100))
    late = late_answer or late_fix
    rating = rng.choice([2, 3, 3, 4, 1] if late else [5, 5, 5, 4, 4, 3]) if (
        rng.random() < 0.85) else None
    steps.append((confirmed, lambda: services.request_confirm(
        actor=plan.portal_user, request=state["request"], rating=rating,
        comment=rng.choice(COMMENTS[rating]) if rating else "", at=confirmed)))
    if rng.random() < 0.06:
        reopened = confirmed + datetime.timedelta(hours=rng.uniform(10, 96))
        fixed_again = later(rng.uniform(2, 16), reopened)
        unmet(add_working_hours(reopened, resolution, calendar=calendar), resolution,
              fixed_again)
        state["closes_after"] = fixed_again
        steps.append((reopened, lambda: services.request_reopen(
            actor=plan.portal_user, request=state["request"], reason=rng.choice(REOPENS),
            at=reopened, calendar=calendar)))
        steps.append((fixed_again, lambda: services.request_status_change(
            actor=staff(), request=state["request"], to_status=RequestStatus.RESOLVED,
            note=rng.choice(RESOLUTIONS), at=fixed_again, calendar=calendar)))
    return steps


def run(*, scale: str, rng: random.Random, ctx: dict[str, Any]) -> None:
    """Fill the directory and play the service history of the last eight months."""
    now = timezone.now()
    today = timezone.localtime(now).date()
    first = add_months(today.replace(day=1), -(MONTHS - 1))
    surge_month = add_months(today.replace(day=1), -1)
    staff = _staff(ctx)
    admin = ctx.get("admin") or User.objects.filter(is_superuser=True).order_by("pk").first()
    _desk(ctx, staff, admin)
    calendar = calendar_load()
    functions = {f.code: f for f in ServiceFunction.objects.select_related("responsible")}
    dealers = list(Dealer.objects.filter(
        status=DealerStatus.ACTIVE, channel_level__in=[ChannelLevel.TIER1, ChannelLevel.TIER2])
        .select_related("assigned_rep", "territory").order_by("pk"))
    if not dealers:
        return
    portal = _portal_users(rng, ctx, dealers, scale)
    products = list(Product.objects.filter(status=ProductStatus.ACTIVE)
                    .order_by("pk").values_list("pk", flat=True)[:300])

    plans: list[tuple[_Plan, bool]] = []
    # Ordinary requests: portal dealers ask three times as often.
    weights = [3.0 if d.pk in portal else 1.0 for d in dealers]
    total = min(MAX_REQUESTS[scale], round(RATE * MONTHS * sum(weights)))
    for dealer in rng.choices(dealers, weights=weights, k=total):
        day = _working_day(rng, calendar, first, today)
        created = _moment(day, rng.uniform(8.5, 18.5))
        if created >= now:
            created = now - datetime.timedelta(hours=rng.uniform(1, 30))
        plans.append((_plan_one(rng, dealer, FUNCTION_MIX.pick(rng), created,
                                portal=portal.get(dealer.pk, []), staff=staff,
                                products=products), False))
    # This week's work: what service has on its desk now.
    for _n in range(RECENT[scale]):
        dealer = rng.choice(dealers)
        created = now - datetime.timedelta(hours=rng.uniform(2, 24 * 8))
        plans.append((_plan_one(rng, dealer, FUNCTION_MIX.pick(rng), created,
                                portal=portal.get(dealer.pk, []), staff=staff,
                                products=products), False))
    # Three requests raised two to four working days ago that nobody has answered yet:
    # overdue now, whatever the weekday.
    for back in (2, 3, 4):
        day, seen = today, 0
        while seen < back:
            day -= datetime.timedelta(days=1)
            seen += calendar.is_working_day(day)
        created = _moment(day, rng.uniform(9, 17))
        dealer = rng.choice(dealers)
        plans.append((_plan_one(rng, dealer, rng.choice(["logistics", "order", "complaint"]),
                                created, portal=portal.get(dealer.pk, []), staff=staff,
                                products=products, priority="high"), True))
    # The complaint surge of the last complete month.
    candidates = [d for d in dealers if d.channel_level == ChannelLevel.TIER1] or dealers
    surge = rng.sample(candidates, min(len(candidates), 3 if len(dealers) >= 40 else 1))
    tag = Tag.objects.get_or_create(name=SURGE_TAG)[0]
    month_days = (add_months(surge_month, 1) - surge_month).days
    for dealer in surge:
        dealer.tags.add(tag)
        for _n in range(rng.randint(*SURGE_REQUESTS)):
            day = _working_day(rng, calendar, surge_month,
                               surge_month + datetime.timedelta(days=month_days - 1))
            plans.append((_plan_one(rng, dealer, rng.choice(["complaint", "complaint",
                                                             "quality"]),
                                    _moment(day, rng.uniform(8.5, 18)),
                                    portal=portal.get(dealer.pk, []), staff=staff,
                                    products=products), False))

    timeline: list[tuple[datetime.datetime, int, Callable[[], Any]]] = []
    fallback = staff.get("service") or admin
    beats: set[datetime.datetime] = set()
    recent = now - datetime.timedelta(days=7)
    for plan, neglect in plans:
        function = functions[plan.code]
        in_hand = plan.created > recent and rng.random() < 0.6
        steps = _events(rng, plan, calendar, function, function.responsible or fallback,
                        neglect=neglect, in_hand=in_hand)
        base = len(timeline)
        timeline.extend((moment, base + n, step) for n, (moment, step) in enumerate(steps)
                        if moment <= now)
        beats.update(_beat(moment) for moment in plan.state["escalate_at"])
    for moment in sorted(beats):
        if moment <= now:
            timeline.append((moment, len(timeline),
                             lambda at=moment: services.escalate_due(now=at,
                                                                     calendar=calendar)))
    # The auto-close task on the nights it has something to close (it runs every night).
    wait = datetime.timedelta(days=WorkingCalendar.current().auto_close_days)
    nights: set[datetime.datetime] = set()
    for plan, _neglect in plans:
        if "closes_after" in plan.state:
            due = plan.state["closes_after"] + wait
            night = _moment(timezone.localtime(due).date(), 2)
            nights.add(night if night >= due else night + datetime.timedelta(days=1))
    for night in sorted(nights):
        if night <= now:
            timeline.append((night, len(timeline),
                             lambda at=night: services.auto_close_resolved(now=at)))
    timeline.sort(key=lambda event: (event[0], event[1]))
    for _moment_at, _seq, step in timeline:
        step()
    services.escalate_due(now=now, calendar=calendar)
    ctx["service_requests"] = ServiceRequest.objects.count()
    ctx["service_surge_dealers"] = [d.pk for d in surge]
