"""Every write of calls, visits and plans: permission and scope checked, atomic, audited.

A contact record is the rep's own account of what happened: only its author edits it, and
every edit is kept in its history. A visit's check-in (the phone's position) is evidence,
so it is taken once, when the visit is logged, and never edited.
"""

import datetime
import math
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qudao.core import audit
from qudao.core.exceptions import NotAllowed
from qudao.dealers.models import Dealer
from qudao.dealers.scoping import visible_dealers
from qudao.visits.choices import ContactKind, DistanceBasis, PlanKind, Purpose
from qudao.visits.exceptions import ContactInvalid, PhotoInvalid, PlanClosed, PlanInvalid
from qudao.visits.models import Contact, ContactPhoto, MonthPlan, PlanComment, PlanItem

# A phone's clock may run a little ahead of the server's.
CLOCK_SKEW = datetime.timedelta(minutes=10)
MAX_DURATION_MINUTES = 24 * 60
MAX_PHOTOS = 9
PHOTO_TYPES: dict[str, bytes] = {
    # Extension -> the bytes such a file starts with (its "magic number").
    "jpg": b"\xff\xd8\xff",
    "jpeg": b"\xff\xd8\xff",
    "png": b"\x89PNG\r\n\x1a\n",
    "webp": b"RIFF",
}
EARTH_RADIUS_M = 6_371_008.8
MICRO = Decimal("0.000001")
TENTH = Decimal("0.1")
# Fields the author may change after logging; the dealer, the kind and the check-in stay.
EDITABLE = ["happened_at", "duration_minutes", "purpose", "person", "notes", "outcome",
            "next_step", "next_step_due"]
# Which alert action a contact records on the alert it answers.
ALERT_ACTION = {ContactKind.CALL_OUT: "call", ContactKind.CALL_IN: "call",
                ContactKind.VISIT: "visit", ContactKind.MESSAGE: "note"}


@dataclass(frozen=True)
class CheckIn:
    """What the phone's browser reported (navigator.geolocation): where and how precisely."""

    latitude: Any
    longitude: Any
    accuracy: Any = None
    at: datetime.datetime | None = None


def photo_max_bytes() -> int:
    return int(getattr(settings, "VISITS_PHOTO_MAX_BYTES", 10 * 1024 * 1024))


def _require(actor: Any, perm: str) -> None:
    if actor is None or not actor.has_perm(perm):
        raise NotAllowed(_("Your role may not do this."))


def _in_scope(actor: Any, dealer: Dealer) -> None:
    if actor.is_dealer_user or not visible_dealers(actor).filter(pk=dealer.pk).exists():
        raise NotAllowed(_("This dealer is not in your scope."))


def local_month(moment: datetime.datetime) -> datetime.date:
    """The first day of the month `moment` falls in, in the business time zone."""
    return timezone.localtime(moment).date().replace(day=1)


def distance_m(lat1: Any, lon1: Any, lat2: Any, lon2: Any) -> int:
    """Great-circle distance in whole metres (haversine; a phone's fix is never better)."""
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp, dl = p2 - p1, math.radians(float(lon2) - float(lon1))
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return round(2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h))))


def _aware(moment: datetime.datetime) -> datetime.datetime:
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _contact_errors(*, kind: str, happened_at: Any, purpose: str, notes: str,
                    duration_minutes: Any, next_step: str,
                    next_step_due: datetime.date | None) -> dict[str, str]:
    """Faults of a contact's own fields, by field."""
    errors: dict[str, str] = {}
    if kind not in ContactKind.values:
        errors["kind"] = _("Choose a call, a visit or a message.")
    if purpose not in Purpose.values:
        errors["purpose"] = _("Choose the purpose.")
    if not isinstance(happened_at, datetime.datetime):
        errors["happened_at"] = _("Say when it happened.")
    elif _aware(happened_at) > timezone.now() + CLOCK_SKEW:
        errors["happened_at"] = _("A call or visit is logged after it happened.")
    if not (notes or "").strip():
        errors["notes"] = _("Say what was discussed and found.")
    if duration_minutes is not None and not (
            isinstance(duration_minutes, int) and 0 < duration_minutes <= MAX_DURATION_MINUTES):
        errors["duration_minutes"] = _("The duration is a number of minutes, 1 to 1440.")
    if next_step_due is not None and not (next_step or "").strip():
        errors["next_step"] = _("Say what the next step is, or leave its date empty.")
    if (next_step_due is not None and "happened_at" not in errors
            and next_step_due < timezone.localdate(_aware(happened_at))):
        errors["next_step_due"] = _("The next step cannot be due before the contact.")
    return errors


