"""Writes of criteria sets (HQ, audited): save a set with its weighted criteria, whose
weights must add up to exactly 1.00 (R-RS-04); a set candidates were scored on keeps its
criteria (copy it to change them)."""

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from qudao.core import audit
from qudao.recruitment.exceptions import (
    CriteriaSetInUse,
    CriteriaWeightsInvalid,
    RecruitmentInvalid,
)
from qudao.recruitment.models import CriteriaSet, Criterion, Score
from qudao.recruitment.services._common import require, text

ONE = Decimal("1.00")
CODE = re.compile(r"^[a-z0-9_]{1,30}$")
SET_FIELDS = ["code", "name", "name_en", "description", "is_default", "is_active"]


def _criteria_rows(criteria_set: CriteriaSet) -> list[dict[str, Any]]:
    return [{"code": c.code, "name": c.name, "name_en": c.name_en, "weight": str(c.weight),
             "guidance": c.guidance}
            for c in criteria_set.criteria.order_by("position", "id")]


def weights_check(weights: list[Decimal]) -> None:
    """Raise CriteriaWeightsInvalid unless the weights add up to exactly 1.00."""
    total = sum(weights, Decimal("0"))
    if total != ONE:
        raise CriteriaWeightsInvalid(
            _("The weights must add up to exactly 1.00; they add up to %(sum)s.") % {
                "sum": total.quantize(Decimal("0.01"))})


def _clean_criteria(criteria: list[dict[str, Any]]) -> tuple[list[dict[str, Any]],
                                                              dict[str, str]]:
    errors: dict[str, str] = {}
    clean: list[dict[str, Any]] = []
    seen: set[str] = set()
    for number, row in enumerate(criteria, start=1):
        code = text(row.get("code"), 30).lower()
        name = text(row.get("name"), 60)
        if not code and not name and row.get("weight") in (None, ""):
            continue  # an empty row of the form
        if not CODE.match(code):
            errors[f"criteria_{number}_code"] = _(
                "Row %(n)d: a code of lower-case letters, digits and _.") % {"n": number}
        elif code in seen:
            errors[f"criteria_{number}_code"] = _("Row %(n)d: code %(code)s is used twice.") % {
                "n": number, "code": code}
        seen.add(code)
        if not name:
            errors[f"criteria_{number}_name"] = _("Row %(n)d: a name is needed.") % {
                "n": number}
        try:
            weight = Decimal(str(row.get("weight")))
        except InvalidOperation:
            weight = Decimal("-1")
        if not weight.is_finite() or not Decimal("0.01") <= weight <= ONE or (
                weight != weight.quantize(Decimal("0.01"))):
            errors[f"criteria_{number}_weight"] = _(
                "Row %(n)d: a weight from 0.01 to 1.00 with at most 2 decimals.") % {
                "n": number}
            weight = Decimal("0")
        clean.append({"code": code, "name": name, "name_en": text(row.get("name_en"), 80),
                      "weight": weight, "guidance": text(row.get("guidance"), 200)})
    if not clean:
        errors["criteria"] = _("A criteria set needs at least one criterion.")
    return clean, errors


@transaction.atomic
def criteria_set_save(*, actor: Any, values: dict[str, Any], criteria: list[dict[str, Any]],
                      criteria_set: CriteriaSet | None = None) -> CriteriaSet:
    """Create or change a criteria set and its criteria.

    Raises RecruitmentInvalid (a field), CriteriaWeightsInvalid (weights not adding up to
    1.00, naming the actual sum) or CriteriaSetInUse (criteria changed on a set that
    candidates were scored on). Making a set the default takes it from the previous one.
    """
    require(actor, "recruitment.change_criteria")
    if criteria_set is not None:
        criteria_set = CriteriaSet.objects.select_for_update().get(pk=criteria_set.pk)
    values = {k: v for k, v in values.items() if k in SET_FIELDS}
    errors: dict[str, str] = {}
    code = text(values.get("code", criteria_set.code if criteria_set else ""), 20)
    if not code:
        errors["code"] = _("A criteria set needs a code.")
    elif CriteriaSet.objects.filter(code=code).exclude(
            pk=getattr(criteria_set, "pk", None)).exists():
        errors["code"] = _("Criteria set code %(code)s is already used.") % {"code": code}
    name = text(values.get("name", criteria_set.name if criteria_set else ""), 80)
    if not name:
        errors["name"] = _("A criteria set needs a name.")
    clean, row_errors = _clean_criteria(criteria)
    errors.update(row_errors)
    if errors:
        raise RecruitmentInvalid(errors)
    weights_check([row["weight"] for row in clean])
    before = _criteria_rows(criteria_set) if criteria_set else []
    after = [{**row, "weight": str(row["weight"])} for row in clean]
    criteria_changed = before != after
    if criteria_set is not None and criteria_changed and Score.objects.filter(
            criterion__criteria_set=criteria_set).exists():
        raise CriteriaSetInUse(
            _("Candidates have been scored on criteria set %(set)s: its criteria can no "
              "longer change. Copy it and change the copy.") % {"set": criteria_set})
    header_before = audit.snapshot(criteria_set, SET_FIELDS) if criteria_set else {}
    target = criteria_set or CriteriaSet()
    target.code, target.name = code, name
    target.name_en = text(values.get("name_en", target.name_en), 80)
    target.description = text(values.get("description", target.description), 2000)
    target.is_active = bool(values.get("is_active", target.is_active if criteria_set else True))
    target.is_default = bool(values.get("is_default", target.is_default))
    if target.is_default:
        CriteriaSet.objects.filter(is_default=True).exclude(pk=target.pk).update(
            is_default=False)
    target.save()
    if criteria_changed:
        target.criteria.all().delete()
        Criterion.objects.bulk_create(
            Criterion(criteria_set=target, position=position, **row)
            for position, row in enumerate(clean, start=1))
    changes = audit.diff(header_before, audit.snapshot(target, SET_FIELDS))
    if criteria_changed:
        changes["criteria"] = [before, after]
    if changes:
        audit.record(actor=actor, target=target,
                     event="criteria.changed" if criteria_set else "criteria.created",
                     data=changes)
    return target


@transaction.atomic
def criteria_set_copy(*, actor: Any, criteria_set: CriteriaSet, code: str,
                      name: str) -> CriteriaSet:
    """A new, not default, set with the same criteria, to change where the original is in
    use. Raises RecruitmentInvalid for a code taken or a name missing."""
    require(actor, "recruitment.change_criteria")
    copy = criteria_set_save(
        actor=actor, values={"code": code, "name": name, "name_en": "",
                             "description": criteria_set.description, "is_default": False,
                             "is_active": True},
        criteria=_criteria_rows(criteria_set))
    copy.copied_from = criteria_set
    copy.save(update_fields=["copied_from", "updated_at"])
    return copy
