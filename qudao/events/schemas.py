from datetime import date, datetime
from decimal import Decimal

from ninja import Schema
from pydantic import Field


class EventQuery(Schema):
    kind: str | None = Field(None, description="conference, annual, dialogue, get_together, "
                                                "training, launch, trip or other.")
    status: str | None = Field(None, description="draft, published, closed or cancelled.")
    module: str | None = Field(None, description="resources, mobilization, nurturing or "
                                                  "incentives (trainings).")
    when: str | None = Field(None, description="upcoming or past.")
    year: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    region: int | None = Field(None, description="A territory id: events held at or below it.")
    q: str | None = Field(None, description="Title or place.")


class EventIn(Schema):
    kind: str = ""
    title: str = ""
    description: str = ""
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    registration_deadline: datetime | None = Field(None, description="Default: the start.")
    place: str = ""
    online_link: str = ""
    territory_id: int | None = Field(None, description="The region it is held in.")
    organizer_id: int | None = Field(None, description="Default: the caller.")
    capacity: int | None = Field(None, description="People; empty for no limit.")
    per_dealer_limit: int | None = None
    budget: Decimal = Decimal("0.00")
    actual_cost: Decimal = Decimal("0.00")
    module: str = Field("", description="Trainings: resources, mobilization, nurturing or "
                                         "incentives.")
    training_form: str = Field("", description="Trainings: lecture, on_site, visit, "
                                                "materials or online.")
    cadence: str = Field("", description="Trainings: regular (default) or emergency.")
    product_sku: str = ""


class EventPatch(Schema):
    kind: str | None = None
    title: str | None = None
    description: str | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    registration_deadline: datetime | None = None
    place: str | None = None
    online_link: str | None = None
    territory_id: int | None = None
    organizer_id: int | None = None
    capacity: int | None = None
    per_dealer_limit: int | None = None
    budget: Decimal | None = None
    actual_cost: Decimal | None = None
    module: str | None = None
    training_form: str | None = None
    cadence: str | None = None
    product_sku: str | None = None


class EventOut(Schema):
    id: int
    kind: str
    title: str
    status: str
    starts_at: datetime
    ends_at: datetime
    registration_deadline: datetime
    registration_open: bool
    place: str
    online_link: str
    territory_id: int | None
    organizer_id: int
    capacity: int | None
    per_dealer_limit: int | None
    module: str
    training_form: str
    cadence: str
    product_id: int | None
    follows_id: int | None
    cancel_reason: str


class SummaryOut(Schema):
    invited: int
    registered: int
    declined: int
    pending: int
    people_registered: int
    attended: int
    people_attended: int
    attendance_rate: Decimal | None
    feedback_count: int
    average_score: Decimal | None
    capacity: int | None
    places_taken: int
    places_left: int | None
    budget: Decimal
    actual_cost: Decimal
    cost_per_person: Decimal | None


class MaterialOut(Schema):
    id: int
    title: str
    topic: str
    name: str
    size: int
    for_dealers: bool
    url: str
    created_at: datetime

    @staticmethod
    def resolve_url(obj) -> str:
        from django.urls import reverse

        return reverse("events:material_download", args=[obj.pk])


class AttendeeOut(Schema):
    id: int
    name: str
    position: str
    phone: str
    attended: bool | None
    walk_in: bool


class FeedbackOut(Schema):
    score: int
    comment: str
    created_at: datetime


class InvitationQuery(Schema):
    event: int | None = None
    status: str | None = Field(None, description="invited, registered or declined.")
    attended: str | None = Field(None, description="yes or no.")
    feedback: str | None = Field(None, description="yes or no.")
    region: int | None = None
    q: str | None = Field(None, description="Dealer code (prefix) or name.")


class InvitationOut(Schema):
    id: int
    event_id: int
    event_title: str
    dealer_id: int
    dealer_code: str
    dealer_name: str
    status: str
    attendee_count: int
    attended_count: int
    responded_at: datetime | None
    note: str
    feedback_score: int | None

    @staticmethod
    def resolve_event_title(obj) -> str:
        return obj.event.title

    @staticmethod
    def resolve_dealer_code(obj) -> str:
        return obj.dealer.code

    @staticmethod
    def resolve_dealer_name(obj) -> str:
        return obj.dealer.name

    @staticmethod
    def resolve_feedback_score(obj) -> int | None:
        feedback = getattr(obj, "feedback", None)
        return feedback.score if feedback is not None else None


class InvitationDetailOut(InvitationOut):
    attendees: list[AttendeeOut]
    feedback: FeedbackOut | None

    @staticmethod
    def resolve_attendees(obj) -> list:
        return list(obj.attendees.all())

    @staticmethod
    def resolve_feedback(obj):
        return getattr(obj, "feedback", None)


class EventDetailOut(EventOut):
    description: str
    budget: Decimal
    actual_cost: Decimal
    summary: SummaryOut | None = Field(None, description="Staff: the figures over the "
                                                         "caller's dealers.")
    invitation: InvitationDetailOut | None = Field(None, description="Dealers: their own.")
    materials: list[MaterialOut]

    @staticmethod
    def resolve_materials(obj) -> list:
        # The handler sets what the caller may read (dealers: not the staff-only files).
        return obj.materials_list


class StatusIn(Schema):
    status: str = Field("", description="published, closed or cancelled.")
    reason: str = Field("", description="Why it is cancelled (needed once published).")


class InviteIn(Schema):
    dealer_ids: list[int] = Field(default_factory=list, description="Hand-picked dealers.")
    codes: list[str] = Field(default_factory=list, description="Or hand-picked dealer codes.")
    region: int | None = Field(None, description="Else: dealers at or below this territory,")
    levels: list[str] = Field(default_factory=list, description="of these channel levels,")
    grades: list[str] = Field(default_factory=list, description="of these grades (A, B, C),")
    tag: str = Field("", description="with this tag.")


class InviteOut(Schema):
    invited: int
    already: int


class PersonIn(Schema):
    name: str = ""
    position: str = ""
    phone: str = ""


class RegisterIn(Schema):
    people: list[PersonIn] = Field(default_factory=list)
    note: str = ""


class DeclineIn(Schema):
    note: str = ""


class AttendanceIn(Schema):
    came: list[int] = Field(default_factory=list, description="Ids of the attendees who "
                                                               "came; the others did not.")
    walk_ins: list[PersonIn] = Field(default_factory=list)


class FeedbackIn(Schema):
    score: int = Field(0, description="1 (poor) to 5 (excellent).")
    comment: str = ""


class TrainingQuery(Schema):
    dealer: int | None = None
    event: int | None = None
    module: str | None = None
    result: str | None = Field(None, description="attended, passed or failed.")
    year: int | None = None
    q: str | None = Field(None, description="Dealer, person or course.")


class TrainingOut(Schema):
    id: int
    dealer_id: int
    dealer_code: str
    event_id: int | None
    person: str
    position: str
    course: str
    module: str
    trained_on: date
    result: str
    score: int | None
    certificate_no: str

    @staticmethod
    def resolve_dealer_code(obj) -> str:
        return obj.dealer.code


class TrainingPatch(Schema):
    result: str = Field("", description="attended, passed or failed.")
    score: int | None = Field(None, description="0-100.")
    certificate_no: str = Field("", description="For those who passed; unique.")
