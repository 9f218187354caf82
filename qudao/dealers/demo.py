"""Demo dealer network: tier-1 distributors, tier-2 sub-distributors and retail terminals.

The network is a tree: a tier-2 sits under a tier-1 of its province (often in the same
city), a terminal under a tier-2 (mostly) or a tier-1, usually in its parent's city.
Small scale creates every dealer, status move and contact through the services; large
scale writes the same kind of plan with bulk_create. Needs ctx["admin"], ctx["provinces"]
and ctx["rep_by_province"]; leaves ctx["portal_dealer"] (石家庄恒顺商贸有限公司, QD-HB-0001)
for the dealer portal users.
"""

import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import accumulate
from typing import Any

from qudao.core import demo as gen
from qudao.core.demo import Mix
from qudao.dealers import services
from qudao.dealers.choices import (
    ChannelLevel,
    CreditRating,
    DealerStatus,
    DistributionMode,
    ExitReason,
    OwnershipType,
    RetailerType,
)
from qudao.dealers.models import Contact, Dealer, DealerStatusChange, Tag
from qudao.dealers.validators import credit_code_check_char

COUNTS = {
    "small": {ChannelLevel.TIER1: 30, ChannelLevel.TIER2: 70, ChannelLevel.TERMINAL: 100},
    "large": {ChannelLevel.TIER1: 1000, ChannelLevel.TIER2: 9000,
              ChannelLevel.TERMINAL: 100_000},
}
BATCH = 5000
# Small scale: tier-1 dealers per province, 河北 first so that the portal dealer is the first
# one; 华北 (河北, 北京, 天津, 山西) holds more than half, for the demo personas.
SMALL_TIER1 = {"130000": 9, "110000": 3, "120000": 2, "140000": 2, "370000": 3, "330000": 3,
               "320000": 2, "410000": 2, "440000": 2, "510000": 2}
# Large scale: every province, weighted roughly by market size, 华北 a little heavier.
LARGE_WEIGHTS = {
    "130000": 12, "110000": 6, "120000": 4, "140000": 4, "150000": 2, "210000": 3, "220000": 2,
    "230000": 2, "310000": 4, "320000": 6, "330000": 6, "340000": 4, "350000": 3, "360000": 3,
    "370000": 7, "410000": 6, "420000": 4, "430000": 4, "440000": 7, "450000": 3, "460000": 1,
    "500000": 3, "510000": 5, "520000": 2, "530000": 2, "540000": 1, "610000": 3, "620000": 2,
    "630000": 1, "640000": 1, "650000": 2,
}
PORTAL_PROVINCE, PORTAL_NAME, PORTAL_SHORT = "130000", "石家庄恒顺商贸有限公司", "恒顺商贸"
PARENT_STATUSES = {DealerStatus.ACTIVE, DealerStatus.PROBATION, DealerStatus.SUSPENDED}

TAG_KEY, TAG_NEW, TAG_STRATEGIC, TAG_FIX, TAG_CORE_T2 = (
    "重点客户", "新开发", "战略合作", "待整改", "核心二批")
COMPETING_BRANDS = ["康师傅", "统一", "娃哈哈", "农夫山泉", "怡宝", "可口可乐", "百事", "元气森林",
                    "王老吉", "东鹏特饮", "达利园", "旺旺", "三只松鼠", "洽洽", "海天", "李锦记",
                    "今麦郎", "白象"]
CATEGORIES = ["饮料", "休闲食品", "调味品", "方便食品", "酒水", "乳制品", "粮油", "日化"]
CUSTOMERS = ["本地连锁超市", "县乡批发商", "学校及企事业单位食堂", "餐饮酒店", "社区便利店",
             "乡镇二批", "批发市场档口", "社区团购平台", "加油站便利店"]
