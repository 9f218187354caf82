"""Demo agreements: a yearly agreement version for every trading tier-1 and tier-2 dealer.

Also decides how each trading dealer behaves over the history (volume, trend, planted
pattern) and records the pattern as a dealer tag ("demo:declining", ...), so tests and
later analytics can find the dealers. Written in bulk (qudao.orders.history), without
audit events. Needs ctx["admin"] and ctx["users"]; leaves ctx["trade"] for orders.demo.
"""

import math
import random
from decimal import Decimal
from typing import Any

from django.utils import timezone

from qudao.agreements.choices import (
    AgreementStatus,
    AgreementType,
    FreightBearer,
    PaymentMethod,
    PickupMethod,
    SettlementMethod,
)
from qudao.agreements.models import Agreement, AgreementTarget
from qudao.catalog import demo as catalog_demo
from qudao.catalog.models import Category, PriceLevel
from qudao.core.demo import Mix
from qudao.dealers.choices import ChannelLevel, DealerStatus
from qudao.dealers.models import Dealer, Tag
from qudao.orders import history as h

# Dealers that trade: working tier-1 and tier-2 dealers (terminals buy from their parent).
TRADING_STATUSES = (DealerStatus.ACTIVE, DealerStatus.PROBATION, DealerStatus.SUSPENDED)
PORTAL_CODE = "QD-HB-0001"

SCALES = {
    # orders per month, lines per order (low, high), assortment size (low, high)
    "small": {ChannelLevel.TIER1: (3.0, (3, 8), (18, 40)),
              ChannelLevel.TIER2: (1.6, (2, 6), (10, 25))},
    "large": {ChannelLevel.TIER1: (6.0, (6, 14), (60, 160)),
              ChannelLevel.TIER2: (4.2, (5, 13), (30, 90))},
}
# Median monthly purchases (CNY) by level; grade A dealers buy more, C less.
MEDIAN_MONTHLY = {ChannelLevel.TIER1: 400_000, ChannelLevel.TIER2: 60_000}
GRADE_FACTOR = {"A": 1.8, "B": 1.0, "C": 0.6, "": 0.8}
TERMS = {ChannelLevel.TIER1: Mix([(30, 3), (45, 4), (60, 3)]),
         ChannelLevel.TIER2: Mix([(30, 6), (45, 3), (60, 1)])}
DISCOUNTS = Mix([(Decimal("0.00"), 40), (Decimal("1.00"), 15), (Decimal("2.00"), 20),
                 (Decimal("3.00"), 15), (Decimal("5.00"), 10)])
TYPES = {ChannelLevel.TIER1: Mix([(AgreementType.DISTRIBUTION, 70), (AgreementType.EXCLUSIVE, 20),
                                  (AgreementType.AGENCY, 10)]),
         ChannelLevel.TIER2: Mix([(AgreementType.DISTRIBUTION, 85), (AgreementType.AGENCY, 15)])}
SETTLEMENT = Mix([(SettlementMethod.CREDIT, 70), (SettlementMethod.MONTHLY, 25),
                  (SettlementMethod.CASH_ON_DELIVERY, 5)])
PAYMENT = Mix([(PaymentMethod.BANK_TRANSFER, 70), (PaymentMethod.ACCEPTANCE_BILL, 20),
               (PaymentMethod.ONLINE, 10)])

