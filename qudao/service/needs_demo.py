"""Demo needs and dealer support for `qudao demo-data`, written through the services: dealers'
needs of the last six months (portal dealers raise their own, reps record the others), most
of them answered; three common needs grouping several dealers' needs (a conference planned,
a packaging renewal done, a training under review); seconded managers at two dealers with
their monthly reports, one of them late with last month's."""

import datetime
import random
from typing import Any

from django.utils import timezone

from qudao.accounts.choices import DEALER_ROLES, Role
from qudao.accounts.models import User
from qudao.dealers.models import Dealer
from qudao.dealers.scoping import visible_dealers
from qudao.service import needs
from qudao.service.models import NeedCategory, NeedStatus, SupportRole
from qudao.stock.periods import add_months

NEEDS = {"small": 80, "large": 400}
MONTHS = 6
# Category, weight, titles dealers use for it.
KINDS: list[tuple[str, int, list[str]]] = [
    (NeedCategory.PRODUCT_RENEWAL, 4, ["老品包装过时,希望更新", "口味老化,消费者反映一般",
                                       "希望推出小规格装"]),
    (NeedCategory.NEW_PRODUCT, 3, ["希望引进无糖系列", "希望给本区域配新品首批"]),
    (NeedCategory.TRAINING, 4, ["导购员培训", "业务员销售技巧培训", "财务对账培训"]),
    (NeedCategory.CONFERENCE, 3, ["希望召开经销商大会", "希望举办区域恳谈会"]),
    (NeedCategory.MARKETING, 3, ["终端陈列物料支持", "节日促销费用支持"]),
    (NeedCategory.LOGISTICS, 2, ["希望缩短到货时间", "希望增加周末发货"]),
    (NeedCategory.CREDIT_TERMS, 3, ["旺季授信额度上调", "账期延长到60天"]),
    (NeedCategory.OTHER, 1, ["希望企业报刊开设经销商专栏"]),
]
COMMON = [
    ("2026年经销商大会", NeedCategory.CONFERENCE, "在石家庄召开年度经销商大会,发布新品政策",
     NeedStatus.PLANNED),
    ("老品包装更新换代", NeedCategory.PRODUCT_RENEWAL, "第三季度全线更换新包装",
     NeedStatus.DONE),
    ("导购员统一培训", NeedCategory.TRAINING, "各大区轮训导购员", NeedStatus.UNDER_REVIEW),
]


def _moment(rng: random.Random, first: datetime.date, today: datetime.date
            ) -> datetime.datetime:
    day = first + datetime.timedelta(days=rng.randrange(max(1, (today - first).days)))
    hour = rng.uniform(9, 18)
    naive = datetime.datetime.combine(day, datetime.time()) + datetime.timedelta(hours=hour)
    return timezone.make_aware(naive)


