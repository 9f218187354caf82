"""Reports of tiers and attrition (R-DM-17): exits per quarter and region by reason, the
grade distribution per region and level, and grade movements per quarter. Each is one
GROUP BY over the user's dealers."""

from typing import Any

from django.db.models import Count
from django.db.models.functions import ExtractQuarter, ExtractYear, Substr

from qudao.dealers.choices import ChannelLevel, DealerStatus, ExitReason
from qudao.dealers.models import DealerStatusChange
from qudao.dealers.scoping import dealer_rows, visible_dealers
from qudao.territories.models import Territory
from qudao.tiers.choices import Direction
from qudao.tiers.models import GradeChange

STEP = Territory.steplen  # the top-level region is the first step of a territory's path
QUARTERS = 8


def _regions() -> dict[str, str]:
    return {t.path: t.display_name for t in Territory.objects.filter(depth=1)}


def _quarter(row: dict[str, Any]) -> str:
    return f"{row['year']}Q{row['quarter']}"


def attrition(*, user: Any) -> dict[str, Any]:
    """Dealers terminated per quarter and region, by exit reason; brand switches
    (改旗易帜) counted in their own column. The last QUARTERS quarters with exits."""
    rows = (dealer_rows(DealerStatusChange.objects.filter(to_status=DealerStatus.TERMINATED),
                        user)
            .annotate(year=ExtractYear("changed_at"), quarter=ExtractQuarter("changed_at"),
                      region=Substr("dealer__territory__path", 1, STEP))
            .order_by().values("year", "quarter", "region", "exit_reason")
            .annotate(n=Count("dealer_id", distinct=True)))
    regions = _regions()
    table: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:
        key = (_quarter(row), row["region"])
        line = table.setdefault(key, {"quarter": key[0],
                                      "region": regions.get(row["region"], row["region"]),
                                      "reasons": {}, "total": 0, "brand_switch": 0})
        reason = row["exit_reason"] or ExitReason.OTHER
        line["reasons"][reason] = line["reasons"].get(reason, 0) + row["n"]
        line["total"] += row["n"]
        if reason == ExitReason.BRAND_SWITCH:
            line["brand_switch"] += row["n"]
    quarters = sorted({q for q, _r in table}, reverse=True)[:QUARTERS]
    lines = sorted((line for line in table.values() if line["quarter"] in quarters),
                   key=lambda line: (line["quarter"], line["region"]), reverse=True)
    reasons = [(code, label) for code, label in ExitReason.choices if code != "brand_switch"]
    for line in lines:
        line["cells"] = [line["reasons"].get(code, 0) for code, _label in reasons]
    return {"lines": lines, "reasons": reasons,
            "total": sum(line["total"] for line in lines),
            "brand_switch": sum(line["brand_switch"] for line in lines)}


def distribution(*, user: Any) -> list[dict[str, Any]]:
    """Working dealers per region and channel level by grade (A, B, C, none)."""
    rows = (visible_dealers(user)
            .exclude(status__in=(DealerStatus.PROSPECT, DealerStatus.TERMINATED))
            .annotate(region=Substr("territory__path", 1, STEP))
            .order_by().values("region", "channel_level", "grade").annotate(n=Count("id")))
    regions = _regions()
    levels = dict(ChannelLevel.choices)
    table: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:
        key = (row["region"], row["channel_level"])
        line = table.setdefault(key, {"region": regions.get(row["region"], row["region"]),
                                      "level_code": row["channel_level"],
                                      "level": levels.get(row["channel_level"], ""),
                                      "A": 0, "B": 0, "C": 0, "none": 0, "total": 0})
        line[row["grade"] or "none"] += row["n"]
        line["total"] += row["n"]
    order = {code: index for index, code in enumerate(levels)}
    return sorted(table.values(),
                  key=lambda line: (line["region"], order.get(line["level_code"], 99)))


def movements(*, user: Any) -> dict[str, Any]:
    """Upgrades, downgrades and first grades per quarter (the last QUARTERS), oldest first:
    a table and the series of the chart."""
    rows = (dealer_rows(GradeChange.objects.all(), user)
            .annotate(year=ExtractYear("changed_at"), quarter=ExtractQuarter("changed_at"))
            .order_by().values("year", "quarter", "direction").annotate(n=Count("id")))
    table: dict[str, dict[str, int]] = {}
    for row in rows:
        cells = table.setdefault(_quarter(row), {d: 0 for d in Direction.values})
        cells[row["direction"]] += row["n"]
    quarters = sorted(table)[-QUARTERS:]
    shown = [Direction.UPGRADE, Direction.DOWNGRADE, Direction.NEW]
    return {
        "lines": [{"quarter": q, **{d: table[q][d] for d in shown}} for q in quarters],
        "chart": {"quarters": quarters,
                  "series": [{"code": d, "name": str(Direction(d).label),
                              "data": [table[q][d] for q in quarters]} for d in shown]},
    }
