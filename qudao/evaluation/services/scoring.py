"""Scorecard writes other than the computation: hand scores, finalization, ranks, weights,
and the computation runs (queued, run by the `evaluation.compute` task)."""

import logging
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qudao.accounts.models import User
from qudao.core import audit
from qudao.core.exceptions import NotAllowed
from qudao.core.models import AuditEvent
from qudao.dealers.choices import ChannelLevel
from qudao.dealers.models import Dealer
from qudao.dealers.scoping import visible_dealers
from qudao.evaluation import formulas
from qudao.evaluation.choices import DIMENSIONS, Dimension, RunStatus, ScorecardStatus
from qudao.evaluation.exceptions import (
    HandScoreInvalid,
    PeriodInvalid,
    ScorecardFrozen,
    WeightsInvalid,
)
from qudao.evaluation.models import ComputeRun, Scorecard, ScorecardLine, ScorecardWeight
from qudao.evaluation.periods import Period, period_of
from qudao.evaluation.services.compute import compute as compute_period

ONE = Decimal("1.00")
log = logging.getLogger(__name__)


RANK_SQL = """
    UPDATE evaluation_scorecard SET "rank" = ranked.place, rank_size = ranked.size
    FROM (SELECT id,
                 RANK() OVER (PARTITION BY region_id, channel_level ORDER BY total DESC) AS place,
                 COUNT(*) OVER (PARTITION BY region_id, channel_level) AS size
          FROM evaluation_scorecard
          WHERE period_kind = %s AND period_start = %s AND total IS NOT NULL{groups}) AS ranked
    WHERE evaluation_scorecard.id = ranked.id
      AND (evaluation_scorecard."rank" IS NULL OR evaluation_scorecard."rank" <> ranked.place
           OR evaluation_scorecard.rank_size IS NULL
           OR evaluation_scorecard.rank_size <> ranked.size)
"""


def ranks_refresh(*, period: Period, groups: set[tuple[Any, str]] | None = None) -> int:
    """Rank the period's scorecards within each (region, channel level) by total, highest
    first (equal totals share a place: 1, 2, 2, 4); scorecards without a total are not
    ranked. Only `groups` when given. One UPDATE with a window function (PostgreSQL and
    SQLite 3.33+ both take UPDATE ... FROM); returns how many ranks changed."""
    params: list[Any] = [period.kind, period.start]
    condition = ""
    if groups:
        parts = []
        for region_id, level in groups:
            parts.append("(region_id IS NULL AND channel_level = %s)" if region_id is None
                         else "(region_id = %s AND channel_level = %s)")
            params.extend([level] if region_id is None else [region_id, level])
        condition = " AND (" + " OR ".join(parts) + ")"
    with connection.cursor() as cursor:
        cursor.execute(RANK_SQL.format(groups=condition), params)
        changed = cursor.rowcount
    cards = Scorecard.objects.filter(period_kind=period.kind, period_start=period.start,
                                     total__isnull=True).exclude(rank__isnull=True)
    return changed + cards.update(rank=None, rank_size=None)


def _refresh_total(card: Scorecard) -> None:
    lines = list(card.lines.all())
    card.total, card.scored_weight, card.dimensions_scored = formulas.total(
        [(line.score, line.weight) for line in lines])
    card.save(update_fields=["total", "scored_weight", "dimensions_scored", "updated_at"])


def _locked(scorecard: Scorecard) -> Scorecard:
    card = Scorecard.objects.select_for_update().select_related("dealer").get(pk=scorecard.pk)
    if card.is_final:
        raise ScorecardFrozen(ScorecardFrozen.message_for(card))
    return card