MANUFACTURER = {
    "manufacturer_name": "河北清泉食品饮料集团有限公司",
    "manufacturer_legal_representative": "陈思远",
    "manufacturer_address": "河北省石家庄市长安区中山东路188号",
    "manufacturer_phone": "0311-86688000",
    "manufacturer_bank_account": "中国工商银行石家庄中山支行 0402020109300088888",
}
CLAUSES = {
    "renewal_terms": "协议期满前30日内，双方无异议且乙方完成年度任务的90%以上，可续签一年。",
    "termination_terms": "乙方连续两个季度未完成任务的60%、跨区域窜货三次以上或严重扰乱价格体系的，"
                         "甲方有权提前解除协议。",
    "dispute_venue": "石家庄仲裁委员会",
    "copies_holders": "甲乙双方各执一份",
    "delivery_obligation": "乙方负责向授权区域内的二批及终端配送，48小时内送达。",
    "channel_management_terms": "乙方应建立下游客户档案，每月10日前上报上月库存及流向。",
    "rebate_terms": "按季度完成任务比例返利，季度结算，返利可抵后续货款。",
    "promotion_support": "甲方提供堆头费、促销员及试吃物料支持，费用按批准的促销方案核销。",
    "over_target_reward": "超额部分另按1%奖励。",
    "quality_terms": "产品质量问题由甲方负责退换；运输破损须在收货时签字确认，48小时内报损。",
    "target_reward": "完成年度任务给予年度返利及优秀经销商称号。",
    "target_miss_consequence": "未完成任务的70%取消年度返利并重新评估经销资格。",
    "exclusivity_reward": "专营甲方产品另给予0.5%专营奖励。",
}
SPECIAL_DISCOUNT_TERMS = "补充协议：为应对竞品冲击，自本版本生效起给予特价支持，供价另行下调。"


def _scope_roots(rng: random.Random) -> list[str]:
    """All products (empty list) or one to three top categories, drinks most often."""
    if rng.random() < 0.6:
        return []
    roots = ["C01"] + rng.sample(["C02", "C03", "C04"], rng.randint(0, 2))
    return roots


def _round_to(value: float, step: int) -> Decimal:
    return Decimal(max(step, int(round(value / step)) * step))


def _patterns(rng: random.Random, dealers: list[dict]) -> dict[int, str]:
    """Each trading dealer's pattern: a known share of each, the rest steady.

    The portal dealer stays steady: the demo logins should show an ordinary dealer.
    """
    pool = [d["pk"] for d in dealers if d["code"] != PORTAL_CODE]
    rng.shuffle(pool)
    chosen: dict[int, str] = {}
    for pattern, share in h.PATTERNS.items():
        count = max(2, round(share * len(dealers)))
        for pk in pool[:count]:
            chosen[pk] = pattern
        pool = pool[count:]
    return {d["pk"]: chosen.get(d["pk"], h.STEADY) for d in dealers}


def _plan(rng: random.Random, row: dict, *, pattern: str, window: h.Window, scale: str,
          covered: list[int]) -> h.DealerPlan:
    level = row["channel_level"]
    per_month, lines, assortment = SCALES[scale][level]
    base = MEDIAN_MONTHLY[level] * GRADE_FACTOR.get(row["grade"], 0.8) \
        * math.exp(rng.gauss(0, 0.55))
    months = window.months
    joined = window.start
    if pattern == h.STEADY and rng.random() < 0.12 and len(months) > 24:
        joined = months[rng.randint(3, 18)]  # opened later in the history
    size = min(len(covered), rng.randint(*assortment))
    plan = h.DealerPlan(
        pk=row["pk"], code=row["code"], level=level, grade=row["grade"],
        territory_id=row["territory_id"], parent_id=row["parent_id"],
        rep_id=row["assigned_rep_id"], address=row["address"], pattern=pattern,
        joined=joined, base=base, growth=rng.uniform(0.97, 1.15),
        orders_per_month=per_month * rng.uniform(0.7, 1.3), lines=lines,
        assortment=sorted(rng.sample(covered, size)),
        late_days=(-8, 4) if rng.random() < 0.85 else (-3, 15),
    )
    if pattern == h.DECLINING:
        plan.growth = 1.0
    elif pattern == h.LATE_PAYER:
        plan.late_days = (60, 120)
    elif pattern == h.STOPPED:
        plan.stop = h.add_months(window.current, -rng.randint(3, 5))
    elif pattern == h.ONE_ORDER:
        plan.joined = months[rng.randint(0, min(12, len(months) - 8))]
    elif pattern == h.PRICE_DROP:
        plan.drop = h.add_months(window.current, -3)
    return plan


