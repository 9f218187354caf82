from datetime import date, datetime
from decimal import Decimal

from ninja import Schema
from pydantic import Field


class ContactQuery(Schema):
    kind: str | None = Field(None, description="call_out, call_in, visit or message.")
    purpose: str | None = None
    dealer: int | None = None
    staff: int | None = Field(None, description="The id of the person who logged them.")
    region: int | None = Field(None, description="A territory id: dealers at or below it.")
    q: str | None = Field(None, description="Dealer code (prefix) or name.")
    month: str | None = Field(None, description="Month as YYYY-MM.")
    date_from: date | None = None
    date_to: date | None = None
    next_step: str | None = Field(None, description="open, or late (past due).")
    alert: int | None = None
    mine: bool | None = None


class CheckInIn(Schema):
    latitude: Decimal
    longitude: Decimal
    accuracy: Decimal | None = Field(None, description="Metres, as the browser reports it.")
    checked_in_at: datetime | None = Field(None, description="Default: now.")


class ContactIn(Schema):
    dealer_id: int
    kind: str = Field(description="call_out, call_in, visit or message.")
    happened_at: datetime | None = Field(None, description="Default: now.")
    purpose: str = Field(description="order_follow_up, collection, promotion, complaint, "
                                     "relationship, inspection, training or other.")
    notes: str
    person: str = ""
    duration_minutes: int | None = None
    outcome: str = ""
    next_step: str = ""
    next_step_due: date | None = None
    check_in: CheckInIn | None = Field(None, description="Visits only.")
    alert_id: int | None = Field(None, description="The alert this contact answers.")


class ContactPatch(Schema):
    happened_at: datetime | None = None
    duration_minutes: int | None = None
    purpose: str | None = None
    person: str | None = None
    notes: str | None = None
    outcome: str | None = None
    next_step: str | None = None
    next_step_due: date | None = None


class ContactOut(Schema):
    id: int
    dealer_id: int
    dealer_code: str = Field(alias="dealer.code")
    dealer_name: str = Field(alias="dealer.name")
    staff_id: int
    kind: str
    happened_at: datetime
    month: date
    duration_minutes: int | None
    purpose: str
    person: str
    next_step: str
    next_step_due: date | None
    next_step_done_on: date | None
    checked_in: bool
    distance_m: int | None
    alert_id: int | None

    @staticmethod
    def resolve_checked_in(obj) -> bool:
        return obj.latitude is not None


class PhotoOut(Schema):
    id: int
    name: str
    size: int
    url: str

    @staticmethod
    def resolve_url(obj) -> str:
        from django.urls import reverse

        return reverse("visits:contact_photo", args=[obj.contact_id, obj.pk])


class ContactDetailOut(ContactOut):
    notes: str
    outcome: str
    latitude: Decimal | None
    longitude: Decimal | None
    accuracy_m: Decimal | None
    checked_in_at: datetime | None
    distance_basis: str
    created_at: datetime
    updated_at: datetime
    photos: list[PhotoOut]

    @staticmethod
    def resolve_photos(obj) -> list:
        return list(obj.photos.order_by("created_at", "id"))


class StepDoneIn(Schema):
    done_on: date | None = Field(None, description="Default: today.")


class PlanItemIn(Schema):
    dealer_id: int
    day: date
    kind: str = Field(description="call or visit.")
    purpose: str = ""
    note: str = ""


class PlanItemOut(Schema):
    id: int
    dealer_id: int
    dealer_code: str = Field(alias="dealer.code")
    day: date
    kind: str
    purpose: str
    note: str
    done_by_contact_id: int | None = None
    missed: bool = False


class PlanCommentIn(Schema):
    text: str


class PlanCommentOut(Schema):
    id: int
    author_id: int
    text: str
    created_at: datetime


class PlanOut(Schema):
    id: int
    rep_id: int
    month: date
    notes: str
    planned_calls: int = 0
    planned_visits: int = 0


class PlanTotalsOut(Schema):
    planned: int
    planned_calls: int
    planned_visits: int
    actual_calls: int
    actual_visits: int
    done: int
    missed: int


class PlanDetailOut(Schema):
    id: int
    rep_id: int
    month: date
    notes: str
    items: list[PlanItemOut]
    totals: PlanTotalsOut
    comments: list[PlanCommentOut]


class ComplianceRowOut(Schema):
    rep_id: int | None
    territory_id: int | None
    label: str
    dealers: int
    calls_ok: int
    call_share: Decimal | None
    call_overdue: int
    visits_ok: int
    visit_share: Decimal | None
    visit_overdue: int
    ordering: int
    single: int
    single_share: Decimal | None
    single_ok: bool


class ComplianceOut(Schema):
    by: str
    as_of: date
    call_days: int
    visit_days: int
    first_order_days: int
    first_order_limit: Decimal
    rows: list[ComplianceRowOut]
    total: ComplianceRowOut


class OverdueOut(Schema):
    dealer_id: int
    dealer_code: str
    dealer_name: str
    rep_id: int | None
    last_call: date | None
    call_overdue_days: int | None
    last_visit: date | None
    visit_overdue_days: int | None


class OverduePage(Schema):
    items: list[OverdueOut]
    count: int
