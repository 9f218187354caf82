"""Writes of in-store audits (R-RT-08, -09) and store-entry negotiations (R-RT-07)."""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qudao.core import audit
from qudao.dealers.models import Dealer
from qudao.retail.choices import RETAIL_LEVELS, Outcome
from qudao.retail.exceptions import PhotoInvalid, RetailInvalid
from qudao.retail.models import AuditPhoto, AuditScore, ChecklistItem, Negotiation, StoreAudit
from qudao.retail.services._common import (
    clean_text,
    money,
    require,
    require_retailer,
    require_staff,
)
from qudao.visits.services import photo_files_checked

MAX_PHOTOS = 9
# An item scored below this share of its maximum fails, and so does the commitment it
# evidences (e.g. 5 of 10 on display is a display breach).
PASS_SHARE = Decimal("0.6")
HUNDRED = Decimal("100")
CENT = Decimal("0.01")
MAX_AGE_DAYS = 366


@dataclass(frozen=True)
class ItemScore:
    """The score given to one checklist item, and an optional note."""

    item_id: int
    score: Any
    note: str = ""


def total_score(points: int, max_points: int) -> Decimal:
    """Points as a share of the maximum, 0-100 with two places (half up)."""
    if not max_points:
        return Decimal("0.00")
    return (Decimal(points) * HUNDRED / Decimal(max_points)).quantize(CENT, ROUND_HALF_UP)


def item_passed(score: int, max_score: int) -> bool:
    return Decimal(score) >= PASS_SHARE * Decimal(max_score)


def _photos_checked(uploads: list[Any]) -> list[tuple[Any, str, int]]:
    """(upload, file name, size) of each photo, or PhotoInvalid for the first bad one:
    JPG, PNG or WebP by name and content, within the visits' size limit."""
    if len(uploads) > MAX_PHOTOS:
        raise PhotoInvalid(_("At most %(n)d photos per audit.") % {"n": MAX_PHOTOS})
    return photo_files_checked(uploads, error=PhotoInvalid)


def _scores_checked(items: list[ChecklistItem], scores: list[ItemScore]
                    ) -> tuple[list[tuple[ChecklistItem, int, str]], dict[str, str]]:
    given = {s.item_id: s for s in scores}
    rows, errors = [], {}
    unknown = set(given) - {item.pk for item in items}
    if unknown:
        errors["scores"] = _("Score only the items of the checklist in use.")
    for item in items:
        entry = given.get(item.pk)
        key = f"score_{item.pk}"
        if entry is None or entry.score is None or entry.score == "":
            errors[key] = _("Score “%(item)s”.") % {"item": item.name}
            continue
        try:
            value = int(entry.score)
        except (TypeError, ValueError):
            value = -1
        if isinstance(entry.score, bool) or not 0 <= value <= item.max_score:
            errors[key] = _("“%(item)s” is scored 0 to %(max)d.") % {"item": item.name,
                                                                    "max": item.max_score}
            continue
        rows.append((item, value, clean_text(entry.note, 200)))
    return rows, errors