def _periods(plan: h.DealerPlan, window: h.Window) -> list[tuple]:
    """(start, end) of each agreement version: calendar years from the dealer's first month,
    split where a special discount starts."""
    periods = []
    for year in range(plan.joined.year, window.today.year + 1):
        start = max(plan.joined, h.dt.date(year, 1, 1))
        end = h.dt.date(year, 12, 31)
        if plan.drop and start < plan.drop <= end:
            periods.append((start, plan.drop - h.dt.timedelta(days=1), False))
            periods.append((plan.drop, end, True))
        else:
            periods.append((start, end, bool(plan.drop and plan.drop <= start)))
    return periods


def run(*, scale: str, rng: random.Random, ctx: dict[str, Any]) -> None:
    """Plan the trading dealers and write their agreement versions, targets and tags."""
    admin = ctx["admin"]
    director = ctx.get("users", {}).get("director", admin)
    window = h.Window.ending(timezone.localdate(), not_before=catalog_demo.PRICES_FROM)
    products = h.load_products([PriceLevel.TIER1, PriceLevel.TIER2])
    by_root: dict[str, list[int]] = {}
    for info in products.values():
        by_root.setdefault(info.root, []).append(info.pk)
    roots = dict(Category.objects.filter(depth=1).values_list("code", "pk"))
    dealers = list(Dealer.objects.filter(
        channel_level__in=[ChannelLevel.TIER1, ChannelLevel.TIER2],
        status__in=TRADING_STATUSES).order_by("pk").values(
        "pk", "code", "channel_level", "grade", "territory_id", "parent_id", "assigned_rep_id",
        "address", "legal_name", "name", "legal_representative", "phone", "bank_name",
        "bank_account"))
    patterns = _patterns(rng, dealers)
    ids = ctx.setdefault("trade_ids", h.Ids())
    sink = h.RowSink([
        (Agreement, AGREEMENT_COLUMNS),
        (AgreementTarget, ["id", "agreement_id", "month", "amount"]),
        (Agreement.territories.through, ["agreement_id", "territory_id"]),
        (Agreement.categories.through, ["agreement_id", "category_id"]),
        (Dealer.tags.through, ["dealer_id", "tag_id"]),
    ])
    tag_ids = {p: Tag.objects.get_or_create(name=h.pattern_tag(p))[0].pk
               for p in [*h.PATTERNS, h.STEADY]}
    now = timezone.now()
    plans = []
    bar = h.progress(len(dealers), "agreements", "dealer", enabled=scale == "large")
    for row in dealers:
        scope = _scope_roots(rng)
        covered = sorted(pk for root in (scope or by_root) for pk in by_root.get(root, []))
        plan = _plan(rng, row, pattern=patterns[row["pk"]], window=window, scale=scale,
                     covered=covered)
        plans.append(plan)
        sink.add(Dealer.tags.through, (row["pk"], tag_ids[plan.pattern]))
        _versions(rng, plan, row=row, scope=[roots[r] for r in scope if r in roots],
                  window=window, sink=sink, ids=ids, admin=admin, director=director, now=now)
        bar.update()
        sink.maybe_flush()
    bar.close()
    ctx["trade_written"] = sink.finish()
    ctx["trade"] = {"window": window, "products": products, "plans": plans}


AGREEMENT_COLUMNS = [
    "id", "number", "version", "previous_id", "dealer_id", "agreement_type", "status",
    "start_date", "end_date", *MANUFACTURER, "dealer_legal_name", "dealer_legal_representative",
    "dealer_address", "dealer_phone", "dealer_bank_account", "all_products", *CLAUSES,
    "dispute_resolution_days", "copies", "supplementary_terms", "territory_protection",
    "price_level", "discount_percent", "coverage_target_count", "coverage_target_days",
    "safety_stock_days", "max_stock_days", "flow_report_day", "credit_limit",
    "payment_terms_days", "settlement_method", "payment_method", "initial_stock_amount",
    "rebate_percent", "promotion_fund", "lead_time_days", "pickup_method", "freight_bearer",
    "annual_target", "deposit_amount", "cross_region_penalty", "price_violation_penalty",
    "exclusivity", "submitted_at", "approved_at", "approved_by_id", "signed_on",
    "created_by_id", "created_at", "updated_at",
]


