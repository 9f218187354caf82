"""The contact rules HQ holds reps to, with their defaults and a settings override.

Defaults follow the channel-maintenance notes (seed 004): a follow-up call (电话回访) at
least once a month, an on-site visit (上门访问) at least every two months, and no more than
4% of the dealers with a first order and no second one. "A month" is a rolling 31 days and
"two months" 62 days; the first-order grace is 90 days (REQUIREMENTS §4.5).

Override any of them in the Django settings, e.g.::

    VISITS_COMPLIANCE = {"call_days": 30, "first_order_limit": "0.05"}
"""

from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from qudao.visits.choices import ContactKind, PlanKind


@dataclass(frozen=True)
class Limits:
    """The rules in force.

    - call_days: a dealer is overdue for a call when none of the last `call_days` days
      (today included) had one: called on 1 March, it is due by 31 March and one day
      overdue on 1 April.
    - visit_days: the same for visits.
    - call_kinds: contact kinds that count as the monthly call; by default only calls the
      manufacturer made (回访 is our call, not the dealer's).
    - first_order_days: a dealer whose only order is this many days old counts as
      "first order only".
    - first_order_limit: the share of ordering dealers that may be "first order only"
      (exactly the limit passes).
    """

    call_days: int = 31
    visit_days: int = 62
    call_kinds: tuple[str, ...] = (ContactKind.CALL_OUT,)
    first_order_days: int = 90
    first_order_limit: Decimal = Decimal("0.04")

    def kinds_of(self, plan_kind: str) -> tuple[str, ...]:
        """Contact kinds that carry out a planned call or visit."""
        return (ContactKind.VISIT,) if plan_kind == PlanKind.VISIT else self.call_kinds


def limits() -> Limits:
    """The defaults with the VISITS_COMPLIANCE setting applied; a bad value fails loudly."""
    override: dict[str, Any] = getattr(settings, "VISITS_COMPLIANCE", None) or {}
    known = {f.name for f in fields(Limits)}
    unknown = set(override) - known
    if unknown:
        raise ImproperlyConfigured(f"VISITS_COMPLIANCE: unknown keys {sorted(unknown)}")
    values: dict[str, Any] = {}
    try:
        for key, value in override.items():
            if key in ("call_days", "visit_days", "first_order_days"):
                values[key] = int(value)
                if values[key] < 1:
                    raise ValueError(key)
            elif key == "first_order_limit":
                values[key] = Decimal(str(value))
                if not Decimal("0") <= values[key] <= Decimal("1"):
                    raise ValueError(key)
            else:
                values[key] = tuple(ContactKind(kind).value for kind in value)
    except (TypeError, ValueError, ArithmeticError) as exc:
        raise ImproperlyConfigured(f"VISITS_COMPLIANCE: bad value for {exc}") from exc
    return Limits(**values)