OFFICE_SYSTEMS = {
    ChannelLevel.TIER1: ["用友U8", "金蝶K/3", "金蝶精斗云", "管家婆", "速达", "自建ERP"],
    ChannelLevel.TIER2: ["管家婆", "秦丝进销存", "Excel", ""],
    ChannelLevel.TERMINAL: ["收银系统", "", "", ""],
}
CONTACT_TITLES = ["采购经理", "财务", "仓库主管", "业务经理", "销售内勤"]

REASONS = {
    DealerStatus.ONBOARDING: ["资质审核通过，签订意向协议", "完成实地考察，提交开户资料",
                              "区域经理推荐，进入签约流程"],
    DealerStatus.ACTIVE: ["经销协议已签订，首批货款到账", "保证金已缴纳，正式开户",
                          "完成开户培训，首单已发货"],
    DealerStatus.PROBATION: ["连续两个月未完成销售任务，进入考察期", "回款逾期超过30天，列入观察",
                             "终端铺货率下降明显，限期整改"],
    DealerStatus.SUSPENDED: ["发现跨区域窜货，暂停供货待调查", "低于限定价格销售，暂停发货",
                             "应收账款严重逾期，暂停供货"],
}
EXITS = [(ExitReason.PERFORMANCE, "连续两个季度未达最低销量，解除经销协议"),
         (ExitReason.CROSS_REGION, "多次窜货经警告未改，终止合作"),
         (ExitReason.PRICE_VIOLATION, "屡次低价乱价扰乱市场，终止合作"),
         (ExitReason.BRAND_SWITCH, "转做竞品，终止经销协议"),
         (ExitReason.CREDIT, "长期拖欠货款，终止合作"),
         (ExitReason.VOLUNTARY, "经销商主动申请退出"),
         (ExitReason.RESTRUCTURE, "渠道调整，区域改由其他经销商覆盖")]
PROSPECT_EXITS = [(ExitReason.OTHER, "未通过资质审核"), (ExitReason.VOLUNTARY, "意向客户放弃合作")]

# Weighted mixes, built once: a large run draws from them a million times.
STATUS_MIX = {
    "dealer": Mix([(DealerStatus.ACTIVE, 80), (DealerStatus.PROSPECT, 4),
                   (DealerStatus.ONBOARDING, 5), (DealerStatus.PROBATION, 5),
                   (DealerStatus.SUSPENDED, 3), (DealerStatus.TERMINATED, 3)]),
    "terminal": Mix([(DealerStatus.ACTIVE, 85), (DealerStatus.PROSPECT, 3),
                     (DealerStatus.ONBOARDING, 4), (DealerStatus.PROBATION, 3),
                     (DealerStatus.SUSPENDED, 2), (DealerStatus.TERMINATED, 3)]),
}
GRADE_ACTIVE = Mix([("A", 20), ("B", 50), ("C", 30)])
GRADE_ACTIVE_TERMINAL = Mix([("A", 15), ("B", 45), ("C", 40)])
GRADE_WATCHED = Mix([("B", 30), ("C", 70)])
GRADE_TERMINATED = Mix([("B", 20), ("C", 80)])
CREDIT_TIER1 = Mix([(CreditRating.AAA, 10), (CreditRating.AA, 25), (CreditRating.A, 35),
                    (CreditRating.BBB, 20), (CreditRating.BB, 10)])
CREDIT_TIER2 = Mix([(CreditRating.A, 20), (CreditRating.BBB, 35), (CreditRating.BB, 30),
                    (CreditRating.B, 15)])
OWNERSHIP_TIER1 = Mix([(OwnershipType.PRIVATE, 80), (OwnershipType.STATE, 5),
                       (OwnershipType.COLLECTIVE, 4), (OwnershipType.JOINT, 9),
                       (OwnershipType.FOREIGN, 2)])
OWNERSHIP_TIER2 = Mix([(OwnershipType.PRIVATE, 80), (OwnershipType.COLLECTIVE, 5),
                       (OwnershipType.JOINT, 5), (OwnershipType.INDIVIDUAL, 10)])
