"""Demo channel performance data: channel expenses of the last 24 months per province,
market sizes, the dealers' ratings of their reps over the last four complete quarters (two
reps poorly rated), and the non-quantitative indicators of the 大区 last quarter.

Runs AFTER the dealer-month facts are built (it sizes expenses and markets from each
province's sales): a step "performance" of demo_data after "facts". Reads dealers, reps
and territories from the database, so it also runs on a small test world. Expenses and
market sizes go through the services (audited); ratings are written as the paper forms
collected by the channel department would be (most dealers have no portal user), leaving
the current quarter open so the portal dealer can rate its rep itself.
"""

import random
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.db.models.functions import Substr
from django.utils import timezone

from qudao.accounts.choices import Role
from qudao.accounts.models import User
from qudao.analytics.models import DealerMonth
from qudao.dealers.choices import ChannelLevel, DealerStatus
from qudao.dealers.models import Dealer
from qudao.performance import services
from qudao.performance.choices import ExpenseCategory, PeriodKind
from qudao.performance.models import RepRating
from qudao.performance.periods import quarter_start
from qudao.stock.periods import add_months
from qudao.territories.models import Territory

MONTHS = 24
# Each category's share of the province's sales (low, high).
EXPENSE_SHARE = {ExpenseCategory.PROMOTION: (0.03, 0.05), ExpenseCategory.REBATES: (0.02, 0.03),
                 ExpenseCategory.LOGISTICS: (0.02, 0.035), ExpenseCategory.STAFF: (0.015, 0.025),
                 ExpenseCategory.OTHER: (0.003, 0.01)}
RATED_PER_QUARTER = {"small": 120, "large": 3000}
COMMENTS = {5: ["响应很快，帮我们做了陈列", "非常专业"], 4: ["服务不错", "有问题能及时处理"],
            3: ["一般", "希望多来店里看看"], 2: ["联系不上", "承诺的支持没兑现"],
            1: ["几个月没见人", "只催款不帮忙"]}
CENT = Decimal("0.01")


def _today(ctx: dict[str, Any]):
    window = (ctx.get("trade") or {}).get("window")
    return window.today if window is not None else timezone.localdate()


def run(*, scale: str, rng: random.Random, ctx: dict[str, Any]) -> None:
    today = _today(ctx)
    admin = ctx.get("admin") or User.objects.filter(role=Role.HQ_ADMIN,
                                                     is_active=True).order_by("pk").first()
    if admin is None:
        return
    _expenses(rng=rng, today=today, admin=admin)
    _market_sizes(rng=rng, today=today, admin=admin)
    _ratings(rng=rng, today=today, scale=scale)
    _indicators(rng=rng, today=today, admin=admin)


def _province_sales(first, last) -> dict[tuple[str, Any], Decimal]:
    """Sales per (province path, month) from the facts: one grouped query."""
    step = Territory.steplen * 2
    rows = (DealerMonth.objects.filter(month__gte=first, month__lte=last)
            .annotate(province=Substr("dealer__territory__path", 1, step)).order_by()
            .values("province", "month").annotate(sales=Sum("order_amount")))
    return {(row["province"], row["month"]): row["sales"] or Decimal("0") for row in rows}


def _expenses(*, rng: random.Random, today, admin: User) -> None:
    last = today.replace(day=1)
    first = add_months(last, -(MONTHS - 1))
    provinces = list(Territory.objects.filter(depth=2).order_by("path"))
    sales = _province_sales(first, last)
    rows = []
    for province in provinces:
        base = Decimal(rng.randint(20_000, 80_000))
        for n in range(MONTHS):
            month = add_months(first, n)
            month_sales = sales.get((province.path, month), Decimal("0"))
            for category, (low, high) in EXPENSE_SHARE.items():
                share = Decimal(str(round(rng.uniform(low, high), 4)))
                amount = (month_sales * share if month_sales else base * share
                          ).quantize(CENT)
                if amount <= 0:
                    continue
                rows.append({"territory": province, "month": month, "category": category,
                             "amount": amount, "note": ""})
    if rows:
        services.expenses_write(actor=admin, rows=rows)


def _market_sizes(*, rng: random.Random, today, admin: User) -> None:
    """Each province's market: its sales of the last 12 months over a share of 4-15%."""
    last = today.replace(day=1)
    sales = _province_sales(add_months(last, -11), last)
    per_province: dict[str, Decimal] = defaultdict(Decimal)
    for (path, _month), amount in sales.items():
        per_province[path] += amount
    for province in Territory.objects.filter(depth=2).order_by("path"):
        yearly = per_province.get(province.path) or Decimal(rng.randint(1, 5) * 1_000_000)
        for year in (today.year - 1, today.year):
            share = Decimal(str(round(rng.uniform(0.04, 0.15), 3)))
            services.market_size_set(actor=admin, territory=province, year=year,
                                     amount=(yearly / share).quantize(Decimal("1")),
                                     note="行业协会年度报告估算")


def _ratings(*, rng: random.Random, today, scale: str) -> None:
    dealers = list(Dealer.objects.filter(
        status=DealerStatus.ACTIVE, assigned_rep__isnull=False,
        channel_level__in=[ChannelLevel.TIER1, ChannelLevel.TIER2])
        .order_by("pk").values_list("pk", "assigned_rep_id"))
    if not dealers:
        return
    reps = sorted({rep for _dealer, rep in dealers})
    poor = set(rng.sample(reps, min(2, len(reps))))
    # A poorly rated rep is rated by each of his dealers, so he has enough ratings to flag.
    poor_dealers = [d for d in dealers if d[1] in poor]
    others = [d for d in dealers if d[1] not in poor]
    current = quarter_start(today)
    ratings = []
    for back in range(1, 5):
        quarter = add_months(current, -3 * back)
        chosen = poor_dealers[:20] + rng.sample(others, min(len(others),
                                                            RATED_PER_QUARTER[scale]))
        for dealer_id, rep_id in chosen:
            low, high = (1, 3) if rep_id in poor else (3, 5)
            scores = [rng.randint(low, high) for _n in range(3)]
            overall = round(sum(scores) / 3)
            ratings.append(RepRating(dealer_id=dealer_id, rep_id=rep_id, quarter=quarter,
                                     responsiveness=scores[0], professionalism=scores[1],
                                     sales_help=scores[2],
                                     comment=rng.choice(COMMENTS[overall])
                                     if rng.random() < 0.5 else ""))
    RepRating.objects.bulk_create(ratings, batch_size=1000, ignore_conflicts=True)


def _indicators(*, rng: random.Random, today, admin: User) -> None:
    quarter = add_months(quarter_start(today), -3)
    notes = ["经销商大会后合作意愿明显提升", "个别区域窜货引发抱怨，已约谈",
             "新品铺货顺利，终端反馈积极"]
    for node in Territory.objects.filter(depth=1).order_by("path")[:3]:
        services.indicator_set(actor=admin, territory=node, period_kind=PeriodKind.QUARTER,
                               period_start=quarter,
                               scores={"relationship": rng.randint(3, 5),
                                       "satisfaction": rng.randint(3, 5),
                                       "atmosphere": rng.randint(2, 5)},
                               note=rng.choice(notes))
    services.indicator_set(actor=admin, territory=None, period_kind=PeriodKind.QUARTER,
                           period_start=quarter,
                           scores={"relationship": 4, "satisfaction": 4, "atmosphere": 4},
                           note="整体渠道关系稳定")
