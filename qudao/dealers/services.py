"""Every write to dealers and their contacts: validated, scoped, atomic and audited."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qudao.core import audit
from qudao.dealers import scoping
from qudao.dealers.choices import (
    ALLOWED_PARENT_LEVELS,
    STATUS_TRANSITIONS,
    ChannelLevel,
    DealerStatus,
    ExitReason,
)
from qudao.dealers.exceptions import DealerInvalid, DealerTransitionInvalid
from qudao.dealers.models import Contact, Dealer, DealerStatusChange, Tag
from qudao.dealers.validators import validate_credit_code

# Fields a create or an edit may set; status moves only through dealer_status_change.
DEALER_FIELDS = [
    "code", "name", "short_name", "legal_name", "legal_representative", "credit_code",
    "channel_level", "distribution_mode", "retailer_type", "parent", "territory", "address",
    "latitude", "longitude", "phone", "email", "bank_name", "bank_account", "assigned_rep",
    "vehicles", "warehouse_area", "staff_count", "registered_capital", "credit_rating",
    "office_system", "ownership_type", "province_sales_rank", "reputation",
    "financial_strength", "payment_speed", "boss_capability", "business_categories",
    "competing_brands", "main_customers", "notes", "grade",
]
CONTACT_FIELDS = ["name", "title", "mobile", "phone", "email", "wechat", "is_primary", "notes"]


def dealer_check(*, actor: Any, values: dict[str, Any], dealer: Dealer | None = None,
                 pending_codes: set[str] | None = None) -> dict[str, str]:
    """Errors in `values` (the dealer as it would be after the write), by field.

    Checks: required fields, code unique, credit code well-formed, territory within the
    actor's scope, parent within scope, of an allowed level and not the dealer's own
    descendant, retailer type only for terminals.
    """
    errors: dict[str, str] = {}
    code = (values.get("code") or "").strip()
    if dealer is None or code != dealer.code:
        taken = Dealer.objects.filter(code=code).exclude(pk=getattr(dealer, "pk", None)).exists()
        if code and (taken or code in (pending_codes or set())):
            errors["code"] = _("Dealer code %(code)s is already used.") % {"code": code}
    if not (values.get("name") or "").strip():
        errors["name"] = _("A dealer needs a name.")
    level = values.get("channel_level")
    if level not in ChannelLevel.values:
        errors["channel_level"] = _("Choose a channel level.")
    credit_code = (values.get("credit_code") or "").strip().upper()
    if credit_code:
        try:
            validate_credit_code(credit_code)
        except ValidationError as exc:
            errors["credit_code"] = exc.messages[0]
    territory = values.get("territory")
    if territory is None:
        errors["territory"] = _("Choose the dealer's region.")
    elif not scoping.visible_territories(actor).filter(pk=territory.pk).exists():
        errors["territory"] = _("%(region)s is outside your territories.") % {"region": territory}
    parent = values.get("parent")
    if parent is not None and level in ChannelLevel.values:
        if not scoping.visible_dealers(actor).filter(pk=parent.pk).exists():
            errors["parent"] = _("The parent dealer is outside your scope.")
        elif parent.channel_level not in ALLOWED_PARENT_LEVELS[ChannelLevel(level)]:
            errors["parent"] = _("A %(level)s cannot sit under a %(parent)s.") % {
                "level": ChannelLevel(level).label,
                "parent": ChannelLevel(parent.channel_level).label,
            }
        elif dealer is not None and _is_descendant(parent, of=dealer):
            errors["parent"] = _("A dealer cannot sit under itself or its own sub-dealers.")
    if values.get("retailer_type") and level not in (ChannelLevel.TERMINAL,
                                                      ChannelLevel.KEY_ACCOUNT):
        errors["retailer_type"] = _("Only retail terminals have a retailer type.")
    rep = values.get("assigned_rep")
    if rep is not None and rep.role != "sales_rep":
        errors["assigned_rep"] = _("%(user)s is not a sales rep.") % {"user": rep}
    for field in ("latitude", "longitude"):
        value = values.get(field)
        limit = 90 if field == "latitude" else 180
        if value is not None and not -limit <= value <= limit:
            errors[field] = _("Out of range.")
    return errors


def _is_descendant(candidate: Dealer, *, of: Dealer) -> bool:
    """Whether `candidate` is `of` itself or somewhere below it (walks up at most 4 levels)."""
    node: Dealer | None = candidate
    for _step in range(8):
        if node is None:
            return False
        if node.pk == of.pk:
            return True
        node = node.parent
    return False


def _set_tags(dealer: Dealer, names: list[str] | None) -> None:
    if names is None:
        return
    clean = sorted({name.strip()[:40] for name in names if name and name.strip()})
    tags = [Tag.objects.get_or_create(name=name)[0] for name in clean]
    dealer.tags.set(tags)


@transaction.atomic
def dealer_create(*, actor: Any, values: dict[str, Any], tags: list[str] | None = None) -> Dealer:
    """Create a dealer as a prospect (or in the status given by an import). Raises DealerInvalid."""
    values = {k: v for k, v in values.items() if k in DEALER_FIELDS}
    if not (values.get("code") or "").strip():
        values["code"] = ""
    errors = dealer_check(actor=actor, values=values)
    if errors:
        raise DealerInvalid(errors)
    values["credit_code"] = (values.get("credit_code") or "").strip().upper()
    dealer = Dealer(**values, created_by=actor if getattr(actor, "pk", None) else None,
                    status_changed_at=timezone.now())
    if not dealer.code:
        dealer.code = f"TMP-{timezone.now().timestamp()}"
        dealer.save()
        dealer.code = f"QD{dealer.pk:07d}"
        dealer.save(update_fields=["code"])
    else:
        dealer.save()
    _set_tags(dealer, tags)
    audit.record(actor=actor, target=dealer, event="dealer.created",
                 data={"code": dealer.code, "name": dealer.name,
                       "channel_level": dealer.channel_level})
    return dealer


@transaction.atomic
def dealer_update(*, actor: Any, dealer: Dealer, values: dict[str, Any],
                  tags: list[str] | None = None) -> Dealer:
    """Edit a dealer's master data; every changed field goes into its history."""
    dealer = Dealer.objects.select_for_update().get(pk=dealer.pk)
    before = audit.snapshot(dealer, DEALER_FIELDS)
    tags_before = sorted(dealer.tags.values_list("name", flat=True))
    merged = {name: getattr(dealer, name) for name in DEALER_FIELDS}
    merged.update({k: v for k, v in values.items() if k in DEALER_FIELDS})
    errors = dealer_check(actor=actor, values=merged, dealer=dealer)
    if errors:
        raise DealerInvalid(errors)
    merged["credit_code"] = (merged.get("credit_code") or "").strip().upper()
    for name, value in merged.items():
        setattr(dealer, name, value)
    dealer.save()
    _set_tags(dealer, tags)
    changes = audit.diff(before, audit.snapshot(dealer, DEALER_FIELDS))
    tags_after = sorted(dealer.tags.values_list("name", flat=True))
    if tags_after != tags_before:
        changes["tags"] = [", ".join(tags_before), ", ".join(tags_after)]
    if changes:
        audit.record(actor=actor, target=dealer, event="dealer.updated", data=changes)
    return dealer