MODE_TIER1 = Mix([(DistributionMode.DEALERSHIP, 75), (DistributionMode.AGENCY, 25)])
MODE_TIER2 = Mix([(DistributionMode.DISTRIBUTION, 60), (DistributionMode.DEALERSHIP, 40)])
RETAILER_TYPES = Mix([(RetailerType.EXCLUSIVE, 10), (RetailerType.AUTHORIZED, 40),
                      (RetailerType.COOPERATING, 50)])


@dataclass(eq=False)
class DealerSpec:
    """One dealer to create: its fields, status history, tags and contacts."""

    code: str
    level: str
    parent: "DealerSpec | None"
    city: Any  # territories.demo.DemoCity
    province_code: str
    status: str
    grade: str
    path: list[tuple[str, str, str]]  # status moves from prospect: (to, reason, exit reason)
    values: dict[str, Any]
    tags: list[str]
    contacts: list[dict[str, Any]]
    pk: int | None = None
    obj: Dealer | None = field(default=None, repr=False)


def _scaled(rng: random.Random, low: int, high: int, grade: str) -> int:
    """A number in [low, high], larger for better grades."""
    u = rng.random()
    u = u ** 0.5 if grade == "A" else u**2 if grade == "C" else u
    return low + round(u * (high - low))


def status_path(rng: random.Random, status: str) -> list[tuple[str, str, str]]:
    """The moves that take a new prospect to `status`, each with a reason."""
    def move(to: str) -> tuple[str, str, str]:
        return to, rng.choice(REASONS[to]), ""

    if status == DealerStatus.PROSPECT:
        return []
    if status == DealerStatus.TERMINATED and rng.random() < 0.3:
        exit_reason, reason = rng.choice(PROSPECT_EXITS)
        return [(DealerStatus.TERMINATED, reason, exit_reason)]
    path = [move(DealerStatus.ONBOARDING)]
    if status == DealerStatus.ONBOARDING:
        return path
    path.append(move(DealerStatus.ACTIVE))
    if status in (DealerStatus.PROBATION, DealerStatus.SUSPENDED):
        path.append(move(status))
    elif status == DealerStatus.TERMINATED:
        exit_reason, reason = rng.choice(EXITS)
        path.append((DealerStatus.TERMINATED, reason, exit_reason))
    return path


def _grade(rng: random.Random, level: str, status: str, path: list) -> str:
    if status == DealerStatus.ACTIVE:
        mix = GRADE_ACTIVE_TERMINAL if level == ChannelLevel.TERMINAL else GRADE_ACTIVE
        return mix.pick(rng)
    if status in (DealerStatus.PROBATION, DealerStatus.SUSPENDED):
        return GRADE_WATCHED.pick(rng)
    if status == DealerStatus.TERMINATED and len(path) > 1:
        return GRADE_TERMINATED.pick(rng)
    return ""


def _tags(rng: random.Random, level: str, status: str, grade: str) -> list[str]:
    tags = []
    if status in (DealerStatus.PROSPECT, DealerStatus.ONBOARDING) and rng.random() < 0.7:
        tags.append(TAG_NEW)
    if status in (DealerStatus.PROBATION, DealerStatus.SUSPENDED) and rng.random() < 0.8:
        tags.append(TAG_FIX)
    if grade == "A" and status == DealerStatus.ACTIVE:
        if level == ChannelLevel.TIER1:
            tags.append(TAG_KEY if rng.random() < 0.7 else TAG_STRATEGIC)
        elif level == ChannelLevel.TIER2 and rng.random() < 0.6:
            tags.append(TAG_CORE_T2)
        elif level == ChannelLevel.TERMINAL and rng.random() < 0.2:
            tags.append(TAG_KEY)
    return tags


def _pick_some(rng: random.Random, items: list[str], low: int, high: int) -> str:
    return "、".join(rng.sample(items, rng.randint(low, high)))


