"""Writes of retailer registration (R-RT-06): the application, its review by a rep, the
manager's decision, the terminal it creates or updates, and the authorization certificate."""

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qudao.core import audit
from qudao.core.numbering import number_assign
from qudao.dealers import services as dealer_services
from qudao.dealers.choices import (
    ALLOWED_PARENT_LEVELS,
    ChannelLevel,
    DealerStatus,
    Grade,
    RetailerType,
)
from qudao.dealers.models import Dealer
from qudao.dealers.scoping import visible_dealers, visible_territories
from qudao.retail import qualification
from qudao.retail.choices import ApplicationStatus
from qudao.retail.exceptions import ApplicationStatusInvalid, ApproverConflict, RetailInvalid
from qudao.retail.models import Application, Certificate, RetailerProfile
from qudao.retail.services._common import clean_text, require, require_retailer, require_staff

APPLICATION_PREFIX = "RA"
CERTIFICATE_PREFIX = "RC"
TERMS_VERSION = "2026-01"
# Fields of the application form (store data, the type asked for, the terms accepted).
APPLICATION_FIELDS = ["store_name", "address", "territory", "parent", "contact_name", "phone",
                      "store_area", "staff_count", "management_rating", "retailer_type",
                      "business_categories", "remarks", "terms_accepted"]
TEXT_LIMITS = {"store_name": 120, "address": 200, "contact_name": 40, "phone": 32,
               "business_categories": 200, "remarks": 2000}


def one_year_from(day: datetime.date) -> datetime.date:
    """The last day of a year's validity starting on `day` (29 Feb -> 27 Feb next year)."""
    try:
        return day.replace(year=day.year + 1) - datetime.timedelta(days=1)
    except ValueError:
        return datetime.date(day.year + 1, 2, 28) - datetime.timedelta(days=1)


def _whole(value: Any, low: int, high: int) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if low <= number <= high else None


def _application_values(actor: Any, values: dict[str, Any],
                        retailer: Dealer | None) -> dict[str, Any]:
    """The application's fields cleaned and checked; RetailInvalid naming each bad one."""
    errors: dict[str, str] = {}
    data: dict[str, Any] = {}
    for key, limit in TEXT_LIMITS.items():
        data[key] = clean_text(values.get(key), limit)
    for key, why in (("store_name", _("Give the store's name.")),
                     ("address", _("Give the store's address.")),
                     ("contact_name", _("Name the store's contact person.")),
                     ("phone", _("Give the store's phone number."))):
        if not data[key]:
            errors[key] = why
    data["store_area"] = _whole(values.get("store_area"), 1, 1_000_000)
    if data["store_area"] is None:
        errors["store_area"] = _("The store area in m², a whole number above zero.")
    data["staff_count"] = _whole(values.get("staff_count"), 1, 10_000)
    if data["staff_count"] is None:
        errors["staff_count"] = _("The number of staff, at least 1.")
    data["management_rating"] = _whole(values.get("management_rating"), 1, 5)
    if data["management_rating"] is None:
        errors["management_rating"] = _("Rate the management capability from 1 to 5.")
    data["retailer_type"] = values.get("retailer_type") or ""
    if data["retailer_type"] not in RetailerType.values:
        errors["retailer_type"] = _("Choose the type applied for.")
    if values.get("terms_accepted") is not True:
        errors["terms_accepted"] = _("The application terms must be accepted.")
    data["terms_accepted"] = True
    territory = values.get("territory") or (retailer.territory if retailer else None)
    parent = values.get("parent")
    if actor.is_dealer_user:
        # A dealer files for stores it supplies: itself as the supplying dealer.
        parent = visible_dealers(actor).first()
        if parent is None or parent.channel_level not in ALLOWED_PARENT_LEVELS[
                ChannelLevel.TERMINAL]:
            errors["parent"] = _("Only a tier-1 or tier-2 dealer files for the stores it "
                                 "supplies.")
        if parent is not None:
            if territory is None:
                territory = parent.territory
            elif not territory.path.startswith(parent.territory.path):
                errors["territory"] = _("A store you supply lies in your own region "
                                        "(%(region)s).") % {"region": parent.territory}
    else:
        if territory is not None and not visible_territories(actor).filter(
                pk=territory.pk).exists():
            errors["territory"] = _("%(region)s is outside your territories.") % {
                "region": territory}
        if parent is not None:
            if not visible_dealers(actor).filter(pk=parent.pk).exists():
                errors["parent"] = _("The supplying dealer is outside your scope.")
            elif parent.channel_level not in ALLOWED_PARENT_LEVELS[ChannelLevel.TERMINAL]:
                errors["parent"] = _("A store is supplied by a tier-1 or tier-2 dealer.")
    if territory is None:
        errors["territory"] = _("Choose the store's region.")
    data["territory"], data["parent"] = territory, parent
    if errors:
        raise RetailInvalid(errors)
    return data


