from datetime import datetime
from decimal import Decimal

from ninja import Schema
from pydantic import Field


class DealerQuery(Schema):
    q: str | None = None
    status: str | None = None
    grade: str | None = None
    channel_level: str | None = None
    territory: int | None = None
    rep: int | None = None
    parent: int | None = None
    tag: str | None = None
    sort: str | None = None


class DealerOut(Schema):
    id: int
    code: str
    name: str
    short_name: str
    channel_level: str
    status: str
    grade: str
    territory_id: int
    territory_name: str = Field(alias="territory.name")
    parent_id: int | None
    assigned_rep_id: int | None
    phone: str
    created_at: datetime


class DealerDetailOut(DealerOut):
    legal_name: str
    legal_representative: str
    credit_code: str
    distribution_mode: str
    retailer_type: str
    address: str
    latitude: Decimal | None
    longitude: Decimal | None
    email: str
    bank_name: str
    bank_account: str
    vehicles: int | None
    warehouse_area: int | None
    staff_count: int | None
    registered_capital: Decimal | None
    credit_rating: str
    office_system: str
    ownership_type: str
    province_sales_rank: int | None
    reputation: int | None
    financial_strength: int | None
    payment_speed: int | None
    boss_capability: int | None
    business_categories: str
    competing_brands: str
    main_customers: str
    notes: str
    exit_reason: str
    status_changed_at: datetime | None
    tags: list[str]

    @staticmethod
    def resolve_tags(obj) -> list[str]:
        return [tag.name for tag in obj.tags.all()]


class DealerIn(Schema):
    code: str = ""
    name: str
    channel_level: str
    territory_id: int
    short_name: str = ""
    legal_name: str = ""
    legal_representative: str = ""
    credit_code: str = ""
    distribution_mode: str = "dealership"
    retailer_type: str = ""
    parent_id: int | None = None
    assigned_rep_id: int | None = None
    address: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    phone: str = ""
    email: str = ""
    bank_name: str = ""
    bank_account: str = ""
    vehicles: int | None = Field(None, ge=0)
    warehouse_area: int | None = Field(None, ge=0)
    staff_count: int | None = Field(None, ge=0)
    registered_capital: Decimal | None = Field(None, ge=0)
    credit_rating: str = ""
    office_system: str = ""
    ownership_type: str = ""
    province_sales_rank: int | None = Field(None, ge=1)
    reputation: int | None = Field(None, ge=1, le=5)
    financial_strength: int | None = Field(None, ge=1, le=5)
    payment_speed: int | None = Field(None, ge=1, le=5)
    boss_capability: int | None = Field(None, ge=1, le=5)
    business_categories: str = ""
    competing_brands: str = ""
    main_customers: str = ""
    notes: str = ""
    grade: str = ""
    tags: list[str] | None = None


class DealerPatch(Schema):
    """Any subset of DealerIn's fields."""

    code: str | None = None
    name: str | None = None
    channel_level: str | None = None
    territory_id: int | None = None
    short_name: str | None = None
    legal_name: str | None = None
    legal_representative: str | None = None
    credit_code: str | None = None
    distribution_mode: str | None = None
    retailer_type: str | None = None
    parent_id: int | None = None
    assigned_rep_id: int | None = None
    address: str | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    phone: str | None = None
    email: str | None = None
    bank_name: str | None = None
    bank_account: str | None = None
    vehicles: int | None = Field(None, ge=0)
    warehouse_area: int | None = Field(None, ge=0)
    staff_count: int | None = Field(None, ge=0)
    registered_capital: Decimal | None = Field(None, ge=0)
    credit_rating: str | None = None
    office_system: str | None = None
    ownership_type: str | None = None
    province_sales_rank: int | None = Field(None, ge=1)
    reputation: int | None = Field(None, ge=1, le=5)
    financial_strength: int | None = Field(None, ge=1, le=5)
    payment_speed: int | None = Field(None, ge=1, le=5)
    boss_capability: int | None = Field(None, ge=1, le=5)
    business_categories: str | None = None
    competing_brands: str | None = None
    main_customers: str | None = None
    notes: str | None = None
    grade: str | None = None
    tags: list[str] | None = None


class StatusChangeIn(Schema):
    to_status: str
    reason: str
    exit_reason: str = ""


class StatusChangeOut(Schema):
    id: int
    dealer_id: int
    from_status: str
    to_status: str
    reason: str
    exit_reason: str
    changed_by_id: int | None
    changed_at: datetime


class ContactIn(Schema):
    name: str
    title: str = ""
    mobile: str = ""
    phone: str = ""
    email: str = ""
    wechat: str = ""
    is_primary: bool = False
    notes: str = ""


class ContactPatch(Schema):
    name: str | None = None
    title: str | None = None
    mobile: str | None = None
    phone: str | None = None
    email: str | None = None
    wechat: str | None = None
    is_primary: bool | None = None
    notes: str | None = None


class ContactOut(Schema):
    id: int
    dealer_id: int
    name: str
    title: str
    mobile: str
    phone: str
    email: str
    wechat: str
    is_primary: bool
    notes: str


class HistoryOut(Schema):
    id: int
    at: datetime
    event: str
    actor_id: int | None
    target_repr: str
    data: dict


class ImportErrorOut(Schema):
    row: int
    column: str
    message: str


class ImportOut(Schema):
    created: int
