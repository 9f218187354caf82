"""Money pages: who may open them, what they show, forms, exports, query counts."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from qudao.finance import services
from qudao.finance.models import CreditAccount, DepositEntry, Invoice, Payment
from tests.finance.factories import invoice_due, invoiced
from tests.helpers import page_queries
from tests.trade import trading_dealer

D = Decimal
TODAY = timezone.localdate()  # payments are voided on the day the void is recorded


def _sheet(response):
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]


@pytest.fixture
def traded(world, finance):
    for dealer in (world.dealer_a, world.dealer_b):
        trading_dealer(dealer, credit_limit="10000.00")
    # Dealer A's invoice 53 days past due; dealer B's due in 8 days (relative to today, so
    # that B's stays "not yet due" whenever the suite runs).
    invoice_due(world.dealer_a, "800.00", due_on=TODAY - datetime.timedelta(days=53))
    invoice_due(world.dealer_b, "9000.00", due_on=TODAY + datetime.timedelta(days=8))
    return world


@pytest.mark.django_db
def test_dealer_sees_its_own_statement_only(traded, login, dealer_a_admin):
    client = login(dealer_a_admin)
    mine = client.get(reverse("finance:my_statement"))
    assert mine.status_code == 200
    assert "800.00" in mine.content.decode()
    assert client.get(reverse("finance:statement", args=[traded.dealer_a.pk])).status_code == 200
    assert client.get(reverse("finance:statement", args=[traded.dealer_b.pk])).status_code == 404
    other_invoice = Invoice.objects.get(dealer=traded.dealer_b)
    assert client.get(reverse("finance:invoice_detail",
                              args=[other_invoice.pk])).status_code == 404
    assert client.get(reverse("finance:deposit_ledger",
                              args=[traded.dealer_b.pk])).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("name,args", [
    ("finance:credit_list", []), ("finance:my_statement", []), ("finance:invoice_list", []),
    ("finance:payment_list", []), ("finance:aging", []), ("finance:overdue_list", []),
    ("finance:collections", []), ("finance:statement", ["a"]),
    ("finance:deposit_ledger", ["a"])])
def test_dealer_staff_gets_403_on_money(name, args, traded, login, dealer_a_staff):
    client = login(dealer_a_staff)
    url = reverse(name, args=[traded.dealer_a.pk for _ in args])
    assert client.get(url).status_code == 403


@pytest.mark.django_db
def test_money_writes_need_finance_permissions(traded, login, north_rep):
    client = login(north_rep)
    assert client.get(reverse("finance:credit_list")).status_code == 200
    assert client.get(reverse("finance:payment_create")).status_code == 403
    response = client.post(reverse("finance:deposit_move", args=[traded.dealer_a.pk]),
                           {"kind": "received", "amount": "10", "occurred_on": "2026-11-01"})
    assert response.status_code == 403
    assert not DepositEntry.objects.exists()


@pytest.mark.django_db
def test_credit_list_filters_and_export_follow_them(traded, login, finance):
    client = login(finance)
    page = client.get(reverse("finance:credit_list") + "?high_usage=true").content.decode()
    assert "B0001" in page and "A0001" not in page
    rows = _sheet(client.get(reverse("finance:credit_export") + "?has_overdue=true"))
    assert [row[0] for row in rows[1:]] == ["A0001"]
    assert rows[1][8] == 800  # overdue amount


@pytest.mark.django_db
def test_list_pages_run_a_constant_number_of_queries(traded, login, finance):
    services.payment_record(actor=finance, dealer=traded.dealer_b, amount="5.00",
                            received_on=datetime.date(2026, 10, 1), method="cash")
    services.deposit_receive(actor=finance, dealer=traded.dealer_a, amount="5.00")
    client = login(finance)
    urls = [reverse("finance:credit_list"), reverse("finance:invoice_list"),
            reverse("finance:payment_list"), reverse("finance:aging"),
            reverse("finance:overdue_list"),
            reverse("finance:statement", args=[traded.dealer_a.pk]) + "?date_from=2026-01-01",
            reverse("finance:deposit_ledger", args=[traded.dealer_a.pk]),
            reverse("finance:collections")]
    before = {url: page_queries(client, url) for url in urls}
    for dealer in (traded.dealer_a_sub, traded.dealer_beijing, traded.dealer_a_shop):
        trading_dealer(dealer)
        invoice_due(dealer, "50.00", due_on=datetime.date(2026, 9, 1))
    for day in (1, 2, 3):
        invoiced(traded.dealer_a, "10.00", shipped_on=datetime.date(2026, 8, day))
        services.payment_record(actor=finance, dealer=traded.dealer_a, amount="5.00",
                                received_on=datetime.date(2026, 10, day), method="cash")
        services.deposit_receive(actor=finance, dealer=traded.dealer_a, amount="5.00")
    after = {url: page_queries(client, url) for url in urls}
    assert after == before


@pytest.mark.django_db
def test_recording_a_payment_with_explicit_allocation(traded, login, finance):
    dealer = traded.dealer_a
    newer = invoice_due(dealer, "300.00", due_on=datetime.date(2026, 11, 1))
    client = login(finance)
    partial = client.get(reverse("finance:payment_open_invoices") + f"?dealer={dealer.pk}")
    assert newer.number in partial.content.decode()

    response = client.post(reverse("finance:payment_create"), {
        "dealer": dealer.pk, "amount": "500.00", "received_on": "2026-11-20",
        "method": "bank_transfer", "reference": "ICBC-77", "explicit": "1",
        f"alloc_{newer.pk}": "300.00"})

    payment = Payment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("finance:payment_detail", args=[payment.pk])
    newer.refresh_from_db()
    assert newer.status == "paid" and payment.unallocated == D("200.00")
    assert Invoice.objects.get(dealer=dealer, amount=D("800.00")).paid_amount == 0


@pytest.mark.django_db
def test_a_refused_payment_shows_why_and_writes_nothing(traded, login, finance):
    dealer = traded.dealer_a
    invoice = Invoice.objects.get(dealer=dealer)
    client = login(finance)
    client.cookies.load({"django_language": "en"})
    response = client.post(reverse("finance:payment_create"), {
        "dealer": dealer.pk, "amount": "100.00", "received_on": "2026-11-20",
        "method": "cash", "explicit": "1", f"alloc_{invoice.pk}": "150.00"})
    assert response.status_code == 200
    assert "more than the payment" in response.content.decode()
    assert not Payment.objects.exists()


@pytest.mark.django_db
def test_void_from_the_payment_page(traded, login, finance):
    payment = services.payment_record(actor=finance, dealer=traded.dealer_a, amount="800.00",
                                      received_on=TODAY, method="cash")
    client = login(finance)
    detail = client.get(reverse("finance:payment_detail", args=[payment.pk])).content.decode()
    assert "data-confirm" in detail
    client.post(reverse("finance:payment_void", args=[payment.pk]), {"reason": "Bounced"})
    payment.refresh_from_db()
    assert payment.voided_on == TODAY
    assert CreditAccount.objects.get(dealer=traded.dealer_a).receivable == D("800.00")


@pytest.mark.django_db
def test_deposit_forms(traded, login, finance):
    dealer = traded.dealer_a
    client = login(finance)
    client.cookies.load({"django_language": "en"})
    url = reverse("finance:deposit_move", args=[dealer.pk])
    ok = client.post(url, {"kind": "received", "amount": "3000", "occurred_on": "2026-11-01"})
    assert ok.status_code == 302
    refused = client.post(url, {"kind": "deducted", "amount": "3000.01",
                                "occurred_on": "2026-11-02", "reason": "窜货 fine"})
    assert refused.status_code == 400
    assert "3000.00" in refused.content.decode()
    assert CreditAccount.objects.get(dealer=dealer).deposit_balance == D("3000.00")
    page = client.get(reverse("finance:deposit_ledger", args=[dealer.pk])).content.decode()
    assert "data-confirm" in page and "3,000.00" in page


@pytest.mark.django_db
def test_statement_and_aging_exports(traded, login, finance):
    client = login(finance)
    rows = _sheet(client.get(reverse("finance:statement_export", args=[traded.dealer_a.pk])
                             + "?date_from=2026-08-01&date_to=2026-11-30"))
    assert rows[1][5] == 0 and rows[-1][5] == 800
    aging = _sheet(client.get(reverse("finance:aging_export") + "?as_of=2026-11-23&q=A0001"))
    assert aging[1][:2] == ["A0001", traded.dealer_a.name]
    assert aging[-1][-1] == 800


@pytest.mark.django_db
def test_credit_limit_page(traded, login, finance):
    client = login(finance)
    url = reverse("finance:credit_limit", args=[traded.dealer_a.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"limit": "20000", "reason": "Good payer"})
    assert response.status_code == 302
    assert CreditAccount.objects.get(dealer=traded.dealer_a).limit == D("20000.00")


@pytest.mark.django_db
def test_collections_chart_data(traded, login, finance):
    client = login(finance)
    body = client.get(reverse("finance:collections") + "?months=6").content.decode()
    assert 'id="collections-data"' in body and "2026-09" in body


@pytest.mark.django_db
def test_dealer_panel(traded, rf, finance, dealer_a_staff):
    from django.template.loader import render_to_string

    from qudao.finance.queries import dealer_panel

    panel = dealer_panel(user=finance, dealer=traded.dealer_a)
    assert panel["account"].overdue == D("800.00")
    request = rf.get("/")
    request.user = finance
    html = render_to_string("finance/_dealer_panel.html", {"finance_panel": panel, "user": finance},
                            request=request)
    assert "finance-panel" in html
    assert dealer_panel(user=dealer_a_staff, dealer=traded.dealer_a) == {"allowed": False}
