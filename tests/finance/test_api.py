"""The money API: payments, voids, aging, statement, deposits, credit limit."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qudao.finance.models import CreditAccount, DepositEntry, Payment
from tests.finance.factories import invoice_due
from tests.trade import trading_dealer

D = Decimal


@pytest.fixture
def api(client):
    def _api(user):
        client.force_login(user)
        return client
    return _api


def _post(client, path, body):
    return client.post(path, data=body, content_type="application/json")


@pytest.fixture
def traded(world):
    trading_dealer(world.dealer_a, credit_limit="10000.00")
    trading_dealer(world.dealer_b, credit_limit="10000.00")
    old = invoice_due(world.dealer_a, "300.00", due_on=datetime.date(2026, 10, 1))
    new = invoice_due(world.dealer_a, "700.00", due_on=datetime.date(2026, 11, 1))
    return world, old, new


@pytest.mark.django_db
def test_record_a_payment_and_retry_it(traded, api, finance):
    world, old, new = traded
    client = api(finance)
    body = {"dealer_id": world.dealer_a.pk, "amount": "500.00", "received_on": "2026-11-20",
            "method": "bank_transfer", "external_ref": "BANK-42"}

    first = _post(client, "/api/payments", body)
    retry = _post(client, "/api/payments", body)

    assert first.status_code == 201, first.json()
    assert retry.json()["id"] == first.json()["id"]
    data = first.json()
    assert data["dealer_id"] == world.dealer_a.pk and data["unallocated"] == "0.00"
    assert [(a["invoice_id"], a["amount"]) for a in data["allocations"]] == [
        (old.pk, "300.00"), (new.pk, "200.00")]
    account = client.get(f"/api/credit-accounts/{world.dealer_a.pk}").json()
    assert account["receivable"] == "500.00" and account["available"] == "9500.00"


@pytest.mark.django_db
def test_invalid_allocation_answers_409_with_the_field(traded, api, finance):
    world, old, new = traded
    response = _post(api(finance), "/api/payments", {
        "dealer_id": world.dealer_a.pk, "amount": "100.00", "received_on": "2026-11-20",
        "allocations": [{"invoice_id": old.pk, "amount": "300.00"}]})
    assert response.status_code == 409
    assert response.json()["code"] == "payment_invalid"
    assert "allocations" in response.json()["errors"]
    assert not Payment.objects.exists()


@pytest.mark.django_db
def test_void_over_the_api(traded, api, finance):
    world, old, new = traded
    client = api(finance)
    payment = _post(client, "/api/payments", {
        "dealer_id": world.dealer_a.pk, "amount": "300.00", "received_on": "2026-11-20"}).json()
    assert _post(client, f"/api/payments/{payment['id']}/void", {}).status_code == 409
    voided = _post(client, f"/api/payments/{payment['id']}/void", {"reason": "Bounced"})
    assert voided.status_code == 200 and voided.json()["voided_on"]
    assert client.get(f"/api/invoices/{old.pk}").json()["status"] == "open"


@pytest.mark.django_db
def test_dealer_admin_reads_only_its_own_money_and_cannot_pay(traded, api, dealer_a_admin):
    world, old, new = traded
    client = api(dealer_a_admin)
    invoices = client.get("/api/invoices").json()
    assert {item["dealer_id"] for item in invoices["items"]} == {world.dealer_a.pk}
    assert client.get(f"/api/dealers/{world.dealer_b.pk}/statement").status_code == 404
    response = _post(client, "/api/payments", {
        "dealer_id": world.dealer_a.pk, "amount": "1.00", "received_on": "2026-11-20"})
    assert response.status_code == 403


@pytest.mark.django_db
def test_dealer_staff_gets_403(traded, api, dealer_a_staff):
    client = api(dealer_a_staff)
    for path in ("/api/credit-accounts", "/api/invoices", "/api/payments", "/api/aging",
                 f"/api/dealers/{traded[0].dealer_a.pk}/statement"):
        assert client.get(path).status_code == 403, path


@pytest.mark.django_db
def test_aging_api_has_buckets_and_totals(traded, api, finance):
    body = api(finance).get("/api/aging?as_of=2026-11-20").json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["buckets"]["d31_60"] == "300.00" and item["buckets"]["d0_30"] == "700.00"
    assert body["totals"]["total"] == "1000.00"


@pytest.mark.django_db
def test_statement_api(traded, api, finance):
    world, old, new = traded
    body = api(finance).get(f"/api/dealers/{world.dealer_a.pk}/statement"
                            "?date_from=2026-09-02&date_to=2026-10-31").json()
    assert body["opening_balance"] == "300.00"
    assert [(i["number"], i["balance"]) for i in body["items"]] == [(new.number, "1000.00")]
    assert body["closing_balance"] == "1000.00"


@pytest.mark.django_db
def test_deposits_api(traded, api, finance):
    world = traded[0]
    client = api(finance)
    path = f"/api/dealers/{world.dealer_a.pk}/deposits"
    assert _post(client, path, {"kind": "received", "amount": "1000"}).status_code == 201
    refused = _post(client, path, {"kind": "deducted", "amount": "1500", "reason": "窜货"})
    assert refused.status_code == 409 and "1000.00" in refused.json()["message"]
    assert _post(client, path, {"amount": "5"}).status_code == 409
    listed = client.get(path).json()
    assert [(i["kind"], i["balance_after"]) for i in listed["items"]] == [("received", "1000.00")]
    assert DepositEntry.objects.count() == 1


@pytest.mark.django_db
def test_credit_limit_patch(traded, api, finance, north_manager):
    world = traded[0]
    path = f"/api/credit-accounts/{world.dealer_a.pk}"
    assert api(north_manager).patch(path, data={"limit": "1", "reason": "x"},
                                    content_type="application/json").status_code == 403
    response = api(finance).patch(path, data={"limit": "15000", "reason": "Annual review"},
                                  content_type="application/json")
    assert response.status_code == 200 and response.json()["limit"] == "15000.00"
    assert CreditAccount.objects.get(dealer=world.dealer_a).limit == D("15000.00")


@pytest.mark.django_db
def test_list_endpoints_run_a_constant_number_of_queries(traded, api, finance, world):
    client = api(finance)
    paths = ["/api/credit-accounts", "/api/invoices", "/api/payments", "/api/aging"]
    _post(client, "/api/payments", {"dealer_id": world.dealer_a.pk, "amount": "10.00",
                                    "received_on": "2026-11-20"})

    def counts():
        result = {}
        for path in paths:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(path).status_code == 200
            result[path] = len(ctx.captured_queries)
        return result

    before = counts()
    for dealer in (world.dealer_beijing, world.dealer_a_sub):
        trading_dealer(dealer)
        invoice_due(dealer, "20.00", due_on=datetime.date(2026, 9, 1))
        _post(client, "/api/payments", {"dealer_id": dealer.pk, "amount": "10.00",
                                        "received_on": "2026-11-20"})
    assert counts() == before