@transaction.atomic
def application_submit(*, actor: Any, values: dict[str, Any],
                       retailer: Dealer | None = None) -> Application:
    """File a retailer's application (申请书) on its behalf: a rep for a store of his area,
    a dealer for a store it supplies. `retailer`: an existing terminal renewing or changing
    its authorization (one open application at a time).

    Raises NotAllowed, RetailInvalid (by field; the terms must be accepted)."""
    require(actor, "retail.apply_retailer")
    if retailer is not None:
        require_retailer(actor, retailer)
        retailer = Dealer.objects.select_for_update().get(pk=retailer.pk)
        if Application.objects.filter(retailer=retailer, status__in=(
                ApplicationStatus.SUBMITTED, ApplicationStatus.REVIEWED)).exists():
            raise RetailInvalid({"retailer": _("%(store)s already has an application being "
                                               "processed.") % {"store": retailer}})
    data = _application_values(actor, values, retailer)
    now = timezone.now()
    application = Application.objects.create(
        retailer=retailer, applicant=actor, submitted_at=now, terms_version=TERMS_VERSION,
        status=ApplicationStatus.SUBMITTED, **data)
    number_assign(application, prefix=APPLICATION_PREFIX, day=timezone.localdate(now))
    audit.record(actor=actor, target=application, subject=retailer or application,
                 event="retail.application_submitted",
                 data={"number": application.number, "store": application.store_name,
                       "retailer_type": application.retailer_type})
    return application


def _locked(application: Application) -> Application:
    return (Application.objects.select_for_update(of=("self",))
            .select_related("retailer", "parent", "territory").get(pk=application.pk))


def _in_scope(actor: Any, application: Application) -> None:
    from qudao.retail.queries import visible_applications

    if not visible_applications(actor).filter(pk=application.pk).exists():
        raise ApplicationStatusInvalid(_("Application %(n)s is not in your scope.")
                                       % {"n": application})


@transaction.atomic
def application_review(*, actor: Any, application: Application, accept: bool,
                       note: str = "") -> Application:
    """A rep's review of a submitted application: passed on to a manager, or rejected (a
    rejection says why). Raises NotAllowed or ApplicationStatusInvalid."""
    require(actor, "retail.change_retailer")
    require_staff(actor)
    application = _locked(application)
    _in_scope(actor, application)
    if application.status != ApplicationStatus.SUBMITTED:
        raise ApplicationStatusInvalid(
            _("Application %(n)s is %(status)s: only a submitted application is reviewed.")
            % {"n": application, "status": application.get_status_display().lower()})
    note = clean_text(note, 400)
    if not accept and not note:
        raise RetailInvalid({"note": _("Say why the application is rejected.")})
    application.status = (ApplicationStatus.REVIEWED if accept
                          else ApplicationStatus.REJECTED)
    application.reviewed_by, application.reviewed_at = actor, timezone.now()
    application.review_note = note
    application.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note",
                                    "updated_at"])
    audit.record(actor=actor, target=application,
                 subject=application.retailer or application,
                 event="retail.application_reviewed",
                 data={"number": application.number, "status": application.status,
                       "note": note})
    return application


