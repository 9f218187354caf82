"""Demo meetings and trainings over the last five months, and one to come.

Runs after the dealers (and, when present, the trade history: it reads ctx["trade"] for
"today"); reads dealers and staff from the database, so it also runs on a small test world.
Every event is played through the services at the moments it happens (created, published,
dealers invited, registrations taken, attendance at the door, closed), so the rules hold
and the history pages have their entries:

- the annual dealer meeting (年会) five months ago, head office inviting the trading tier-1
  dealers (capped), most registering two or three people and most of those coming;
- a product launch three months ago and the emergency training that followed it (R-TE-07),
  with exam results and certificates for those who passed;
- a regular resource-management training in one region two months ago, an on-site
  training down in a county a month ago (R-TE-06), a get-together three weeks ago;
- a dialogue meeting (恳谈会) next month, published, with some dealers registered and the
  portal dealer (石家庄恒顺, user dealer_admin) invited and not yet answered.

Dealers that came give feedback (scores mostly 4-5). The portal dealer's own feedback goes
through the service as its user; the others have no portal user, so their feedback is
written as the paper forms collected at the door would be (given_by empty). The content
library gets a policy digest, a culture brochure and a cost template; the year gets a
training plan with monthly targets.

Call it after service.demo: ``events_demo.run(scale=scale, rng=rng, ctx=ctx)`` (a step
"events" of demo_data, before the facts are built).
"""

import datetime
import random
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from qudao.accounts.choices import Role
from qudao.accounts.models import User
from qudao.catalog.models import Product
from qudao.core import demo as gen
from qudao.dealers.choices import ChannelLevel, DealerStatus
from qudao.dealers.models import Dealer
from qudao.events import services
from qudao.events.choices import EventStatus, TrainingResult
from qudao.events.exceptions import EventFull
from qudao.events.models import Event, Feedback, Invitation, TrainingRecord
from qudao.events.services import Person
from qudao.territories.models import AssignmentRole, TerritoryAssignment

INVITED = {"small": 40, "large": 300}
POSITIONS = ["总经理", "销售经理", "业务主管", "业务员", "财务", "仓库主管", "门店店长"]
COMMENTS = {
    5: ["政策讲得透，明年目标更清楚了。", "很有收获，希望多办。", "案例很实用，回去就用。"],
    4: ["整体不错，时间略紧。", "内容实用，住宿安排可以更好。", "交流充分，希望多讲新品。"],
    3: ["内容一般，讨论时间太少。", "路程太远，建议分区域办。"],
    2: ["和我们区域关系不大。"],
}
SCORES = gen.Mix([(5, 45), (4, 38), (3, 12), (2, 5)])
# Minimal but real files: a one-page PDF and an (empty) Office Open XML package.
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids"
       b"[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>"
       b"endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
XLSX = b"PK\x03\x04" + b"\x00" * 26 + b"PK\x05\x06" + b"\x00" * 18


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


