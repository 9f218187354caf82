"""The quarterly tier review: start it, run it (a task), and decide its suggestions."""

import datetime
import logging
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qudao.accounts.models import User
from qudao.core import audit
from qudao.dealers.choices import DealerStatus
from qudao.dealers.scoping import dealer_rows, visible_dealers
from qudao.stock.periods import add_months
from qudao.tiers import scoring
from qudao.tiers.choices import (
    ActionKind,
    ActionStatus,
    Decision,
    Direction,
    ReviewStatus,
    SuggestionStatus,
    direction_of,
)
from qudao.tiers.exceptions import ReviewPeriodInvalid, SuggestionDecided
from qudao.tiers.models import LifecycleAction, TierReview, TierRule, TierSuggestion
from qudao.tiers.services._common import clean_text, require, require_scope
from qudao.tiers.services.grades import grade_change

log = logging.getLogger(__name__)
# Dealers a review judges: those being signed up, trading, or on probation.
REVIEWED = (DealerStatus.ONBOARDING, DealerStatus.ACTIVE, DealerStatus.PROBATION)
PROGRESS_EVERY = 1000
BATCH = 1000
STALE_RUN = datetime.timedelta(minutes=30)
SUGGESTION_FIELDS = ["current_grade", "suggested_grade", "direction", "stage", "sales",
                     "cooperation", "parts", "thresholds", "updated_at"]


def quarter_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def last_complete_quarter(today: datetime.date | None = None) -> datetime.date:
    """The first day of the last quarter that has ended (business date)."""
    today = today or timezone.localdate()
    return add_months(quarter_start(today), -3)


def period_last_month(period: datetime.date) -> datetime.date:
    return add_months(period, 2)


def period_parse(value: Any) -> datetime.date:
    """A quarter from "2026Q1" or a date in it; ReviewPeriodInvalid when it is neither."""
    if isinstance(value, datetime.date):
        return quarter_start(value)
    text = str(value or "").strip().upper()
    try:
        if len(text) == 6 and text[4] == "Q" and text[5] in "1234":
            return datetime.date(int(text[:4]), (int(text[5]) - 1) * 3 + 1, 1)
        return quarter_start(datetime.date.fromisoformat(text[:10]))
    except ValueError:
        raise ReviewPeriodInvalid(_("“%(value)s” is not a quarter (e.g. 2026Q1).") % {
            "value": text}) from None


def rules_thresholds() -> dict[str, dict[str, Any]]:
    return {rule.channel_level: rule.thresholds() for rule in TierRule.objects.all()}


@transaction.atomic
def review_start(*, actor: Any, period: datetime.date, run_now: bool = False) -> TierReview:
    """Queue the review of a quarter that has ended over the actor's dealers; the task runs
    after the commit (at once without a broker). Run again, the same review is updated.

    Raises NotAllowed (tiers.approve_tier) or ReviewPeriodInvalid (a quarter not ended, or
    a run of it still going). `run_now` runs it here (the demo, inside its transaction).
    """
    require(actor, "tiers.approve_tier")
    period = quarter_start(period)
    if add_months(period, 3) > timezone.localdate().replace(day=1):
        raise ReviewPeriodInvalid(_("The quarter %(q)s has not ended yet: review a quarter "
                                    "that has.") % {"q": TierReview(period=period).label})
    review, _created = TierReview.objects.select_for_update().get_or_create(period=period)
    if (review.is_active and review.started_at
            and timezone.now() - review.started_at < STALE_RUN):
        raise ReviewPeriodInvalid(_("The review of %(q)s is running already.") % {
            "q": review.label})
    review.status = ReviewStatus.QUEUED
    review.run_by = actor
    review.dealers_done = 0
    review.error = ""
    review.started_at = timezone.now()
    review.finished_at = None
    review.save()
    audit.record(actor=actor, target=review, event="tier.review_started",
                 data={"period": review.label})
    if run_now:
        return review_run(review_id=review.pk, actor_id=actor.pk)
    from qudao.tiers import tasks

    review_id, actor_id = review.pk, actor.pk
    transaction.on_commit(lambda: tasks.tier_review_run_task.delay(review_id, actor_id))
    return review


def review_run(*, review_id: int, actor_id: int) -> TierReview:
    """Judge every dealer of the runner's scope for the review's quarter and keep the
    changes as suggestions: pending ones are updated (or dropped when no longer a change),
    decided ones are left alone, nothing is duplicated. One GROUP BY over the facts for all
    the dealers; progress is written as it goes. Safe to run twice."""
    review = TierReview.objects.get(pk=review_id)
    actor = User.objects.get(pk=actor_id)
    last_month = period_last_month(review.period)
    dealers_qs = visible_dealers(actor).filter(status__in=REVIEWED)
    try:
        dealers = list(dealers_qs.order_by("id").values("id", "grade", "status",
                                                       "channel_level"))
        TierReview.objects.filter(pk=review.pk).update(
            status=ReviewStatus.RUNNING, dealers_total=len(dealers), dealers_done=0,
            started_at=timezone.now())
        facts = scoring.facts_by_dealer(dealer_ids=dealers_qs.values("id"),
                                        last_month=last_month)
        terminating = set(LifecycleAction.objects.filter(
            kind=ActionKind.TERMINATE, status=ActionStatus.PROPOSED,
            dealer__in=dealers_qs).values_list("dealer_id", flat=True))
        judgements = []
        for count, judgement in enumerate(scoring.judge(
                dealers=dealers, facts=facts, rules=rules_thresholds(), last_month=last_month,
                terminating=terminating), start=1):
            judgements.append(judgement)
            if count % PROGRESS_EVERY == 0:
                TierReview.objects.filter(pk=review.pk).update(dealers_done=count)
        changes = _write(review=review, actor=actor, judgements=judgements)
    except Exception as exc:  # the page shows the failure; the log has the trace
        log.exception("tier review %s failed", review.pk)
        TierReview.objects.filter(pk=review.pk).update(
            status=ReviewStatus.FAILED, error=str(exc)[:500], finished_at=timezone.now())
        return TierReview.objects.get(pk=review.pk)
    TierReview.objects.filter(pk=review.pk).update(
        status=ReviewStatus.DONE, dealers_done=len(dealers), changes=changes,
        finished_at=timezone.now())
    return TierReview.objects.get(pk=review.pk)


