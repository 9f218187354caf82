"""The agreement's lifecycle: submit with every clause, approval by another person, signing,
activation setting credit, return and termination with reasons, and roles."""

import datetime
from decimal import Decimal

import pytest

from qudao.agreements import services
from qudao.agreements.exceptions import AgreementIncomplete, AgreementTransitionInvalid
from qudao.agreements.models import Agreement
from qudao.core.exceptions import NotAllowed
from qudao.core.models import AuditEvent
from qudao.finance.models import CreditAccount
from tests.agreements.conftest import draft, to_signed


@pytest.mark.django_db
def test_submit_lists_every_missing_clause_by_its_label(world, hq_admin):
    agreement = services.agreement_create(
        actor=hq_admin, dealer=world.dealer_a,
        values={"start_date": datetime.date(2026, 1, 1), "end_date": datetime.date(2026, 12, 31),
                "renewal_terms": "协商续签"},
        territory_ids=[], category_ids=[], product_ids=[])

    with pytest.raises(AgreementIncomplete) as caught:
        services.agreement_submit(actor=hq_admin, agreement=agreement)

    message, missing = caught.value.message, caught.value.errors
    assert "dispute resolution deadline (days)" in message
    assert "arbitration or court venue" in message
    assert "credit limit" in message  # an amount at 0 is not filled in
    assert "market deposit (保证金)" in message
    assert "authorized territory" in message and "products covered" in message
    assert "renewal_terms" not in missing
    assert "territory_protection" not in missing and "exclusivity" not in missing  # yes/no
    assert "payment_terms_days" not in missing  # 30 days by default
    agreement.refresh_from_db()
    assert agreement.status == "draft" and agreement.submitted_at is None


@pytest.mark.django_db
def test_clauses_marked_not_applicable_let_the_draft_through(world, hq_admin):
    blank = {name: "" for name in ("exclusivity_reward", "over_target_reward")}
    agreement = draft(hq_admin, world.dealer_a, **blank, promotion_fund=Decimal("0"),
                      deposit_amount=Decimal("0"))
    with pytest.raises(AgreementIncomplete) as caught:
        services.agreement_submit(actor=hq_admin, agreement=agreement)
    assert set(caught.value.errors) == {"exclusivity_reward", "over_target_reward",
                                        "promotion_fund", "deposit_amount"}

    services.agreement_update(actor=hq_admin, agreement=agreement, values={
        "not_applicable": ["exclusivity_reward", "over_target_reward", "promotion_fund",
                           "deposit_amount"]})
    services.agreement_submit(actor=hq_admin, agreement=agreement)
    agreement.refresh_from_db()
    assert agreement.status == "submitted" and agreement.submitted_at is not None


@pytest.mark.django_db
def test_the_whole_way_to_active_sets_the_credit_limit(world, north_rep, north_manager,
                                                      director):
    agreement = draft(north_rep, world.dealer_a, credit_limit=Decimal("80000.00"))
    services.agreement_submit(actor=north_rep, agreement=agreement)
    services.agreement_approve(actor=north_manager, agreement=agreement)
    services.agreement_sign(actor=director, agreement=agreement,
                            signed_on=datetime.date(2026, 3, 1))
    services.agreement_activate(actor=director, agreement=agreement)

    agreement.refresh_from_db()
    assert agreement.status == "active"
    assert agreement.approved_by == north_manager and agreement.approved_at is not None
    assert agreement.signed_on == datetime.date(2026, 3, 1)
    assert CreditAccount.objects.get(dealer=world.dealer_a).limit == Decimal("80000.00")
    events = list(AuditEvent.objects.filter(target_id=str(agreement.pk))
                  .order_by("id").values_list("event", flat=True))
    assert events == ["agreement.created", "agreement.submitted", "agreement.approved",
                      "agreement.signed", "agreement.activated"]
    activated = AuditEvent.objects.get(event="agreement.activated")
    assert activated.data["credit_limit"] == ["0.00", "80000.00"]


@pytest.mark.django_db
def test_the_author_cannot_approve_his_own_agreement(world, north_manager):
    agreement = draft(north_manager, world.dealer_a)
    services.agreement_submit(actor=north_manager, agreement=agreement)
    with pytest.raises(NotAllowed, match="someone else must approve"):
        services.agreement_approve(actor=north_manager, agreement=agreement)
    agreement.refresh_from_db()
    assert agreement.status == "submitted" and agreement.approved_by is None


@pytest.mark.django_db
def test_roles_decide_who_approves_signs_and_ends(world, north_rep, north_manager, director,
                                                 finance):
    agreement = draft(north_rep, world.dealer_a)
    services.agreement_submit(actor=north_rep, agreement=agreement)
    with pytest.raises(NotAllowed):
        services.agreement_approve(actor=north_rep, agreement=agreement)  # a rep drafts only
    with pytest.raises(NotAllowed):
        services.agreement_approve(actor=finance, agreement=agreement)
    services.agreement_approve(actor=north_manager, agreement=agreement)
    with pytest.raises(NotAllowed):  # a regional manager approves but does not sign
        services.agreement_sign(actor=north_manager, agreement=agreement,
                                signed_on=datetime.date(2026, 3, 1))
    services.agreement_sign(actor=director, agreement=agreement,
                            signed_on=datetime.date(2026, 3, 1))
    with pytest.raises(NotAllowed):
        services.agreement_activate(actor=north_manager, agreement=agreement)
    with pytest.raises(NotAllowed):
        services.agreement_terminate(actor=north_rep, agreement=agreement, reason="x")
    agreement.refresh_from_db()
    assert agreement.status == "signed"


