"""The weighted scoring model on seed 001's textbook example (R-RS-02, -03, -05)."""

from decimal import Decimal

import pytest

from qudao.recruitment import queries, scoring, services
from qudao.recruitment.models import CriteriaSet
from tests.recruitment.factories import TEXTBOOK, candidate_make, scores_give


@pytest.mark.django_db
def test_the_default_template_ships_with_the_textbook_weights():
    criteria_set = CriteriaSet.objects.get(is_default=True)
    assert criteria_set.code == "textbook"
    assert [(c.name, c.weight) for c in criteria_set.criteria.all()] == [
        ("市场覆盖范围", Decimal("0.20")), ("声誉", Decimal("0.15")),
        ("历史经验", Decimal("0.10")), ("合作意愿", Decimal("0.10")),
        ("产品组合情况", Decimal("0.15")), ("财务状况", Decimal("0.15")),
        ("区位优势", Decimal("0.10")), ("促销能力", Decimal("0.05"))]
    alternative = CriteriaSet.objects.get(code="four_pillars")
    assert [c.name for c in alternative.criteria.all()] == ["渠道", "硬件", "资金", "管理"]
    assert sum(c.weight for c in alternative.criteria.all()) == Decimal("1.00")


@pytest.mark.django_db
def test_seed_example_totals_and_ranking_by_weighted_total(world, hq_admin, north_manager):
    candidates = {}
    for name, values in TEXTBOOK.items():
        candidate = candidate_make(territory=world.shijiazhuang, name=name)
        scores_give(candidate, north_manager, values)
        candidates[name] = candidate

    data = queries.comparison(user=hq_admin, ids=[c.pk for c in candidates.values()])

    cards = {col["candidate"].name: col["card"] for col in data["columns"]}
    assert cards["候选人1"].total == Decimal("78.00")
    assert cards["候选人2"].total == Decimal("76.50")
    assert cards["候选人3"].total == Decimal("77.25")
    assert [cards[n].raw_sum for n in ("候选人1", "候选人2", "候选人3")] == [
        Decimal("615"), Decimal("620"), Decimal("620")]
    # Raw sums would put 2 and 3 ahead of 1; the weighted total ranks 1, 3, 2.
    assert [col["candidate"].name for col in data["ranking"]] == ["候选人1", "候选人3", "候选人2"]
    assert [cards[n].rank for n in ("候选人1", "候选人2", "候选人3")] == [1, 3, 2]
    # The textbook's weighted scores, row by row.
    assert [line.weighted_display for line in cards["候选人1"].lines] == [
        Decimal("17.00"), Decimal("10.50"), Decimal("9.00"), Decimal("7.50"), Decimal("12.00"),
        Decimal("12.00"), Decimal("6.50"), Decimal("3.50")]
    assert cards["候选人3"].lines[1].weighted_display == Decimal("12.75")
    assert data["chart"]["series"][0]["value"] == [85.0, 70.0, 90.0, 75.0, 80.0, 80.0, 65.0,
                                                   70.0]


@pytest.mark.django_db
def test_several_evaluators_are_averaged_half_up_to_two_places(world, north_rep,
                                                               north_manager, director):
    candidate = candidate_make(territory=world.shijiazhuang, rep=north_rep)
    scores_give(candidate, north_rep, [80, 70, 90, 75, 80, 80, 65, 70])
    scores_give(candidate, north_manager, [85, 70, 90, 75, 80, 80, 65, 70])
    scores_give(candidate, director, [86, 71, 90, 75, 80, 80, 65, 70.5])

    card = services.candidate_scorecard(candidate)

    # (80 + 85 + 86) / 3 = 83.666… -> 83.67; (70 + 70 + 71) / 3 = 70.33; 70.1666… -> 70.17
    assert card.lines[0].score == Decimal("83.67")
    assert card.lines[1].score == Decimal("70.33")
    assert card.lines[7].score == Decimal("70.17")
    assert card.lines[0].evaluators == 3
    # 83.67×0.20 + 70.33×0.15 + 9 + 7.5 + 12 + 12 + 6.5 + 70.17×0.05
    # = 16.734 + 10.5495 + 47 + 3.5085 = 77.792 -> 77.79 (the exact products are summed)
    assert card.lines[0].weighted == Decimal("16.7340")
    assert card.total == Decimal("77.79")


def test_average_rounds_half_up():
    assert scoring.average([Decimal("70"), Decimal("70.25")]) == Decimal("70.13")
    assert scoring.average([]) is None


def test_equal_totals_share_a_rank():
    def card(pk, score):
        line = scoring.CriterionLine(criterion_id=1, code="a", name="a", weight=Decimal("1.00"),
                                     score=Decimal(score))
        return scoring.Scorecard(candidate_id=pk, lines=[line])

    ranked = scoring.rank([card(1, 70), card(2, 80), card(3, 80), card(4, 60)])
    assert [(c.candidate_id, c.rank) for c in ranked] == [(2, 1), (3, 1), (1, 3), (4, 4)]
