"""Demo recruitment: leads over the last six months, their follow-ups, a campaign, and six
candidates scored by two or three evaluators each.

Runs after the dealers and staff exist and before the dealer-month facts are built (a step
"recruitment" of demo_data: ``recruitment_demo.run(scale=scale, rng=rng, ctx=ctx)``); reads
the staff and their territories from the database, so it also runs on a small test world.
Everything goes through the services, at the moments it happens:

- ~40 leads (small scale; 120 at large) from every source, filed under the provinces and
  cities the reps cover, each routed to its rep, most followed up, some qualified, some
  lost with a reason; the qualified ones of past months are carried over into this one;
- a mobilization campaign (招商会) in the first rep's region with a target list;
- three candidates in one region, being evaluated and ready to compare: their evaluators'
  averages are the textbook table of seed 001 (weighted totals 78.00, 76.50 and 77.25);
  a fourth there accepted by the region's manager (a dealer in onboarding); two more in
  another region, one rejected and one kept in the pool.
"""

import datetime
import random
from decimal import Decimal
from typing import Any

from django.utils import timezone

from qudao.accounts.choices import Role
from qudao.accounts.models import User
from qudao.core import demo as gen
from qudao.recruitment import services
from qudao.recruitment.choices import FollowUpKind, LeadSource, LeadStatus
from qudao.recruitment.models import CriteriaSet, Lead
from qudao.territories.models import AssignmentRole, Territory, TerritoryAssignment

LEADS = {"small": 40, "large": 120}
SOURCES = gen.Mix([(LeadSource.EXHIBITION, 25), (LeadSource.REFERRAL, 25),
                   (LeadSource.INBOUND_CALL, 15), (LeadSource.WEB, 15),
                   (LeadSource.COLD_VISIT, 15), (LeadSource.OTHER, 5)])
# How far a lead got: (furthest status, weight); "lost" leads were lost after contact.
OUTCOMES = gen.Mix([("new", 20), ("contacted", 30), ("qualified", 25), ("lost", 25)])
LOST_REASONS = ["只做竞品，不愿更换品牌", "资金不足，无法满足首批进货", "区域已有经销商覆盖",
                "老板年龄大，无意扩张", "联系不上，电话停机"]
NOTES = {
    FollowUpKind.CALL: ["电话介绍公司政策，对方有兴趣", "约好下周上门拜访", "询问首批进货金额"],
    FollowUpKind.VISIT: ["上门看了仓库和车辆，规模一般", "见到老板，谈了区域保护政策",
                         "看了下游网点，覆盖三个县"],
    FollowUpKind.MEETING: ["参加招商会，领取了资料", "总部洽谈，讨论返利方案"],
}
# The textbook candidates of seed 001 (market coverage, reputation, experience,
# willingness, product mix, finance, location, promotion): see tests/recruitment.
TEXTBOOK = [
    [85, 70, 90, 75, 80, 80, 65, 70],
    [70, 80, 85, 80, 90, 60, 75, 80],
    [80, 85, 90, 75, 65, 65, 90, 70],
]


