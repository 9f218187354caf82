"""Writes of tiers and the dealer lifecycle, by subject: rules and policies, the review and
its suggestions, grades, lifecycle actions. Import from here:
`from qudao.tiers import services`."""

from qudao.tiers.services.actions import (  # noqa: F401
    action_decide,
    action_propose,
    credit_limit,
    probation_verdict,
    probations_overdue_mark,
)
from qudao.tiers.services.grades import grade_change  # noqa: F401
from qudao.tiers.services.review import (  # noqa: F401
    last_complete_quarter,
    period_parse,
    review_run,
    review_start,
    suggestion_decide,
    suggestions_decide,
)
from qudao.tiers.services.rules import policy_save, rule_check, rule_save  # noqa: F401
