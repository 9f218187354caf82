"""The quarterly review: suggestions for the dealers whose grade should change, re-runs
that update instead of duplicating, and deciding them (R-RT-01, R-EV-21)."""

from decimal import Decimal

import pytest

from qudao.analytics.models import DealerMonth
from qudao.core.exceptions import NotAllowed
from qudao.core.models import AuditEvent
from qudao.stock.periods import add_months
from qudao.tiers import services
from qudao.tiers.exceptions import ReviewPeriodInvalid, SuggestionDecided
from qudao.tiers.models import GradeChange, TierReview, TierSuggestion
from qudao.tiers.services.review import last_complete_quarter
from tests.tiers.factories import quarter, year_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def graded(world, rules):
    """A0001 is B and earns A; BJ001 is A and earns B; B0001 is B and stays B; the others
    (ungraded, no facts) get their first grade, C."""
    for dealer, grade in ((world.dealer_a, "B"), (world.dealer_beijing, "A"),
                          (world.dealer_b, "B")):
        dealer.grade = grade
        dealer.save()
    year_make(world.dealer_a, sales_per_month=Decimal("300000"))
    year_make(world.dealer_beijing, sales_per_month=Decimal("150000"))
    year_make(world.dealer_b, sales_per_month=Decimal("150000"))
    return world


