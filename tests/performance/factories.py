"""Hand-built facts and records for the performance tests, written straight to the database
(no services, no audit events)."""

import datetime
from decimal import Decimal

from django.utils import timezone

from qudao.agreements.models import Agreement
from qudao.analytics.models import DealerMonth
from qudao.orders.models import Order, OrderLine, Shipment
from qudao.performance.models import ChannelExpense, MarketSize, RepRating
from qudao.service.models import ServiceFunction, ServiceRequest
from qudao.visits.models import Contact

D = Decimal


def month(text: str) -> datetime.date:
    return datetime.date.fromisoformat(f"{text}-01")


def fact(dealer, when: str, **values) -> DealerMonth:
    """One dealer-month; money given as strings or numbers."""
    for key, value in list(values.items()):
        if isinstance(value, str) and not key.endswith("_day"):
            values[key] = D(value)
    return DealerMonth.objects.create(dealer=dealer, month=month(when), **values)


def at(text: str) -> datetime.datetime:
    """A moment in the business time zone, "2025-02-03 09:00"."""
    return timezone.make_aware(datetime.datetime.fromisoformat(text))


def request_make(dealer, code: str, raised: str, *, response_due_h: int, response_h: int,
                 resolution_due_h: int, resolved_h: int) -> ServiceRequest:
    created = at(raised)
    hours = datetime.timedelta(hours=1)
    return ServiceRequest.objects.create(
        dealer=dealer, function=ServiceFunction.objects.get(code=code), subject="测试",
        description="测试", status="resolved", response_hours=D(response_due_h),
        resolution_hours=D(resolution_due_h), created_at=created,
        first_response_due=created + response_due_h * hours,
        first_response_at=created + response_h * hours,
        resolution_due=created + resolution_due_h * hours,
        resolved_at=created + resolved_h * hours)


def agreement_make(dealer, number: str, signed: str) -> Agreement:
    day = datetime.date.fromisoformat(signed)
    return Agreement.objects.create(number=number, dealer=dealer, status="active",
                                    start_date=day, end_date=day.replace(year=day.year + 1),
                                    signed_on=day)


def order_make(dealer, number: str, ordered: str, *, product=None, amount: str = "0",
               shipped: str | None = None, delivered: str | None = None) -> Order:
    day = datetime.date.fromisoformat(ordered)
    order = Order.objects.create(number=number, dealer=dealer, ordered_on=day,
                                 status="delivered", total_amount=D(amount))
    if product is not None:
        OrderLine.objects.create(order=order, dealer=dealer, ordered_on=day, product=product,
                                 quantity=1, list_price=D(amount), unit_price=D(amount),
                                 amount=D(amount), shipped_quantity=1)
    if shipped:
        Shipment.objects.create(number=f"SH{number}", order=order, dealer=dealer,
                                status="delivered",
                                shipped_on=datetime.date.fromisoformat(shipped),
                                delivered_on=datetime.date.fromisoformat(delivered)
                                if delivered else None, amount=D(amount))
    return order


def contact_make(dealer, staff, kind: str, when: str) -> Contact:
    moment = at(when)
    return Contact.objects.create(dealer=dealer, staff=staff, kind=kind, happened_at=moment,
                                  month=moment.date().replace(day=1), purpose="relationship",
                                  notes="回访")


def rating_make(dealer, rep, quarter: str, scores: tuple[int, int, int],
                comment: str = "") -> RepRating:
    return RepRating.objects.create(dealer=dealer, rep=rep, quarter=month(quarter),
                                    responsiveness=scores[0], professionalism=scores[1],
                                    sales_help=scores[2], comment=comment)


def expense_make(territory, when: str, category: str, amount: str) -> ChannelExpense:
    return ChannelExpense.objects.create(territory=territory, month=month(when),
                                         category=category, amount=D(amount))


def market_make(territory, year: int, amount: str) -> MarketSize:
    return MarketSize.objects.create(territory=territory, year=year, amount=D(amount))