class Demo:
    def __init__(self, *, scale: str, rng: random.Random, ctx: dict[str, Any]) -> None:
        self.rng, self.scale = rng, scale
        trade = ctx.get("trade") or {}
        window = trade.get("window")
        self.today = min(window.today if window is not None else timezone.localdate(),
                         timezone.localdate())
        self.admin = ctx.get("admin") or User.objects.filter(
            role=Role.HQ_ADMIN, is_active=True).order_by("pk").first()
        self.director = User.objects.filter(role=Role.SALES_DIRECTOR,
                                            is_active=True).order_by("pk").first()
        self.reps = list(TerritoryAssignment.objects.filter(
            role=AssignmentRole.REP, user__role=Role.SALES_REP, user__is_active=True)
            .select_related("user", "territory").order_by("territory__path", "user_id"))

    def at(self, day: datetime.date, hour: int = 10) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))

    def manager_of(self, territory: Territory) -> User | None:
        step = Territory.steplen
        paths = [territory.path[:end] for end in range(step, len(territory.path) + 1, step)]
        found = (TerritoryAssignment.objects.filter(
            territory__path__in=paths, role=AssignmentRole.MANAGER,
            user__role=Role.REGIONAL_MANAGER, user__is_active=True)
            .select_related("user").order_by("-territory__depth").first())
        return found.user if found else None

    def place(self, assignment: TerritoryAssignment) -> Territory:
        """A city under the rep's territory (or the territory itself)."""
        cities = list(Territory.objects.filter(path__startswith=assignment.territory.path,
                                               depth=assignment.territory.depth + 1)[:12])
        return self.rng.choice(cities) if cities else assignment.territory

    def lead(self, assignment: TerritoryAssignment, *, days_ago: int,
             outcome: str) -> Lead:
        rng = self.rng
        territory = self.place(assignment)
        created = self.today - datetime.timedelta(days=days_ago)
        name, _short = gen.company_name(rng, place=gen.place_prefix(territory.name))
        lead = services.lead_create(actor=assignment.user, values={
            "source": SOURCES.pick(rng), "company": name,
            "contact_person": gen.person_name(rng), "phone": gen.mobile(rng),
            "territory": territory, "channel_level": "tier1" if rng.random() < 0.7 else "tier2",
            "notes": ""}, period=created, at=self.at(created, 9))
        if outcome == "new":
            return lead
        day = created
        for _n in range(rng.randint(1, 3)):
            day = min(day + datetime.timedelta(days=rng.randint(1, 12)), self.today)
            kind = rng.choice(list(FollowUpKind))
            services.followup_add(actor=assignment.user, lead=lead, values={
                "happened_on": day, "kind": kind, "note": rng.choice(NOTES[kind]),
                "next_step": "再次拜访" if rng.random() < 0.5 else "",
                "next_on": day + datetime.timedelta(days=7) if rng.random() < 0.5 else None})
        if outcome in ("qualified", "candidate"):
            services.lead_status_change(actor=assignment.user, lead=lead,
                                        to_status=LeadStatus.QUALIFIED, at=self.at(day, 16))
        elif outcome == "lost":
            services.lead_status_change(actor=assignment.user, lead=lead,
                                        to_status=LeadStatus.LOST,
                                        reason=rng.choice(LOST_REASONS), at=self.at(day, 17))
        lead.refresh_from_db()
        return lead

    def candidate(self, assignment: TerritoryAssignment, *, profile: list[int],
                  evaluators: list[User], days_ago: int, skip_last: bool = False):
        lead = self.lead(assignment, days_ago=days_ago, outcome="qualified")
        rng = self.rng
        candidate = services.candidate_create(
            actor=assignment.user, lead=lead,
            at=self.at(self.today - datetime.timedelta(days=max(days_ago - 20, 1))), values={
                "cities_covered": lead.territory.name, "outlets_reached": rng.randint(60, 400),
                "reputation": "下游二批和终端口碑较好", "years_experience": rng.randint(3, 20),
                "willingness": "老板合作意愿强，愿意专营", "brands_carried": "康师傅、统一",
                "competing_brands": "娃哈哈" if rng.random() < 0.5 else "",
                "registered_capital": Decimal(rng.choice([200, 500, 1000])) * 10000,
                "annual_turnover": Decimal(rng.randint(8, 60)) * 1000000,
                "address": gen.address(rng, city=lead.territory.name),
                "promotion_ability": "能配合做堆头和试吃", "vehicles": rng.randint(2, 12),
                "warehouse_area": rng.randint(300, 3000), "staff_count": rng.randint(8, 60),
                "office_system": rng.choice(["用友", "金蝶", "管家婆", ""]),
                "fit": rng.choice(["matching", "matching", "above", "below"])})
        criteria = list(candidate.criteria_set.criteria.all())
        if skip_last:
            criteria = criteria[:-1]
        # Evaluators' scores spread around the profile, averaging exactly to it.
        spreads = [Decimal(0)] if len(evaluators) == 1 else (
            [Decimal(5), Decimal(-5)] if len(evaluators) == 2 else
            [Decimal(5), Decimal(0), Decimal(-5)])
        for evaluator, spread in zip(evaluators, spreads, strict=False):
            services.score_submit(actor=evaluator, candidate=candidate, scores={
                c.pk: min(Decimal(100), max(Decimal(0), Decimal(profile[i]) + (
                    spread if profile[i] + abs(spread) <= 100 else 0)))
                for i, c in enumerate(criteria)})
        return candidate