@transaction.atomic
def audit_create(*, actor: Any, retailer: Dealer, audited_on: datetime.date,
                 scores: list[ItemScore], notes: str = "", counterfeit_found: bool = False,
                 photos: list[Any] | None = None) -> StoreAudit:
    """Record a rep's audit of a store of his scope: every item of the checklist in use
    scored 0 to its maximum; the total is the points as a share of the maximum (0-100).

    Raises NotAllowed, RetailInvalid (by field: score_<item id>, audited_on) or
    PhotoInvalid; nothing is stored then."""
    require(actor, "retail.audit_store")
    require_staff(actor)
    require_retailer(actor, retailer)
    errors: dict[str, str] = {}
    if retailer.channel_level not in RETAIL_LEVELS:
        errors["retailer"] = _("%(store)s is not a retail store.") % {"store": retailer}
    today = timezone.localdate()
    if not isinstance(audited_on, datetime.date):
        errors["audited_on"] = _("Say when the store was audited.")
    elif audited_on > today:
        errors["audited_on"] = _("An audit is recorded after it happened.")
    elif audited_on < today - datetime.timedelta(days=MAX_AGE_DAYS):
        errors["audited_on"] = _("An audit more than a year old cannot be recorded.")
    items = list(ChecklistItem.objects.filter(is_active=True).order_by("position", "id"))
    if not items:
        errors["scores"] = _("The audit checklist is empty: head office sets it up first.")
    rows, score_errors = _scores_checked(items, scores)
    errors.update(score_errors)
    if errors:
        raise RetailInvalid(errors)
    checked_photos = _photos_checked(list(photos or []))
    points = sum(value for _item, value, _note in rows)
    max_points = sum(item.max_score for item, _value, _note in rows)
    store_audit = StoreAudit.objects.create(
        retailer=retailer, auditor=actor, audited_on=audited_on,
        month=audited_on.replace(day=1), points=points, max_points=max_points,
        total_score=total_score(points, max_points),
        counterfeit_found=bool(counterfeit_found), notes=clean_text(notes, 4000))
    AuditScore.objects.bulk_create(
        AuditScore(audit=store_audit, item=item, name=item.name, max_score=item.max_score,
                   score=value, commitment=item.commitment,
                   passed=item_passed(value, item.max_score), note=note)
        for item, value, note in rows)
    stored: list[AuditPhoto] = []
    try:
        for upload, filename, size in checked_photos:
            photo = AuditPhoto(audit=store_audit, name=filename[:120], size=size,
                               uploaded_by=actor)
            photo.image.save(filename, upload, save=False)
            stored.append(photo)
            photo.save()
    except Exception:
        for photo in stored:
            photo.image.storage.delete(photo.image.name)
        raise
    audit.record(actor=actor, target=store_audit, subject=retailer,
                 event="retail.audit_recorded",
                 data={"audited_on": audited_on, "total_score": store_audit.total_score,
                       "counterfeit_found": store_audit.counterfeit_found,
                       "photos": len(stored)})
    return store_audit


@transaction.atomic
def negotiation_add(*, actor: Any, retailer: Dealer, values: dict[str, Any]) -> Negotiation:
    """Log a round of store-entry negotiation with a store of the actor's scope: its date,
    the terms asked, the fees (entry, shelf, promotion; zero or more) and the outcome.

    Raises NotAllowed or RetailInvalid (by field)."""
    require(actor, "retail.change_retailer")
    require_staff(actor)
    require_retailer(actor, retailer)
    errors: dict[str, str] = {}
    held_on = values.get("held_on")
    if not isinstance(held_on, datetime.date):
        errors["held_on"] = _("Say when the round was held.")
    elif held_on > timezone.localdate():
        errors["held_on"] = _("A round is logged after it was held.")
    terms = clean_text(values.get("terms"), 4000)
    if not terms:
        errors["terms"] = _("Say what terms the store asked for.")
    fees = {}
    for key in ("entry_fee", "shelf_fee", "promotion_fee"):
        fees[key] = money(values.get(key))
        if fees[key] is None:
            errors[key] = _("An amount of zero or more.")
    outcome = values.get("outcome") or Outcome.PENDING
    if outcome not in Outcome.values:
        errors["outcome"] = _("Agreed, pending or failed.")
    if errors:
        raise RetailInvalid(errors)
    negotiation = Negotiation.objects.create(
        retailer=retailer, held_on=held_on, terms=terms, outcome=outcome,
        notes=clean_text(values.get("notes"), 400), recorded_by=actor, **fees)
    audit.record(actor=actor, target=negotiation, subject=retailer,
                 event="retail.negotiation_logged",
                 data={"held_on": held_on, "outcome": outcome, **fees})
    return negotiation
