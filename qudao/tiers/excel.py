"""Excel sheets of tiers: a review's suggestions, the grade history, lifecycle actions."""

from typing import Any

from django.utils.translation import gettext_lazy

from qudao.core.excel import Column
from qudao.tiers.models import GradeChange, LifecycleAction, TierSuggestion


def _part(suggestion: TierSuggestion, name: str) -> Any:
    points = (suggestion.parts.get(name) or {}).get("points")
    return points if points is None else float(points)


SUGGESTION_COLUMNS = [
    Column("review", gettext_lazy("Quarter")),
    Column("dealer_code", gettext_lazy("Dealer code")),
    Column("dealer", gettext_lazy("Dealer")),
    Column("region", gettext_lazy("Region")),
    Column("level", gettext_lazy("Channel level")),
    Column("current", gettext_lazy("Current grade")),
    Column("suggested", gettext_lazy("Suggested grade")),
    Column("direction", gettext_lazy("Direction")),
    Column("stage", gettext_lazy("Lifecycle stage")),
    Column("sales", gettext_lazy("Sales of 12 months (CNY)"), kind="decimal"),
    Column("cooperation", gettext_lazy("Cooperation"), kind="decimal"),
    Column("payment", gettext_lazy("On-time payment (of 25)"), kind="decimal"),
    Column("stock", gettext_lazy("Stock reports (of 25)"), kind="decimal"),
    Column("contact", gettext_lazy("Contact (of 25)"), kind="decimal"),
    Column("target", gettext_lazy("Target (of 25)"), kind="decimal"),
    Column("reasons", gettext_lazy("Reasons")),
    Column("status", gettext_lazy("Status")),
    Column("decided_by", gettext_lazy("Decided by")),
    Column("note", gettext_lazy("Note")),
]


def suggestion_row(s: TierSuggestion) -> list[Any]:
    from qudao.tiers.choices import Stage

    return [s.review.label, s.dealer.code, s.dealer.name, s.dealer.territory.display_name,
            s.dealer.get_channel_level_display(), s.current_grade, s.suggested_grade,
            s.get_direction_display(), Stage(s.stage).label if s.stage else "", s.sales,
            s.cooperation, _part(s, "payment"), _part(s, "stock"), _part(s, "contact"),
            _part(s, "target"), "; ".join(s.reasons), s.get_status_display(),
            str(s.decided_by or ""), s.note]


GRADE_CHANGE_COLUMNS = [
    Column("changed_at", gettext_lazy("At")),
    Column("dealer_code", gettext_lazy("Dealer code")),
    Column("dealer", gettext_lazy("Dealer")),
    Column("region", gettext_lazy("Region")),
    Column("level", gettext_lazy("Channel level")),
    Column("from", gettext_lazy("From")),
    Column("to", gettext_lazy("To")),
    Column("direction", gettext_lazy("Direction")),
    Column("reason", gettext_lazy("Reason")),
    Column("review", gettext_lazy("Review")),
    Column("by", gettext_lazy("By")),
]


def grade_change_row(c: GradeChange) -> list[Any]:
    review = c.suggestion.review.label if c.suggestion_id and c.suggestion else ""
    return [c.changed_at, c.dealer.code, c.dealer.name, c.dealer.territory.display_name,
            c.dealer.get_channel_level_display(), c.from_grade, c.to_grade,
            c.get_direction_display(), c.reason, review, str(c.changed_by or "")]


ACTION_COLUMNS = [
    Column("created_at", gettext_lazy("Proposed at")),
    Column("dealer_code", gettext_lazy("Dealer code")),
    Column("dealer", gettext_lazy("Dealer")),
    Column("region", gettext_lazy("Region")),
    Column("kind", gettext_lazy("Action")),
    Column("status", gettext_lazy("Status")),
    Column("reason", gettext_lazy("Why")),
    Column("new_credit_limit", gettext_lazy("New credit limit"), kind="decimal"),
    Column("deadline", gettext_lazy("Probation deadline"), kind="date"),
    Column("termination_reason", gettext_lazy("Termination reason")),
    Column("proposed_by", gettext_lazy("Proposed by")),
    Column("decided_by", gettext_lazy("Decided by")),
    Column("decided_at", gettext_lazy("Decided at")),
]


def action_row(a: LifecycleAction) -> list[Any]:
    return [a.created_at, a.dealer.code, a.dealer.name, a.dealer.territory.display_name,
            a.get_kind_display(), a.get_status_display(), a.reason, a.new_credit_limit,
            a.deadline, a.get_termination_reason_display(), str(a.proposed_by or ""),
            str(a.decided_by or ""), a.decided_at]