@transaction.atomic
def hand_score_set(*, actor: User, scorecard: Scorecard, dimension: str,
                   score: Decimal | None, note: str) -> ScorecardLine:
    """Score one dimension by hand (0-100, with a note saying why), or clear the hand
    score (score None); the total and the ranks of the dealer's group follow.

    Raises ScorecardFrozen for a final scorecard and HandScoreInvalid for a score out of
    range, a missing note, or a dimension computed from data (loyalty excepted: its
    compliance and competing-brands part is judged by hand).
    """
    card = _locked(scorecard)
    if dimension not in DIMENSIONS:
        raise HandScoreInvalid(_("Unknown dimension “%(d)s”.") % {"d": dimension},
                               {"dimension": _("Unknown dimension.")})
    line = card.lines.select_for_update().get(dimension=dimension)
    label = Dimension(dimension).label
    note = (note or "").strip()
    if score is not None:
        try:
            score = Decimal(str(score)).quantize(Decimal("0.1"))
        except (InvalidOperation, ValueError):
            score = Decimal("-1")
        if not line.hand_allowed:
            raise HandScoreInvalid(
                _("%(dimension)s of %(dealer)s is computed from data; it is not scored by "
                  "hand.") % {"dimension": label, "dealer": card.dealer.name},
                {"score": _("Computed from data.")})
        errors = {}
        if not Decimal("0") <= score <= Decimal("100"):
            errors["score"] = _("%(dimension)s: the hand score must be between 0 and 100.") % {
                "dimension": label}
        if not note:
            errors["note"] = _("%(dimension)s: say why in the note.") % {"dimension": label}
        if errors:
            raise HandScoreInvalid("; ".join(errors.values()), errors)
    before = {"hand_score": line.hand_score, "hand_note": line.hand_note}
    line.hand_score = score
    line.hand_note = note if score is not None else ""
    line.hand_by = actor if score is not None else None
    line.hand_at = timezone.now() if score is not None else None
    line.score = formulas.line_score(dimension, line.computed_score, line.hand_score)
    line.weighted = formulas.weighted(line.score, line.weight)
    line.save()
    _refresh_total(card)
    ranks_refresh(period=Period(card.period_kind, card.period_start),
                  groups={(card.region_id, card.channel_level)})
    audit.record(actor=actor, target=card, event="scorecard.hand_scored", subject=card.dealer,
                 data={"period": card.period_label, "dimension": dimension,
                       "hand_score": [before["hand_score"], line.hand_score],
                       "note": [before["hand_note"], line.hand_note]})
    return line


@transaction.atomic
def scorecard_finalize(*, actor: User, scorecard: Scorecard) -> Scorecard:
    """Make a scorecard final (managers): from now on it is frozen. ScorecardFrozen if it
    already is."""
    card = _locked(scorecard)
    card.status = ScorecardStatus.FINAL
    card.finalized_at = timezone.now()
    card.finalized_by = actor
    card.save(update_fields=["status", "finalized_at", "finalized_by", "updated_at"])
    audit.record(actor=actor, target=card, event="scorecard.finalized", subject=card.dealer,
                 data={"period": card.period_label, "total": card.total})
    return card


@transaction.atomic
def period_finalize(*, actor: User, period: Period, dealers: Any) -> int:
    """Make final every draft scorecard of the period of the given dealers (a queryset);
    returns how many. One audit event a scorecard, written in bulk."""
    drafts = Scorecard.objects.select_for_update().filter(
        period_kind=period.kind, period_start=period.start, status=ScorecardStatus.DRAFT,
        dealer__in=dealers)
    rows = list(drafts.values_list("id", "dealer_id", "total"))
    if not rows:
        return 0
    now = timezone.now()
    Scorecard.objects.filter(pk__in=[r[0] for r in rows]).update(
        status=ScorecardStatus.FINAL, finalized_at=now, finalized_by=actor, updated_at=now)
    card_type = ContentType.objects.get_for_model(Scorecard)
    dealer_type = ContentType.objects.get_for_model(Dealer)
    AuditEvent.objects.bulk_create([AuditEvent(
        actor=actor, event="scorecard.finalized", target_type=card_type, target_id=str(pk),
        target_repr=f"{dealer_id} {period.label}", subject_type=dealer_type,
        subject_id=str(dealer_id), data={"period": period.label, "total": str(total)})
        for pk, dealer_id, total in rows], batch_size=1000)
    return len(rows)


