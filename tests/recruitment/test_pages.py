"""Recruitment pages: what each role sees, the forms that write, and list pages whose
query count does not grow with the rows shown."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from qudao.recruitment.models import Candidate, CriteriaSet, Lead
from tests.recruitment.factories import TEXTBOOK, candidate_make, lead_make, scores_give

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _many(world, north_rep, north_manager, n: int) -> None:
    for i in range(n):
        lead_make(territory=world.shijiazhuang, rep=north_rep, company=f"线索{i}",
                  status="contacted")
        candidate = candidate_make(territory=world.tangshan, rep=north_rep, name=f"候选{i}")
        scores_give(candidate, north_manager, [70 + i] * 8)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["recruitment:lead_list", "recruitment:candidate_list"])
def test_list_queries_do_not_grow_with_rows(name, world, north_rep, north_manager, login,
                                            django_assert_max_num_queries):
    client = login(north_manager)
    _many(world, north_rep, north_manager, 2)
    with django_assert_max_num_queries(20) as small:
        assert client.get(reverse(name)).status_code == 200
    _many(world, north_rep, north_manager, 12)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse(name))
    assert response.status_code == 200


@pytest.mark.django_db
def test_lead_list_filters_export_and_carried_over_note(world, north_rep, north_manager, login):
    month = timezone.localdate().replace(day=1)
    lead_make(territory=world.shijiazhuang, rep=north_rep, company="带过来的",
              status="qualified", carried_from=month.replace(year=month.year - 1))
    lead_make(territory=world.tangshan, rep=north_rep, company="新线索", source="web")
    lead_make(territory=world.hangzhou, company="杭州线索")
    client = login(north_manager)

    page = client.get(reverse("recruitment:lead_list"), {"source": "web"}, **EN)
    assert "新线索" in page.content.decode() and "带过来的" not in page.content.decode()
    page = client.get(reverse("recruitment:lead_list"), **EN).content.decode()
    assert "carried over from" in page and "杭州线索" not in page

    export = client.get(reverse("recruitment:lead_export"), {"status": "qualified"})
    sheet = load_workbook(filename=io.BytesIO(export.content)).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["带过来的"]


@pytest.mark.django_db
def test_rep_cannot_open_another_reps_lead_and_dealers_see_nothing(world, east_rep, north_rep,
                                                                  dealer_a_admin, login):
    other = lead_make(territory=world.hangzhou, rep=east_rep)
    client = login(north_rep)
    assert client.get(reverse("recruitment:lead_detail", args=[other.pk])).status_code == 404
    client = login(dealer_a_admin)
    assert client.get(reverse("recruitment:lead_list")).status_code == 403


@pytest.mark.django_db
def test_rep_logs_a_follow_up_qualifies_and_makes_a_candidate(world, north_rep, login):
    lead = lead_make(territory=world.shijiazhuang, rep=north_rep, company="石家庄鑫源商贸")
    client = login(north_rep)
    client.post(reverse("recruitment:lead_follow_up", args=[lead.pk]), {
        "happened_on": timezone.localdate().isoformat(), "kind": "call", "note": "有意向"})
    client.post(reverse("recruitment:lead_status", args=[lead.pk]), {"status": "qualified"})
    response = client.post(reverse("recruitment:candidate_add", args=[lead.pk]), {
        "name": "石家庄鑫源商贸", "vehicles": "5", "registered_capital": "2000000",
        "fit": "matching"})
    candidate = Candidate.objects.get(lead=lead)
    assert response.status_code == 302 and candidate.vehicles == 5
    assert candidate.registered_capital == Decimal("2000000.00")
    # The rep scores it; the decision form is not his.
    criteria = list(candidate.criteria_set.criteria.all())
    client.post(reverse("recruitment:candidate_score", args=[candidate.pk]),
                {f"score_{c.pk}": "80" for c in criteria})
    page = client.get(reverse("recruitment:candidate_detail", args=[candidate.pk]), **EN)
    body = page.content.decode()
    assert 'data-testid="weighted-total"><strong>80.00</strong>' in body
    assert 'data-testid="decide-form"' not in body
    assert client.post(reverse("recruitment:candidate_decide", args=[candidate.pk]), {
        "decision": "accepted", "reason": "x"}).status_code == 403


@pytest.mark.django_db
def test_manager_compares_and_accepts_from_the_page(world, north_rep, north_manager, login):
    candidates = []
    for name, values in TEXTBOOK.items():
        candidate = candidate_make(territory=world.tangshan, rep=north_rep, name=name)
        scores_give(candidate, north_rep, values)
        candidates.append(candidate)
    client = login(north_manager)
    page = client.get(reverse("recruitment:compare"),
                      {"ids": [c.pk for c in candidates]}, **EN).content.decode()
    assert 'data-testid="radar"' in page and "77.25" in page and "76.50" in page
    response = client.post(reverse("recruitment:candidate_decide", args=[candidates[0].pk]),
                           {"decision": "accepted", "reason": "加权总分第一"})
    candidate = Candidate.objects.get(pk=candidates[0].pk)
    assert response.status_code == 302 and candidate.dealer.status == "onboarding"
    page = client.get(reverse("recruitment:candidate_detail", args=[candidate.pk]), **EN)
    assert reverse("dealers:dealer_detail", args=[candidate.dealer.pk]) in page.content.decode()
    panel = client.get(reverse("dealers:dealer_panel", args=[candidate.dealer.pk,
                                                             "recruitment"]), **EN)
    assert "How this dealer was selected" in panel.content.decode()


@pytest.mark.django_db
def test_criteria_pages_hq_edits_and_the_sum_is_checked(hq_admin, north_manager, login):
    client = login(north_manager)
    assert client.get(reverse("recruitment:criteria_list")).status_code == 200
    assert client.get(reverse("recruitment:criteria_add")).status_code == 403
    client = login(hq_admin)
    response = client.post(reverse("recruitment:criteria_add"), {
        "code": "two", "name": "两项", "is_active": "on", "rows": "2",
        "code_1": "a", "name_1": "甲", "weight_1": "0.60",
        "code_2": "b", "name_2": "乙", "weight_2": "0.30"}, **EN)
    assert "they add up to 0.90" in response.content.decode()
    assert not CriteriaSet.objects.filter(code="two").exists()


@pytest.mark.django_db
def test_report_and_campaign_pages(world, north_rep, north_manager, login):
    lead_make(territory=world.shijiazhuang, rep=north_rep)
    client = login(north_manager)
    assert client.get(reverse("recruitment:report"), {"by": "rep"}).status_code == 200
    response = client.post(reverse("recruitment:campaign_add"), {
        "name": "春季招商会", "method": "fair", "starts_on": "2026-03-01",
        "ends_on": "2026-03-31", "status": "running", "territory": world.hebei.pk})
    assert response.status_code == 302
    campaign_url = response["Location"]
    client.post(campaign_url, {"add": [lead.pk for lead in Lead.objects.all()]})
    page = client.get(campaign_url).content.decode()
    assert 'data-testid="campaign-figures"' in page
    assert client.get(reverse("recruitment:campaign_list")).status_code == 200
    assert login(north_rep).get(reverse("recruitment:report")).status_code == 403
