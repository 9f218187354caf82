"""Reads of the dealer-month facts, for pages and charts (plain series, no ORM rows)."""

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from qudao.analytics.models import DealerMonth

TREND_MONTHS = 24


def _month_back(month: datetime.date, count: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 - count
    return datetime.date(index // 12, index % 12 + 1, 1)


def dealer_trend(*, dealer_id: int, today: datetime.date | None = None,
                 months: int = TREND_MONTHS) -> dict[str, list]:
    """The dealer's last `months` months up to this one, from the facts (one query):
    sales, target, collected, and the price index (paid against list price)."""
    today = today or timezone.localdate()
    last = today.replace(day=1)
    first = _month_back(last, months - 1)
    rows = {f.month: f for f in DealerMonth.objects.filter(
        dealer_id=dealer_id, month__range=(first, last))}
    labels = [_month_back(last, back) for back in range(months - 1, -1, -1)]
    zero = Decimal("0.00")

    def money(month: datetime.date, field: str) -> float:
        fact = rows.get(month)
        return float(getattr(fact, field) if fact else zero)

    return {
        "months": [f"{m:%Y-%m}" for m in labels],
        "sales": [money(m, "order_amount") for m in labels],
        "target": [money(m, "target_amount") for m in labels],
        "collected": [money(m, "payment_amount") for m in labels],
        "price_index": [float(rows[m].price_index) if m in rows and rows[m].price_index
                        is not None else None for m in labels],
    }


def dealer_panel(*, user: Any, dealer: Any) -> dict[str, Any]:
    """The trend panel of the dealer page: two years of monthly sales against target,
    collections and the price index (the caller has checked the dealer is visible)."""
    trend = dealer_trend(dealer_id=dealer.pk)
    return {"dealer": dealer, "trend": trend,
            "has_data": any(trend["sales"]) or any(trend["target"])}