def _contacts(rng: random.Random, *, boss: str, level: str, count: int) -> list[dict[str, Any]]:
    boss_title = "店主" if level == ChannelLevel.TERMINAL else rng.choice(
        ["总经理", "总经理", "董事长", "老板"])
    people = [(boss, boss_title)] + [
        (gen.person_name(rng), title) for title in rng.sample(CONTACT_TITLES, count - 1)]
    contacts = []
    for i, (name, title) in enumerate(people):
        number = gen.mobile(rng)
        contacts.append({"name": name, "title": title, "mobile": number, "wechat": number,
                         "is_primary": i == 0})
    return contacts


def _values(rng: random.Random, *, level: str, city: Any, status: str, grade: str,
            used_names: set[str]) -> dict[str, Any]:
    """A dealer's master data, plausible for its channel level and grade."""
    terminal = level == ChannelLevel.TERMINAL
    if terminal:
        name, short = gen.shop_name(rng, place=city.prefix)
        # An individual business registers under its full place name: 石家庄市万福超市.
        legal_name = (city.province_name if city.province_name in gen.MUNICIPALITIES
                      else "") + city.name + short
    else:
        for _attempt in range(30):
            name, short = gen.company_name(rng, place=city.prefix)
            if name not in used_names:
                break
        else:
            name = name.replace("有限公司", f"{rng.choice(gen.ROADS)[:2]}有限公司")
        used_names.add(name)
        legal_name = name
    lat, lng = gen.near(rng, latitude=city.latitude, longitude=city.longitude,
                        spread=30_000 if terminal else 120_000)
    boss = gen.person_name(rng)
    values: dict[str, Any] = {
        "name": name, "short_name": short, "legal_name": legal_name,
        "legal_representative": boss, "channel_level": level,
        "address": gen.address(rng, city=city.name, province=city.province_name),
        "latitude": lat, "longitude": lng, "phone": gen.mobile(rng), "grade": grade,
        "reputation": None, "financial_strength": None, "payment_speed": None,
        "boss_capability": None,
    }
    rating_base = {"A": 4, "B": 3, "C": 2}.get(grade, 3)

    def rating() -> int:
        return min(5, max(1, rating_base + rng.choice([-1, 0, 0, 1])))

    if level == ChannelLevel.TIER1:
        values.update(
            vehicles=_scaled(rng, 3, 20, grade), warehouse_area=_scaled(rng, 5, 50, grade) * 100,
            staff_count=_scaled(rng, 10, 80, grade),
            registered_capital=Decimal(_scaled(rng, 10, 200, grade) * 100_000),
            credit_rating=CREDIT_TIER1.pick(rng), ownership_type=OWNERSHIP_TIER1.pick(rng),
            distribution_mode=MODE_TIER1.pick(rng),
            business_categories=_pick_some(rng, CATEGORIES, 2, 4),
            competing_brands=_pick_some(rng, COMPETING_BRANDS, 1, 3),
            main_customers=_pick_some(rng, CUSTOMERS, 2, 4),
            email=gen.qq_email(rng) if rng.random() < 0.6 else "",
        )
    elif level == ChannelLevel.TIER2:
        values.update(
            vehicles=_scaled(rng, 1, 6, grade), warehouse_area=_scaled(rng, 10, 80, grade) * 10,
            staff_count=_scaled(rng, 3, 20, grade),
            registered_capital=Decimal(_scaled(rng, 2, 60, grade) * 50_000),
            credit_rating=CREDIT_TIER2.pick(rng), ownership_type=OWNERSHIP_TIER2.pick(rng),
            distribution_mode=MODE_TIER2.pick(rng),
            business_categories=_pick_some(rng, CATEGORIES, 1, 3),
            competing_brands=_pick_some(rng, COMPETING_BRANDS, 0, 2),
            main_customers=_pick_some(rng, CUSTOMERS[3:], 1, 3),
            email=gen.qq_email(rng) if rng.random() < 0.3 else "",
        )
    else:
        individual = rng.random() < 0.8
        values.update(
            vehicles=1 if rng.random() < 0.2 else 0,
            warehouse_area=rng.randint(1, 10) * 10 if rng.random() < 0.5 else None,
            staff_count=rng.randint(1, 8),
            registered_capital=None if rng.random() < 0.4
            else Decimal(rng.randint(1, 50) * 10_000),
            ownership_type=OwnershipType.INDIVIDUAL if individual else OwnershipType.PRIVATE,
            distribution_mode=DistributionMode.DEALERSHIP,
            retailer_type=RETAILER_TYPES.pick(rng),
            competing_brands=_pick_some(rng, COMPETING_BRANDS, 0, 2),
        )
    if not terminal:
        values["bank_name"], values["bank_account"] = gen.bank_account(rng, place=city.prefix)
        values.update(reputation=rating(), financial_strength=rating(), payment_speed=rating(),
                      boss_capability=rating())
    elif status != DealerStatus.PROSPECT:
        values.update(reputation=rating(), payment_speed=rating())
    values["office_system"] = rng.choice(OFFICE_SYSTEMS[level])
    individual = terminal and values["ownership_type"] == OwnershipType.INDIVIDUAL
    body = gen.credit_code_body(rng, division=city.code, individual=individual)
    values["credit_code"] = body + credit_code_check_char(body)
    return values


