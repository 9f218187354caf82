"""Retail records written straight to the database (no services, no audit events), for
tests that need them to exist."""

import datetime
from decimal import Decimal

from django.utils import timezone

from qudao.analytics.models import DealerMonth
from qudao.retail.models import (
    Application,
    AuditScore,
    Certificate,
    ChecklistItem,
    RetailerProfile,
    StoreAudit,
)
from tests.factories import DealerFactory, UserFactory


def store_make(*, parent=None, territory=None, level: str = "terminal",
               retailer_type: str = "authorized", grade: str = "B", **fields):
    """A trading retail store (under `parent`, in its region unless given)."""
    territory = territory or parent.territory
    return DealerFactory(channel_level=level, parent=parent, territory=territory,
                         retailer_type=retailer_type, grade=grade, **fields)


def profile_make(store, *, area: int | None = None, management: int | None = None):
    return RetailerProfile.objects.create(retailer=store, store_area=area,
                                          management_rating=management)


def audit_make(store, *, day: datetime.date, score: str, auditor=None,
               counterfeit: bool = False, failed: tuple[str, ...] = (),
               passed: tuple[str, ...] = ()) -> StoreAudit:
    """An audit with the given total; `failed` / `passed` add scores of commitments."""
    auditor = auditor or UserFactory(username="retail_auditor", role="sales_rep")
    store_audit = StoreAudit.objects.create(
        retailer=store, auditor=auditor, audited_on=day, month=day.replace(day=1),
        total_score=Decimal(score), points=int(Decimal(score)), max_points=100,
        counterfeit_found=counterfeit)
    for commitment in failed:
        AuditScore.objects.create(audit=store_audit, name=commitment, max_score=10, score=3,
                                  commitment=commitment, passed=False)
    for commitment in passed:
        AuditScore.objects.create(audit=store_audit, name=commitment, max_score=10, score=9,
                                  commitment=commitment, passed=True)
    return store_audit


def month_make(dealer, month: datetime.date, *, amount: str = "0", visits: int = 0,
               stock_reports: int = 0) -> DealerMonth:
    return DealerMonth.objects.create(dealer=dealer, month=month, order_amount=Decimal(amount),
                                      visits=visits, stock_reports=stock_reports)


def certificate_make(store, *, valid_from: datetime.date, valid_until: datetime.date,
                     number: str = "", **fields) -> Certificate:
    certificate = Certificate.objects.create(
        retailer=store, retailer_type=store.retailer_type or "authorized",
        grade=store.grade, valid_from=valid_from, valid_until=valid_until, **fields)
    certificate.number = number or f"RCT{certificate.pk:07d}"
    certificate.save(update_fields=["number"])
    return certificate


def checklist_make(*maxima: int) -> list[ChecklistItem]:
    """A checklist of its own: the seeded items taken out of use, these put in."""
    ChecklistItem.objects.update(is_active=False)
    return [ChecklistItem.objects.create(code=f"t{n}", name=f"检查项{n}", max_score=top,
                                         position=n)
            for n, top in enumerate(maxima, start=1)]


def application_values(world, **overrides) -> dict:
    values = {"store_name": "石家庄万家福超市", "address": "石家庄市长安区中山东路88号",
              "territory": world.shijiazhuang, "parent": world.dealer_a,
              "contact_name": "刘店长", "phone": "13931100000", "store_area": 90,
              "staff_count": 5, "management_rating": 4, "retailer_type": "authorized",
              "terms_accepted": True}
    values.update(overrides)
    return values


def application_make(world, *, applicant, status: str = "submitted", reviewed_by=None,
                     **overrides) -> Application:
    values = application_values(world, **overrides)
    application = Application.objects.create(applicant=applicant, status=status,
                                             reviewed_by=reviewed_by,
                                             submitted_at=timezone.now(), **values)
    application.number = f"RAT{application.pk:07d}"
    application.save(update_fields=["number"])
    return application
