"""API of orders, shipments, returns and product codes: thin handlers over queries and
services. Every record is fetched through the user's scope first (another dealer's: 404)."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import PageNumberPagination, paginate

from qudao.api import require
from qudao.dealers.scoping import visible_dealers
from qudao.orders import queries, services
from qudao.orders.choices import OrderChannel
from qudao.orders.exceptions import OrderLinesInvalid
from qudao.orders.schemas import (
    DeliverIn,
    OrderDetailOut,
    OrderOut,
    OrderPlaceIn,
    OrderQuery,
    ProductCodeOut,
    ReasonIn,
    ReceiveIn,
    ReturnDetailOut,
    ReturnIn,
    ReturnOut,
    ReturnQuery,
    ShipIn,
    ShipmentDetailOut,
    ShipmentListOut,
    ShipmentQuery,
)
from qudao.territories.models import Territory

router = Router(tags=["Orders"])


def _order(request, order_id: int):
    return queries.order_get(user=request.user, pk=order_id)


@router.get("/orders", response=list[OrderOut])
@paginate(PageNumberPagination)
def order_list(request, filters: Query[OrderQuery]):
    require(request, "orders.view_order")
    return queries.order_list(user=request.user, filters=filters.dict(exclude_none=True))


@router.post("/orders", response={201: OrderDetailOut})
def order_place(request, payload: OrderPlaceIn):
    """Place an order; it is approved at once within the dealer's credit, else it waits
    for finance with the reason in `hold_reason`."""
    require(request, "orders.add_order")
    dealer_id = payload.dealer_id
    if request.user.is_dealer_user:
        dealer_id = dealer_id or request.user.dealer_id
    if dealer_id is None:
        raise OrderLinesInvalid(_("Say which dealer the order is for."),
                                errors={"dealer_id": _("Required.")})
    dealer = get_object_or_404(visible_dealers(request.user).select_related("territory"),
                               pk=dealer_id)
    territory = None
    if payload.delivery_territory_id is not None:
        territory = get_object_or_404(Territory, pk=payload.delivery_territory_id)
    order = services.order_place(
        actor=request.user, dealer=dealer, channel=OrderChannel.API,
        lines=[(line.product_id, line.quantity) for line in payload.lines],
        ordered_on=payload.ordered_on, delivery_territory=territory,
        delivery_address=payload.delivery_address, note=payload.note,
        external_ref=payload.external_ref or None)
    return Status(201, queries.order_placed_get(order=order))


@router.get("/orders/{order_id}", response=OrderDetailOut)
def order_order(request, order_id: int):
    require(request, "orders.view_order")
    return _order(request, order_id)


@router.post("/orders/{order_id}/approve", response=OrderDetailOut)
def order_approve(request, order_id: int):
    """Finance approves an order held for credit (it reserves the total)."""
    require(request, "orders.approve_credit")
    services.order_approve_credit(actor=request.user, order=_order(request, order_id))
    return _order(request, order_id)


@router.post("/orders/{order_id}/reject", response=OrderDetailOut)
def order_reject(request, order_id: int, payload: ReasonIn):
    require(request, "orders.approve_credit")
    services.order_reject(actor=request.user, order=_order(request, order_id),
                          reason=payload.reason)
    return _order(request, order_id)


@router.post("/orders/{order_id}/cancel", response=OrderDetailOut)
def order_cancel(request, order_id: int, payload: ReasonIn):
    require(request, "orders.cancel_order")
    services.order_cancel(actor=request.user, order=_order(request, order_id),
                          reason=payload.reason)
    return _order(request, order_id)


@router.post("/orders/{order_id}/ship", response={201: ShipmentDetailOut})
def order_ship(request, order_id: int, payload: ShipIn):
    """Ship lines (quantity and batch number each), invoice the shipment, optionally
    generate a product code per unit or per case."""
    require(request, "orders.ship_order")
    shipment = services.order_ship(
        actor=request.user, order=_order(request, order_id),
        lines=[(line.order_line_id, line.quantity, line.batch_number) for line in payload.lines],
        shipped_on=payload.shipped_on, carrier=payload.carrier,
        tracking_number=payload.tracking_number, code_kind=payload.code_kind)
    return Status(201, queries.shipment_get(user=request.user, pk=shipment.pk))


@router.post("/orders/{order_id}/close", response=OrderDetailOut)
def order_close(request, order_id: int, payload: ReasonIn):
    require(request, "orders.view_order")
    services.order_close(actor=request.user, order=_order(request, order_id),
                         reason=payload.reason)
    return _order(request, order_id)


@router.get("/shipments", response=list[ShipmentListOut])
@paginate(PageNumberPagination)
def shipment_list(request, filters: Query[ShipmentQuery]):
    require(request, "orders.view_order")
    return queries.shipment_list(user=request.user, filters=filters.dict(exclude_none=True))


@router.get("/shipments/{shipment_id}", response=ShipmentDetailOut)
def shipment_order(request, shipment_id: int):
    require(request, "orders.view_order")
    return queries.shipment_get(user=request.user, pk=shipment_id)


@router.post("/shipments/{shipment_id}/deliver", response=ShipmentDetailOut)
def shipment_deliver(request, shipment_id: int, payload: DeliverIn):
    """Record the arrival (the order desk, or the dealer confirming receipt)."""
    require(request, "orders.view_order")
    shipment = queries.shipment_get(user=request.user, pk=shipment_id)
    services.shipment_deliver(actor=request.user, shipment=shipment,
                              delivered_on=payload.delivered_on)
    return queries.shipment_get(user=request.user, pk=shipment_id)


@router.get("/returns", response=list[ReturnOut])
@paginate(PageNumberPagination)
def return_list(request, filters: Query[ReturnQuery]):
    require(request, "orders.view_order")
    return queries.return_list(user=request.user, filters=filters.dict(exclude_none=True))


@router.post("/returns", response={201: ReturnDetailOut})
def return_create(request, payload: ReturnIn):
    require(request, "orders.add_return")
    request_ = services.return_request_create(
        actor=request.user, order=_order(request, payload.order_id), reason=payload.reason,
        description=payload.description,
        lines=[(line.order_line_id, line.quantity) for line in payload.lines])
    return Status(201, queries.return_get(user=request.user, pk=request_.pk))


@router.get("/returns/{return_id}", response=ReturnDetailOut)
def return_order(request, return_id: int):
    require(request, "orders.view_order")
    return queries.return_get(user=request.user, pk=return_id)


@router.post("/returns/{return_id}/approve", response=ReturnDetailOut)
def return_approve(request, return_id: int):
    require(request, "orders.decide_return")
    services.return_approve(actor=request.user,
                            return_request=queries.return_get(user=request.user, pk=return_id))
    return queries.return_get(user=request.user, pk=return_id)


@router.post("/returns/{return_id}/reject", response=ReturnDetailOut)
def return_reject(request, return_id: int, payload: ReasonIn):
    require(request, "orders.decide_return")
    services.return_reject(actor=request.user,
                           return_request=queries.return_get(user=request.user, pk=return_id),
                           reason=payload.reason)
    return queries.return_get(user=request.user, pk=return_id)


@router.post("/returns/{return_id}/receive", response=ReturnDetailOut)
def return_receive(request, return_id: int, payload: ReceiveIn):
    """The goods are back: a credit note lowers the dealer's receivables."""
    require(request, "orders.decide_return")
    services.return_receive(actor=request.user,
                            return_request=queries.return_get(user=request.user, pk=return_id),
                            received_on=payload.received_on)
    return queries.return_get(user=request.user, pk=return_id)


@router.get("/product-codes/{code}", response=ProductCodeOut)
def product_code_trace(request, code: str):
    """Which dealer, shipment, batch and product a code was shipped with (staff only)."""
    require(request, "orders.view_order")
    return queries.product_code_trace(user=request.user, code=code)