def _check_in_values(check_in: CheckIn, errors: dict[str, str]) -> dict[str, Any]:
    latitude, longitude = _decimal(check_in.latitude), _decimal(check_in.longitude)
    accuracy = _decimal(check_in.accuracy)
    if latitude is None or longitude is None or not (-90 <= latitude <= 90) or not (
            -180 <= longitude <= 180):
        errors["check_in"] = _("The phone sent no valid position; check in again.")
        return {}
    if accuracy is not None and not (0 <= accuracy < 10_000_000):
        accuracy = None
    at = _aware(check_in.at) if check_in.at else timezone.now()
    if at > timezone.now() + CLOCK_SKEW:
        errors["check_in"] = _("The check-in time lies in the future.")
    return {"latitude": latitude.quantize(MICRO), "longitude": longitude.quantize(MICRO),
            "accuracy_m": None if accuracy is None else accuracy.quantize(TENTH),
            "checked_in_at": at}


def _distance(dealer: Dealer, latitude: Decimal, longitude: Decimal) -> tuple[int | None, str]:
    """Distance from the check-in to the dealer's address, else to its region's centre."""
    if dealer.latitude is not None and dealer.longitude is not None:
        return distance_m(latitude, longitude, dealer.latitude, dealer.longitude), \
            DistanceBasis.DEALER
    territory = dealer.territory
    if territory is not None and territory.latitude is not None \
            and territory.longitude is not None:
        return distance_m(latitude, longitude, territory.latitude, territory.longitude), \
            DistanceBasis.TERRITORY
    return None, ""


def _photo_checked(uploads: list[Any], already: int = 0) -> list[tuple[Any, str, int]]:
    """(upload, file name, size) of each photo, or PhotoInvalid for the first bad one."""
    if already + len(uploads) > MAX_PHOTOS:
        raise PhotoInvalid(_("At most %(n)d photos per call or visit.") % {"n": MAX_PHOTOS})
    return photo_files_checked(uploads)


