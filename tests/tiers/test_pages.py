"""The tier pages: the review (run, decide one, bulk), rules, history, actions, the report,
the dealer panel; exports; list query counts that do not grow with the rows."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from qudao.core.excel import XLSX_TYPE
from qudao.dealers.models import DealerStatusChange
from qudao.tiers.models import GradeChange, LifecycleAction, TierRule
from tests.tiers.factories import action_make, quarter, review_make, suggestion_make, year_make

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _label() -> str:
    return review_make().label


def test_manager_runs_the_review_and_approves_an_upgrade(rules, world, north_manager, login,
                                                         django_capture_on_commit_callbacks):
    world.dealer_a.grade = "B"
    world.dealer_a.save()
    year_make(world.dealer_a, sales_per_month=Decimal("300000"))
    client = login(north_manager)
    label = review_make(period=quarter()).label
    from qudao.tiers.models import TierReview
    TierReview.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/tiers/", {"period": label})
    assert response.status_code == 302 and response["Location"].endswith(f"/{label}/")
    page = client.get(f"/tiers/reviews/{label}/?direction=upgrade", **EN)
    text = page.content.decode()
    assert 'data-dealer="A0001"' in text
    assert "sales of 12 months 3,600,000 ≥ A threshold 3,000,000" in text
    suggestion = world.dealer_a.tier_suggestions.get()
    response = client.post(f"/tiers/suggestions/{suggestion.pk}/decide/",
                           {"decision": "approve", "note": "同意", "back": "direction=upgrade"})
    assert response["Location"].endswith(f"/tiers/reviews/{label}/?direction=upgrade")
    world.dealer_a.refresh_from_db()
    assert world.dealer_a.grade == "A"
    panel = client.get(f"/dealers/{world.dealer_a.pk}/panels/tiers/", **EN).content.decode()
    assert 'data-grade="A"' in panel and "B → A" in panel


def test_bulk_reject_leaves_grades(rules, world, director, login):
    first = suggestion_make(world.dealer_a, current="B", suggested="A")
    second = suggestion_make(world.dealer_b, current="", suggested="C", direction="new")
    client = login(director)
    client.post(f"/tiers/reviews/{first.review.label}/bulk/",
                {"ids": [first.pk, second.pk], "decision": "reject", "note": "下季度再看"})
    assert set(first.review.suggestions.values_list("status", flat=True)) == {"rejected"}
    assert not GradeChange.objects.exists()


def test_rep_sees_his_dealers_suggestions_without_buttons(rules, world, north_rep, login):
    suggestion_make(world.dealer_a)
    suggestion_make(world.dealer_b)
    text = login(north_rep).get(f"/tiers/reviews/{_label()}/").content.decode()
    assert 'data-dealer="A0001"' in text and 'data-dealer="B0001"' not in text
    assert 'data-testid="approve"' not in text
    assert login(north_rep).post("/tiers/", {"period": _label()}).status_code == 404


def test_dealer_users_and_finance_have_no_tier_pages(world, finance, dealer_a_admin, login):
    assert login(finance).get("/tiers/").status_code == 403
    assert login(dealer_a_admin).get("/tiers/actions/").status_code == 403


def test_hq_edits_a_rule_with_clear_errors(rules, hq_admin, north_manager, login):
    client = login(hq_admin)
    values = {"a_volume": "500000", "a_cooperation": "80", "b_volume": "900000",
              "b_cooperation": "60"}
    for grade in "ABC":
        values.update({f"{grade}-visit_every_days": "30", f"{grade}-entitlements": ["training"],
                       f"{grade}-nurturing": "培训"})
    page = client.post("/tiers/rules/tier2/", values, **EN)
    assert "must be at least the B one" in page.content.decode()
    assert TierRule.objects.get(channel_level="tier2").a_volume == Decimal("600000.00")
    values["a_volume"] = "1200000"
    assert client.post("/tiers/rules/tier2/", values).status_code == 302
    assert TierRule.objects.get(channel_level="tier2").a_volume == Decimal("1200000.00")
    assert login(north_manager).get("/tiers/rules/tier2/").status_code == 403
    assert "1,200,000" in login(north_manager).get("/tiers/rules/", **EN).content.decode()


def test_rep_proposes_probation_and_manager_approves_on_the_page(world, north_rep,
                                                                 north_manager, login):
    deadline = timezone.localdate() + datetime.timedelta(days=45)
    response = login(north_rep).post(f"/tiers/dealers/{world.dealer_a.pk}/propose/", {
        "kind": "probation", "reason": "连续下滑", "conditions": "月销恢复到15万",
        "deadline": deadline.isoformat()})
    action = LifecycleAction.objects.get()
    assert response["Location"].endswith(f"/tiers/actions/{action.pk}/")
    own = login(north_rep).get(f"/tiers/actions/{action.pk}/").content.decode()
    assert 'data-testid="action-approve"' not in own
    login(north_manager).post(f"/tiers/actions/{action.pk}/decide/", {"decision": "approve"})
    world.dealer_a.refresh_from_db()
    assert world.dealer_a.status == "probation"
    assert login(north_rep).get(f"/tiers/dealers/{world.dealer_b.pk}/propose/"
                                ).status_code == 404


def test_report_counts_brand_switches_separately(world, north_manager, login):
    for dealer, reason in ((world.dealer_a_sub, "brand_switch"),
                           (world.dealer_a_shop, "performance"),
                           (world.dealer_b, "brand_switch")):
        DealerStatusChange.objects.create(dealer=dealer, from_status="active",
                                          to_status="terminated", reason="x",
                                          exit_reason=reason)
    GradeChange.objects.create(dealer=world.dealer_a, from_grade="B", to_grade="A",
                               direction="upgrade", reason="x")
    text = login(north_manager).get("/tiers/report/").content.decode()
    assert 'data-testid="exits-total">2<' in text  # B0001 is not his
    assert 'data-testid="brand-switch-total">1<' in text
    assert text.count('data-testid="attrition-row"') == 1


def test_exports(rules, world, hq_admin, login):
    suggestion_make(world.dealer_a)
    action_make(world.dealer_a)
    client = login(hq_admin)
    for url in (f"/tiers/reviews/{_label()}/export/?status=pending", "/tiers/actions/export/",
                "/tiers/history/export/"):
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == XLSX_TYPE


@pytest.mark.parametrize("url", ["/tiers/reviews/{label}/", "/tiers/actions/",
                                 "/tiers/history/", "/tiers/"])
def test_list_pages_keep_their_query_count(url, rules, world, hq_admin, login,
                                           django_assert_max_num_queries):
    client = login(hq_admin)
    url = url.format(label=_label())

    def add(dealers):
        for dealer in dealers:
            suggestion_make(dealer)
            action_make(dealer)
            GradeChange.objects.create(dealer=dealer, from_grade="B", to_grade="A",
                                       direction="upgrade", reason="x")

    add([world.dealer_a])
    with django_assert_max_num_queries(16) as few:
        assert client.get(url).status_code == 200
    add([world.dealer_a_sub, world.dealer_a_shop, world.dealer_beijing, world.dealer_b])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200
