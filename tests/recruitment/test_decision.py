"""Deciding on a candidate (R-RS-09, -11): only deciders, only once every criterion has a
score; accepting creates an onboarding dealer through the dealers' services, audited."""

from decimal import Decimal

import pytest

from qudao.core.exceptions import NotAllowed
from qudao.core.models import AuditEvent
from qudao.dealers.models import Dealer
from qudao.recruitment import queries, services
from qudao.recruitment.exceptions import CandidateDecided, RecruitmentInvalid, ScoringIncomplete
from qudao.recruitment.models import Candidate
from tests.recruitment.factories import TEXTBOOK, candidate_make, scores_give


@pytest.fixture
def scored(world, north_rep, north_manager):
    candidate = candidate_make(territory=world.tangshan, rep=north_rep, name="唐山鑫达商贸",
                               address="唐山市路北区建设路18号", vehicles=6,
                               warehouse_area=1200, staff_count=25,
                               registered_capital=Decimal("5000000.00"), fit="matching")
    candidate.lead.contact_person, candidate.lead.phone = "张伟", "13912345678"
    candidate.lead.save()
    scores_give(candidate, north_rep, TEXTBOOK["候选人1"])
    scores_give(candidate, north_manager, TEXTBOOK["候选人1"])
    return candidate


@pytest.mark.django_db
def test_unscored_criteria_are_listed_and_nothing_is_decided(world, north_manager):
    candidate = candidate_make(territory=world.tangshan)
    scores_give(candidate, north_manager, [80] * 8)
    candidate.scores.filter(criterion__code__in=["location", "promotion"]).delete()

    with pytest.raises(ScoringIncomplete) as caught:
        services.candidate_decide(actor=north_manager, candidate=candidate,
                                  decision="accepted", reason="实力强")

    assert caught.value.unscored == ["Location", "Promotion ability"]
    assert "no score for Location, Promotion ability" in caught.value.message
    candidate.refresh_from_db()
    assert candidate.status == "evaluating"
    assert not Dealer.objects.filter(name=candidate.name).exists()


@pytest.mark.django_db
def test_a_rep_cannot_decide(scored, north_rep):
    with pytest.raises(NotAllowed):
        services.candidate_decide(actor=north_rep, candidate=scored, decision="accepted",
                                  reason="我觉得好")
    scored.refresh_from_db()
    assert scored.status == "evaluating"


@pytest.mark.django_db
def test_a_manager_outside_the_region_cannot_decide(world, scored):
    from tests.conftest import _assign
    from tests.factories import UserFactory

    east_manager = _assign(UserFactory(username="east_manager", role="regional_manager"),
                           world.hd, "manager")
    with pytest.raises(NotAllowed):
        services.candidate_decide(actor=east_manager, candidate=scored, decision="rejected",
                                  reason="x")


@pytest.mark.django_db
def test_a_decision_needs_a_reason(scored, north_manager):
    with pytest.raises(RecruitmentInvalid):
        services.candidate_decide(actor=north_manager, candidate=scored, decision="accepted",
                                  reason="  ")


@pytest.mark.django_db
def test_accepting_creates_an_onboarding_dealer_and_is_audited(world, scored, north_rep,
                                                               north_manager):
    decided = services.candidate_decide(actor=north_manager, candidate=scored,
                                        decision="accepted", reason="区位好，网点多")

    dealer = decided.dealer
    assert dealer is not None
    assert (dealer.name, dealer.status, dealer.territory, dealer.assigned_rep) == (
        "唐山鑫达商贸", "onboarding", world.tangshan, north_rep)
    assert (dealer.vehicles, dealer.warehouse_area, dealer.registered_capital) == (
        6, 1200, Decimal("5000000.00"))
    assert dealer.contacts.get().name == "张伟"
    assert (decided.status, decided.decided_by, decided.total_score) == (
        "accepted", north_manager, Decimal("78.00"))
    event = AuditEvent.objects.get(event="candidate.decided")
    assert event.actor == north_manager
    assert event.data["reason"] == "区位好，网点多"
    assert event.data["dealer"] == dealer.code
    # The dealer's own history shows it was selected, and moved to onboarding.
    assert set(AuditEvent.objects.filter(subject_id=str(dealer.pk)).values_list(
        "event", flat=True)) >= {"dealer.created", "dealer.status_changed",
                                 "candidate.accepted"}
    # The dealer page's panel tells how it was selected.
    panel = queries.dealer_panel(user=north_rep, dealer=dealer)
    assert panel["candidate"] == decided
    assert panel["card"].total == Decimal("78.00")
    assert {str(e) for e in panel["evaluators"]} == {"河北业务员", "华北经理"}


@pytest.mark.django_db
def test_accepted_is_final_and_pool_can_be_decided_again(scored, north_manager):
    services.candidate_decide(actor=north_manager, candidate=scored, decision="pool",
                              reason="明年再议")
    services.candidate_decide(actor=north_manager, candidate=scored, decision="rejected",
                              reason="资金不足")
    with pytest.raises(CandidateDecided):
        services.candidate_decide(actor=north_manager, candidate=scored, decision="accepted",
                                  reason="改主意")
    assert Candidate.objects.get(pk=scored.pk).status == "rejected"
    assert Dealer.objects.filter(name="唐山鑫达商贸").count() == 0


@pytest.mark.django_db
def test_scores_are_refused_out_of_range_and_after_the_decision(scored, north_rep,
                                                               north_manager):
    criterion = scored.criteria_set.criteria.first()
    with pytest.raises(RecruitmentInvalid) as caught:
        services.score_submit(actor=north_rep, candidate=scored, scores={criterion.pk: "120"})
    assert "from 0 to 100" in caught.value.message
    services.candidate_decide(actor=north_manager, candidate=scored, decision="rejected",
                              reason="不合适")
    with pytest.raises(CandidateDecided):
        services.score_submit(actor=north_rep, candidate=scored, scores={criterion.pk: 50})