@transaction.atomic
def dealer_status_change(*, actor: Any, dealer: Dealer, to_status: str, reason: str,
                         exit_reason: str = "") -> Dealer:
    """Move a dealer along its lifecycle; logs who, when and why.

    Raises DealerTransitionInvalid for a move the lifecycle does not allow, a missing
    reason, or a termination without an exit reason.
    """
    dealer = Dealer.objects.select_for_update().get(pk=dealer.pk)
    if to_status not in STATUS_TRANSITIONS.get(dealer.status, set()):
        raise DealerTransitionInvalid(
            _("A dealer cannot go from %(from)s to %(to)s.") % {
                "from": DealerStatus(dealer.status).label,
                "to": DealerStatus(to_status).label if to_status in DealerStatus.values
                else to_status,
            })
    if not (reason or "").strip():
        raise DealerTransitionInvalid(_("Give a reason for the status change."))
    if to_status == DealerStatus.TERMINATED and exit_reason not in ExitReason.values:
        raise DealerTransitionInvalid(_("Choose an exit reason to terminate a dealer."))
    previous = dealer.status
    dealer.status = to_status
    dealer.status_changed_at = timezone.now()
    dealer.exit_reason = exit_reason if to_status == DealerStatus.TERMINATED else ""
    dealer.save(update_fields=["status", "status_changed_at", "exit_reason", "updated_at"])
    DealerStatusChange.objects.create(
        dealer=dealer, from_status=previous, to_status=to_status, reason=reason.strip(),
        exit_reason=dealer.exit_reason, changed_by=actor,
    )
    audit.record(actor=actor, target=dealer, event="dealer.status_changed",
                 data={"status": [previous, to_status], "reason": reason.strip(),
                       "exit_reason": dealer.exit_reason})
    return dealer


@transaction.atomic
def contact_create(*, actor: Any, dealer: Dealer, values: dict[str, Any]) -> Contact:
    """Add a contact; a new primary contact takes the place of the old one."""
    values = {k: v for k, v in values.items() if k in CONTACT_FIELDS}
    if not (values.get("name") or "").strip():
        raise DealerInvalid({"name": _("A contact needs a name.")})
    if values.get("is_primary"):
        dealer.contacts.filter(is_primary=True).update(is_primary=False)
    contact = Contact.objects.create(dealer=dealer, **values)
    audit.record(actor=actor, target=contact, subject=dealer, event="contact.created",
                 data={k: values.get(k) for k in ("name", "title", "mobile")})
    return contact


@transaction.atomic
def contact_update(*, actor: Any, contact: Contact, values: dict[str, Any]) -> Contact:
    before = audit.snapshot(contact, CONTACT_FIELDS)
    for name, value in values.items():
        if name in CONTACT_FIELDS:
            setattr(contact, name, value)
    if not contact.name.strip():
        raise DealerInvalid({"name": _("A contact needs a name.")})
    if contact.is_primary:
        contact.dealer.contacts.exclude(pk=contact.pk).filter(is_primary=True).update(
            is_primary=False)
    contact.save()
    changes = audit.diff(before, audit.snapshot(contact, CONTACT_FIELDS))
    if changes:
        audit.record(actor=actor, target=contact, subject=contact.dealer,
                     event="contact.updated", data={"name": contact.name, **changes})
    return contact


@transaction.atomic
def contact_delete(*, actor: Any, contact: Contact) -> None:
    audit.record(actor=actor, target=contact, subject=contact.dealer, event="contact.deleted",
                 data={"name": contact.name, "mobile": contact.mobile})
    contact.delete()