@pytest.mark.django_db
def test_a_manager_outside_the_dealers_region_cannot_act_on_it(world, hq_admin, east_rep):
    agreement = draft(hq_admin, world.dealer_a)
    with pytest.raises(NotAllowed):
        services.agreement_submit(actor=east_rep, agreement=agreement)
    agreement.refresh_from_db()
    assert agreement.status == "draft"


@pytest.mark.django_db
def test_return_to_draft_needs_a_reason_and_clears_the_approval(world, north_rep, director):
    agreement = draft(north_rep, world.dealer_a)
    services.agreement_submit(actor=north_rep, agreement=agreement)
    services.agreement_approve(actor=director, agreement=agreement)
    with pytest.raises(AgreementTransitionInvalid, match="reason"):
        services.agreement_return(actor=director, agreement=agreement, reason="  ")
    services.agreement_return(actor=director, agreement=agreement, reason="返利点数过高")
    agreement.refresh_from_db()
    assert agreement.status == "draft"
    assert agreement.approved_by is None and agreement.submitted_at is None
    event = AuditEvent.objects.get(event="agreement.returned")
    assert event.data["reason"] == "返利点数过高" and event.data["status"] == ["approved",
                                                                          "draft"]


@pytest.mark.django_db
def test_the_author_may_withdraw_a_submission_but_another_rep_may_not(world, north_rep,
                                                                     hq_admin):
    from qudao.territories.models import TerritoryAssignment
    from tests.factories import UserFactory

    other_rep = UserFactory(username="other_rep", role="sales_rep")
    TerritoryAssignment.objects.create(user=other_rep, territory=world.hebei, role="rep")
    agreement = draft(north_rep, world.dealer_a)
    services.agreement_submit(actor=north_rep, agreement=agreement)
    with pytest.raises(NotAllowed):
        services.agreement_return(actor=other_rep, agreement=agreement, reason="x")
    services.agreement_return(actor=north_rep, agreement=agreement, reason="补充条款")
    agreement.refresh_from_db()
    assert agreement.status == "draft"


@pytest.mark.django_db
def test_moves_the_lifecycle_does_not_allow_are_refused(world, hq_admin, director):
    agreement = draft(hq_admin, world.dealer_a)
    with pytest.raises(AgreementTransitionInvalid, match="cannot go from Draft to Active"):
        services.agreement_activate(actor=director, agreement=agreement)
    with pytest.raises(AgreementTransitionInvalid):
        services.agreement_sign(actor=director, agreement=agreement,
                                signed_on=datetime.date(2026, 3, 1))
    assert Agreement.objects.get(pk=agreement.pk).status == "draft"


@pytest.mark.django_db
def test_signing_needs_a_date_that_is_not_in_the_future(world, hq_admin, director):
    agreement = draft(hq_admin, world.dealer_a)
    services.agreement_submit(actor=hq_admin, agreement=agreement)
    services.agreement_approve(actor=director, agreement=agreement)
    with pytest.raises(AgreementTransitionInvalid, match="future"):
        services.agreement_sign(actor=director, agreement=agreement,
                                signed_on=datetime.date(2026, 3, 16))
    with pytest.raises(AgreementTransitionInvalid):
        services.agreement_sign(actor=director, agreement=agreement, signed_on=None)
    assert Agreement.objects.get(pk=agreement.pk).status == "approved"


@pytest.mark.django_db
def test_terminating_an_active_agreement_needs_a_reason_and_returns_its_credit(
        world, hq_admin, director):
    agreement = to_signed(draft(hq_admin, world.dealer_a), approver=director)
    services.agreement_activate(actor=director, agreement=agreement)
    with pytest.raises(AgreementTransitionInvalid, match="reason"):
        services.agreement_terminate(actor=director, agreement=agreement, reason="")
    assert Agreement.objects.get(pk=agreement.pk).status == "active"

    services.agreement_terminate(actor=director, agreement=agreement, reason="严重窜货")
    agreement.refresh_from_db()
    assert agreement.status == "terminated" and agreement.end_reason == "严重窜货"
    assert agreement.ended_on == datetime.date(2026, 3, 15)
    assert CreditAccount.objects.get(dealer=world.dealer_a).limit == Decimal("0.00")
    with pytest.raises(AgreementTransitionInvalid):
        services.agreement_terminate(actor=director, agreement=agreement, reason="again")


@pytest.mark.django_db
def test_an_agreement_already_past_its_end_cannot_be_activated(world, hq_admin, director):
    agreement = to_signed(draft(hq_admin, world.dealer_a, start_date=datetime.date(2025, 1, 1),
                                end_date=datetime.date(2025, 12, 31)), approver=director)
    with pytest.raises(AgreementTransitionInvalid, match="ended on 2025-12-31"):
        services.agreement_activate(actor=director, agreement=agreement)
    assert Agreement.objects.get(pk=agreement.pk).status == "signed"

