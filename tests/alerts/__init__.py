"""Builders shared by the early-warning tests.

The rules read the dealer-month facts, so most tests write those rows directly
(`fact`, `flat`) for dealers placed in the World's territories (`dealer`), then scan and
compare the alerts with exact figures (`found`, `figures`).
"""

import datetime
from decimal import Decimal

from qudao.alerts.models import Alert, Rule
from qudao.alerts.panel import add_months
from qudao.analytics.models import DealerMonth
from tests.factories import DealerFactory

D = Decimal


def month(year: int, number: int) -> datetime.date:
    return datetime.date(year, number, 1)


def months(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """Every month start from `first` to `last`, both included."""
    out = [first]
    while out[-1] < last:
        out.append(add_months(out[-1], 1))
    return out


def dealer(code: str, territory, *, level: str = "tier1", grade: str = "", rep=None):
    return DealerFactory(code=code, territory=territory, channel_level=level, grade=grade,
                         assigned_rep=rep)


def fact(dealer, day: datetime.date, amount: str | int | Decimal = 0, *,
         list_amount: str | int | Decimal | None = None, quantity: int | None = None,
         orders: int | None = None, first_day: int = 5, last_day: int = 20,
         **measures) -> DealerMonth:
    """One dealer-month (unsaved): orders of `amount` at list price unless `list_amount`
    says otherwise, two orders (on the 5th and the 20th) when there is an amount, one unit
    per 100 CNY; any other measure (target_amount, overdue30_added, allocated_amount,
    late_amount_days ...) as given."""
    amount = D(amount)
    count = orders if orders is not None else (2 if amount > 0 else 0)
    return DealerMonth(
        dealer=dealer, month=day, order_amount=amount,
        list_amount=D(list_amount) if list_amount is not None else amount,
        order_quantity=quantity if quantity is not None else int(amount / 100),
        order_count=count, order_lines=3 * count,
        first_order_day=day.replace(day=first_day) if count else None,
        last_order_day=day.replace(day=last_day) if count else None,
        **{k: D(v) for k, v in measures.items()})


def save(rows: list[DealerMonth]) -> None:
    DealerMonth.objects.bulk_create(rows)


def flat(dealer, first: datetime.date, last: datetime.date, amount=0, **fields) -> None:
    """The same month from `first` to `last`."""
    save([fact(dealer, m, amount, **fields) for m in months(first, last)])


def series(dealer, values: dict[datetime.date, dict | int | str]) -> None:
    """Months with their own figures: a number is the order amount, a dict the fields."""
    rows = []
    for day, value in values.items():
        fields = value if isinstance(value, dict) else {"amount": value}
        rows.append(fact(dealer, day, **fields))
    save(rows)


def rule(code: str) -> Rule:
    return Rule.objects.prefetch_related("territories").get(code=code)


def found(**filters) -> set[tuple[str, str, datetime.date]]:
    """(rule code, subject, month) of every alert; the subject is the dealer's code, or
    the subject key of a rep or region alert."""
    return {(a.rule.code, a.dealer.code if a.dealer else a.subject_key, a.period)
            for a in Alert.objects.filter(**filters).select_related("rule", "dealer")}


def figures(alert: Alert) -> tuple:
    """value, baseline, change, peer median and severity, as stored."""
    return alert.value, alert.baseline, alert.change, alert.peer_median, alert.severity
