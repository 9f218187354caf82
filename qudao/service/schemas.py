from datetime import datetime
from decimal import Decimal

from ninja import Schema
from pydantic import Field


class LimitOut(Schema):
    priority: str
    response_hours: Decimal
    resolution_hours: Decimal


class ServiceFunctionOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    department: str
    department_en: str
    guide: str
    responsible_id: int | None
    responsible_name: str
    phone: str
    email: str
    messaging_app: str
    messaging_id: str
    is_active: bool
    limits: list[LimitOut]

    @staticmethod
    def resolve_responsible_name(obj) -> str:
        return str(obj.responsible or "")

    @staticmethod
    def resolve_limits(obj) -> list[dict]:
        return [{"priority": p, "response_hours": obj.limits(p)[0],
                 "resolution_hours": obj.limits(p)[1]}
                for p in ("urgent", "high", "normal", "low")]


class RequestQuery(Schema):
    state: str | None = Field(None, description="open, done or all (default: open for "
                                                "staff, all for dealers).")
    status: str | None = None
    function: str | None = Field(None, description="A function code, e.g. complaint.")
    priority: str | None = None
    overdue: bool | None = None
    assignee: int | None = None
    mine: bool | None = None
    department: str | None = None
    dealer: int | None = None
    period: str | None = Field(None, description="Month raised, YYYY-MM.")
    q: str | None = None


class RequestOut(Schema):
    id: int
    number: str | None
    dealer_id: int
    dealer_code: str
    function_code: str
    department: str
    priority: str
    subject: str
    status: str
    channel: str
    product_sku: str | None
    assignee_id: int | None
    first_response_due: datetime
    first_response_at: datetime | None
    resolution_due: datetime
    resolved_at: datetime | None
    closed_at: datetime | None
    overdue: bool
    rating: int | None
    created_at: datetime

    @staticmethod
    def resolve_dealer_code(obj) -> str:
        return obj.dealer.code

    @staticmethod
    def resolve_function_code(obj) -> str:
        return obj.function.code

    @staticmethod
    def resolve_product_sku(obj) -> str | None:
        return obj.product.sku if obj.product_id else None

    @staticmethod
    def resolve_overdue(obj) -> bool:
        return obj.is_overdue


class AttachmentOut(Schema):
    id: int
    name: str
    size: int


class MessageOut(Schema):
    id: int
    kind: str
    author_id: int | None
    author_name: str
    body: str
    internal: bool
    from_status: str
    to_status: str
    created_at: datetime
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_author_name(obj) -> str:
        return str(obj.author or "")

    @staticmethod
    def resolve_attachments(obj) -> list:
        return list(obj.attachments.all())


class RequestDetailOut(RequestOut):
    description: str
    caller_name: str
    raised_by_id: int | None
    response_hours: Decimal
    resolution_hours: Decimal
    waiting_since: datetime | None
    reopened_count: int
    rating_comment: str
    messages: list[MessageOut]

    @staticmethod
    def resolve_messages(obj) -> list:
        # The handler sets `thread` to what the caller may see (no internal notes for
        # dealers).
        return obj.thread


class RequestIn(Schema):
    dealer_id: int | None = Field(None, description="Staff: the dealer; dealers: omit.")
    function: str = Field("", description="Function code, e.g. logistics.")
    priority: str = "normal"
    subject: str = ""
    description: str = ""
    product_sku: str = ""
    channel: str = Field("", description="Staff: phone, visit or api (default api).")
    caller_name: str = ""


class ReplyIn(Schema):
    body: str = ""
    internal: bool = Field(False, description="Staff only: a note dealers never see.")


class StatusIn(Schema):
    status: str = Field("", description="in_progress, waiting_dealer, resolved (staff); "
                                        "closed (dealer confirms); in_progress from "
                                        "resolved/closed reopens.")
    note: str = ""


class AssignIn(Schema):
    assignee_id: int = 0


class RateIn(Schema):
    rating: int = Field(0, description="1 (poor) to 5 (excellent).")
    comment: str = ""
