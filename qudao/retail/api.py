"""API of retail: thin handlers over queries and services.

Staff see the stores of the dealers they see; a dealer sees the stores it supplies (and
the applications filed for them); another's answers 404.
"""

from typing import Any

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import PageNumberPagination, paginate

from qudao.api import require
from qudao.dealers.models import Dealer
from qudao.retail import queries, services
from qudao.retail.exceptions import RetailInvalid
from qudao.retail.models import Application, StoreAudit
from qudao.retail.schemas import (
    ApplicationIn,
    ApplicationOut,
    ApplicationQuery,
    AuditDetailOut,
    AuditIn,
    AuditOut,
    AuditQuery,
    DecisionIn,
    RetailerDetailOut,
    RetailerOut,
    RetailerQuery,
    ReviewIn,
)
from qudao.territories.models import Territory

router = Router(tags=["Retailers"])


def _retailer(request, retailer_id: int) -> Dealer:
    try:
        return queries.retailer_get(user=request.user, pk=retailer_id)
    except Dealer.DoesNotExist:
        raise Http404 from None


def _application(request, application_id: int) -> Application:
    try:
        return queries.application_get(user=request.user, pk=application_id)
    except Application.DoesNotExist:
        raise Http404 from None


def _audit(request, audit_id: int) -> StoreAudit:
    try:
        return queries.audit_get(user=request.user, pk=audit_id)
    except StoreAudit.DoesNotExist:
        raise Http404 from None


@router.get("/retailers", response=list[RetailerOut])
@paginate(PageNumberPagination)
def retailer_list(request, filters: Query[RetailerQuery]):
    """Retail stores the caller may see, by code, with certificate and latest audit."""
    require(request, "retail.view_retailer")
    return queries.retailer_list(user=request.user, filters=filters.dict(exclude_none=True))


@router.get("/retailers/{retailer_id}", response=RetailerDetailOut)
def retailer_detail(request, retailer_id: int):
    """A store with its qualification check, support entitlements and certificate."""
    require(request, "retail.view_retailer")
    store = queries.retailer_list(user=request.user).filter(pk=retailer_id).first()
    if store is None:
        raise Http404
    page = queries.retailer_page(user=request.user, retailer=store)
    profile = page["profile"]
    store.store_area = profile.store_area if profile else None
    store.management_rating = profile.management_rating if profile else None
    store.qualification = page["check"].as_dict() if page["check"] else None
    store.entitlements = page["entitlements"]
    certificate = page["certificate"]
    if certificate is not None:
        certificate.state = certificate.state_on(timezone.localdate())
    store.certificate = certificate
    return store


@router.get("/retail-audits", response=list[AuditOut])
@paginate(PageNumberPagination)
def audit_list(request, filters: Query[AuditQuery]):
    """Store audits of the stores the caller may see, the latest first."""
    require(request, "retail.view_retailer")
    return queries.audit_list(user=request.user, filters=filters.dict(exclude_none=True))


@router.post("/retail-audits", response={201: AuditDetailOut})
def audit_create(request, payload: AuditIn):
    """Record an audit of a store (reps): a score for every checklist item in use."""
    require(request, "retail.audit_store")
    retailer = _retailer(request, payload.retailer_id)
    store_audit = services.audit_create(
        actor=request.user, retailer=retailer, audited_on=payload.audited_on,
        scores=[services.ItemScore(item_id=s.item_id, score=s.score, note=s.note)
                for s in payload.scores],
        notes=payload.notes, counterfeit_found=payload.counterfeit_found)
    return Status(201, _audit(request, store_audit.pk))


@router.get("/retail-audits/{audit_id}", response=AuditDetailOut)
def audit_detail(request, audit_id: int):
    require(request, "retail.view_retailer")
    return _audit(request, audit_id)


@router.get("/retail-applications", response=list[ApplicationOut])
@paginate(PageNumberPagination)
def application_list(request, filters: Query[ApplicationQuery]):
    """Retailer applications the caller may see, the latest filed first."""
    require(request, "retail.view_retailer")
    return queries.application_list(user=request.user,
                                    filters=filters.dict(exclude_none=True))


def _application_values(payload: ApplicationIn) -> dict[str, Any]:
    data = payload.dict()
    errors: dict[str, str] = {}
    territory_id, parent_id = data.pop("territory_id"), data.pop("parent_id")
    data.pop("retailer_id")
    data["territory"] = Territory.objects.filter(pk=territory_id).first() if territory_id \
        else None
    if territory_id and data["territory"] is None:
        errors["territory_id"] = _("No region with this id.")
    data["parent"] = Dealer.objects.filter(pk=parent_id).first() if parent_id else None
    if parent_id and data["parent"] is None:
        errors["parent_id"] = _("No dealer with this id.")
    if errors:
        raise RetailInvalid(errors)
    return data


@router.post("/retail-applications", response={201: ApplicationOut})
def application_create(request, payload: ApplicationIn):
    """File a store's application on its behalf (reps; a dealer for a store it supplies)."""
    require(request, "retail.apply_retailer")
    retailer = _retailer(request, payload.retailer_id) if payload.retailer_id else None
    application = services.application_submit(actor=request.user, retailer=retailer,
                                              values=_application_values(payload))
    return Status(201, _application(request, application.pk))


@router.get("/retail-applications/{application_id}", response=ApplicationOut)
def application_detail(request, application_id: int):
    require(request, "retail.view_retailer")
    return _application(request, application_id)


@router.post("/retail-applications/{application_id}/review", response=ApplicationOut)
def application_review(request, application_id: int, payload: ReviewIn):
    """A rep's review: pass the application on (accept) or reject it with a note."""
    require(request, "retail.change_retailer")
    application = _application(request, application_id)
    services.application_review(actor=request.user, application=application,
                                accept=payload.accept, note=payload.note)
    return _application(request, application_id)


@router.post("/retail-applications/{application_id}/decide", response=ApplicationOut)
def application_decide(request, application_id: int, payload: DecisionIn):
    """A manager's decision (neither the applicant nor the reviewer): approve, which issues
    the certificate, or reject with a note."""
    require(request, "retail.approve_retailer")
    application = _application(request, application_id)
    services.application_decide(actor=request.user, application=application,
                                approve=payload.approve, note=payload.note,
                                grade=payload.grade, valid_from=payload.valid_from,
                                valid_until=payload.valid_until)
    return _application(request, application_id)