@transaction.atomic
def weights_set(*, actor: User, channel_level: str, weights: dict[str, Any]
                ) -> list[ScorecardWeight]:
    """Set a channel level's seven weights at once (HQ). Each is 0-1 with two decimals;
    together they must add up to exactly 1.00. They apply from the next computation;
    scorecards already computed keep the weights they were computed with.

    Raises WeightsInvalid naming the level and the sum.
    """
    if channel_level not in ChannelLevel.values:
        raise WeightsInvalid(_("Unknown channel level “%(l)s”.") % {"l": channel_level},
                             {"channel_level": _("Unknown channel level.")})
    level = ChannelLevel(channel_level).label
    values: dict[str, Decimal] = {}
    errors: dict[str, str] = {}
    for dimension in DIMENSIONS:
        raw = weights.get(dimension)
        try:
            value = Decimal(str(raw))
        except (InvalidOperation, ValueError):
            errors[dimension] = _("Enter a number between 0 and 1.")
            continue
        if not value.is_finite() or not Decimal("0") <= value <= ONE \
                or value != value.quantize(Decimal("0.01")):
            errors[dimension] = _("Enter a number between 0 and 1 with at most two decimals.")
            continue
        values[dimension] = value
    if errors:
        raise WeightsInvalid(_("The weights of %(level)s are not valid.") % {"level": level},
                             errors)
    total = sum(values.values(), Decimal("0"))
    if total != ONE:
        raise WeightsInvalid(
            _("The weights of %(level)s add up to %(sum)s; they must add up to 1.00.") % {
                "level": level, "sum": f"{total:.2f}"},
            {"__all__": _("The weights add up to %(sum)s, not 1.00.") % {"sum": f"{total:.2f}"}})
    existing = {w.dimension: w for w in ScorecardWeight.objects.select_for_update().filter(
        channel_level=channel_level)}
    changes = {d: [str(existing[d].weight) if d in existing else None, str(v)]
               for d, v in values.items()
               if d not in existing or existing[d].weight != v}
    saved = []
    for dimension, value in values.items():
        weight, _created = ScorecardWeight.objects.update_or_create(
            channel_level=channel_level, dimension=dimension,
            defaults={"weight": value, "updated_by": actor})
        saved.append(weight)
    if changes:
        audit.record(actor=actor, target=saved[0], event="scorecard.weights_changed",
                     data={"channel_level": channel_level, "changes": changes})
    return saved


def _scope(run: ComputeRun) -> Any:
    if run.dealer_id:
        return [run.dealer_id]
    user = run.created_by
    return None if user.sees_all_dealers else visible_dealers(user)


def run_start(*, actor: User, period: Period, dealer: Dealer | None = None) -> ComputeRun:
    """Queue the computation of a period's scorecards for the dealers the actor may see
    (or one dealer) and start it (at once when tasks run eagerly).

    Raises NotAllowed without the scoring permission, PeriodInvalid for a period not over
    yet, and ScorecardFrozen when the one dealer's scorecard of the period is final.
    """
    if not actor.has_perm("evaluation.score_scorecard"):
        raise NotAllowed(_("Your role may not compute scorecards."))
    if period.end >= timezone.localdate():
        raise PeriodInvalid(_("The period %(period)s is not over yet; compute it after "
                              "%(end)s.") % {"period": period.label, "end": period.end})
    if dealer is not None:
        card = Scorecard.objects.filter(dealer=dealer, period_kind=period.kind,
                                        period_start=period.start).first()
        if card is not None:
            _locked(card)
    run = ComputeRun.objects.create(period_kind=period.kind, period_start=period.start,
                                    dealer=dealer, created_by=actor)
    from qudao.evaluation import tasks

    transaction.on_commit(lambda: tasks.evaluation_compute.delay(run.pk))
    return run


def _progress(run: ComputeRun, **fields: Any) -> None:
    for name, value in fields.items():
        setattr(run, name, value)
    ComputeRun.objects.filter(pk=run.pk).update(**fields)


def run_execute(*, run_id: int) -> ComputeRun:
    """Run a queued computation to the end (the task). Safe to run twice: a run that is
    not queued is left as it is."""
    run = ComputeRun.objects.select_related("created_by").get(pk=run_id)
    if run.status != RunStatus.QUEUED:
        return run
    _progress(run, status=RunStatus.RUNNING, started_at=timezone.now())
    try:
        result = compute_period(
            period=Period(run.period_kind, run.period_start), dealer_ids=_scope(run),
            progress=lambda done, total: _progress(run, dealers_done=done,
                                                   dealers_total=total))
    except Exception as exc:  # noqa: BLE001 - the run page shows why it failed
        log.exception("scorecard computation %s failed", run.pk)
        _progress(run, status=RunStatus.FAILED, error=str(exc)[:2000],
                  finished_at=timezone.now())
        return run
    _progress(run, status=RunStatus.DONE, written=result["written"],
              kept_final=result["kept_final"], finished_at=timezone.now())
    return run


def period_compute_now(*, actor: User | None, period: Period, dealer_ids: Any = None
                       ) -> dict[str, int]:
    """Compute a period at once, without a run (the demo, tests, the command line)."""
    return compute_period(period=period, dealer_ids=dealer_ids)


def period_for(kind: str, day: Any) -> Period:
    try:
        return period_of(kind, day)
    except ValueError as exc:
        raise PeriodInvalid(str(exc)) from None
