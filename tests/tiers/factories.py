"""Tier rules, dealer-month facts, reviews, suggestions and actions written straight to the
database (no services, no audit events): for tests that need them to exist."""

import datetime
from decimal import Decimal

from qudao.analytics.models import DealerMonth
from qudao.stock.periods import add_months
from qudao.tiers.models import LifecycleAction, TierReview, TierRule, TierSuggestion
from qudao.tiers.services.review import last_complete_quarter, period_last_month

# The tier-1 rule the tests grade by: A from 3,000,000 and 80; B from 1,000,000 and 60.
TIER1 = {"a_volume": Decimal("3000000"), "a_cooperation": 80,
         "b_volume": Decimal("1000000"), "b_cooperation": 60}


def rules_make() -> dict[str, TierRule]:
    """The tier rules of every level (the tier-1 one as TIER1, the others scaled down)."""
    found = {}
    for level, factor in (("tier1", 1), ("tier2", Decimal("0.2")), ("terminal", Decimal("0.05")),
                          ("key_account", Decimal("0.5"))):
        values = {"a_volume": TIER1["a_volume"] * factor, "a_cooperation": 80,
                  "b_volume": TIER1["b_volume"] * factor, "b_cooperation": 60}
        found[level], _created = TierRule.objects.update_or_create(channel_level=level,
                                                                   defaults=values)
    return found


def quarter() -> datetime.date:
    """The last complete quarter (the review the tests run)."""
    return last_complete_quarter()


def months(period: datetime.date | None = None) -> list[datetime.date]:
    """The 12 months a review of `period` reads, oldest first."""
    last = period_last_month(period or quarter())
    return [add_months(last, -11 + i) for i in range(12)]


def year_make(dealer, *, sales_per_month: Decimal, stock_months: int = 12,
              contact_months: int = 12, days_late: Decimal = Decimal(0),
              target_per_month: Decimal | None = None, period=None,
              **overrides) -> list[DealerMonth]:
    """Twelve months of facts: the same sales each month (with one order), all of it
    collected `days_late` days late on average, stock reported in the last `stock_months`
    months and a call in the last `contact_months` months."""
    rows = []
    for index, month in enumerate(months(period)):
        values = {
            "order_amount": sales_per_month, "order_count": 1 if sales_per_month else 0,
            "allocated_amount": sales_per_month,
            "late_amount_days": sales_per_month * days_late,
            "target_amount": target_per_month or Decimal(0),
            "stock_reports": 1 if index >= 12 - stock_months else 0,
            "calls_out": 1 if index >= 12 - contact_months else 0,
        }
        values.update(overrides)
        rows.append(DealerMonth.objects.create(dealer=dealer, month=month, **values))
    return rows


def review_make(period=None, **fields) -> TierReview:
    review, _created = TierReview.objects.get_or_create(period=period or quarter(),
                                                        defaults={"status": "done", **fields})
    return review


def suggestion_make(dealer, *, review=None, current="B", suggested="A",
                    direction="upgrade", **fields) -> TierSuggestion:
    values = {"sales": Decimal("3500000"), "cooperation": Decimal("85.0"),
              "thresholds": {k: str(v) for k, v in TIER1.items()}, "stage": "growing"}
    values.update(fields)
    return TierSuggestion.objects.create(review=review or review_make(), dealer=dealer,
                                         current_grade=current, suggested_grade=suggested,
                                         direction=direction, **values)


def action_make(dealer, *, kind="keep", proposed_by=None, **fields) -> LifecycleAction:
    values = {"reason": "季度评审后维持现状", "status": "proposed"}
    values.update(fields)
    return LifecycleAction.objects.create(dealer=dealer, kind=kind, proposed_by=proposed_by,
                                          **values)