def photo_files_checked(uploads: list[Any], *, error: type[Exception] = PhotoInvalid
                        ) -> list[tuple[Any, str, int]]:
    """(upload, file name, size) of each photo, or `error` for the first that is not a JPG,
    PNG or WebP by name and content, is empty, or is over the size limit. Shared by every
    page that takes photos (visits, store audits)."""
    checked = []
    limit = photo_max_bytes()
    for upload in uploads:
        filename = Path(getattr(upload, "name", "") or "").name or "photo"
        extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
        if extension not in PHOTO_TYPES:
            raise error(_("%(file)s: only JPG, PNG and WebP photos can be added.")
                        % {"file": filename})
        size = getattr(upload, "size", None) or 0
        if size == 0:
            raise error(_("%(file)s is empty.") % {"file": filename})
        if size > limit:
            raise error(_("%(file)s is larger than %(mb)d MB.") % {
                "file": filename, "mb": limit // (1024 * 1024)})
        upload.seek(0)
        head = upload.read(12)
        upload.seek(0)
        if not head.startswith(PHOTO_TYPES[extension]) or (
                extension == "webp" and head[8:12] != b"WEBP"):
            raise error(_("%(file)s is not really a .%(ext)s photo.") % {
                "file": filename, "ext": extension})
        checked.append((upload, filename, size))
    return checked


def _store_photos(*, contact: Contact, actor: Any, photos: list[tuple[Any, str, int]]
                  ) -> list[ContactPhoto]:
    stored: list[ContactPhoto] = []
    try:
        for upload, filename, size in photos:
            photo = ContactPhoto(contact=contact, name=filename[:120], size=size,
                                 uploaded_by=actor)
            photo.image.save(filename, upload, save=False)
            stored.append(photo)
            photo.save()
    except Exception:
        for photo in stored:
            photo.image.storage.delete(photo.image.name)
        raise
    return stored


def _alert_checked(actor: Any, alert: Any, dealer: Dealer) -> Any:
    """The alert to link, if the actor sees it and it is about this dealer (or no dealer)."""
    from qudao.alerts import queries as alert_queries

    visible = alert_queries.visible_alerts(actor).filter(pk=alert.pk).first()
    if visible is None or visible.dealer_id not in (None, dealer.pk):
        raise ContactInvalid({"alert": _("This alert is not about this dealer.")})
    return visible


@transaction.atomic
def contact_log(*, actor: Any, dealer: Dealer, kind: str, happened_at: datetime.datetime,
                purpose: str, notes: str, person: str = "", duration_minutes: int | None = None,
                outcome: str = "", next_step: str = "",
                next_step_due: datetime.date | None = None, check_in: CheckIn | None = None,
                alert: Any = None, photos: list[Any] | None = None) -> Contact:
    """Log a call, a visit or an online message with a dealer in the actor's scope.

    A visit may carry the phone's check-in; its distance to the dealer's address (or, if
    the dealer has no coordinates, to its region's centre) is measured now. A contact that
    answers an open alert also records a call/visit/note on that alert, which moves it to
    "action taken". Raises NotAllowed, ContactInvalid (by field) or PhotoInvalid; either
    way nothing is written.
    """
    _require(actor, "visits.add_visit")
    _in_scope(actor, dealer)
    errors = _contact_errors(kind=kind, happened_at=happened_at, purpose=purpose, notes=notes,
                             duration_minutes=duration_minutes, next_step=next_step,
                             next_step_due=next_step_due)
    located: dict[str, Any] = {}
    if check_in is not None:
        if kind != ContactKind.VISIT:
            errors["check_in"] = _("Only a visit has a check-in.")
        else:
            located = _check_in_values(check_in, errors)
    if alert is not None:
        alert = _alert_checked(actor, alert, dealer)
    if errors:
        raise ContactInvalid(errors)
    checked_photos = _photo_checked(list(photos or []))
    happened_at = _aware(happened_at)
    contact = Contact(dealer=dealer, staff=actor, kind=kind, happened_at=happened_at,
                      month=local_month(happened_at), duration_minutes=duration_minutes,
                      purpose=purpose, person=(person or "").strip()[:60],
                      notes=notes.strip(), outcome=(outcome or "").strip(),
                      next_step=(next_step or "").strip()[:200], next_step_due=next_step_due,
                      alert=alert, **located)
    if located:
        contact.distance_m, contact.distance_basis = _distance(
            dealer, located["latitude"], located["longitude"])
    contact.save()
    _store_photos(contact=contact, actor=actor, photos=checked_photos)
    audit.record(actor=actor, target=contact, event="dealer_contact.logged", data={
        "dealer": dealer.code, "kind": kind, "purpose": purpose,
        "happened_at": happened_at, "photos": len(checked_photos),
        "checked_in": bool(located), "alert": alert.pk if alert is not None else None})
    if alert is not None and alert.is_open and actor.has_perm("alerts.handle_alert"):
        from qudao.alerts import services as alert_services

        alert_services.alert_action_add(alert=alert, actor=actor, kind=ALERT_ACTION[kind],
                                        happened_on=timezone.localdate(happened_at),
                                        notes=contact.notes)
    return contact


def _own(actor: Any, contact: Contact) -> None:
    if contact.staff_id != getattr(actor, "pk", None):
        raise NotAllowed(_("Only the person who logged it may change this record."))


@transaction.atomic
def contact_update(*, actor: Any, contact: Contact, values: dict[str, Any]) -> Contact:
    """Correct a logged call or visit (its author only); the changes go to its history.

    `values` may hold any of EDITABLE. Raises NotAllowed or ContactInvalid.
    """
    _require(actor, "visits.add_visit")
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    _own(actor, contact)
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise ContactInvalid({key: _("This cannot be changed.") for key in sorted(unknown)})
    before = audit.snapshot(contact, EDITABLE)
    for key, value in values.items():
        if isinstance(value, str):
            value = value.strip()
        setattr(contact, key, value)
    errors = _contact_errors(kind=contact.kind, happened_at=contact.happened_at,
                             purpose=contact.purpose, notes=contact.notes,
                             duration_minutes=contact.duration_minutes,
                             next_step=contact.next_step, next_step_due=contact.next_step_due)
    if errors:
        raise ContactInvalid(errors)
    contact.happened_at = _aware(contact.happened_at)
    contact.month = local_month(contact.happened_at)
    changes = audit.diff(before, audit.snapshot(contact, EDITABLE))
    if changes:
        contact.save()
        audit.record(actor=actor, target=contact, event="dealer_contact.changed", data=changes)
    return contact


@transaction.atomic
def next_step_done(*, actor: Any, contact: Contact,
                   done_on: datetime.date | None = None) -> Contact:
    """Mark the contact's next step as done (anyone who may log contacts with its dealer).

    Raises NotAllowed, or ContactInvalid when there is no open next step.
    """
    _require(actor, "visits.add_visit")
    contact = Contact.objects.select_for_update().select_related("dealer").get(pk=contact.pk)
    _in_scope(actor, contact.dealer)
    if not contact.next_step_open:
        raise ContactInvalid({"next_step": _("There is no open next step.")})
    done_on = done_on or timezone.localdate()
    if done_on > timezone.localdate():
        raise ContactInvalid({"next_step_done_on": _("A step is marked done after it is.")})
    contact.next_step_done_on = done_on
    contact.save(update_fields=["next_step_done_on", "updated_at"])
    audit.record(actor=actor, target=contact, event="dealer_contact.step_done",
                 data={"next_step": contact.next_step, "done_on": done_on})
    return contact


@transaction.atomic
def photos_add(*, actor: Any, contact: Contact, uploads: list[Any]) -> list[ContactPhoto]:
    """Add photos to a logged call or visit (its author only), at most MAX_PHOTOS in all.

    Raises NotAllowed or PhotoInvalid (nothing stored).
    """
    _require(actor, "visits.add_visit")
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    _own(actor, contact)
    checked = _photo_checked(uploads, already=contact.photos.count())
    stored = _store_photos(contact=contact, actor=actor, photos=checked)
    audit.record(actor=actor, target=contact, event="dealer_contact.photos_added",
                 data={"photos": [photo.name for photo in stored]})
    return stored


# --- the monthly plan ------------------------------------------------------------------

def _plan_open(plan_month: datetime.date) -> None:
    if plan_month < timezone.localdate().replace(day=1):
        raise PlanClosed(_("The plan of %(month)s is closed: its month is over.")
                         % {"month": f"{plan_month:%Y-%m}"})


@transaction.atomic
def plan_item_add(*, actor: Any, dealer: Dealer, day: datetime.date, kind: str,
                  purpose: str = "", note: str = "") -> PlanItem:
    """Plan a call or a visit to a dealer of the actor's scope on a day of this month or a
    later one; the month's plan is created with its first item.

    A plan is made before the day: a day already past cannot be added. Raises NotAllowed,
    PlanClosed or PlanInvalid.
    """
    _require(actor, "visits.add_visit")
    _in_scope(actor, dealer)
    month = day.replace(day=1)
    _plan_open(month)
    if kind not in PlanKind.values:
        raise PlanInvalid(_("Plan a call or a visit."))
    if purpose and purpose not in Purpose.values:
        raise PlanInvalid(_("Choose the purpose."))
    if day < timezone.localdate():
        raise PlanInvalid(_("A plan is made before the day: %(day)s has passed.")
                          % {"day": day.isoformat()})
    plan, _created = MonthPlan.objects.get_or_create(rep=actor, month=month)
    if plan.items.filter(dealer=dealer, day=day, kind=kind).exists():
        raise PlanInvalid(_("This is already planned for %(day)s.") % {"day": day.isoformat()})
    try:
        with transaction.atomic():
            return PlanItem.objects.create(plan=plan, dealer=dealer, day=day, kind=kind,
                                           purpose=purpose, note=(note or "").strip()[:200])
    except IntegrityError:
        raise PlanInvalid(_("This is already planned for %(day)s.")
                          % {"day": day.isoformat()}) from None


@transaction.atomic
def plan_item_delete(*, actor: Any, item: PlanItem) -> None:
    """Take a planned call or visit off the plan (its rep only) while its day is to come;
    a missed day stays on the plan as missed. Raises NotAllowed, PlanClosed or PlanInvalid.
    """
    _require(actor, "visits.add_visit")
    item = PlanItem.objects.select_related("plan").select_for_update().get(pk=item.pk)
    if item.plan.rep_id != actor.pk:
        raise NotAllowed(_("Only the rep changes his plan."))
    _plan_open(item.plan.month)
    if item.day < timezone.localdate():
        raise PlanInvalid(_("%(day)s has passed: it stays on the plan.")
                          % {"day": item.day.isoformat()})
    item.delete()


@transaction.atomic
def plan_notes_update(*, actor: Any, month: datetime.date, notes: str) -> MonthPlan:
    """Set the goals of the actor's plan for `month` (this month or a later one)."""
    _require(actor, "visits.add_visit")
    month = month.replace(day=1)
    _plan_open(month)
    plan, _created = MonthPlan.objects.get_or_create(rep=actor, month=month)
    plan.notes = (notes or "").strip()
    plan.save(update_fields=["notes", "updated_at"])
    return plan


@transaction.atomic
def plan_comment_add(*, actor: Any, plan: MonthPlan, text: str) -> PlanComment:
    """A comment on a plan the actor may see: his manager's remark, or the rep's answer.

    Raises NotAllowed or PlanInvalid (empty text).
    """
    from qudao.visits.queries import visible_plans

    _require(actor, "visits.add_visit")
    if not visible_plans(actor).filter(pk=plan.pk).exists():
        raise NotAllowed(_("This plan is not in your scope."))
    text = (text or "").strip()
    if not text:
        raise PlanInvalid(_("Write the comment."))
    return PlanComment.objects.create(plan=plan, author=actor, text=text[:2000])