@transaction.atomic
def _write(*, review: TierReview, actor: Any,
           judgements: list[scoring.Judgement]) -> int:
    existing = {s.dealer_id: s for s in dealer_rows(review.suggestions.all(), actor)}
    judged = set()
    to_create, to_update, to_delete = [], [], []
    now = timezone.now()
    for j in judgements:
        judged.add(j.dealer_id)
        old = existing.get(j.dealer_id)
        if old is not None and old.status != SuggestionStatus.PENDING:
            continue  # decided: never touched again
        direction = direction_of(j.current_grade, j.grade)
        if direction == Direction.SAME:
            if old is not None:
                to_delete.append(old.pk)
            continue
        values = {"current_grade": j.current_grade, "suggested_grade": j.grade,
                  "direction": direction, "stage": j.stage, "sales": j.sales,
                  "cooperation": j.cooperation, "parts": scoring.plain(j.parts),
                  "thresholds": scoring.plain(j.thresholds), "updated_at": now}
        if old is None:
            to_create.append(TierSuggestion(review=review, dealer_id=j.dealer_id, **values))
        else:
            for key, value in values.items():
                setattr(old, key, value)
            to_update.append(old)
    to_delete += [s.pk for dealer_id, s in existing.items()
                  if dealer_id not in judged and s.status == SuggestionStatus.PENDING]
    for start in range(0, len(to_delete), BATCH):
        TierSuggestion.objects.filter(pk__in=to_delete[start:start + BATCH]).delete()
    TierSuggestion.objects.bulk_create(to_create, batch_size=BATCH)
    TierSuggestion.objects.bulk_update(to_update, SUGGESTION_FIELDS, batch_size=BATCH)
    return review.suggestions.count()


def _decision_reason(suggestion: TierSuggestion, note: str) -> str:
    text = _("Tier review %(q)s: %(why)s") % {"q": suggestion.review.label,
                                              "why": "; ".join(suggestion.reasons)}
    return f"{text} ({note})" if note else text


@transaction.atomic
def suggestion_decide(*, actor: Any, suggestion: TierSuggestion, decision: str,
                      note: str = "") -> TierSuggestion:
    """Approve (the dealer gets the suggested grade, with history and audit) or reject (the
    grade stays) one suggestion, with an optional note.

    Raises NotAllowed (tiers.approve_tier, the dealer in scope), SuggestionDecided, or
    GradeInvalid (the dealer has the suggested grade already).
    """
    require(actor, "tiers.approve_tier")
    require_scope(actor, suggestion.dealer_id)
    if decision not in Decision.values:
        raise SuggestionDecided(_("Approve or reject the suggestion."))
    suggestion = (TierSuggestion.objects.select_for_update().select_related("review", "dealer")
                  .get(pk=suggestion.pk))
    if suggestion.status != SuggestionStatus.PENDING:
        raise SuggestionDecided(_("The suggestion for %(dealer)s was %(status)s already.") % {
            "dealer": suggestion.dealer.name,
            "status": suggestion.get_status_display().lower()})
    note = clean_text(note, 200)
    if decision == Decision.APPROVE:
        grade_change(actor=actor, dealer=suggestion.dealer, to_grade=suggestion.suggested_grade,
                     reason=_decision_reason(suggestion, note), suggestion=suggestion, note=note)
        suggestion.refresh_from_db()
        return suggestion
    suggestion.status = SuggestionStatus.REJECTED
    suggestion.decided_by = actor
    suggestion.decided_at = timezone.now()
    suggestion.note = note
    suggestion.save(update_fields=["status", "decided_by", "decided_at", "note", "updated_at"])
    audit.record(actor=actor, target=suggestion.dealer, event="tier.suggestion_rejected",
                 data={"grade": [suggestion.current_grade, suggestion.suggested_grade],
                       "review": suggestion.review.label, "note": note})
    return suggestion


@transaction.atomic
def suggestions_decide(*, actor: Any, suggestions: Iterable[TierSuggestion], decision: str,
                       note: str = "") -> int:
    """Decide many suggestions at once, all or none; those decided already are skipped.
    Returns how many were decided."""
    require(actor, "tiers.approve_tier")
    done = 0
    for suggestion in suggestions:
        if suggestion.status != SuggestionStatus.PENDING:
            continue
        suggestion_decide(actor=actor, suggestion=suggestion, decision=decision, note=note)
        done += 1
    return done
