"""API shapes of orders, shipments, returns and product codes.

Write bodies default every field, so a request is checked for permission and scope
(403/404) before its content is judged by the service (409 with per-line errors).
"""

from datetime import date, datetime
from decimal import Decimal

from ninja import Schema
from pydantic import Field


class OrderQuery(Schema):
    number: str | None = None
    dealer: str | None = None
    dealer_id: int | None = None
    status: str | None = None
    channel: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    awaiting: bool | None = None


class OrderLineIn(Schema):
    product_id: int
    quantity: int


class OrderPlaceIn(Schema):
    dealer_id: int | None = Field(None, description="Required for staff; a dealer user "
                                                    "orders for its own dealer.")
    lines: list[OrderLineIn] = []
    ordered_on: date | None = None
    delivery_territory_id: int | None = None
    delivery_address: str = ""
    note: str = ""
    external_ref: str | None = None


class OrderOut(Schema):
    id: int
    number: str
    dealer_id: int
    dealer_code: str = Field(alias="dealer.code")
    dealer_name: str = Field(alias="dealer.name")
    agreement_id: int | None
    status: str
    channel: str
    ordered_on: date
    total_amount: Decimal
    total_quantity: int
    hold_reason: str
    decision_reason: str
    created_at: datetime


class OrderLineOut(Schema):
    id: int
    product_id: int
    sku: str = Field(alias="product.sku")
    product_name: str = Field(alias="product.name")
    quantity: int
    list_price: Decimal
    unit_price: Decimal
    amount: Decimal
    shipped_quantity: int
    returned_quantity: int


class ShipmentBriefOut(Schema):
    id: int
    number: str
    status: str
    shipped_on: date
    delivered_on: date | None
    amount: Decimal
    code_count: int = 0


class ReturnBriefOut(Schema):
    id: int
    number: str
    status: str
    reason: str
    amount: Decimal


class OrderDetailOut(OrderOut):
    delivery_territory_id: int | None
    delivery_address: str
    note: str
    external_ref: str | None
    placed_by_id: int | None
    submitted_at: datetime | None
    approved_at: datetime | None
    approved_by_id: int | None
    lines: list[OrderLineOut]
    shipments: list[ShipmentBriefOut]
    returns: list[ReturnBriefOut]

    @staticmethod
    def resolve_lines(obj) -> list:
        return list(obj.lines.all())

    @staticmethod
    def resolve_shipments(obj) -> list:
        return list(obj.shipments.all())

    @staticmethod
    def resolve_returns(obj) -> list:
        return list(obj.returns.all())


class ReasonIn(Schema):
    reason: str = ""


class ShipLineIn(Schema):
    order_line_id: int
    quantity: int
    batch_number: str = ""


class ShipIn(Schema):
    lines: list[ShipLineIn] = []
    shipped_on: date | None = None
    carrier: str = ""
    tracking_number: str = ""
    code_kind: str = Field("", description='"" (no codes), "unit" or "case"')


class ShipmentQuery(Schema):
    number: str | None = None
    order: str | None = None
    dealer: str | None = None
    dealer_id: int | None = None
    batch: str | None = None
    status: str | None = None
    date_from: date | None = None
    date_to: date | None = None


class ShipmentOut(Schema):
    id: int
    number: str
    order_id: int
    order_number: str = Field(alias="order.number")
    dealer_id: int
    dealer_name: str = Field(alias="dealer.name")
    status: str
    shipped_on: date
    delivered_on: date | None
    carrier: str
    tracking_number: str
    amount: Decimal
    code_kind: str
    code_count: int = 0


class ShipmentListOut(ShipmentOut):
    line_count: int = 0


class ShipmentLineOut(Schema):
    id: int
    order_line_id: int
    product_id: int
    sku: str = Field(alias="product.sku")
    quantity: int
    batch_number: str
    amount: Decimal
    code_count: int = 0


class ShipmentDetailOut(ShipmentOut):
    lines: list[ShipmentLineOut]

    @staticmethod
    def resolve_lines(obj) -> list:
        return list(obj.lines.all())


class DeliverIn(Schema):
    delivered_on: date | None = None


class ReturnQuery(Schema):
    number: str | None = None
    order: str | None = None
    dealer: str | None = None
    dealer_id: int | None = None
    status: str | None = None
    reason: str | None = None


class ReturnLineIn(Schema):
    order_line_id: int
    quantity: int


class ReturnIn(Schema):
    order_id: int
    reason: str
    description: str = ""
    lines: list[ReturnLineIn]


class ReturnOut(Schema):
    id: int
    number: str
    order_id: int
    order_number: str = Field(alias="order.number")
    dealer_id: int
    dealer_name: str = Field(alias="dealer.name")
    reason: str
    status: str
    amount: Decimal
    description: str
    decision_reason: str
    created_at: datetime


class ReturnLineOut(Schema):
    id: int
    order_line_id: int
    sku: str = Field(alias="order_line.product.sku")
    quantity: int
    amount: Decimal


class ReturnDetailOut(ReturnOut):
    lines: list[ReturnLineOut]

    @staticmethod
    def resolve_lines(obj) -> list:
        return list(obj.lines.all())


class ReceiveIn(Schema):
    received_on: date | None = None


class ProductCodeOut(Schema):
    code: str
    kind: str
    units: int
    dealer_id: int
    dealer_code: str = Field(alias="dealer.code")
    dealer_name: str = Field(alias="dealer.name")
    dealer_region: str = Field(alias="dealer.territory.name")
    product_id: int
    sku: str = Field(alias="product.sku")
    product_name: str = Field(alias="product.name")
    batch_number: str = Field(alias="shipment_line.batch_number")
    shipment_id: int = Field(alias="shipment_line.shipment_id")
    shipment_number: str = Field(alias="shipment_line.shipment.number")
    shipped_on: date = Field(alias="shipment_line.shipment.shipped_on")
    order_number: str = Field(alias="shipment_line.shipment.order.number")
