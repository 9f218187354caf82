"""Weights, hand scores, recomputation, finalization, ranks and computation runs."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from qudao.core.exceptions import NotAllowed
from qudao.core.models import AuditEvent
from qudao.evaluation import services
from qudao.evaluation.exceptions import (
    HandScoreInvalid,
    PeriodInvalid,
    ScorecardFrozen,
    WeightsInvalid,
)
from qudao.evaluation.models import ComputeRun, ScorecardWeight
from qudao.evaluation.periods import Period, last_complete, period_of
from tests.evaluation.factories import Q1, card_of, computed, fact, scores

pytestmark = pytest.mark.django_db

D = Decimal
TIER1 = {"sales": "0.25", "financial": "0.20", "loyalty": "0.15", "growth": "0.15",
         "innovation": "0.05", "competitiveness": "0.10", "satisfaction": "0.10"}


def test_weights_must_add_up_to_one_and_the_error_names_the_sum(hq_admin):
    wrong = TIER1 | {"sales": "0.20"}
    with pytest.raises(WeightsInvalid) as caught:
        services.weights_set(actor=hq_admin, channel_level="tier1", weights=wrong)
    assert "add up to 0.95" in caught.value.message
    assert "Tier-1 distributor" in caught.value.message
    assert ScorecardWeight.objects.get(channel_level="tier1", dimension="sales").weight == D(
        "0.25")
    assert not AuditEvent.objects.filter(event="scorecard.weights_changed").exists()


@pytest.mark.parametrize("bad", ["1.5", "-0.1", "0.125", "abc"])
def test_each_weight_is_between_0_and_1_with_two_decimals(hq_admin, bad):
    with pytest.raises(WeightsInvalid) as caught:
        services.weights_set(actor=hq_admin, channel_level="tier1",
                             weights=TIER1 | {"growth": bad})
    assert "growth" in caught.value.errors


def test_weights_are_saved_audited_and_applied_per_level(world, hq_admin, rich):
    terminal = {"sales": "0.50", "financial": "0.50", "loyalty": "0", "growth": "0",
                "innovation": "0", "competitiveness": "0", "satisfaction": "0"}
    services.weights_set(actor=hq_admin, channel_level="terminal", weights=terminal)
    shop = world.dealer_a_shop
    fact(shop, "2025-02", order_amount=90000, target_amount=100000, order_count=2,
         allocated_amount=10000, late_amount_days=100000)
    computed()

    shop_card = card_of(shop)
    # sales 90.0, financial (100 − 2 × 10 = 80.0, no overdue → 100) = 90.0; only those
    # two weigh: (90 × 0.5 + 90 × 0.5) / 1.00 (the others weigh 0).
    assert shop_card.total == D("90.0")
    assert {line.dimension: line.weight for line in shop_card.lines.all()}["loyalty"] == D("0")
    # Tier-1 dealer A keeps the default weights.
    assert card_of(rich.dealer).total == D("83.5")
    event = AuditEvent.objects.get(event="scorecard.weights_changed")
    assert event.data["changes"]["sales"] == ["0.25", "0.50"]


def test_hand_score_where_there_is_no_data_counts_and_needs_a_note(world, north_manager):
    computed()
    card = card_of(world.dealer_b)
    with pytest.raises(HandScoreInvalid) as caught:
        services.hand_score_set(actor=north_manager, scorecard=card, dimension="sales",
                                score=D("70"), note="")
    assert "note" in caught.value.errors
    with pytest.raises(HandScoreInvalid):
        services.hand_score_set(actor=north_manager, scorecard=card, dimension="sales",
                                score=D("101"), note="x")

    services.hand_score_set(actor=north_manager, scorecard=card, dimension="sales",
                            score=D("70"), note="新市场,目标待定")

    card = card_of(world.dealer_b)
    # The only dimension scored: the total is its score, over its weight alone.
    assert scores(card)["sales"] == D("70.0")
    assert (card.total, card.scored_weight, card.dimensions_scored) == (D("70.0"), D("0.25"), 1)
    event = AuditEvent.objects.get(event="scorecard.hand_scored")
    assert event.data["hand_score"] == [None, "70.0"]


def test_a_computed_dimension_is_not_scored_by_hand_but_loyalty_takes_a_hand_part(
        rich, north_manager):
    computed()
    card = card_of(rich.dealer)
    with pytest.raises(HandScoreInvalid) as caught:
        services.hand_score_set(actor=north_manager, scorecard=card, dimension="sales",
                                score=D("10"), note="x")
    assert "computed from data" in caught.value.message

    line = services.hand_score_set(actor=north_manager, scorecard=card, dimension="loyalty",
                                   score=D("60"), note="同时经营竞品")

    assert (line.computed_score, line.hand_score, line.score) == (D("90.0"), D("60.0"),
                                                                   D("75.0"))
    # 83.54 − 0.15 × 15 = 81.29.
    assert card_of(rich.dealer).total == D("81.3")


def test_recompute_keeps_hand_scores_and_takes_new_data(world, rich, north_manager):
    computed()
    card_b = card_of(world.dealer_b)
    services.hand_score_set(actor=north_manager, scorecard=card_b, dimension="competitiveness",
                            score=D("40"), note="终端覆盖少")
    services.hand_score_set(actor=north_manager, scorecard=card_of(rich.dealer),
                            dimension="loyalty", score=D("60"), note="竞品")
    fact(world.dealer_b, "2025-03", order_amount=50000, target_amount=100000, order_count=1)

    computed()

    card_b = card_of(world.dealer_b)
    assert card_b.pk  # the same scorecard, rewritten
    got = scores(card_b)
    assert got["competitiveness"] == D("40.0")  # no coverage target: the hand score is kept
    assert got["sales"] == D("50.0")  # and the new facts are read
    line = {line.dimension: line for line in card_of(rich.dealer).lines.all()}["loyalty"]
    assert (line.hand_score, line.hand_note, line.score) == (D("60.0"), "竞品", D("75.0"))


def test_final_scorecards_are_frozen(world, rich, north_manager):
    computed()
    card = services.scorecard_finalize(actor=north_manager, scorecard=card_of(rich.dealer))
    assert card.is_final
    before = card_of(rich.dealer).total

    with pytest.raises(ScorecardFrozen) as caught:
        services.hand_score_set(actor=north_manager, scorecard=card, dimension="loyalty",
                                score=D("10"), note="x")
    assert "is final" in caught.value.message
    with pytest.raises(ScorecardFrozen):
        services.run_start(actor=north_manager, period=Q1, dealer=rich.dealer)
    with pytest.raises(ScorecardFrozen):
        services.scorecard_finalize(actor=north_manager, scorecard=card)

    fact(rich.dealer, "2025-05", order_amount=1)
    result = computed()

    assert result["kept_final"] == 1 and result["written"] == 4
    assert card_of(rich.dealer).total == before


def test_ranks_within_region_and_level(world, rich, north_manager):
    # Beijing (HB, tier-1) sells above target: sales 100; A (HB, tier-1) totals 83.5;
    # B is alone in HD.
    fact(world.dealer_beijing, "2025-02", order_amount=200000, target_amount=100000,
         order_count=1)
    computed()

    bj, a, b = card_of(world.dealer_beijing), card_of(rich.dealer), card_of(world.dealer_b)
    assert bj.region_id == a.region_id == world.hb.pk and b.region_id == world.hd.pk
    assert (bj.rank, bj.rank_size, a.rank, a.rank_size) == (1, 2, 2, 2)
    assert (b.rank, b.rank_size) == (1, 1)
    # A tier-2 dealer is ranked among tier-2 dealers only.
    sub = card_of(world.dealer_a_sub)
    assert (sub.rank, sub.rank_size) == (1, 1)

    # A hand score that drops Beijing below A re-ranks the group.
    services.hand_score_set(actor=north_manager, scorecard=bj, dimension="competitiveness",
                            score=D("0"), note="覆盖不足")
    assert card_of(world.dealer_beijing).total < card_of(rich.dealer).total
    assert (card_of(rich.dealer).rank, card_of(world.dealer_beijing).rank) == (1, 2)


def test_a_run_computes_the_users_dealers_with_progress(world, north_manager,
                                                        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = services.run_start(actor=north_manager, period=Q1)

    run = ComputeRun.objects.get(pk=run.pk)
    assert run.status == "done"
    assert (run.dealers_total, run.dealers_done, run.written) == (4, 4, 4)  # not B (HD)
    assert run.percent == 100
    assert not card_of_exists(world.dealer_b)


def card_of_exists(dealer) -> bool:
    return dealer.scorecards.exists()


def test_a_run_needs_the_permission_and_a_period_that_is_over(world, north_rep, north_manager):
    with pytest.raises(NotAllowed):
        services.run_start(actor=north_rep, period=Q1)
    this_quarter = period_of("quarter", timezone.localdate())
    with pytest.raises(PeriodInvalid):
        services.run_start(actor=north_manager, period=this_quarter)
    assert not ComputeRun.objects.exists()


def test_periods():
    assert Period("quarter", datetime.date(2025, 4, 1)).end == datetime.date(2025, 6, 30)
    assert Period("year", datetime.date(2024, 1, 1)).label == "2024"
    assert Period("month", datetime.date(2024, 2, 1)).end == datetime.date(2024, 2, 29)
    today = timezone.localdate()
    assert last_complete("year", today).end < today <= last_complete("year", today).end.replace(
        year=today.year, month=12, day=31)


def test_period_finalize_makes_the_users_drafts_final(world, north_manager):
    computed()

    count = services.period_finalize(actor=north_manager, period=Q1,
                                     dealers=world.dealer_a.__class__.objects.filter(
                                         territory__path__startswith=world.hb.path))

    assert count == 4
    assert card_of(world.dealer_b).status == "draft"
    assert AuditEvent.objects.filter(event="scorecard.finalized").count() == 4