def _versions(rng: random.Random, plan: h.DealerPlan, *, row: dict, scope: list[int],
              window: h.Window, sink: h.RowSink, ids: h.Ids, admin: Any, director: Any,
              now: Any) -> None:
    """The dealer's agreement versions: earlier ones expired, the one in force active."""
    level = plan.level
    terms = TERMS[level].pick(rng)
    discount = DISCOUNTS.pick(rng)
    agreement_type = TYPES[level].pick(rng)
    tier1 = level == ChannelLevel.TIER1
    deposit = _round_to(plan.base * rng.uniform(0.15, 0.35), 10_000)
    fixed = (
        *MANUFACTURER.values(), row["legal_name"] or row["name"],
        row["legal_representative"], row["address"], row["phone"],
        f"{row['bank_name']} {row['bank_account']}".strip(), not scope, *CLAUSES.values(),
        30, 2,
    )
    previous = None
    for number, (start, end, special) in enumerate(_periods(plan, window), start=1):
        pk = ids.take(Agreement)
        yearly = plan.base * plan.growth ** (start.year - window.start.year)
        months = [h.add_months(start, n) for n in range(
            (end.year - start.year) * 12 + end.month - start.month + 1)]
        weights = [h.SEASON[m.month - 1] for m in months]
        target = _round_to(yearly * sum(weights) * rng.uniform(1.02, 1.15), 10_000)
        credit_limit = _round_to(plan.base * (terms / 30 + 0.6) * 1.3, 10_000)
        status = (AgreementStatus.ACTIVE if start <= window.today <= end
                  else AgreementStatus.EXPIRED if end < window.today
                  else AgreementStatus.SIGNED)
        version_discount = discount + (Decimal(rng.randint(15, 25)) if special else 0)
        signed = start - h.dt.timedelta(days=rng.randint(5, 20))
        created = h.at(signed - h.dt.timedelta(days=rng.randint(10, 20)), 9)
        sink.add(Agreement, (
            pk, h.doc_number("AG", start, pk), number, previous, plan.pk, agreement_type,
            status, start, end, *fixed,
            SPECIAL_DISCOUNT_TERMS if special else "", True, level, version_discount,
            rng.randint(20, 80) if tier1 else rng.randint(8, 30), rng.choice([90, 180, 365]),
            rng.randint(15, 30), rng.randint(60, 90), 10, credit_limit, terms,
            SETTLEMENT.pick(rng), PAYMENT.pick(rng),
            _round_to(plan.base * rng.uniform(0.3, 0.6), 10_000),
            Decimal(rng.choice(["1.00", "1.50", "2.00", "3.00"])),
            _round_to(plan.base * rng.uniform(0.01, 0.03), 1_000), rng.choice([2, 3, 5]),
            rng.choice(list(PickupMethod.values)), rng.choice(list(FreightBearer.values)),
            target, deposit, Decimal("5000.00") if tier1 else Decimal("2000.00"),
            Decimal("3000.00") if tier1 else Decimal("1000.00"),
            agreement_type == AgreementType.EXCLUSIVE,
            created + h.dt.timedelta(days=2), created + h.dt.timedelta(days=4), director.pk,
            signed, admin.pk, created, h.at(signed, 16),
        ))
        plan.versions.append(h.VersionPlan(
            pk=pk, number=h.doc_number("AG", start, pk), version=number, start=start, end=end,
            status=status, discount=version_discount, terms=terms, credit_limit=credit_limit,
            deposit=deposit))
        # Monthly targets follow the seasonality and add up to the version's target exactly.
        total = sum(weights)
        left = target
        for index, (month, weight) in enumerate(zip(months, weights, strict=True)):
            amount = left if index == len(months) - 1 else \
                (target * Decimal(weight / total)).quantize(Decimal("100"))
            left -= amount
            sink.add(AgreementTarget, (ids.take(AgreementTarget), pk, month, amount))
        sink.add(Agreement.territories.through, (pk, plan.territory_id))
        for category in scope:
            sink.add(Agreement.categories.through, (pk, category))
        previous = pk
        # The next year's terms: a little more credit and target, sometimes other terms.
        if rng.random() < 0.2:
            terms = TERMS[level].pick(rng)
        if rng.random() < 0.3:
            discount = DISCOUNTS.pick(rng)
