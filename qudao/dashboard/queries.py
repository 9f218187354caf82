"""The home dashboard's figures: counts of the user's visible dealers, a few GROUP BYs."""

from typing import Any

from qudao.dealers import queries as dealer_queries
from qudao.dealers.choices import ChannelLevel, DealerStatus, Grade


def _series(counts: dict[str, int], choices: Any, blank_label: str) -> list[dict[str, Any]]:
    series = [{"key": value, "label": str(label), "count": counts.get(value, 0)}
              for value, label in choices.choices]
    if counts.get(""):
        series.append({"key": "", "label": blank_label, "count": counts[""]})
    return series


def figures(*, user: Any) -> dict[str, Any]:
    """Dealer counts by status, grade, channel level and 大区 for what the user may see."""
    from django.utils.translation import gettext as _

    by_status = dealer_queries.counts_by(user=user, field="status")
    return {
        "total": sum(by_status.values()),
        "by_status": _series(by_status, DealerStatus, _("None")),
        "by_grade": _series(dealer_queries.counts_by(user=user, field="grade"), Grade,
                            _("Not graded")),
        "by_channel_level": _series(dealer_queries.counts_by(user=user, field="channel_level"),
                                    ChannelLevel, _("None")),
        "by_region": [{"key": name, "label": name, "count": n}
                      for name, n in dealer_queries.counts_by_region(user=user)],
    }