class Demo:
    """The state one run shares: the clock, the actor, the dealers, the random source."""

    def __init__(self, *, scale: str, rng: random.Random, ctx: dict[str, Any]) -> None:
        self.rng, self.scale = rng, scale
        trade = ctx.get("trade") or {}
        window = trade.get("window")
        self.today = window.today if window is not None else timezone.localdate()
        self.admin = ctx.get("admin") or User.objects.filter(
            role=Role.HQ_ADMIN, is_active=True).order_by("pk").first()
        self.portal = ctx.get("portal_dealer") or Dealer.objects.filter(
            pk__in=User.objects.filter(role__in=[Role.DEALER_ADMIN], is_active=True)
            .values("dealer_id")).order_by("code").first()
        self.portal_user = (User.objects.filter(dealer=self.portal, role=Role.DEALER_ADMIN,
                                                is_active=True).first()
                            if self.portal else None)
        tier1 = list(Dealer.objects.filter(channel_level=ChannelLevel.TIER1,
                                           status=DealerStatus.ACTIVE)
                     .select_related("territory").order_by("code")[:INVITED[scale] * 3])
        rng.shuffle(tier1)
        chosen = tier1[:INVITED[scale]]
        if self.portal is not None and self.portal not in chosen:
            chosen[-1:] = [self.portal]
        self.tier1 = sorted(chosen, key=lambda d: d.code)

    def day(self, days_ago: int) -> datetime.date:
        return self.today - datetime.timedelta(days=days_ago)

    def people(self, n: int) -> list[Person]:
        names: list[str] = []
        while len(names) < n:
            name = gen.person_name(self.rng)
            if name not in names:
                names.append(name)
        positions = ["总经理", *self.rng.sample(POSITIONS[1:], k=len(POSITIONS) - 1)]
        return [Person(name=name, position=positions[k % len(positions)],
                       phone=gen.mobile(self.rng)) for k, name in enumerate(names)]

    def event(self, *, organizer: Any, created: datetime.date, values: dict[str, Any],
              dealers: list[Dealer]) -> Event:
        """Create, publish and invite, at `created` and the days after."""
        event = services.event_create(actor=organizer, values=values,
                                      at=_at(created, 10))
        if dealers:
            services.invitations_add(actor=organizer, event=event,
                                     dealers=Dealer.objects.filter(pk__in=[d.pk for d in dealers]),
                                     at=_at(created, 11))
        services.event_status_change(actor=organizer, event=event, to_status="published",
                                     at=_at(created + datetime.timedelta(days=1), 9))
        return event

    def registrations(self, event: Event, *, share: float, most: int,
                      answered_by: datetime.date, spread: int = 6,
                      leave_open: frozenset[int] = frozenset()) -> list[Invitation]:
        """Most invited dealers answer before the deadline: register 1..most people, or
        decline; the organiser takes the registrations of dealers without a portal user."""
        answered = []
        limit = event.per_dealer_limit or most
        for invitation in event.invitations.select_related("dealer").order_by("dealer__code"):
            if invitation.dealer_id in leave_open:
                continue
            when = _at(answered_by - datetime.timedelta(days=self.rng.randint(0, spread)),
                       self.rng.randint(9, 18), self.rng.choice([0, 15, 30, 45]))
            # Before the deadline, and never later than the moment the demo is made.
            when = min(when, event.registration_deadline - datetime.timedelta(hours=1),
                       timezone.now() - datetime.timedelta(minutes=5))
            actor = (self.portal_user if invitation.dealer_id == getattr(self.portal, "pk", 0)
                     and self.portal_user else event.organizer)
            if self.rng.random() < share:
                count = self.rng.randint(1, min(most, limit))
                try:
                    services.registration_submit(
                        actor=actor, invitation=invitation,
                        people=self.people(count), at=when)
                except EventFull:
                    continue  # the event filled up: the dealer is left unanswered
                answered.append(invitation)
            elif self.rng.random() < 0.5:
                services.registration_decline(actor=actor, invitation=invitation,
                                              note=self.rng.choice(["时间冲突", "店里走不开",
                                                                    "另派人员参加区域会"]),
                                              at=when)
        return answered

    def attendance(self, event: Event, invitations: list[Invitation], *, came: float
                   ) -> list[Invitation]:
        """At the door: most registered people come; now and then a walk-in."""
        present = []
        for invitation in invitations:
            ids = [a.pk for a in invitation.attendees.all() if self.rng.random() < came]
            walk_ins = ([Person(name=gen.person_name(self.rng), position="业务员")]
                        if self.rng.random() < 0.08 else [])
            if not ids and not walk_ins and self.rng.random() < 0.7:
                ids = [invitation.attendees.order_by("id").first().pk]
            services.attendance_mark(actor=event.organizer, invitation=invitation, came=ids,
                                     walk_ins=walk_ins,
                                     at=event.starts_at + datetime.timedelta(minutes=20))
            if ids or walk_ins:
                present.append(invitation)
        return present

    def feedback(self, event: Event, present: list[Invitation], *, share: float) -> None:
        """Scores from most dealers that came: the portal dealer through its user, the others
        as the forms collected at the door."""
        rows = []
        for invitation in present:
            if self.rng.random() >= share:
                continue
            score = SCORES.pick(self.rng)
            comment = self.rng.choice(COMMENTS[score]) if self.rng.random() < 0.6 else ""
            at = event.ends_at + datetime.timedelta(hours=self.rng.randint(1, 72))
            if invitation.dealer_id == getattr(self.portal, "pk", 0) and self.portal_user:
                services.feedback_give(actor=self.portal_user, invitation=invitation,
                                       score=score, comment=comment, at=at)
            else:
                rows.append(Feedback(invitation=invitation, score=score, comment=comment,
                                     created_at=at))
        Feedback.objects.bulk_create(rows)

    def close(self, event: Event) -> None:
        services.event_status_change(actor=event.organizer, event=event,
                                     to_status=EventStatus.CLOSED,
                                     at=event.ends_at + datetime.timedelta(days=2))

    def results(self, event: Event, *, pass_share: float) -> None:
        """Exam results of a training; a certificate for each person who passed."""
        records = list(TrainingRecord.objects.filter(event=event).order_by("dealer_id", "id"))
        for n, record in enumerate(records, start=1):
            passed = self.rng.random() < pass_share
            services.training_result_set(
                actor=event.organizer, record=record,
                result=TrainingResult.PASSED if passed else TrainingResult.FAILED,
                score=self.rng.randint(80, 98) if passed else self.rng.randint(45, 59),
                certificate_no=f"PX{event.starts_at:%Y%m}-{event.pk:03d}-{n:03d}"
                if passed else "")