class NetworkPlan:
    """Generates the dealer tree level by level; the same seed gives the same network."""

    def __init__(self, *, rng: random.Random, scale: str, provinces: dict[str, Any]) -> None:
        self.rng = rng
        self.scale = scale
        self.provinces = provinces
        self.counts = COUNTS[scale]
        self.used_names: set[str] = {PORTAL_NAME}
        self.sequence: dict[tuple[str, str], int] = {}

    def _code(self, prefix: str, region: str) -> str:
        key = (prefix, region)
        self.sequence[key] = self.sequence.get(key, 0) + 1
        width = 6 if prefix == "ZD" else 4
        return f"{prefix}-{region}-{self.sequence[key]:0{width}d}"

    def _contact_count(self, level: str) -> int:
        if self.scale == "large" or level == ChannelLevel.TERMINAL:
            return 1
        return self.rng.randint(2, 3)

    def _spec(self, *, level: str, city: Any, province_code: str,
              parent: DealerSpec | None) -> DealerSpec:
        rng = self.rng
        status = STATUS_MIX["terminal" if level == ChannelLevel.TERMINAL else "dealer"].pick(rng)
        path = status_path(rng, status)
        grade = _grade(rng, level, status, path)
        values = _values(rng, level=level, city=city, status=status, grade=grade,
                         used_names=self.used_names)
        if status == DealerStatus.TERMINATED:
            values["notes"] = path[-1][1]
        return DealerSpec(
            code=self._code("ZD" if level == ChannelLevel.TERMINAL else "QD", city.region_code),
            level=level, parent=parent, city=city, province_code=province_code, status=status,
            grade=grade, path=path, values=values, tags=_tags(rng, level, status, grade),
            contacts=_contacts(rng, boss=values["legal_representative"], level=level,
                               count=self._contact_count(level)),
        )

    def tier1(self) -> list[DealerSpec]:
        """Tier-1 distributors; the first is the portal dealer in 石家庄."""
        rng = self.rng
        total = self.counts[ChannelLevel.TIER1]
        if self.scale == "small":
            per_province = {c: n for c, n in SMALL_TIER1.items() if c in self.provinces}
        else:
            weights = {c: w for c, w in LARGE_WEIGHTS.items() if c in self.provinces}
            per_province = gen.weighted_counts(total, weights)
        specs: list[DealerSpec] = []
        for code, count in per_province.items():
            cities = self.provinces[code].cities
            # The capital (first by code) gets the first distributor and more than its share.
            cum = list(accumulate([4] + [1] * (len(cities) - 1)))
            for k in range(count):
                city = cities[0] if k == 0 else rng.choices(cities, cum_weights=cum)[0]
                specs.append(self._spec(level=ChannelLevel.TIER1, city=city,
                                        province_code=code, parent=None))
        portal = specs[0]
        if portal.province_code != PORTAL_PROVINCE:
            raise RuntimeError("The demo network needs 河北 (130000) in the territory tree.")
        portal.status, portal.grade = DealerStatus.ACTIVE, "A"
        portal.path = status_path(rng, DealerStatus.ACTIVE)
        portal.values.update(name=PORTAL_NAME, short_name=PORTAL_SHORT, legal_name=PORTAL_NAME,
                             legal_representative="王建军", grade="A")
        portal.values.pop("notes", None)
        portal.tags = [TAG_KEY, TAG_STRATEGIC]
        portal.contacts[0]["name"] = "王建军"
        # Sales rank within the province: by registered capital, largest first.
        by_province: dict[str, list[DealerSpec]] = {}
        for spec in specs:
            by_province.setdefault(spec.province_code, []).append(spec)
        for group in by_province.values():
            ranked = sorted(group, key=lambda s: (-s.values["registered_capital"], s.code))
            for rank, spec in enumerate(ranked, start=1):
                spec.values["province_sales_rank"] = rank
        return specs

    def tier2(self, tier1: list[DealerSpec]) -> list[DealerSpec]:
        """Sub-distributors under working tier-1s of their province, often in the same city."""
        rng = self.rng
        parents = [s for s in tier1 if s.status in PARENT_STATUSES]
        weights = [{"A": 3, "B": 2}.get(s.grade, 1) * (2 if s is tier1[0] else 1)
                   for s in parents]
        cum = list(accumulate(weights))
        specs = []
        for _n in range(self.counts[ChannelLevel.TIER2]):
            parent = rng.choices(parents, cum_weights=cum)[0]
            cities = self.provinces[parent.province_code].cities
            city = parent.city if rng.random() < 0.5 else rng.choice(cities)
            specs.append(self._spec(level=ChannelLevel.TIER2, city=city,
                                    province_code=parent.province_code, parent=parent))
        return specs

    def terminals(self, tier1: list[DealerSpec], tier2: list[DealerSpec]) -> Iterator[DealerSpec]:
        """Retail terminals, mostly under a tier-2, nearly always in the parent's city."""
        rng = self.rng
        tier1_parents = [s for s in tier1 if s.status in PARENT_STATUSES]
        tier2_parents = [s for s in tier2 if s.status in PARENT_STATUSES]
        for _n in range(self.counts[ChannelLevel.TERMINAL]):
            pool = tier2_parents if rng.random() < 0.85 else tier1_parents
            parent = rng.choice(pool)
            cities = self.provinces[parent.province_code].cities
            city = parent.city if rng.random() < 0.9 else rng.choice(cities)
            yield self._spec(level=ChannelLevel.TERMINAL, city=city,
                             province_code=parent.province_code, parent=parent)


