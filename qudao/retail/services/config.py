"""Writes of the retail configuration head office keeps: qualification conditions and
support entitlements per retailer type and grade, and the store-audit checklist."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from qudao.core import audit
from qudao.dealers.choices import Grade, RetailerType
from qudao.retail.choices import Commitment, EntitlementKind
from qudao.retail.exceptions import RetailInvalid
from qudao.retail.models import ChecklistItem, Entitlement, QualificationCondition
from qudao.retail.services._common import clean_text, money, require_company_wide

CONDITION_FIELDS = ["min_volume", "min_area", "min_staff", "min_audit_score", "min_management"]
CHECKLIST_FIELDS = ["name", "guidance", "max_score", "commitment", "position", "is_active"]


def _type_grade(retailer_type: str, grade: str, errors: dict[str, str]) -> None:
    if retailer_type not in RetailerType.values:
        errors["retailer_type"] = _("Choose the retailer type.")
    if grade not in Grade.values:
        errors["grade"] = _("Choose grade A, B or C.")


def _optional_whole(value: Any, low: int, high: int) -> tuple[int | None, bool]:
    if value is None or value == "":
        return None, True
    if isinstance(value, bool):
        return None, False
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None, False
    return (number, True) if low <= number <= high else (None, False)


@transaction.atomic
def condition_save(*, actor: Any, retailer_type: str, grade: str,
                   values: dict[str, Any]) -> QualificationCondition:
    """Set the qualification thresholds of one retailer type and grade (empty: not
    required). Head office only; raises NotAllowed or RetailInvalid (by field)."""
    require_company_wide(actor)
    errors: dict[str, str] = {}
    _type_grade(retailer_type, grade, errors)
    clean: dict[str, Any] = {}
    volume = values.get("min_volume")
    if volume is None or volume == "":
        clean["min_volume"] = None
    else:
        clean["min_volume"] = money(volume)
        if clean["min_volume"] is None:
            errors["min_volume"] = _("An amount of zero or more, or empty.")
    for key, high in (("min_area", 1_000_000), ("min_staff", 10_000), ("min_management", 5)):
        clean[key], ok = _optional_whole(values.get(key), 1 if key == "min_management" else 0,
                                         high)
        if not ok:
            errors[key] = (_("1 to 5, or empty.") if key == "min_management"
                           else _("A whole number of zero or more, or empty."))
    score = values.get("min_audit_score")
    if score is None or score == "":
        clean["min_audit_score"] = None
    else:
        try:
            clean["min_audit_score"] = Decimal(str(score)).quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError):
            clean["min_audit_score"] = None
        if clean["min_audit_score"] is None or not 0 <= clean["min_audit_score"] <= 100:
            errors["min_audit_score"] = _("A score from 0 to 100, or empty.")
    if errors:
        raise RetailInvalid(errors)
    condition = (QualificationCondition.objects.select_for_update()
                 .filter(retailer_type=retailer_type, grade=grade).first())
    before = audit.snapshot(condition, CONDITION_FIELDS) if condition else {}
    if condition is None:
        condition = QualificationCondition(retailer_type=retailer_type, grade=grade)
    for key, value in clean.items():
        setattr(condition, key, value)
    condition.updated_by = actor
    condition.save()
    changes = audit.diff(before, audit.snapshot(condition, CONDITION_FIELDS))
    if changes:
        audit.record(actor=actor, target=condition, event="retail.condition_changed",
                     data=changes)
    return condition


@transaction.atomic
def entitlement_save(*, actor: Any, values: dict[str, Any],
                     entitlement: Entitlement | None = None) -> Entitlement:
    """Add or change one support entitlement of a retailer type and grade. Head office
    only; raises NotAllowed or RetailInvalid (by field)."""
    require_company_wide(actor)
    errors: dict[str, str] = {}
    retailer_type, grade = values.get("retailer_type") or "", values.get("grade") or ""
    _type_grade(retailer_type, grade, errors)
    kind = values.get("kind") or ""
    if kind not in EntitlementKind.values:
        errors["kind"] = _("Choose the kind of support.")
    description = clean_text(values.get("description"), 200)
    if not description:
        errors["description"] = _("Say what the retailer gets.")
    amount = values.get("amount")
    if amount is None or amount == "":
        amount = None
    else:
        amount = money(amount)
        if amount is None:
            errors["amount"] = _("An amount of zero or more, or empty.")
    if kind == EntitlementKind.SPECIAL_FUND and amount is None and "amount" not in errors:
        errors["amount"] = _("A special fund needs its amount.")
    if errors:
        raise RetailInvalid(errors)
    fields = ["retailer_type", "grade", "kind", "description", "amount"]
    if entitlement is not None:
        entitlement = Entitlement.objects.select_for_update().get(pk=entitlement.pk)
    before = audit.snapshot(entitlement, fields) if entitlement else {}
    entitlement = entitlement or Entitlement()
    entitlement.retailer_type, entitlement.grade, entitlement.kind = retailer_type, grade, kind
    entitlement.description, entitlement.amount = description, amount
    entitlement.updated_by = actor
    entitlement.save()
    changes = audit.diff(before, audit.snapshot(entitlement, fields))
    if changes:
        audit.record(actor=actor, target=entitlement, event="retail.entitlement_changed",
                     data=changes)
    return entitlement


@transaction.atomic
def entitlement_delete(*, actor: Any, entitlement: Entitlement) -> None:
    require_company_wide(actor)
    audit.record(actor=actor, target=entitlement, event="retail.entitlement_removed",
                 data={"retailer_type": entitlement.retailer_type,
                       "grade": entitlement.grade, "kind": entitlement.kind,
                       "description": entitlement.description,
                       "amount": entitlement.amount})
    entitlement.delete()


@transaction.atomic
def checklist_item_save(*, actor: Any, values: dict[str, Any],
                        item: ChecklistItem | None = None) -> ChecklistItem:
    """Add or change a line of the audit checklist (its maximum 1-100). Audits already
    made keep the scores and maximums they had. Head office only."""
    require_company_wide(actor)
    errors: dict[str, str] = {}
    name = clean_text(values.get("name"), 80)
    if not name:
        errors["name"] = _("Name the checklist item.")
    max_score, ok = _optional_whole(values.get("max_score"), 1, 100)
    if not ok or max_score is None:
        errors["max_score"] = _("A maximum score from 1 to 100.")
    commitment = values.get("commitment") or ""
    if commitment and commitment not in Commitment.values:
        errors["commitment"] = _("Choose a commitment, or none.")
    position, ok = _optional_whole(values.get("position"), 0, 1000)
    if not ok:
        errors["position"] = _("A whole number from 0 to 1000.")
    if errors:
        raise RetailInvalid(errors)
    if item is not None:
        item = ChecklistItem.objects.select_for_update().get(pk=item.pk)
    before = audit.snapshot(item, CHECKLIST_FIELDS) if item else {}
    if item is None:
        base = slugify(values.get("code") or "") or f"item-{ChecklistItem.objects.count() + 1}"
        code, n = base[:26], 1
        while ChecklistItem.objects.filter(code=code).exists():
            n += 1
            code = f"{base[:24]}-{n}"
        item = ChecklistItem(code=code)
    item.name, item.guidance = name, clean_text(values.get("guidance"), 300)
    item.max_score, item.commitment = max_score, commitment
    item.position = position if position is not None else item.position
    item.is_active = bool(values.get("is_active", True))
    item.updated_by = actor
    item.save()
    changes = audit.diff(before, audit.snapshot(item, CHECKLIST_FIELDS))
    if changes:
        audit.record(actor=actor, target=item, event="retail.checklist_changed", data=changes)
    return item