def run(*, scale: str, rng: random.Random, ctx: dict[str, Any]) -> None:
    """Record the needs, group the common ones, move them and second two managers."""
    now = timezone.now()
    today = timezone.localdate()
    first = add_months(today.replace(day=1), -(MONTHS - 1))
    admin = ctx.get("admin") or User.objects.filter(is_superuser=True).order_by("pk").first()
    reps = list(User.objects.filter(role=Role.SALES_REP, is_active=True).order_by("pk"))
    dealers = list(Dealer.objects.filter(status="active", channel_level__in=["tier1", "tier2"])
                   .select_related("assigned_rep").order_by("pk"))
    if admin is None or not dealers or not reps:
        return
    portal: dict[int, User] = {}
    for user in User.objects.filter(role__in=list(DEALER_ROLES), is_active=True,
                                    dealer__in=dealers).order_by("pk"):
        portal.setdefault(user.dealer_id, user)
    # Who records a dealer's needs when it has no rep of its own: a rep covering it.
    covering: dict[int, User] = {}
    for rep in reps:
        for pk in visible_dealers(rep).values_list("pk", flat=True):
            covering.setdefault(pk, rep)
    weights = [weight for _c, weight, _t in KINDS]
    made = []
    for dealer in rng.choices(dealers, k=NEEDS.get(scale, NEEDS["small"])):
        category, _w, titles = rng.choices(KINDS, weights=weights)[0]
        at = _moment(rng, first, today)
        rep = dealer.assigned_rep if dealer.assigned_rep_id else covering.get(dealer.pk, admin)
        if dealer.pk in portal:
            actor, channel = portal[dealer.pk], None
        else:
            actor, channel = rep, rng.choice(["phone", "visit", "meeting"])
        need = needs.need_create(actor=actor, dealer=dealer, title=rng.choice(titles),
                                 category=category, description="", channel=channel, at=at)
        if need.owner_id is None:
            needs.need_update(actor=admin, need=need, values={"owner": rep})
        made.append((need, at, rep))

    # Common needs: each groups the open needs of its category, then is decided.
    for title, category, action, status in COMMON:
        at = now - datetime.timedelta(days=10)
        chosen = [n for n, raised, _rep in made
                  if n.category == category and n.is_open and raised < at]
        if len({n.dealer_id for n in chosen}) < 2:
            continue
        common = needs.common_need_create(actor=admin, title=title, category=category,
                                          action=action, needs=chosen, at=at)
        if status == NeedStatus.PLANNED:
            needs.common_need_status_change(actor=admin, common_need=common,
                                            to_status=status,
                                            due_on=add_months(today, 2) + datetime.timedelta(
                                                days=14), at=at)
        elif status == NeedStatus.DONE:
            needs.common_need_status_change(actor=admin, common_need=common,
                                            to_status=status, outcome=action + ",已完成",
                                            at=now - datetime.timedelta(days=3))
        else:
            needs.common_need_status_change(actor=admin, common_need=common,
                                            to_status=status, at=at)

    # Individual needs older than a month are answered, and some confirmed by the dealer.
    for need, at, rep in made:
        need.refresh_from_db()
        if need.common_need_id or now - at < datetime.timedelta(days=30):
            continue
        roll = rng.random()
        moved = at + datetime.timedelta(days=rng.randint(3, 20))
        if roll < 0.55:
            needs.need_status_change(actor=rep, need=need, to_status=NeedStatus.DONE,
                                     outcome="已安排落实", at=moved)
            confirmer = portal.get(need.dealer_id)
            if confirmer is not None and rng.random() < 0.6:
                needs.need_confirm(actor=confirmer, need=need, satisfied=True, at=moved)
        elif roll < 0.7:
            needs.need_status_change(actor=rep, need=need, to_status=NeedStatus.DECLINED,
                                     reason="暂不符合公司政策", at=moved)
        elif roll < 0.85:
            needs.need_status_change(actor=rep, need=need, to_status=NeedStatus.PLANNED,
                                     due_on=add_months(today, 1), at=moved)
        else:
            needs.need_status_change(actor=rep, need=need, to_status=NeedStatus.UNDER_REVIEW,
                                     at=moved)

    # Two seconded managers: one reports every month, the other missed last month.
    started = add_months(today, -4)
    for n, dealer in enumerate(rng.sample(dealers, min(2, len(dealers)))):
        manager = reps[n % len(reps)]
        support = needs.support_add(actor=admin, dealer=dealer, user=manager,
                                    role=SupportRole.SECONDED_MANAGER, started_on=started,
                                    dealer_superior="经销商总经理", trainee_name="业务主管")
        last = add_months(today, -1) if n == 0 else add_months(today, -2)
        month = started
        while month <= last:
            needs.support_report_add(
                actor=manager, support=support, month=month,
                summary=f"{month:%Y年%m月}:走访终端,培训业务主管,协助制定下月计划",
                at=timezone.make_aware(datetime.datetime.combine(
                    add_months(month, 1), datetime.time(10))))
            month = add_months(month, 1)
    ctx["needs"] = len(made)