def _run(actor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.review_start(actor=actor, period=quarter())
    return TierReview.objects.get(period=quarter())


def _by_code(review):
    return {s.dealer.code: (s.current_grade, s.suggested_grade, s.direction, s.status)
            for s in review.suggestions.select_related("dealer")}


def test_review_lists_only_changes_with_reasons(graded, hq_admin,
                                                django_capture_on_commit_callbacks):
    review = _run(hq_admin, django_capture_on_commit_callbacks)
    assert (review.status, review.dealers_total, review.dealers_done, review.changes) == (
        "done", 5, 5, 4)
    assert _by_code(review) == {
        "A0001": ("B", "A", "upgrade", "pending"),
        "BJ001": ("A", "B", "downgrade", "pending"),
        "A0002": ("", "C", "new", "pending"),
        "A0003": ("", "C", "new", "pending"),
    }
    upgrade = review.suggestions.get(dealer=graded.dealer_a)
    assert upgrade.sales == Decimal("3600000.00") and upgrade.cooperation == Decimal("100.0")
    assert upgrade.reasons == ["sales of 12 months 3,600,000 ≥ A threshold 3,000,000",
                               "cooperation 100 ≥ A threshold 80"]
    assert upgrade.stage == "stable"


def test_rerun_updates_pending_never_duplicates_never_touches_decided(
        graded, hq_admin, director, django_capture_on_commit_callbacks):
    review = _run(hq_admin, django_capture_on_commit_callbacks)
    downgrade = review.suggestions.get(dealer=graded.dealer_beijing)
    services.suggestion_decide(actor=director, suggestion=downgrade, decision="reject",
                               note="旺季前不降级")
    # Beijing's facts change: it would now be C. A0001 now only earns B (its grade): no change.
    DealerMonth.objects.filter(dealer=graded.dealer_beijing).update(order_amount=Decimal("1000"))
    DealerMonth.objects.filter(dealer=graded.dealer_a).update(order_amount=Decimal("150000"))

    review = _run(hq_admin, django_capture_on_commit_callbacks)
    assert TierSuggestion.objects.filter(review=review).count() == 3
    assert _by_code(review) == {
        "BJ001": ("A", "B", "downgrade", "rejected"),  # decided: left as it was
        "A0002": ("", "C", "new", "pending"),
        "A0003": ("", "C", "new", "pending"),
    }
    assert TierReview.objects.count() == 1


def test_a_quarter_not_ended_cannot_be_reviewed(graded, hq_admin):
    with pytest.raises(ReviewPeriodInvalid):
        services.review_start(actor=hq_admin, period=add_months(last_complete_quarter(), 3))
    assert not TierReview.objects.exists()


def test_a_regional_manager_reviews_his_own_dealers_only(graded, north_manager,
                                                         django_capture_on_commit_callbacks):
    review = _run(north_manager, django_capture_on_commit_callbacks)
    assert review.dealers_total == 4
    assert set(_by_code(review)) == {"A0001", "BJ001", "A0002", "A0003"}


def test_approving_changes_the_grade_with_history_and_audit(
        graded, north_manager, django_capture_on_commit_callbacks):
    review = _run(north_manager, django_capture_on_commit_callbacks)
    upgrade = review.suggestions.get(dealer=graded.dealer_a)
    services.suggestion_decide(actor=north_manager, suggestion=upgrade, decision="approve",
                               note="连续两季度达标")
    graded.dealer_a.refresh_from_db()
    upgrade.refresh_from_db()
    assert graded.dealer_a.grade == "A"
    assert (upgrade.status, upgrade.decided_by, upgrade.note) == ("approved", north_manager,
                                                                  "连续两季度达标")
    change = GradeChange.objects.get(dealer=graded.dealer_a)
    assert (change.from_grade, change.to_grade, change.direction, change.suggestion,
            change.changed_by) == ("B", "A", "upgrade", upgrade, north_manager)
    assert "sales of 12 months 3,600,000 ≥ A threshold 3,000,000" in change.reason
    event = AuditEvent.objects.get(event="tier.grade_changed")
    assert event.data["grade"] == ["B", "A"] and event.subject_id == str(graded.dealer_a.pk)
    with pytest.raises(SuggestionDecided):
        services.suggestion_decide(actor=north_manager, suggestion=upgrade, decision="reject")


def test_rejecting_leaves_the_grade(graded, north_manager, django_capture_on_commit_callbacks):
    review = _run(north_manager, django_capture_on_commit_callbacks)
    upgrade = review.suggestions.get(dealer=graded.dealer_a)
    services.suggestion_decide(actor=north_manager, suggestion=upgrade, decision="reject")
    graded.dealer_a.refresh_from_db()
    assert graded.dealer_a.grade == "B"
    assert not GradeChange.objects.exists()
    assert TierSuggestion.objects.get(pk=upgrade.pk).status == "rejected"


def test_rep_cannot_approve_and_nothing_changes(graded, north_manager, north_rep,
                                                django_capture_on_commit_callbacks):
    review = _run(north_manager, django_capture_on_commit_callbacks)
    upgrade = review.suggestions.get(dealer=graded.dealer_a)
    with pytest.raises(NotAllowed):
        services.suggestion_decide(actor=north_rep, suggestion=upgrade, decision="approve")
    with pytest.raises(NotAllowed):
        services.review_start(actor=north_rep, period=quarter())
    graded.dealer_a.refresh_from_db()
    assert graded.dealer_a.grade == "B" and not GradeChange.objects.exists()


def test_manager_cannot_decide_outside_his_regions(graded, hq_admin, north_manager,
                                                   django_capture_on_commit_callbacks):
    graded.dealer_b.grade = "C"
    graded.dealer_b.save()
    review = _run(hq_admin, django_capture_on_commit_callbacks)
    east = review.suggestions.get(dealer=graded.dealer_b)
    with pytest.raises(NotAllowed):
        services.suggestion_decide(actor=north_manager, suggestion=east, decision="approve")
    assert TierSuggestion.objects.get(pk=east.pk).status == "pending"


def test_bulk_approval_and_manual_grade_change(graded, director,
                                               django_capture_on_commit_callbacks):
    review = _run(director, django_capture_on_commit_callbacks)
    new = review.suggestions.filter(direction="new")
    assert services.suggestions_decide(actor=director, suggestions=new, decision="approve",
                                       note="首次定级") == 2
    graded.dealer_a_sub.refresh_from_db()
    assert graded.dealer_a_sub.grade == "C"
    services.grade_change(actor=director, dealer=graded.dealer_a_sub, to_grade="B",
                          reason="新开大型批发市场档口")
    graded.dealer_a_sub.refresh_from_db()
    assert graded.dealer_a_sub.grade == "B"
    assert list(GradeChange.objects.filter(dealer=graded.dealer_a_sub)
                .values_list("from_grade", "to_grade", "suggestion")) == [
        ("C", "B", None), ("", "C", review.suggestions.get(dealer=graded.dealer_a_sub).pk)]
