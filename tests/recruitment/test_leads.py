"""Leads: scoping (a rep sees his own, a manager his regions', dealers none), routing to
the region's rep, the lead lifecycle, follow-ups and the carry-over of qualified leads into
the next period (R-DM-10, -11)."""


import pytest
from django.utils import timezone

from qudao.core.exceptions import NotAllowed
from qudao.recruitment import queries, services
from qudao.recruitment.exceptions import LeadStatusInvalid, RecruitmentInvalid
from qudao.recruitment.models import Lead
from qudao.recruitment.scope import visible_candidates, visible_leads
from qudao.stock.periods import add_months
from tests.recruitment.factories import candidate_make, lead_make, this_month


@pytest.fixture
def leads(world, north_rep, east_rep):
    return {
        "hebei_mine": lead_make(territory=world.shijiazhuang, rep=north_rep, company="甲"),
        "hebei_unrouted": lead_make(territory=world.tangshan, company="乙"),
        "beijing": lead_make(territory=world.dongcheng, company="丙"),
        "zhejiang": lead_make(territory=world.hangzhou, rep=east_rep, company="丁"),
    }


@pytest.mark.django_db
def test_each_role_sees_its_own_leads(leads, hq_admin, director, north_manager, north_rep,
                                      east_rep, dealer_a_admin, finance):
    def names(user):
        return set(visible_leads(user).values_list("company", flat=True))

    assert names(hq_admin) == names(director) == {"甲", "乙", "丙", "丁"}
    assert names(north_manager) == {"甲", "乙", "丙"}
    assert names(north_rep) == {"甲"}
    assert names(east_rep) == {"丁"}
    assert names(dealer_a_admin) == set()
    assert not finance.has_perm("recruitment.view_lead")


@pytest.mark.django_db
def test_candidates_follow_their_leads(world, north_rep, east_rep, dealer_a_admin):
    candidate_make(territory=world.shijiazhuang, rep=north_rep, name="河北候选")
    candidate_make(territory=world.hangzhou, rep=east_rep, name="浙江候选")
    assert set(visible_candidates(north_rep).values_list("name", flat=True)) == {"河北候选"}
    assert not visible_candidates(dealer_a_admin).exists()


@pytest.mark.django_db
def test_a_managers_lead_is_routed_to_the_rep_covering_its_region(world, north_manager,
                                                                  north_rep):
    lead = services.lead_create(actor=north_manager, values={
        "source": "exhibition", "company": "唐山新客户", "territory": world.tangshan})
    assert lead.assigned_rep == north_rep
    assert (lead.status, lead.period, lead.first_period) == ("new", this_month(),
                                                             this_month())
    # Beijing has no rep: the lead waits for the manager to assign it.
    beijing = services.lead_create(actor=north_manager, values={
        "source": "web", "company": "北京新客户", "territory": world.dongcheng})
    assert beijing.assigned_rep is None


@pytest.mark.django_db
def test_a_reps_lead_is_his_own_and_stays_in_his_territory(world, north_rep):
    lead = services.lead_create(actor=north_rep, values={
        "source": "cold_visit", "company": "石家庄新客户", "territory": world.shijiazhuang})
    assert lead.assigned_rep == north_rep
    with pytest.raises(RecruitmentInvalid) as caught:
        services.lead_create(actor=north_rep, values={
            "source": "web", "company": "杭州客户", "territory": world.hangzhou})
    assert "territory" in caught.value.errors


@pytest.mark.django_db
def test_only_managers_assign_and_only_to_their_reps(leads, north_manager, north_rep, east_rep):
    lead = leads["hebei_unrouted"]
    with pytest.raises(NotAllowed):
        services.lead_assign(actor=north_rep, lead=lead, rep=north_rep)
    with pytest.raises(RecruitmentInvalid):
        services.lead_assign(actor=north_manager, lead=lead, rep=east_rep)
    services.lead_assign(actor=north_manager, lead=lead, rep=north_rep)
    assert set(visible_leads(north_rep).values_list("company", flat=True)) == {"甲", "乙"}


@pytest.mark.django_db
def test_first_follow_up_marks_a_new_lead_contacted(leads, north_rep):
    lead = leads["hebei_mine"]
    services.followup_add(actor=north_rep, lead=lead, values={
        "happened_on": timezone.localdate(), "kind": "visit", "note": "看了仓库",
        "next_step": "约老板面谈", "next_on": timezone.localdate()})
    lead.refresh_from_db()
    assert lead.status == "contacted" and lead.contacted_at is not None
    assert queries.lead_follow_ups(lead=lead).get().next_step == "约老板面谈"


@pytest.mark.django_db
def test_lost_needs_a_reason_and_steps_cannot_be_skipped(leads, north_rep):
    lead = leads["hebei_mine"]
    with pytest.raises(LeadStatusInvalid):
        services.lead_status_change(actor=north_rep, lead=lead, to_status="qualified")
    with pytest.raises(LeadStatusInvalid) as caught:
        services.lead_status_change(actor=north_rep, lead=lead, to_status="lost")
    assert "reason" in caught.value.message
    services.lead_status_change(actor=north_rep, lead=lead, to_status="lost",
                                reason="只做竞品")
    assert Lead.objects.get(pk=lead.pk).lost_reason == "只做竞品"


@pytest.mark.django_db
def test_qualified_leads_not_converted_carry_over_once(world, north_rep, north_manager):
    month = this_month()
    last = add_months(month, -1)
    two_ago = add_months(month, -2)
    waiting = lead_make(territory=world.shijiazhuang, rep=north_rep, status="qualified",
                        period=last, company="上月合格")
    older = lead_make(territory=world.tangshan, rep=north_rep, status="qualified",
                      period=two_ago, company="前月合格")
    lead_make(territory=world.tangshan, rep=north_rep, status="contacted", period=last)
    lead_make(territory=world.tangshan, rep=north_rep, status="candidate", period=last)
    lead_make(territory=world.hangzhou, status="qualified", period=last, company="华东")

    assert services.carry_over_waiting(user=north_manager, to_period=month) == 2
    assert services.leads_carry_over(actor=north_manager, to_period=month) == 2
    assert services.leads_carry_over(actor=north_manager, to_period=month) == 0

    waiting.refresh_from_db()
    older.refresh_from_db()
    assert (waiting.period, waiting.carried_from, waiting.times_carried) == (month, last, 1)
    assert (older.period, older.carried_from, older.first_period) == (month, two_ago, two_ago)
    summary = queries.period_summary(user=north_manager, period=month)
    assert summary["carried"] == 2
    assert summary["by_status"] == {"qualified": 2}
    assert Lead.objects.get(company="华东").period == last  # outside the manager's scope


@pytest.mark.django_db
def test_candidate_only_from_a_qualified_lead(leads, world, north_rep):
    with pytest.raises(RecruitmentInvalid):
        services.candidate_create(actor=north_rep, lead=leads["hebei_mine"])
    lead = lead_make(territory=world.shijiazhuang, rep=north_rep, status="qualified",
                     company="合格客户")
    candidate = services.candidate_create(actor=north_rep, lead=lead, values={
        "registered_capital": "3000000", "fit": "above"})
    lead.refresh_from_db()
    assert lead.status == "candidate" and lead.converted_at is not None
    assert candidate.criteria_set.code == "textbook"
    assert candidate.name == "合格客户"
    assert candidate.fit == "above"


