"""Dealer-month facts say what the transactions say, and a refresh rewrites only what
changed."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from qudao.agreements.models import AgreementTarget
from qudao.analytics import queries, services
from qudao.analytics.models import DealerMonth
from qudao.analytics.tasks import facts_refresh_task
from qudao.finance.models import Invoice, Payment, PaymentAllocation
from qudao.orders.models import Order, OrderLine
from qudao.stock.models import FlowLine
from tests.factories import ProductFactory
from tests.finance.factories import OrderFactory, bare_invoice, bare_payment
from tests.trade import AgreementFactory

JAN, FEB, MAR = (datetime.date(2026, m, 1) for m in (1, 2, 3))


def _order(dealer, day, lines, status="closed"):
    """An order of (product, quantity, list price, unit price) lines; totals from lines."""
    order = OrderFactory(dealer=dealer, ordered_on=day, status=status)
    for product, quantity, list_price, unit_price in lines:
        OrderLine.objects.create(order=order, dealer=dealer, ordered_on=day, product=product,
                                 quantity=quantity, list_price=Decimal(list_price),
                                 unit_price=Decimal(unit_price),
                                 amount=Decimal(unit_price) * quantity)
    order.total_amount = sum(line.amount for line in order.lines.all())
    order.total_quantity = sum(line.quantity for line in order.lines.all())
    order.save()
    return order


@pytest.fixture
def history(world):
    tea, coffee = ProductFactory(), ProductFactory()
    a, b = world.dealer_a, world.dealer_b
    _order(a, datetime.date(2026, 1, 5), [(tea, 10, "10.00", "9.00"), (coffee, 4, "25.00",
                                                                         "25.00")])
    _order(a, datetime.date(2026, 1, 28), [(tea, 5, "10.00", "8.00")])
    _order(a, datetime.date(2026, 1, 30), [(tea, 100, "10.00", "10.00")], status="cancelled")
    _order(a, datetime.date(2026, 1, 31), [(tea, 100, "10.00", "10.00")], status="submitted")
    _order(a, datetime.date(2026, 2, 3), [(coffee, 2, "25.00", "20.00")], status="approved")
    _order(b, datetime.date(2026, 2, 14), [(tea, 7, "10.00", "10.00")], status="shipped")
    bare_invoice(a, "190.00", issued_on=datetime.date(2026, 1, 6))
    bare_invoice(a, "-20.00", issued_on=datetime.date(2026, 2, 9), kind="credit_note")
    bare_payment(a, "150.00", received_on=datetime.date(2026, 2, 10))
    bare_payment(a, "999.00", received_on=datetime.date(2026, 2, 11),
                 voided_on=datetime.date(2026, 2, 12), void_reason="wrong dealer")
    agreement = AgreementFactory(dealer=a)
    for month, amount in ((JAN, "300.00"), (FEB, "200.00"), (MAR, "250.00")):
        AgreementTarget.objects.create(agreement=agreement, month=month, amount=Decimal(amount))
    AgreementTarget.objects.create(agreement=AgreementFactory(dealer=b, status="draft"),
                                   month=JAN, amount=Decimal("999.00"))
    return world


def _facts(dealer) -> dict:
    return {f.month: (f.order_amount, f.list_amount, f.order_quantity, f.order_lines,
                      f.order_count, f.invoiced_amount, f.payment_amount, f.target_amount)
            for f in DealerMonth.objects.filter(dealer=dealer)}


@pytest.mark.django_db
def test_rebuild_sums_sales_money_and_targets_by_dealer_and_month(history):
    run = services.facts_rebuild()

    d = Decimal
    assert _facts(history.dealer_a) == {
        # 10×9 + 4×25 + 5×8 = 230 paid; at list 10×10 + 4×25 + 5×10 = 250; the cancelled and
        # the unapproved orders do not count.
        JAN: (d("230.00"), d("250.00"), 19, 3, 2, d("190.00"), d("0.00"), d("300.00")),
        FEB: (d("40.00"), d("50.00"), 2, 1, 1, d("-20.00"), d("150.00"), d("200.00")),
        MAR: (d("0.00"), d("0.00"), 0, 0, 0, d("0.00"), d("0.00"), d("250.00")),
    }
    # A draft agreement's targets bind nobody.
    assert _facts(history.dealer_b) == {
        FEB: (d("70.00"), d("70.00"), 7, 1, 1, d("0.00"), d("0.00"), d("0.00"))}
    assert run.dealer_months == 4
    jan = DealerMonth.objects.get(dealer=history.dealer_a, month=JAN)
    assert jan.unit_price == d("12.1053") and jan.price_index == d("0.9200")


@pytest.mark.django_db
def test_facts_know_order_days_and_what_fell_due_unpaid(history):
    """The overdue balance travels as flows (fell due unpaid, paid late) whose running sum is
    the balance at each month end; collections carry how many days late they came."""
    a = history.dealer_a
    invoice = Invoice.objects.get(dealer=a, kind="invoice")  # 190.00 due 5 Feb
    late = Payment.objects.get(dealer=a, voided_on__isnull=True)  # 150.00 on 10 Feb
    PaymentAllocation.objects.create(payment=late, invoice=invoice, amount=Decimal("150.00"))
    early_invoice = bare_invoice(a, "100.00", issued_on=datetime.date(2026, 2, 20),
                                 due_on=datetime.date(2026, 3, 20))
    early = bare_payment(a, "100.00", received_on=datetime.date(2026, 3, 1))
    PaymentAllocation.objects.create(payment=early, invoice=early_invoice,
                                     amount=Decimal("60.00"))

    services.facts_rebuild()

    facts = {f.month: f for f in DealerMonth.objects.filter(dealer=a)}
    jan, feb, mar = facts[JAN], facts[FEB], facts[MAR]
    # Cancelled and unapproved orders (30 and 31 January) are not orders of the month.
    assert (jan.first_order_day, jan.last_order_day) == (datetime.date(2026, 1, 5),
                                                        datetime.date(2026, 1, 28))
    assert feb.first_order_day == feb.last_order_day == datetime.date(2026, 2, 3)
    assert mar.first_order_day is None and mar.last_order_day is None
    d = Decimal
    # February: 190 fell due unpaid; 150 of it came 5 days late.
    assert (feb.overdue_added, feb.overdue_paid, feb.allocated_amount,
            feb.late_amount_days, feb.days_late) == (d("190.00"), d("150.00"), d("150.00"),
                                                    d("750.00"), d("5.0"))
    # March: 60 of the 100 due on 20 March was paid early, so 40 fell due unpaid.
    assert (mar.overdue_added, mar.overdue_paid, mar.allocated_amount, mar.days_late) == (
        d("40.00"), d("0.00"), d("60.00"), d("0.0"))
    # The overdue balance at the end of March: 190 - 150 + 40.
    assert sum(f.overdue_added - f.overdue_paid for f in facts.values()) == d("80.00")
    # More than 30 days past due: the 40 left of the 190 passed it on 7 March; the 40 of the
    # March invoice passes it in April.
    assert (feb.overdue30_added, mar.overdue30_added) == (d("0.00"), d("40.00"))
    apr = DealerMonth.objects.get(dealer=a, month=datetime.date(2026, 4, 1))
    assert (apr.overdue30_added, apr.overdue30_paid) == (d("40.00"), d("0.00"))


@pytest.mark.django_db
def test_facts_equal_the_transactions_totals(history):
    services.facts_rebuild()
    sales = Order.objects.filter(status__in=["approved", "partially_shipped", "shipped",
                                             "delivered", "closed"])
    facts = DealerMonth.objects.aggregate(amount=Sum("order_amount"), orders=Sum("order_count"))
    assert facts == {"amount": sales.aggregate(s=Sum("total_amount"))["s"],
                     "orders": sales.count()}


@pytest.mark.django_db
def test_rebuild_twice_gives_the_same_facts(history):
    services.facts_rebuild()
    first = _facts(history.dealer_a)
    services.facts_rebuild()
    assert _facts(history.dealer_a) == first
    assert DealerMonth.objects.count() == 4


@pytest.mark.django_db
def test_refresh_rewrites_only_the_changed_dealer_months(history):
    services.facts_rebuild()
    untouched = DealerMonth.objects.get(dealer=history.dealer_b, month=FEB).pk
    tea = OrderLine.objects.filter(dealer=history.dealer_a).first().product

    _order(history.dealer_a, datetime.date(2026, 3, 2), [(tea, 3, "10.00", "10.00")])
    Order.objects.filter(dealer=history.dealer_a, ordered_on=datetime.date(2026, 1, 28)).update(
        status="cancelled", updated_at=timezone.now())
    run = services.facts_refresh()

    assert run.kind == "refresh" and run.dealer_months == 2  # January and March of A
    a = history.dealer_a.pk
    assert run.changed == [[a, "2026-01-01"], [a, "2026-03-01"]]
    # A ordered in March for the first time (January still has orders): its ordering
    # flipped, which is what its distributor's sub-dealer network rule must see.
    assert run.ordering_flipped == [a]
    facts = _facts(history.dealer_a)
    assert facts[MAR][:5] == (Decimal("30.00"), Decimal("30.00"), 3, 1, 1)
    assert facts[JAN][:5] == (Decimal("190.00"), Decimal("200.00"), 14, 2, 1)
    assert DealerMonth.objects.get(dealer=history.dealer_b, month=FEB).pk == untouched

    # Nothing changed since: the next refresh writes nothing.
    assert services.facts_refresh().dealer_months == 0


@pytest.mark.django_db
def test_the_first_refresh_ever_rebuilds(history):
    run = services.facts_refresh()
    assert run.kind == "rebuild" and DealerMonth.objects.count() == 4


@pytest.mark.django_db
def test_rebuild_command_and_scheduled_refresh(history):
    out = io.StringIO()
    call_command("rebuild_facts", stdout=out)
    assert "4 dealer-months" in out.getvalue()
    tea = OrderLine.objects.filter(dealer=history.dealer_b).first().product
    _order(history.dealer_b, datetime.date(2026, 3, 9), [(tea, 1, "10.00", "10.00")])
    assert facts_refresh_task.delay().get() == 1  # eager without a broker
    assert DealerMonth.objects.get(dealer=history.dealer_b, month=MAR).order_amount == Decimal(
        "10.00")


@pytest.mark.django_db
def test_dealer_page_trend_panel_shows_the_facts(history, hq_admin, dealer_b_admin, login):
    services.facts_rebuild()
    trend = queries.dealer_trend(dealer_id=history.dealer_a.pk, today=datetime.date(2026, 3, 15))
    assert trend["months"][-3:] == ["2026-01", "2026-02", "2026-03"] and len(trend["months"]) == 24
    assert trend["sales"][-3:] == [230.0, 40.0, 0.0]
    assert trend["target"][-3:] == [300.0, 200.0, 250.0]
    assert trend["collected"][-3:] == [0.0, 150.0, 0.0]
    assert trend["price_index"][-3:] == [0.92, 0.8, None] and trend["sales"][0] == 0.0

    page = login(hq_admin).get(f"/dealers/{history.dealer_a.pk}/panels/trend/")
    assert page.status_code == 200 and "trend-data" in page.content.decode()
    assert login(dealer_b_admin).get(
        f"/dealers/{history.dealer_a.pk}/panels/trend/").status_code == 404


@pytest.mark.django_db
def test_facts_carry_the_months_stock_report(history):
    """Quantity on hand and sold come from the month's stock and flow report; a month with
    no report says so (0 reports), and a replaced report is refreshed."""
    from tests.stock.factories import StockLineFactory, StockReportFactory

    a = history.dealer_a
    tea, coffee = (line.product for line in OrderLine.objects.filter(dealer=a)[:2])
    report = StockReportFactory(dealer=a, period=FEB)
    StockLineFactory(report=report, product=tea, quantity=120)
    StockLineFactory(report=report, product=coffee, quantity=30)
    FlowLine.objects.create(report=report, sold_on=datetime.date(2026, 2, 10), product=tea,
                            quantity=45)
    FlowLine.objects.create(report=report, sold_on=datetime.date(2026, 2, 20), product=tea,
                            quantity=15, customer=history.dealer_a_shop)
    FlowLine.objects.create(report=report, sold_on=datetime.date(2026, 2, 21), product=tea,
                            quantity=5, customer=history.dealer_a_shop)
    services.facts_rebuild()

    feb = DealerMonth.objects.get(dealer=a, month=FEB)
    jan = DealerMonth.objects.get(dealer=a, month=JAN)
    # Customers sold to: the shop (twice) counts once; a sale with no customer not at all.
    assert (feb.stock_reports, feb.stock_quantity, feb.sold_quantity,
            feb.active_customers) == (1, 150, 65, 1)
    assert (jan.stock_reports, jan.stock_quantity, jan.sold_quantity) == (0, 0, 0)

    report.stock_lines.update(quantity=5)
    report.save()  # the report is replaced: its time stamp moves
    services.facts_refresh()
    assert DealerMonth.objects.get(dealer=a, month=FEB).stock_quantity == 10


@pytest.mark.django_db
def test_facts_count_requests_complaints_and_contacts_by_local_month(history, north_rep):
    """Requests by the month they were raised in Shanghai time (late on the last day of a
    month is still that month), complaints and quality issues among them; calls both ways
    and visits by the contact's month."""
    from django.utils import timezone as tz

    from qudao.service.models import ServiceFunction, ServiceRequest
    from qudao.visits.models import Contact

    a = history.dealer_a
    shanghai = tz.get_default_timezone()

    def raised(code, moment):
        return ServiceRequest.objects.create(
            dealer=a, function=ServiceFunction.objects.get(code=code), subject="x",
            description="x", response_hours=4, resolution_hours=16, first_response_due=moment,
            resolution_due=moment, created_at=moment)

    late_february = datetime.datetime(2026, 2, 28, 23, 30, tzinfo=shanghai)  # 15:30 UTC
    raised("complaint", late_february)
    raised("quality", datetime.datetime(2026, 2, 3, 9, 0, tzinfo=shanghai))
    raised("logistics", datetime.datetime(2026, 3, 1, 0, 30, tzinfo=shanghai))

    def contact(kind, day):
        moment = datetime.datetime.combine(day, datetime.time(10), tzinfo=shanghai)
        Contact.objects.create(dealer=a, staff=north_rep, kind=kind, happened_at=moment,
                               month=day.replace(day=1))

    for kind, day in (("call_in", datetime.date(2026, 2, 2)), ("call_in", datetime.date(
            2026, 2, 9)), ("call_out", datetime.date(2026, 2, 10)),
                      ("visit", datetime.date(2026, 3, 4))):
        contact(kind, day)

    services.facts_rebuild()

    feb = DealerMonth.objects.get(dealer=a, month=FEB)
    mar = DealerMonth.objects.get(dealer=a, month=MAR)
    assert (feb.requests, feb.complaints, feb.quality_issues) == (2, 1, 1)
    assert (mar.requests, mar.complaints, mar.quality_issues) == (1, 0, 0)
    assert (feb.calls_in, feb.calls_out, feb.visits) == (2, 1, 0)
    assert (mar.calls_in, mar.calls_out, mar.visits) == (0, 0, 1)

    # A complaint logged later for March is picked up by the refresh.
    raised("complaint", datetime.datetime(2026, 3, 15, 14, 0, tzinfo=shanghai))
    services.facts_refresh()
    assert DealerMonth.objects.get(dealer=a, month=MAR).complaints == 1
