"""API of dealer service: the directory, and requests with their thread, status and rating.
Thin handlers over queries and services; a request outside the caller's scope is 404."""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import PageNumberPagination, paginate

from qudao.accounts.models import User
from qudao.api import require
from qudao.catalog.models import Product
from qudao.dealers.scoping import visible_dealers
from qudao.service import queries, services
from qudao.service.choices import Channel
from qudao.service.exceptions import RequestInvalid
from qudao.service.models import ServiceFunction, ServiceRequest
from qudao.service.schemas import (
    AssignIn,
    RateIn,
    ReplyIn,
    RequestDetailOut,
    RequestIn,
    RequestOut,
    RequestQuery,
    ServiceFunctionOut,
    StatusIn,
)

router = Router(tags=["Dealer service"])


def _request(request, request_id: int) -> ServiceRequest:
    try:
        item = queries.request_get(user=request.user, pk=request_id)
    except ServiceRequest.DoesNotExist:
        raise Http404 from None
    item.thread = queries.thread(user=request.user, request=item)
    return item


@router.get("/service-functions", response=list[ServiceFunctionOut])
def function_list(request):
    """The contact directory: every function, its people, contacts and time limits."""
    require(request, "service.view_directory")
    return queries.function_list(user=request.user)


@router.get("/service-requests", response=list[RequestOut])
@paginate(PageNumberPagination)
def request_list(request, filters: Query[RequestQuery]):
    require(request, "service.view_request")
    return queries.request_list(user=request.user, filters=filters.dict(exclude_none=True))


@router.get("/service-requests/{request_id}", response=RequestDetailOut)
def request_detail(request, request_id: int):
    """The request and its thread (dealers never get internal notes)."""
    require(request, "service.view_request")
    return _request(request, request_id)


@router.post("/service-requests", response={201: RequestDetailOut})
def request_create(request, payload: RequestIn):
    """Raise a request: a dealer for itself, staff for a dealer in scope (a call logged)."""
    require(request, "service.add_request")
    user = request.user
    if user.is_dealer_user:
        dealer = visible_dealers(user).first()
        if dealer is None:
            raise Http404
        channel = Channel.API
    else:
        if payload.dealer_id is None:
            raise RequestInvalid({"dealer_id": _("Say which dealer the request is for.")})
        dealer = visible_dealers(user).filter(pk=payload.dealer_id).first()
        if dealer is None:
            raise Http404
        channel = payload.channel or Channel.API
    function = ServiceFunction.objects.filter(code=payload.function, is_active=True).first()
    if function is None:
        raise RequestInvalid({"function": _("Unknown type of request: use a code of "
                                            "/api/service-functions.")})
    product = None
    if payload.product_sku.strip():
        product = Product.objects.filter(sku__iexact=payload.product_sku.strip()).first()
        if product is None:
            raise RequestInvalid({"product_sku": _("No product with this SKU.")})
    created = services.request_create(
        actor=user, dealer=dealer, function=function, priority=payload.priority,
        subject=payload.subject, description=payload.description, product=product,
        channel=channel, caller_name=payload.caller_name)
    return Status(201, _request(request, created.pk))


@router.post("/service-requests/{request_id}/messages", response={201: RequestDetailOut})
def request_reply(request, request_id: int, payload: ReplyIn):
    """Reply (staff may add an internal note instead)."""
    require(request, "service.add_request" if request.user.is_dealer_user
            else "service.handle_request")
    item = _request(request, request_id)
    services.message_add(actor=request.user, request=item, body=payload.body,
                         internal=payload.internal)
    return Status(201, _request(request, item.pk))


@router.post("/service-requests/{request_id}/status", response=RequestDetailOut)
def request_status(request, request_id: int, payload: StatusIn):
    """Move the request (staff), confirm it is solved or reopen it (dealer)."""
    require(request, "service.view_request")
    item = _request(request, request_id)
    services.request_status_change(actor=request.user, request=item,
                                   to_status=payload.status, note=payload.note)
    return _request(request, item.pk)


@router.post("/service-requests/{request_id}/assign", response=RequestDetailOut)
def request_assign(request, request_id: int, payload: AssignIn):
    require(request, "service.handle_request")
    item = _request(request, request_id)
    assignee = User.objects.filter(pk=payload.assignee_id).first()
    services.request_assign(actor=request.user, request=item, assignee=assignee)
    return _request(request, item.pk)


@router.post("/service-requests/{request_id}/rate", response=RequestDetailOut)
def request_rate(request, request_id: int, payload: RateIn):
    """The dealer rates the service (1-5): a resolved request is confirmed and closed."""
    require(request, "service.rate_request")
    item = _request(request, request_id)
    services.request_rate(actor=request.user, request=item, rating=payload.rating,
                          comment=payload.comment)
    return _request(request, item.pk)

# The needs registry and dealer support (qudao/service/needs_api.py).
from qudao.service.needs_api import router as needs_router  # noqa: E402

router.add_router("", needs_router)