def run(*, scale: str, rng: random.Random, ctx: dict[str, Any]) -> None:
    """Create the network (tier-1, then tier-2, then terminals: parents before children)."""
    plan = NetworkPlan(rng=rng, scale=scale, provinces=ctx["provinces"])
    write = _bulk_write if scale == "large" else _service_write
    tier1 = plan.tier1()
    write(tier1, ctx=ctx)
    tier2 = plan.tier2(tier1)
    write(tier2, ctx=ctx)
    write(plan.terminals(tier1, tier2), ctx=ctx, total=plan.counts[ChannelLevel.TERMINAL])
    ctx["portal_dealer"] = tier1[0].obj or Dealer.objects.get(pk=tier1[0].pk)


def _service_write(specs: Any, *, ctx: dict[str, Any], total: int | None = None) -> None:
    """Write through dealer_create, dealer_status_change and contact_create, as a user would."""
    actor = ctx["admin"]
    for spec in specs:
        values = dict(spec.values, code=spec.code, territory=spec.city.node,
                      parent=spec.parent.obj if spec.parent else None,
                      assigned_rep=ctx["rep_by_province"].get(spec.province_code))
        dealer = services.dealer_create(actor=actor, values=values, tags=spec.tags)
        for to_status, reason, exit_reason in spec.path:
            dealer = services.dealer_status_change(actor=actor, dealer=dealer,
                                                   to_status=to_status, reason=reason,
                                                   exit_reason=exit_reason)
        for contact in spec.contacts:
            services.contact_create(actor=actor, dealer=dealer, values=contact)
        spec.obj, spec.pk = dealer, dealer.pk


