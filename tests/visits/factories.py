"""Builders of the visits tests: contacts, plans and orders written directly (no services,
no audit events), at days counted back from today."""

import datetime
import itertools
from decimal import Decimal

from django.utils import timezone

from qudao.dealers.models import Dealer
from qudao.orders.models import Order
from qudao.visits.compliance import day_start
from qudao.visits.models import Contact
from qudao.visits.services import local_month

_numbers = itertools.count(1)


def today() -> datetime.date:
    return timezone.localdate()


def days_ago(days: int, hour: int = 10) -> datetime.datetime:
    """A moment `days` local days before today, at `hour` o'clock (Asia/Shanghai)."""
    return day_start(today() - datetime.timedelta(days=days)) + datetime.timedelta(hours=hour)


def seasoned(*dealers: Dealer, days: int = 400) -> None:
    """Dealers active for a long time (their contact clocks start at their last contact)."""
    Dealer.objects.filter(pk__in=[d.pk for d in dealers]).update(
        status_changed_at=days_ago(days))


def log(dealer: Dealer, staff, *, kind: str = "call_out", ago: int = 0, hour: int = 10,
        **fields) -> Contact:
    """A call or visit `ago` days back."""
    moment = days_ago(ago, hour)
    values = {"purpose": "relationship", "notes": "例行沟通"}
    values.update(fields)
    return Contact.objects.create(dealer=dealer, staff=staff, kind=kind, happened_at=moment,
                                  month=local_month(moment), **values)


def order(dealer: Dealer, *, ago: int, status: str = "approved") -> Order:
    """A sales order placed `ago` days back."""
    return Order.objects.create(number=f"SO-V{next(_numbers):07d}", dealer=dealer,
                                status=status, ordered_on=today() - datetime.timedelta(days=ago),
                                total_amount=Decimal("1000.00"))
