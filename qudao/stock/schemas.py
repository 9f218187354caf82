from datetime import date, datetime
from decimal import Decimal

from ninja import Schema
from pydantic import Field


class StockReportQuery(Schema):
    dealer: int | None = None
    q: str | None = None
    period: str | None = Field(None, description="Month as YYYY-MM.")
    source: str | None = None


class StockLineIn(Schema):
    product_id: int
    quantity: int


class FlowLineIn(Schema):
    sold_on: date
    product_id: int
    quantity: int
    customer_id: int | None = None
    customer_name: str = ""
    territory_id: int | None = None
    batch_number: str = ""


class StockReportIn(Schema):
    dealer_id: int
    period: date = Field(description="The first day of the reported month.")
    stock_lines: list[StockLineIn] = []
    flow_lines: list[FlowLineIn] = []
    source: str | None = Field(None, description="portal, excel or staff; by default portal "
                                                 "for dealer users, staff otherwise.")


class StockReportOut(Schema):
    id: int
    dealer_id: int
    dealer_code: str = Field(alias="dealer.code")
    dealer_name: str = Field(alias="dealer.name")
    period: date
    source: str
    submitted_at: datetime
    submitted_by_id: int | None
    stock_line_count: int
    stock_quantity: int
    flow_line_count: int
    flow_quantity: int


class StockLineOut(Schema):
    product_id: int
    sku: str = Field(alias="product.sku")
    product_name: str = Field(alias="product.name")
    quantity: int


class FlowLineOut(Schema):
    sold_on: date
    product_id: int
    sku: str = Field(alias="product.sku")
    quantity: int
    customer_id: int | None
    customer_name: str
    territory_id: int | None
    batch_number: str


class StockReportDetailOut(StockReportOut):
    """A report with its lines; the handler puts the lines, fetched with their products,
    on `stock_lines_list` and `flow_lines_list`."""

    stock_lines: list[StockLineOut]
    flow_lines: list[FlowLineOut]

    @staticmethod
    def resolve_stock_lines(obj):
        return obj.stock_lines_list

    @staticmethod
    def resolve_flow_lines(obj):
        return obj.flow_lines_list


class PositionLineOut(Schema):
    product_id: int
    sku: str
    name: str
    quantity: int
    sold_90d: int
    daily_sales: Decimal
    days_of_stock: Decimal | None
    flag: str


class StockPositionOut(Schema):
    dealer_id: int
    as_of: date
    report_id: int | None
    report_period: date | None
    basis_date: date
    window_start: date
    sales_basis: str | None
    safety_stock_days: int | None
    max_stock_days: int | None
    stockout_count: int
    overstock_count: int
    lines: list[PositionLineOut]


class SellThroughLineOut(Schema):
    shipment_line_id: int
    shipment_id: int
    shipment_number: str
    shipped_on: date
    product_id: int
    sku: str
    batch_number: str
    shipped: int
    sold: int
    share: Decimal


class SellThroughProductOut(Schema):
    product_id: int
    sku: str
    name: str
    shipped: int
    sold: int
    on_hand_estimate: int
    share: Decimal


class SeriesOut(Schema):
    months: list[str]
    sell_in: list[int]
    sell_out: list[int]
    month_end_share: list[float]


class SellThroughOut(Schema):
    dealer_id: int
    flow_total: int
    lines: list[SellThroughLineOut]
    products: list[SellThroughProductOut]
    series: SeriesOut


class MissingReportOut(Schema):
    dealer_id: int = Field(alias="pk")
    dealer_code: str = Field(alias="code")
    dealer_name: str = Field(alias="name")
    due_day: int
    last_period: date | None