def _bulk_write(specs: Any, *, ctx: dict[str, Any], total: int | None = None) -> None:
    """Write a level with bulk_create, keeping the rules the services enforce.

    Codes are unique by construction, credit codes carry their check character, parents
    are of an allowed level and already written (levels go in order), and terminated
    dealers carry their exit reason. No audit events at this scale: 110,000
    "dealer.created" rows would add nothing a demo needs.
    """
    from django.utils import timezone
    from tqdm import tqdm

    actor = ctx["admin"]
    now = timezone.now()
    tag_ids = {name: Tag.objects.get_or_create(name=name)[0].pk
               for name in (TAG_KEY, TAG_NEW, TAG_STRATEGIC, TAG_FIX, TAG_CORE_T2)}
    through = Dealer.tags.through
    size = total if total is not None else len(specs)
    specs = iter(specs)
    progress = tqdm(total=size, unit="dealer", file=sys.stderr)
    while True:
        batch = [spec for _i, spec in zip(range(BATCH), specs, strict=False)]
        if not batch:
            break
        progress.set_description(batch[0].level)
        dealers = []
        for spec in batch:
            exit_reason = spec.path[-1][2] if spec.status == DealerStatus.TERMINATED else ""
            dealers.append(Dealer(
                **spec.values, code=spec.code, territory=spec.city.node,
                parent_id=spec.parent.pk if spec.parent else None,
                assigned_rep=ctx["rep_by_province"].get(spec.province_code),
                status=spec.status, status_changed_at=now, exit_reason=exit_reason,
                created_by=actor,
            ))
        Dealer.objects.bulk_create(dealers, batch_size=BATCH)
        if dealers[0].pk is None:  # children need their parent's key
            raise RuntimeError("This database does not return keys from bulk inserts.")
        changes, tags, contacts = [], [], []
        for spec, dealer in zip(batch, dealers, strict=True):
            spec.pk = dealer.pk
            previous = DealerStatus.PROSPECT
            # As in an import (dealers.importer), an active dealer is loaded in its status
            # without the routine prospect -> onboarding -> active moves (200,000 rows saved);
            # a dealer in any other status keeps the history that explains it.
            path = spec.path if spec.status != DealerStatus.ACTIVE else []
            for to_status, reason, exit_reason in path:
                changes.append(DealerStatusChange(
                    dealer_id=dealer.pk, from_status=previous, to_status=to_status,
                    reason=reason, exit_reason=exit_reason, changed_by=actor))
                previous = to_status
            tags.extend(through(dealer_id=dealer.pk, tag_id=tag_ids[name]) for name in spec.tags)
            contacts.extend(Contact(dealer_id=dealer.pk, **values) for values in spec.contacts)
            # Children need only the parent's key: drop the rest to keep memory flat.
            spec.values, spec.contacts = {}, []
        DealerStatusChange.objects.bulk_create(changes, batch_size=BATCH)
        through.objects.bulk_create(tags, batch_size=BATCH)
        Contact.objects.bulk_create(contacts, batch_size=BATCH)
        progress.update(len(batch))
    progress.close()
