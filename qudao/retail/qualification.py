"""The qualification check (R-RT-03): does a retailer meet the conditions of its type and
grade? Each condition is listed met or unmet with the numbers behind it.

Sales volume is the sum of the dealer-month facts' order amount over the last twelve
complete months; store environment is the retailer's latest audit score."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import OuterRef, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qudao.analytics.models import DealerMonth
from qudao.dealers.models import Dealer
from qudao.retail.models import QualificationCondition, RetailerProfile, StoreAudit
from qudao.stock.periods import add_months

VOLUME_MONTHS = 12


@dataclass(frozen=True)
class ConditionRow:
    """One condition: what is required, what the retailer shows, and whether it is met
    (None when nothing is required)."""

    key: str
    label: Any
    required: Any
    actual: Any
    unit: str = ""

    @property
    def needed(self) -> bool:
        return self.required is not None

    @property
    def met(self) -> bool | None:
        if self.required is None:
            return None
        return self.actual is not None and self.actual >= self.required

    def as_dict(self) -> dict[str, Any]:
        plain = (lambda v: None if v is None else str(v))  # noqa: E731
        return {"key": self.key, "label": str(self.label), "required": plain(self.required),
                "actual": plain(self.actual), "met": self.met, "unit": self.unit}


@dataclass(frozen=True)
class Check:
    retailer_type: str
    grade: str
    condition: QualificationCondition | None
    rows: list[ConditionRow]

    @property
    def qualified(self) -> bool:
        """Every required condition met (nothing configured: nothing to meet)."""
        return all(row.met for row in self.rows if row.needed)

    @property
    def unmet(self) -> list[ConditionRow]:
        return [row for row in self.rows if row.needed and not row.met]

    def as_dict(self) -> dict[str, Any]:
        return {"retailer_type": self.retailer_type, "grade": self.grade,
                "configured": self.condition is not None, "qualified": self.qualified,
                "rows": [row.as_dict() for row in self.rows]}


def volume_window(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """(first month, month after the last) of the twelve complete months before today's."""
    this_month = (today or timezone.localdate()).replace(day=1)
    return add_months(this_month, -VOLUME_MONTHS), this_month


def volumes(dealer_ids: list[int], today: datetime.date | None = None) -> dict[int, Decimal]:
    """12-month sales of each dealer, from the facts: one GROUP BY for any number."""
    start, end = volume_window(today)
    rows = (DealerMonth.objects.filter(dealer_id__in=list(dealer_ids), month__gte=start,
                                       month__lt=end)
            .order_by().values("dealer_id").annotate(total=Sum("order_amount")))
    found = {row["dealer_id"]: Decimal(row["total"] or 0).quantize(Decimal("0.01"))
             for row in rows}
    return {pk: found.get(pk, Decimal("0.00")) for pk in dealer_ids}


def latest_scores(dealer_ids: list[int]) -> dict[int, Decimal]:
    """Each retailer's latest audit score (retailers never audited are left out)."""
    latest = (StoreAudit.objects.filter(retailer_id=OuterRef("pk"))
              .order_by("-audited_on", "-id").values("total_score")[:1])
    rows = (Dealer.objects.filter(pk__in=list(dealer_ids)).order_by()
            .annotate(score=Subquery(latest)).values_list("pk", "score"))
    return {pk: score for pk, score in rows if score is not None}


def check(*, retailer_type: str, grade: str, volume: Decimal | None, area: int | None,
          staff: int | None, audit_score: Decimal | None, management: int | None,
          condition: QualificationCondition | None = None) -> Check:
    """The conditions of `retailer_type` and `grade` against the figures given."""
    if condition is None:
        condition = QualificationCondition.objects.filter(retailer_type=retailer_type,
                                                          grade=grade).first()
    c = condition
    rows = [
        ConditionRow("volume", _("Sales, last 12 months (CNY)"), c and c.min_volume, volume),
        ConditionRow("area", _("Store area (m²)"), c and c.min_area, area),
        ConditionRow("staff", _("Staff"), c and c.min_staff, staff),
        ConditionRow("environment", _("Store environment (latest audit score)"),
                     c and c.min_audit_score, audit_score),
        ConditionRow("management", _("Management capability (1-5)"), c and c.min_management,
                     management),
    ]
    return Check(retailer_type=retailer_type, grade=grade, condition=condition, rows=rows)


def retailer_check(*, retailer: Dealer, retailer_type: str | None = None,
                   grade: str | None = None, today: datetime.date | None = None,
                   area: int | None = None, staff: int | None = None,
                   management: int | None = None) -> Check:
    """A retailer against the conditions of its own type and grade (or of those given, as
    when it applies for another type); store figures given override its profile."""
    profile = RetailerProfile.objects.filter(retailer=retailer).first()
    return check(
        retailer_type=retailer_type or retailer.retailer_type, grade=grade or retailer.grade,
        volume=volumes([retailer.pk], today)[retailer.pk],
        area=area if area is not None else (profile.store_area if profile else None),
        staff=staff if staff is not None else retailer.staff_count,
        audit_score=latest_scores([retailer.pk]).get(retailer.pk),
        management=(management if management is not None
                    else (profile.management_rating if profile else None)),
    )
