"""The contact log, the overdue list and the compliance report as sheets."""

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qudao.core.excel import Column
from qudao.visits.models import Contact

CONTACT_COLUMNS = [
    Column("happened_at", _("When")),
    Column("kind", _("Kind")),
    Column("dealer_code", _("Dealer code")),
    Column("dealer_name", _("Dealer")),
    Column("staff", _("By")),
    Column("purpose", _("Purpose")),
    Column("person", _("Spoke with")),
    Column("duration_minutes", _("Duration (minutes)"), kind="int"),
    Column("notes", _("What was discussed and found")),
    Column("outcome", _("Outcome")),
    Column("next_step", _("Next step")),
    Column("next_step_due", _("Next step due"), kind="date"),
    Column("next_step_done_on", _("Next step done on"), kind="date"),
    Column("checked_in", _("Checked in")),
    Column("distance_m", _("Distance (m)"), kind="int"),
    Column("photos", _("Photos"), kind="int"),
]

OVERDUE_COLUMNS = [
    Column("dealer_code", _("Dealer code")),
    Column("dealer_name", _("Dealer")),
    Column("territory", _("Region")),
    Column("rep", _("Sales rep")),
    Column("last_call", _("Last call"), kind="date"),
    Column("call_overdue", _("Call overdue (days)"), kind="int"),
    Column("last_visit", _("Last visit"), kind="date"),
    Column("visit_overdue", _("Visit overdue (days)"), kind="int"),
]

COMPLIANCE_COLUMNS = [
    Column("group", _("Group")),
    Column("dealers", _("Active dealers"), kind="int"),
    Column("calls_ok", _("Called within the limit"), kind="int"),
    Column("call_share", _("Call compliance"), kind="decimal"),
    Column("visits_ok", _("Visited within the limit"), kind="int"),
    Column("visit_share", _("Visit compliance"), kind="decimal"),
    Column("ordering", _("Dealers that ordered"), kind="int"),
    Column("single", _("First order only"), kind="int"),
    Column("single_share", _("First-order-only share"), kind="decimal"),
    Column("single_ok", _("Within the limit")),
]


def contact_row(contact: Contact) -> list[Any]:
    return [timezone.localtime(contact.happened_at).replace(tzinfo=None),
            contact.get_kind_display(), contact.dealer.code, contact.dealer.name,
            str(contact.staff), contact.get_purpose_display(), contact.person,
            contact.duration_minutes, contact.notes, contact.outcome, contact.next_step,
            contact.next_step_due, contact.next_step_done_on,
            _("Yes") if contact.latitude is not None else "", contact.distance_m,
            getattr(contact, "photo_count", None)]


def overdue_row(row: dict[str, Any]) -> list[Any]:
    dealer = row["dealer"]
    return [dealer.code, dealer.name, dealer.territory.display_name,
            str(dealer.assigned_rep or ""), row["last_call"], row["call_overdue"],
            row["last_visit"], row["visit_overdue"]]


def _ratio(share: Any) -> float | None:
    # A share is a ratio, not money: a number Excel can format as a percentage.
    return None if share is None else float(share)


def compliance_row(row: dict[str, Any], *, no_group: str) -> list[Any]:
    return [row["label"] or no_group, row["dealers"], row["calls_ok"], _ratio(row["call_share"]),
            row["visits_ok"], _ratio(row["visit_share"]), row["ordering"], row["single"],
            _ratio(row["single_share"]), _("Yes") if row["single_ok"] else _("No")]
