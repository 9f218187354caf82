"""The scorecard list as a sheet: one scorecard a row, the seven dimensions as columns."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from qudao.core.excel import Column
from qudao.evaluation.choices import DIMENSIONS, Dimension
from qudao.evaluation.models import Scorecard

COLUMNS = [
    Column("period", _("Period")),
    Column("dealer_code", _("Dealer code")),
    Column("dealer_name", _("Dealer")),
    Column("region", _("Region")),
    Column("channel_level", _("Channel level")),
    Column("grade", _("Grade")),
    *[Column(d, Dimension(d).label, kind="decimal") for d in DIMENSIONS],
    Column("total", _("Total score"), kind="decimal"),
    Column("dimensions_scored", _("Dimensions scored"), kind="int"),
    Column("rank", _("Rank"), kind="int"),
    Column("rank_size", _("Ranked among"), kind="int"),
    Column("status", _("Status")),
]


def _number(value: Any) -> float | None:
    # A score is a number of points, not money: a number Excel can sort and chart.
    return None if value is None else float(value)


def scorecard_row(card: Scorecard) -> list[Any]:
    scores = {line.dimension: _number(line.score) for line in card.lines.all()}
    return [card.period_label, card.dealer.code, card.dealer.name,
            card.region.display_name if card.region else "", card.get_channel_level_display(),
            card.dealer.grade, *[scores.get(d) for d in DIMENSIONS], _number(card.total),
            card.dimensions_scored, card.rank, card.rank_size, card.get_status_display()]
