"""Reads of retailer management, already limited to what the user may see.

Retailers are dealers of level terminal or key account. Staff see those of the dealers
they see (visible_dealers); a dealer user sees the stores it supplies (its own dealer as
their parent), and nothing of other dealers' stores. Applications follow the region they
are filed in, their supplying dealer or their store.
"""

import datetime
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from qudao.core import audit
from qudao.core.pagination import filters_copy
from qudao.dealers.models import Dealer
from qudao.dealers.scoping import dealer_rows, visible_dealers, visible_territories
from qudao.retail import qualification, reports
from qudao.retail.choices import RETAIL_LEVELS, CertificateState
from qudao.retail.filters import (
    ApplicationFilter,
    AuditFilter,
    CertificateFilter,
    RetailerFilter,
)
from qudao.retail.models import (
    EXPIRING_DAYS,
    Application,
    Certificate,
    ChecklistItem,
    Entitlement,
    QualificationCondition,
    RetailerProfile,
    StoreAudit,
)

PANEL_ROWS = 5
PAGE_ROWS = 10


def _active(user: Any) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def visible_retailers(user: Any) -> QuerySet[Dealer]:
    """Retail stores the user may see; every other store answers 404 to them."""
    stores = Dealer.objects.filter(channel_level__in=RETAIL_LEVELS)
    if not _active(user) or not user.has_perm("retail.view_retailer"):
        return stores.none()
    if user.is_dealer_user:
        own = visible_dealers(user)
        return stores.filter(Q(parent__in=own) | Q(pk__in=own))
    return dealer_rows(stores, user, "pk")


def _current_certificate(field: str) -> Subquery:
    current = (Certificate.objects.filter(retailer=OuterRef("pk"), revoked_on__isnull=True)
               .order_by("-valid_until", "-id").values(field)[:1])
    return Subquery(current)


def _latest_audit(field: str) -> Subquery:
    latest = (StoreAudit.objects.filter(retailer=OuterRef("pk"))
              .order_by("-audited_on", "-id").values(field)[:1])
    return Subquery(latest)


def retailer_list(*, user: Any, filters: Any = None) -> QuerySet[Dealer]:
    """Stores the user sees, filtered, by code, each with its certificate in force (number,
    valid until) and latest audit (score, date): one query for a page of any size."""
    stores = (visible_retailers(user).select_related("territory", "parent", "assigned_rep")
              .annotate(cert_until=_current_certificate("valid_until"),
                        cert_number=_current_certificate("number"),
                        last_score=_latest_audit("total_score"),
                        last_audited=_latest_audit("audited_on")))
    return RetailerFilter(filters_copy(filters), queryset=stores).qs.order_by("code")


def certificate_state(until: datetime.date | None, today: datetime.date | None = None) -> str:
    today = today or timezone.localdate()
    if until is None:
        return CertificateState.NONE
    if until < today:
        return CertificateState.EXPIRED
    if until <= today + datetime.timedelta(days=EXPIRING_DAYS):
        return CertificateState.EXPIRING
    return CertificateState.VALID


def retailer_get(*, user: Any, pk: int) -> Dealer:
    """One store; Dealer.DoesNotExist outside the user's scope."""
    return visible_retailers(user).select_related("territory", "parent", "assigned_rep").get(
        pk=pk)


def retailer_page(*, user: Any, retailer: Dealer) -> dict[str, Any]:
    """Everything the retailer page shows: the qualification check of its type and grade,
    this month's and last month's commitments, its entitlements, certificates, audits,
    negotiations and applications."""
    today = timezone.localdate()
    this_month = today.replace(day=1)
    last_month = (this_month - datetime.timedelta(days=1)).replace(day=1)
    commitments = {month: reports.commitments(retailer_ids=[retailer.pk], month=month,
                                              today=today)[retailer.pk]
                   for month in (this_month, last_month)}
    certificates = list(retailer.retail_certificates.select_related("issued_by")
                        .order_by("-valid_from", "-id")[:PAGE_ROWS])
    current = next((c for c in certificates if c.revoked_on is None
                    and c.valid_until >= today), None)
    return {
        "retailer": retailer,
        "profile": RetailerProfile.objects.filter(retailer=retailer).first(),
        "check": qualification.retailer_check(retailer=retailer, today=today)
        if retailer.retailer_type and retailer.grade else None,
        "months": [this_month, last_month],
        "commitments": list(zip(commitments[this_month], commitments[last_month],
                                strict=True)),
        "entitlements": entitlements_for(retailer_type=retailer.retailer_type,
                                         grade=retailer.grade),
        "certificate": current,
        "certificates": certificates,
        "audits": list(retailer.store_audits.select_related("auditor")
                       .order_by("-audited_on", "-id")[:PAGE_ROWS]),
        "negotiations": list(retailer.negotiations.select_related("recorded_by")
                             .order_by("-held_on", "-id")[:PAGE_ROWS]),
        "applications": list(visible_applications(user).filter(retailer=retailer)
                             .select_related("applicant")[:PAGE_ROWS]),
        "history": list(audit.history(retailer).filter(event__startswith="retail.")[:20]),
    }


def entitlements_for(*, retailer_type: str, grade: str) -> list[Entitlement]:
    """The support a retailer of this type and grade may get."""
    if not retailer_type or not grade:
        return []
    return list(Entitlement.objects.filter(retailer_type=retailer_type, grade=grade)
                .order_by("kind", "id"))


