"""The one write of a dealer's grade: from a review's suggestion or by hand, with history."""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qudao.core import audit
from qudao.dealers.models import Dealer
from qudao.tiers.choices import GRADES, SuggestionStatus, direction_of
from qudao.tiers.exceptions import GradeInvalid
from qudao.tiers.models import GradeChange, TierSuggestion
from qudao.tiers.services._common import clean_text, require, require_scope


@transaction.atomic
def grade_change(*, actor: Any, dealer: Dealer, to_grade: str, reason: str,
                 suggestion: TierSuggestion | None = None, note: str = "") -> GradeChange:
    """Give the dealer a new grade (A, B or C), writing a GradeChange row and an audit event;
    approving a suggestion marks it approved.

    Raises NotAllowed (tiers.approve_tier, the dealer in the actor's scope) or GradeInvalid
    (unknown grade, no reason, or the grade it already has).
    """
    require(actor, "tiers.approve_tier")
    require_scope(actor, dealer.pk)
    reason = clean_text(reason)
    errors: dict[str, str] = {}
    if to_grade not in GRADES:
        errors["to_grade"] = _("The grade is A, B or C.")
    if not reason:
        errors["reason"] = _("Say why the grade changes.")
    if errors:
        raise GradeInvalid(errors)
    # Lock the dealer: two approvals at the same moment must not both write "from B".
    dealer = Dealer.objects.select_for_update().get(pk=dealer.pk)
    before = dealer.grade or ""
    if before == to_grade:
        raise GradeInvalid({"to_grade": _("%(dealer)s is grade %(grade)s already.") % {
            "dealer": dealer.name, "grade": to_grade}})
    dealer.grade = to_grade
    dealer.save(update_fields=["grade", "updated_at"])
    now = timezone.now()
    if suggestion is not None:
        suggestion.status = SuggestionStatus.APPROVED
        suggestion.decided_by = actor
        suggestion.decided_at = now
        suggestion.note = clean_text(note, 200)
        suggestion.save(update_fields=["status", "decided_by", "decided_at", "note",
                                       "updated_at"])
    change = GradeChange.objects.create(
        dealer=dealer, from_grade=before, to_grade=to_grade,
        direction=direction_of(before, to_grade), reason=reason, suggestion=suggestion,
        changed_by=actor)
    audit.record(actor=actor, target=dealer, event="tier.grade_changed",
                 data={"grade": [before, to_grade], "reason": reason,
                       "suggestion": suggestion.pk if suggestion else None})
    return change
