"""The on-time report: share of first responses and of resolutions within the deadline per
department, function and month raised, counted on fixtures whose outcomes are known."""

import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from qudao.service import queries
from tests.service.conftest import at
from tests.service.factories import request_make


@pytest.fixture
def outcomes(clock, world):
    """Now is Tuesday 10 March 2026, noon."""
    clock.set("2026-03-10 12:00")
    a, b = world.dealer_a, world.dealer_b
    # January: one logistics request, answered and solved in time.
    request_make(a, created_at=at("2026-01-12 10:00"), status="closed",
                 first_response_at=at("2026-01-12 10:30"), resolved_at=at("2026-01-13 10:00"))
    # February, logistics: in time and rated 5; late twice and rated 2; waiting for the
    # dealer past its resolution deadline (the clock is stopped: not counted as late).
    request_make(a, created_at=at("2026-02-02 09:00"), status="closed", rating=5,
                 first_response_at=at("2026-02-02 09:30"), resolved_at=at("2026-02-03 10:00"))
    request_make(a, created_at=at("2026-02-03 10:00"), status="closed", rating=2,
                 first_response_at=at("2026-02-04 10:00"), resolved_at=at("2026-02-09 10:00"))
    request_make(a, created_at=at("2026-02-02 10:00"), status="waiting_dealer",
                 first_response_at=at("2026-02-02 11:00"), waiting_since=at("2026-02-02 11:00"))
    # February, customer service centre: a complaint answered in time, solved late; an
    # after-sales request of dealer B answered, still open past its deadline.
    request_make(a, code="complaint", created_at=at("2026-02-05 10:00"), status="resolved",
                 first_response_at=at("2026-02-05 10:30"), resolved_at=at("2026-02-25 10:00"))
    request_make(b, code="after_sales", created_at=at("2026-02-04 10:00"),
                 status="in_progress", first_response_at=at("2026-02-04 11:00"))
    # March: logistics answered, resolution not due yet (Thursday); a complaint raised at
    # 09:00 today and not answered by 11:00.
    request_make(a, created_at=at("2026-03-09 10:00"), status="in_progress",
                 first_response_at=at("2026-03-09 11:00"))
    request_make(a, code="complaint", created_at=at("2026-03-10 09:00"))


def _cells(row):
    return [(c.requests, c.response_share, c.resolution_share) for c in row.cells]


D = Decimal


@pytest.mark.django_db
def test_shares_per_function_department_and_month(outcomes, service):
    report = queries.on_time_report(user=service, months=3)
    assert report["months"] == [datetime.date(2026, 1, 1), datetime.date(2026, 2, 1),
                                datetime.date(2026, 3, 1)]
    groups = {g["department"].label: g for g in report["groups"]}
    assert list(groups) == ["Customer service centre", "Logistics"]
    logistics = groups["Logistics"]["functions"][0]
    assert _cells(logistics) == [(1, D(1), D(1)), (3, D("0.6667"), D("0.5")),
                                 (1, D(1), None)]
    assert logistics.total.rating == D("3.5")
    # In directory order: after-sales before complaints.
    after_sales, complaint = groups["Customer service centre"]["functions"]
    assert (after_sales.function.code, complaint.function.code) == ("after_sales",
                                                                    "complaint")
    assert _cells(complaint) == [(0, None, None), (1, D(1), D(0)), (1, D(0), None)]
    assert _cells(after_sales) == [(0, None, None), (1, D(1), D(0)), (0, None, None)]
    assert _cells(groups["Customer service centre"]["department"]) == [
        (0, None, None), (2, D(1), D(0)), (1, D(0), None)]
    total = report["total"]
    assert _cells(total) == [(1, D(1), D(1)), (5, D("0.8"), D("0.25")),
                             (2, D("0.5"), None)]
    assert (total.total.response_on_time, total.total.response_late,
            total.total.resolution_on_time, total.total.resolution_late) == (6, 2, 2, 3)


@pytest.mark.django_db
def test_a_rep_sees_his_dealers_and_a_department_alone(outcomes, north_rep, service):
    report = queries.on_time_report(user=north_rep, months=3)
    codes = [r.function.code for g in report["groups"] for r in g["functions"]]
    assert codes == ["complaint", "logistics"]  # dealer B's after-sales is not his
    only = queries.on_time_report(user=service, months=3, department="物流部")
    assert [g["department"].label for g in only["groups"]] == ["Logistics"]


@pytest.mark.django_db
def test_report_page_and_export(outcomes, service, login, client):
    client.cookies["django_language"] = "en"
    client = login(service)
    page = client.get("/service/report/?months=3").content.decode()
    assert 'data-testid="on-time-report"' in page
    assert "67% / 50%" in page and "80% / 25%" in page
    response = client.get("/service/report/export/?months=3")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    header = rows[0]
    assert header[:4] == ("Month", "Department", "Type", "Requests")
    assert [r[:3] for r in rows[1:]] == [
        ("2026-02", "Customer service centre", "After-sales"),
        ("2026-02", "Customer service centre", "Complaints"),
        ("2026-03", "Customer service centre", "Complaints"),
        ("2026-01", "Logistics", "Logistics"),
        ("2026-02", "Logistics", "Logistics"),
        ("2026-03", "Logistics", "Logistics"),
    ]
    assert rows[5][3:] == (3, 2, 1, 66.7, 1, 1, 50, 3.5)