# -- applications and certificates ---------------------------------------------------------

def visible_applications(user: Any) -> QuerySet[Application]:
    """Applications the user may see: staff those filed in their territories, for a dealer
    or a store they see; a dealer those it supplies the store of."""
    applications = Application.objects.all()
    if not _active(user) or not user.has_perm("retail.view_retailer"):
        return applications.none()
    if user.is_dealer_user:
        return applications.filter(parent__in=visible_dealers(user))
    if user.sees_all_dealers:
        return applications
    return applications.filter(Q(territory__in=visible_territories(user))
                               | Q(parent__in=visible_dealers(user))
                               | Q(retailer__in=visible_dealers(user)))


def application_list(*, user: Any, filters: Any = None) -> QuerySet[Application]:
    """Applications the user sees, filtered, the latest filed first."""
    applications = (visible_applications(user)
                    .select_related("territory", "parent", "retailer", "applicant",
                                    "reviewed_by", "decided_by", "certificate"))
    return ApplicationFilter(filters_copy(filters), queryset=applications).qs.order_by(
        "-submitted_at", "-id")


def application_get(*, user: Any, pk: int) -> Application:
    """One application; Application.DoesNotExist outside the user's scope."""
    return (visible_applications(user)
            .select_related("territory", "parent", "retailer", "applicant", "reviewed_by",
                            "decided_by", "certificate")
            .get(pk=pk))


def visible_certificates(user: Any) -> QuerySet[Certificate]:
    return Certificate.objects.filter(retailer__in=visible_retailers(user))


def certificate_list(*, user: Any, filters: Any = None) -> QuerySet[Certificate]:
    """Certificates of the stores the user sees, filtered, the soonest to expire first."""
    certificates = visible_certificates(user).select_related("retailer",
                                                             "retailer__territory")
    return CertificateFilter(filters_copy(filters), queryset=certificates).qs.order_by(
        "valid_until", "id")


def certificate_get(*, user: Any, pk: int) -> Certificate:
    return (visible_certificates(user)
            .select_related("retailer", "retailer__territory", "retailer__parent",
                            "application", "issued_by")
            .get(pk=pk))


def expiring_count(*, user: Any) -> int:
    """Certificates in force that expire within 30 days."""
    today = timezone.localdate()
    return visible_certificates(user).filter(
        revoked_on__isnull=True, valid_until__gte=today,
        valid_until__lte=today + datetime.timedelta(days=EXPIRING_DAYS)).count()


# -- audits and negotiations ----------------------------------------------------------------

def visible_audits(user: Any) -> QuerySet[StoreAudit]:
    return StoreAudit.objects.filter(retailer__in=visible_retailers(user))


def audit_list(*, user: Any, filters: Any = None) -> QuerySet[StoreAudit]:
    """Audits of the stores the user sees, filtered, the latest first."""
    audits = (visible_audits(user).select_related("retailer", "retailer__territory", "auditor")
              .annotate(photo_count=Count("photos")))
    return AuditFilter(filters_copy(filters), queryset=audits).qs.order_by("-audited_on", "-id")


def audit_get(*, user: Any, pk: int) -> StoreAudit:
    return (visible_audits(user).select_related("retailer", "auditor")
            .prefetch_related("scores", "photos").get(pk=pk))


def checklist() -> list[ChecklistItem]:
    """The checklist in use, in order."""
    return list(ChecklistItem.objects.filter(is_active=True).order_by("position", "id"))


def conditions() -> list[QualificationCondition]:
    return list(QualificationCondition.objects.order_by("retailer_type", "grade"))


# -- the dealer page -----------------------------------------------------------------------

def dealer_panel(*, user: Any, dealer: Dealer) -> dict[str, Any]:
    """The dealer page's "retail" panel. For a store: its certificate and latest audit. For
    a dealer: the stores it supplies that the user sees, by certificate state, and those
    whose latest audit scored lowest."""
    if dealer.channel_level in RETAIL_LEVELS:
        store = visible_retailers(user).filter(pk=dealer.pk).annotate(
            cert_until=_current_certificate("valid_until"),
            cert_number=_current_certificate("number"),
            last_score=_latest_audit("total_score"),
            last_audited=_latest_audit("audited_on")).first()
        return {"dealer": dealer, "store": store,
                "store_state": certificate_state(store.cert_until) if store else None}
    stores = retailer_list(user=user, filters={"parent": dealer.pk})
    today = timezone.localdate()
    soon = today + datetime.timedelta(days=EXPIRING_DAYS)
    counts = stores.order_by().aggregate(
        total=Count("id"),
        none=Count("id", filter=Q(cert_until__isnull=True)),
        expired=Count("id", filter=Q(cert_until__lt=today)),
        expiring=Count("id", filter=Q(cert_until__gte=today, cert_until__lte=soon)),
        valid=Count("id", filter=Q(cert_until__gt=soon)))
    lowest = list(stores.filter(last_score__isnull=False).order_by("last_score", "code")
                  [:PANEL_ROWS])
    return {"dealer": dealer, "store": None, "total": counts["total"],
            "states": [(CertificateState(key).label, key, counts[key])
                       for key in CertificateState.values],
            "lowest": lowest}