@transaction.atomic
def application_decide(*, actor: Any, application: Application, approve: bool,
                       note: str = "", grade: str = "", valid_from: datetime.date | None = None,
                       valid_until: datetime.date | None = None) -> Application:
    """A manager's decision on a reviewed application.

    Approval (by someone who neither filed nor reviewed it) creates the terminal (or
    updates the existing one) through the dealer services, keeps its store profile, and
    issues an authorization certificate numbered RCyymmddNNNNNNN, valid for a year unless
    dates are given; a certificate still in force is revoked. `grade` is the initial grade
    of a new terminal (an existing one keeps the grade its tiering gave it). The
    qualification check is kept on the application as the approver saw it.

    Raises NotAllowed, ApproverConflict, ApplicationStatusInvalid, RetailInvalid or
    DealerInvalid; nothing is written then."""
    require(actor, "retail.approve_retailer")
    require_staff(actor)
    application = _locked(application)
    _in_scope(actor, application)
    if application.status != ApplicationStatus.REVIEWED:
        raise ApplicationStatusInvalid(
            _("Application %(n)s is %(status)s: only a reviewed application is decided.")
            % {"n": application, "status": application.get_status_display().lower()})
    if actor.pk in (application.applicant_id, application.reviewed_by_id):
        raise ApproverConflict(_("Application %(n)s was filed or reviewed by you: another "
                                 "manager must decide it.") % {"n": application})
    note = clean_text(note, 400)
    now = timezone.now()
    if not approve:
        if not note:
            raise RetailInvalid({"note": _("Say why the application is rejected.")})
        application.status = ApplicationStatus.REJECTED
        application.decided_by, application.decided_at = actor, now
        application.decision_note = note
        application.save(update_fields=["status", "decided_by", "decided_at",
                                        "decision_note", "updated_at"])
        audit.record(actor=actor, target=application,
                     subject=application.retailer or application,
                     event="retail.application_rejected",
                     data={"number": application.number, "note": note})
        return application
    today = timezone.localdate(now)
    valid_from = valid_from or today
    valid_until = valid_until or one_year_from(valid_from)
    errors: dict[str, str] = {}
    if valid_until < valid_from:
        errors["valid_until"] = _("A certificate ends after it starts.")
    if valid_until < today:
        errors["valid_until"] = _("A certificate cannot be issued already expired.")
    existing = application.retailer
    grade = (existing.grade if existing and existing.grade else grade) or Grade.C
    if grade not in Grade.values:
        errors["grade"] = _("Choose grade A, B or C.")
    if errors:
        raise RetailInvalid(errors)
    retailer = _retailer_save(actor=actor, application=application, grade=grade)
    profile, _created = RetailerProfile.objects.get_or_create(retailer=retailer)
    profile.store_area = application.store_area
    profile.management_rating = application.management_rating
    profile.save()
    checked = qualification.retailer_check(retailer=retailer,
                                           retailer_type=application.retailer_type,
                                           grade=grade, today=today)
    in_force = list(Certificate.objects.select_for_update()
                    .filter(retailer=retailer, revoked_on__isnull=True,
                            valid_until__gte=valid_from))
    Certificate.objects.filter(pk__in=[c.pk for c in in_force]).update(revoked_on=valid_from)
    revoked = [c.number for c in in_force]
    certificate = Certificate.objects.create(
        retailer=retailer, application=application, retailer_type=application.retailer_type,
        grade=grade, valid_from=valid_from, valid_until=valid_until, issued_by=actor)
    number_assign(certificate, prefix=CERTIFICATE_PREFIX, day=today)
    application.status = ApplicationStatus.APPROVED
    application.retailer = retailer
    application.decided_by, application.decided_at = actor, now
    application.decision_note = note
    application.qualification = checked.as_dict()
    application.save(update_fields=["status", "retailer", "decided_by", "decided_at",
                                    "decision_note", "qualification", "updated_at"])
    audit.record(actor=actor, target=application, subject=retailer,
                 event="retail.application_approved",
                 data={"number": application.number, "certificate": certificate.number,
                       "qualified": checked.qualified})
    audit.record(actor=actor, target=certificate, subject=retailer,
                 event="retail.certificate_issued",
                 data={"number": certificate.number, "retailer_type": certificate.retailer_type,
                       "grade": grade, "valid_from": valid_from, "valid_until": valid_until,
                       "revoked": revoked})
    return application


def _retailer_save(*, actor: Any, application: Application, grade: str) -> Dealer:
    """The terminal an approved application stands for: created (and made active), or the
    existing one updated with the store data filed."""
    rep = next((user for user in (application.applicant, application.reviewed_by)
                if user is not None and user.role == "sales_rep"), None)
    values: dict[str, Any] = {
        "name": application.store_name, "address": application.address,
        "phone": application.phone, "staff_count": application.staff_count,
        "retailer_type": application.retailer_type,
    }
    if application.business_categories:
        values["business_categories"] = application.business_categories
    if application.parent_id:
        values["parent"] = application.parent
    if application.retailer is not None:
        return dealer_services.dealer_update(actor=actor, dealer=application.retailer,
                                             values=values)
    values.update({"channel_level": ChannelLevel.TERMINAL, "territory": application.territory,
                   "grade": grade, "assigned_rep": rep})
    retailer = dealer_services.dealer_create(actor=actor, values=values)
    # The person who filed for the store is its first contact.
    dealer_services.contact_create(actor=actor, dealer=retailer, values={
        "name": application.contact_name, "mobile": application.phone, "is_primary": True})
    reason = _("Authorized retailer: application %(n)s approved.") % {"n": application}
    for status in (DealerStatus.ONBOARDING, DealerStatus.ACTIVE):
        retailer = dealer_services.dealer_status_change(actor=actor, dealer=retailer,
                                                        to_status=status, reason=reason)
    return retailer


@transaction.atomic
def profile_save(*, actor: Any, retailer: Dealer, store_area: int | None,
                 management_rating: int | None) -> RetailerProfile:
    """Keep a retailer's store area and the management capability the sales team rates."""
    require(actor, "retail.change_retailer")
    require_staff(actor)
    require_retailer(actor, retailer)
    errors: dict[str, str] = {}
    if store_area is not None and _whole(store_area, 1, 1_000_000) is None:
        errors["store_area"] = _("The store area in m², a whole number above zero.")
    if management_rating is not None and _whole(management_rating, 1, 5) is None:
        errors["management_rating"] = _("Rate the management capability from 1 to 5.")
    if errors:
        raise RetailInvalid(errors)
    profile, _created = RetailerProfile.objects.select_for_update().get_or_create(
        retailer=retailer)
    fields = ["store_area", "management_rating"]
    before = audit.snapshot(profile, fields)
    profile.store_area, profile.management_rating = store_area, management_rating
    profile.save()
    changes = audit.diff(before, audit.snapshot(profile, fields))
    if changes:
        audit.record(actor=actor, target=profile, subject=retailer,
                     event="retail.profile_changed", data=changes)
    return profile
