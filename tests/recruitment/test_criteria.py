"""Criteria sets: weights add up to exactly 1.00, a set in use keeps its criteria, HQ only,
audited (R-RS-03, -04, -07)."""

from decimal import Decimal

import pytest

from qudao.core.exceptions import NotAllowed
from qudao.core.models import AuditEvent
from qudao.recruitment import services
from qudao.recruitment.exceptions import CriteriaSetInUse, CriteriaWeightsInvalid
from qudao.recruitment.models import CriteriaSet
from tests.recruitment.factories import candidate_make, scores_give

ROWS = [{"code": "channel", "name": "渠道", "weight": "0.50"},
        {"code": "capital", "name": "资金", "weight": "0.30"},
        {"code": "management", "name": "管理", "weight": "0.15"}]


@pytest.mark.django_db
def test_weights_not_adding_up_to_one_are_refused_naming_the_sum(hq_admin):
    with pytest.raises(CriteriaWeightsInvalid) as caught:
        services.criteria_set_save(actor=hq_admin, values={"code": "mine", "name": "我的"},
                                   criteria=ROWS)
    assert caught.value.message == ("The weights must add up to exactly 1.00; they add up "
                                    "to 0.95.")
    assert not CriteriaSet.objects.filter(code="mine").exists()


@pytest.mark.django_db
def test_a_set_adding_up_to_one_is_saved_and_audited(hq_admin):
    rows = [*ROWS, {"code": "hardware", "name": "硬件", "weight": "0.05"}]
    saved = services.criteria_set_save(actor=hq_admin, values={"code": "mine", "name": "我的"},
                                       criteria=rows)
    assert [(c.code, c.weight) for c in saved.criteria.all()] == [
        ("channel", Decimal("0.50")), ("capital", Decimal("0.30")),
        ("management", Decimal("0.15")), ("hardware", Decimal("0.05"))]
    event = AuditEvent.objects.get(event="criteria.created")
    assert event.actor == hq_admin


@pytest.mark.django_db
def test_only_hq_changes_criteria(north_manager, director):
    for user in (north_manager, director):
        with pytest.raises(NotAllowed):
            services.criteria_set_save(actor=user, values={"code": "x", "name": "x"},
                                       criteria=ROWS)


@pytest.mark.django_db
def test_a_set_in_use_keeps_its_criteria_and_can_be_copied(world, hq_admin, north_manager):
    textbook = CriteriaSet.objects.get(code="textbook")
    candidate = candidate_make(territory=world.shijiazhuang)
    scores_give(candidate, north_manager, [80] * 8)
    rows = [{"code": c.code, "name": c.name, "weight": str(c.weight)}
            for c in textbook.criteria.all()]
    rows[0]["weight"], rows[1]["weight"] = "0.25", "0.10"

    with pytest.raises(CriteriaSetInUse) as caught:
        services.criteria_set_save(actor=hq_admin, criteria_set=textbook,
                                   values={"name": textbook.name}, criteria=rows)
    assert "Copy it" in caught.value.message
    assert textbook.criteria.get(code="market_coverage").weight == Decimal("0.20")

    copy = services.criteria_set_copy(actor=hq_admin, criteria_set=textbook, code="textbook2",
                                      name="八因素（调整）")
    changed = services.criteria_set_save(actor=hq_admin, criteria_set=copy,
                                         values={"name": copy.name}, criteria=rows)
    assert changed.criteria.get(code="market_coverage").weight == Decimal("0.25")
    assert changed.copied_from == textbook
