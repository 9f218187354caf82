"""Excel sheets of events: the event list with its figures, an event's attendee list, and
training records."""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qudao.core.excel import Column
from qudao.events.models import Attendee, Event, TrainingRecord

EVENT_COLUMNS = [
    Column("title", gettext_lazy("Title")),
    Column("kind", gettext_lazy("Kind")),
    Column("status", gettext_lazy("Status")),
    Column("starts_at", gettext_lazy("Starts at")),
    Column("ends_at", gettext_lazy("Ends at")),
    Column("place", gettext_lazy("Place")),
    Column("organizer", gettext_lazy("Organizer")),
    Column("module", gettext_lazy("Training module")),
    Column("capacity", gettext_lazy("Capacity (people)"), kind="int"),
    Column("invited", gettext_lazy("Dealers invited"), kind="int"),
    Column("registered", gettext_lazy("Dealers registered"), kind="int"),
    Column("people_registered", gettext_lazy("People registered"), kind="int"),
    Column("attended", gettext_lazy("Dealers who came"), kind="int"),
    Column("people_attended", gettext_lazy("People who came"), kind="int"),
    Column("average_score", gettext_lazy("Average feedback (1-5)"), kind="decimal"),
    Column("budget", gettext_lazy("Budget (CNY)"), kind="decimal"),
    Column("actual_cost", gettext_lazy("Actual cost (CNY)"), kind="decimal"),
]

ATTENDEE_COLUMNS = [
    Column("dealer_code", gettext_lazy("Dealer code")),
    Column("dealer", gettext_lazy("Dealer")),
    Column("region", gettext_lazy("Region")),
    Column("answer", gettext_lazy("Answer")),
    Column("name", gettext_lazy("Name")),
    Column("position", gettext_lazy("Position")),
    Column("phone", gettext_lazy("Phone")),
    Column("walk_in", gettext_lazy("Walk-in")),
    Column("came", gettext_lazy("Came")),
    Column("result", gettext_lazy("Training result")),
    Column("certificate_no", gettext_lazy("Certificate number")),
]

TRAINING_COLUMNS = [
    Column("trained_on", gettext_lazy("Trained on"), kind="date"),
    Column("dealer_code", gettext_lazy("Dealer code")),
    Column("dealer", gettext_lazy("Dealer")),
    Column("person", gettext_lazy("Person")),
    Column("position", gettext_lazy("Position")),
    Column("course", gettext_lazy("Course")),
    Column("module", gettext_lazy("Training module")),
    Column("result", gettext_lazy("Result")),
    Column("score", gettext_lazy("Exam score"), kind="int"),
    Column("certificate_no", gettext_lazy("Certificate number")),
]


def _yes_no(value: bool | None) -> str:
    if value is None:
        return "—"
    return _("Yes") if value else _("No")


def event_row(event: Event, figures: dict[str, Any]) -> list[Any]:
    return [event.title, event.get_kind_display(), event.get_status_display(),
            event.starts_at, event.ends_at, event.place or event.online_link,
            str(event.organizer), event.get_module_display() if event.module else "",
            event.capacity, figures["invited"], figures["registered"],
            figures["people_registered"], figures["attended"], figures["people_attended"],
            figures["average_score"], event.budget, event.actual_cost]


def attendee_row(attendee: Attendee) -> list[Any]:
    invitation = attendee.invitation
    dealer = invitation.dealer
    record = getattr(attendee, "training_record", None)
    return [dealer.code, dealer.name, dealer.territory.display_name if dealer.territory_id
            else "", invitation.get_status_display(), attendee.name, attendee.position,
            attendee.phone, _yes_no(attendee.walk_in), _yes_no(attendee.attended),
            record.get_result_display() if record else "",
            record.certificate_no if record else ""]


def training_row(record: TrainingRecord) -> list[Any]:
    return [record.trained_on, record.dealer.code, record.dealer.name, record.person,
            record.position, record.course,
            record.get_module_display() if record.module else "",
            record.get_result_display(), record.score, record.certificate_no]