def run(*, scale: str, rng: random.Random, ctx: dict[str, Any]) -> None:
    """Write the demo leads, follow-ups, campaign, candidates, scores and decisions."""
    demo = Demo(scale=scale, rng=rng, ctx=ctx)
    if not demo.reps or demo.admin is None:
        return
    if not CriteriaSet.objects.filter(is_default=True).exists():
        from importlib import import_module

        from django.apps import apps
        import_module("qudao.recruitment.migrations.0002_default_criteria").install(apps, None)
    leads = []
    for n in range(LEADS[scale]):
        assignment = demo.reps[n % len(demo.reps)]
        leads.append(demo.lead(assignment, days_ago=rng.randint(3, 175),
                               outcome=OUTCOMES.pick(rng)))
    # Qualified leads of past months not converted: they count again this month.
    services.leads_carry_over(to_period=demo.today, actor=None)

    first = demo.reps[0]
    manager = demo.manager_of(first.territory) or demo.admin
    campaign = services.campaign_save(actor=manager, values={
        "name": f"{first.territory.name}春季招商会", "method": "fair",
        "territory": first.territory, "starts_on": demo.today - datetime.timedelta(days=40),
        "ends_on": demo.today + datetime.timedelta(days=20), "status": "running",
        "plan": "邀请区域内重点批发商参加招商会，会后一周内逐一拜访。"})
    services.campaign_leads_set(actor=manager, campaign=campaign, add=[
        lead.pk for lead in leads if lead.territory.path.startswith(first.territory.path)])

    # Three comparable candidates in one region: the textbook table of seed 001.
    evaluators = [first.user, manager] + ([demo.director] if demo.director else [])
    group = [demo.candidate(first, profile=profile, evaluators=evaluators[: 2 + (i == 0)],
                            days_ago=60 + 5 * i) for i, profile in enumerate(TEXTBOOK)]
    # One accepted there earlier (a dealer in onboarding); elsewhere one rejected and one
    # kept in the pool.
    accepted = demo.candidate(first, profile=[85, 80, 75, 90, 80, 75, 85, 70],
                              evaluators=evaluators, days_ago=100)
    services.candidate_decide(actor=manager, candidate=accepted, decision="accepted",
                              reason="区位优势明显，覆盖周边三县，合作意愿强。")
    other = demo.reps[1 % len(demo.reps)]
    other_manager = demo.manager_of(other.territory) or demo.admin
    rejected = demo.candidate(other, profile=[60, 55, 70, 50, 60, 45, 65, 50],
                              evaluators=[other.user, other_manager], days_ago=90)
    services.candidate_decide(actor=other_manager, candidate=rejected, decision="rejected",
                              reason="资金紧张，同时代理两个竞品，担心窜货。")
    pooled = demo.candidate(other, profile=[75, 70, 60, 85, 70, 70, 80, 60],
                            evaluators=[other.user, other_manager], days_ago=50)
    services.candidate_decide(actor=other_manager, candidate=pooled, decision="pool",
                              reason="条件不错但区域暂无空缺，明年再议。")
    ctx["recruitment"] = {"compare": [c.pk for c in group]}