def _regional(demo: Demo) -> tuple[Any, Any, list[Dealer]]:
    """A region for the regional training: the portal dealer's 大区, its manager, and the
    active tier-1 and tier-2 dealers there (else head office, no region and the first
    tier-1s)."""
    portal = demo.portal
    if portal is not None and portal.territory_id:
        path = portal.territory.path
        assignment = (TerritoryAssignment.objects.filter(
            role=AssignmentRole.MANAGER, user__is_active=True)
            .select_related("user", "territory").order_by("territory__depth"))
        for item in assignment:
            if path.startswith(item.territory.path):
                dealers = list(Dealer.objects.filter(
                    territory__path__startswith=item.territory.path,
                    status=DealerStatus.ACTIVE,
                    channel_level__in=[ChannelLevel.TIER1, ChannelLevel.TIER2])
                    .order_by("code")[:INVITED[demo.scale]])
                return item.user, item.territory, dealers
    return demo.admin, None, demo.tier1[: max(1, INVITED[demo.scale] // 2)]


def run(*, scale: str, rng: random.Random, ctx: dict[str, Any]) -> None:
    """Write the demo events, their invitations, registrations, attendance, feedback,
    training records, materials, the library and the year's training plan."""
    demo = Demo(scale=scale, rng=rng, ctx=ctx)
    if demo.admin is None or not demo.tier1:
        return
    admin, tier1 = demo.admin, demo.tier1

    # The annual meeting, five months ago.
    day = demo.day(150)
    annual = demo.event(organizer=admin, created=day - datetime.timedelta(days=40), values={
        "kind": "annual", "title": f"{day.year}年经销商年会",
        "description": "回顾全年业绩，发布新年度渠道政策与返利方案，表彰优秀经销商。",
        "starts_at": _at(day, 9), "ends_at": _at(day + datetime.timedelta(days=1), 17),
        "registration_deadline": _at(day - datetime.timedelta(days=7), 18),
        "place": "石家庄国际会展中心", "capacity": len(tier1) * 3, "per_dealer_limit": 3,
        "budget": Decimal(len(tier1) * 6000), "actual_cost": Decimal(len(tier1) * 6400)},
        dealers=tier1)
    services.material_add(actor=admin, event=annual, title="大会议程", topic="agenda",
                          upload=SimpleUploadedFile("议程.pdf", PDF))
    services.material_add(actor=admin, event=annual, title="新年度渠道政策与返利方案",
                          topic="policy", upload=SimpleUploadedFile("渠道政策.pdf", PDF))
    answered = demo.registrations(annual, share=0.85, most=3,
                                  answered_by=day - datetime.timedelta(days=9))
    present = demo.attendance(annual, answered, came=0.9)
    demo.feedback(annual, present, share=0.75)
    demo.close(annual)

    # A product launch three months ago, and the emergency training that followed it.
    day = demo.day(95)
    product = Product.objects.filter(status="active").order_by("sku").first()
    launch_dealers = tier1[: max(1, int(len(tier1) * 0.6))]
    if demo.portal is not None and demo.portal not in launch_dealers:
        launch_dealers.append(demo.portal)
    launch = demo.event(organizer=admin, created=day - datetime.timedelta(days=25), values={
        "kind": "launch", "title": f"{product.name if product else '新品'}上市发布会",
        "description": "新品卖点、价格体系与首批铺货政策。", "starts_at": _at(day, 14),
        "ends_at": _at(day, 17), "registration_deadline": _at(day - datetime.timedelta(
            days=3), 18), "place": "总部产品展示厅", "product": product,
        "online_link": "https://live.qudao.example.com/launch", "per_dealer_limit": 2,
        "budget": Decimal("80000"), "actual_cost": Decimal("76500")}, dealers=launch_dealers)
    answered = demo.registrations(launch, share=0.8, most=2,
                                  answered_by=day - datetime.timedelta(days=5))
    present = demo.attendance(launch, answered, came=0.92)
    demo.feedback(launch, present, share=0.7)
    demo.close(launch)
    day = demo.day(85)
    training = services.follow_up_training(actor=admin, event=launch,
                                           starts_at=_at(day, 9), ends_at=_at(day, 16),
                                           title=f"新品应急培训：{launch.title}")
    Event.objects.filter(pk=training.pk).update(
        created_at=launch.ends_at, registration_deadline=_at(day - datetime.timedelta(days=2),
                                                             18), capacity=None)
    training.refresh_from_db()
    services.event_status_change(actor=admin, event=training, to_status="published",
                                 at=launch.ends_at + datetime.timedelta(days=1))
    services.material_add(actor=admin, event=training, title="新品培训课件", topic="course",
                          upload=SimpleUploadedFile("新品培训.pptx", XLSX))
    answered = demo.registrations(training, share=0.75, most=2,
                                  answered_by=day - datetime.timedelta(days=4))
    present = demo.attendance(training, answered, came=0.9)
    demo.results(training, pass_share=0.8)
    demo.feedback(training, present, share=0.7)
    demo.close(training)

    # A regular training in one region two months ago.
    day = demo.day(60)
    manager, region, regional = _regional(demo)
    regular = demo.event(organizer=manager, created=day - datetime.timedelta(days=20), values={
        "kind": "training", "title": "经销商资源管理培训（常态）", "module": "resources",
        "training_form": "lecture", "cadence": "regular",
        "territory": region,
        "description": "渠道成员管理、下游网点开发与维护、客户档案建立。",
        "starts_at": _at(day, 9), "ends_at": _at(day, 17), "place": "区域办事处会议室",
        "capacity": 60, "per_dealer_limit": 2, "budget": Decimal("12000"),
        "actual_cost": Decimal("10800")}, dealers=regional)
    answered = demo.registrations(regular, share=0.7, most=2,
                                  answered_by=day - datetime.timedelta(days=3))
    present = demo.attendance(regular, answered, came=0.88)
    demo.results(regular, pass_share=0.85)
    demo.feedback(regular, present, share=0.6)
    demo.close(regular)

    # On-site training down in a county a month ago, for a few dealers around it.
    day = demo.day(30)
    county = regional[: max(1, min(6, len(regional)))]
    onsite = demo.event(organizer=manager, created=day - datetime.timedelta(days=12), values={
        "kind": "training", "title": "乡镇市场开发现场培训", "module": "mobilization",
        "training_form": "on_site", "cadence": "regular",
        "description": "在乡镇终端现场讲解铺货、陈列和促销执行。",
        "starts_at": _at(day, 9), "ends_at": _at(day, 12), "place": "县城经销商仓库及周边乡镇网点",
        "per_dealer_limit": 3, "budget": Decimal("3000"), "actual_cost": Decimal("2600")},
        dealers=county)
    answered = demo.registrations(onsite, share=0.9, most=3,
                                  answered_by=day - datetime.timedelta(days=2))
    demo.attendance(onsite, answered, came=0.95)
    demo.results(onsite, pass_share=0.9)
    demo.close(onsite)

    # A get-together three weeks ago.
    day = demo.day(21)
    together = demo.event(organizer=admin, created=day - datetime.timedelta(days=15), values={
        "kind": "get_together", "title": "优秀经销商联谊会",
        "starts_at": _at(day, 18), "ends_at": _at(day, 21),
        "registration_deadline": _at(day - datetime.timedelta(days=2), 18),
        "place": "总部接待中心", "capacity": 80, "per_dealer_limit": 2,
        "budget": Decimal("30000"), "actual_cost": Decimal("28800")},
        dealers=tier1[: max(1, len(tier1) // 2)])
    answered = demo.registrations(together, share=0.8, most=2,
                                  answered_by=day - datetime.timedelta(days=4))
    present = demo.attendance(together, answered, came=0.95)
    demo.feedback(together, present, share=0.65)
    demo.close(together)

    # Next month's dialogue meeting: published, some dealers registered, the portal dealer
    # invited and still to answer.
    day = demo.today + datetime.timedelta(days=25)
    coming = demo.event(organizer=admin, created=demo.day(6), values={
        "kind": "dialogue", "title": f"{day.year}年经销商恳谈会",
        "description": "听取经销商对政策、供货和服务的意见，共商下一年度合作。",
        "starts_at": _at(day, 9), "ends_at": _at(day, 17),
        "registration_deadline": _at(day - datetime.timedelta(days=5), 18),
        "place": "石家庄国际会展中心", "capacity": len(tier1) * 2, "per_dealer_limit": 3,
        "budget": Decimal(len(tier1) * 2500)}, dealers=tier1)
    services.material_add(actor=admin, event=coming, title="恳谈会通知", topic="agenda",
                          upload=SimpleUploadedFile("恳谈会通知.pdf", PDF))
    demo.registrations(coming, share=0.35, most=3, answered_by=demo.today, spread=5,
                       leave_open=frozenset([demo.portal.pk] if demo.portal else []))

    # The content library and the year's training plan.
    for title, topic, name, content in (
            ("经销商管理制度汇编", "policy", "经销商管理制度汇编.pdf", PDF),
            ("企业文化与品牌手册", "company", "企业文化手册.pdf", PDF),
            ("区域市场费用测算模板", "tools", "费用测算模板.xlsx", XLSX),
            ("行业趋势简报", "trends", "行业趋势简报.pdf", PDF)):
        services.material_add(actor=admin, event=None, title=title, topic=topic,
                              upload=SimpleUploadedFile(name, content))
    year = demo.today.year
    services.plan_save(actor=admin, year=year,
                       goals=f"{year}年培训经销商{12 * 40}人次，四个模块全覆盖。",
                       measures="常态培训每月一次；新品上市随时开展应急培训；培训重心下移到乡镇。",
                       targets={month: (2, 40) for month in range(1, 13)})
