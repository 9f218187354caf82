"""Demo scorecards: the last four complete quarters and the last complete year (the annual
re-evaluation, R-DM-16) of every dealer, a few dimensions scored by hand by the regional
managers, and the oldest quarter finalized.

Runs AFTER the dealer-month facts are built (it reads them): a step "evaluation" of
demo_data after "facts" — ``evaluation_demo.run(scale=scale, rng=rng, ctx=ctx)``. Reads
"today" from ctx["trade"]["window"] when the trade history set it, else the calendar.
"""

import random
from decimal import Decimal
from typing import Any

from django.utils import timezone

from qudao.accounts.choices import Role
from qudao.accounts.models import User
from qudao.dealers.models import Dealer
from qudao.dealers.scoping import visible_dealers
from qudao.evaluation import services
from qudao.evaluation.choices import PeriodKind
from qudao.evaluation.models import ScorecardLine
from qudao.evaluation.periods import last_complete

HAND_SCORES = {"small": 12, "large": 60}
NOTES = {
    "competitiveness": ["终端网点覆盖好,陈列规范", "二批网络薄弱,需加强铺货",
                        "竞品促销力度大,本品份额下滑", "重点商超均已进场"],
    "loyalty": ["按协议价格执行,无窜货记录", "同时经营两个竞品品牌", "配合公司政策积极",
                "曾有一次跨区销售,已整改"],
    "innovation": ["新品上市积极试销", "对新品态度保守", "主动开发餐饮渠道"],
    "sales": ["新开户,目标未下达,按首季实际表现评分", "目标待年度协议确定"],
    "growth": ["新经销商,无去年同期数据,开局良好", "去年同期未合作"],
    "financial": ["现款现货,回款及时", "尚无应收往来"],
    "satisfaction": ["终端反馈良好,无投诉", "客户关系一般"],
}


def run(*, scale: str, rng: random.Random, ctx: dict[str, Any]) -> None:
    trade = ctx.get("trade") or {}
    window = trade.get("window")
    today = window.today if window is not None else timezone.localdate()
    last_quarter = last_complete(PeriodKind.QUARTER, today)
    quarters = [last_quarter.shifted(-back) for back in range(3, -1, -1)]
    year = last_complete(PeriodKind.YEAR, today)
    for period in [*quarters, year]:
        services.compute(period=period)

    managers = list(User.objects.filter(role=Role.REGIONAL_MANAGER, is_active=True)
                    .order_by("username")) or list(
        User.objects.filter(role=Role.HQ_ADMIN, is_active=True).order_by("pk")[:1])
    if managers:
        _hand_scores(rng, managers, last_quarter, HAND_SCORES.get(scale, 12))
        _hand_scores(rng, managers, year, HAND_SCORES.get(scale, 12) // 2)
        oldest = quarters[0]
        services.period_finalize(actor=managers[0], period=oldest,
                                 dealers=Dealer.objects.all())


def _hand_scores(rng: random.Random, managers: list[User], period: Any, count: int) -> None:
    """Managers score, in their own regions, the dimensions the data leaves open (and
    loyalty's compliance part) of a few dealers."""
    for manager in managers:
        lines = list(ScorecardLine.objects.filter(
            scorecard__period_kind=period.kind, scorecard__period_start=period.start,
            scorecard__dealer__in=visible_dealers(manager), hand_score__isnull=True)
            .filter(computed_score__isnull=True).select_related("scorecard")
            .order_by("scorecard__dealer__code", "id")[:400])
        loyalty = list(ScorecardLine.objects.filter(
            scorecard__period_kind=period.kind, scorecard__period_start=period.start,
            scorecard__dealer__in=visible_dealers(manager), dimension="loyalty",
            hand_score__isnull=True).select_related("scorecard")
            .order_by("scorecard__dealer__code")[:100])
        picked = rng.sample(lines, min(len(lines), count)) + rng.sample(
            loyalty, min(len(loyalty), max(1, count // 3)))
        for line in picked:
            notes = NOTES.get(line.dimension) or ["综合评价"]
            score = Decimal(rng.choice([55, 62, 68, 72, 75, 80, 85, 88, 92]))
            services.hand_score_set(actor=manager, scorecard=line.scorecard,
                                    dimension=line.dimension, score=score,
                                    note=rng.choice(notes))
