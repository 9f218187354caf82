"""Writes of the tier rules and the policies per tier (head office)."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from qudao.core import audit
from qudao.dealers.choices import ChannelLevel
from qudao.tiers.choices import GRADES, Entitlement
from qudao.tiers.exceptions import TierRuleInvalid
from qudao.tiers.models import TierPolicy, TierRule
from qudao.tiers.services._common import clean_text, require

RULE_FIELDS = ("a_volume", "a_cooperation", "b_volume", "b_cooperation")
POLICY_FIELDS = ("visit_every_days", "entitlements", "nurturing")


def _amount(value: Any) -> Decimal | None:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return number.quantize(Decimal("0.01")) if number.is_finite() else None


def _score(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return int(number) if number.is_finite() and number == number.to_integral_value() else None


def rule_check(values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The thresholds cleaned, and what is wrong with them by field: amounts of zero or
    more, cooperation a whole number 0-100, A's thresholds at least B's."""
    data: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for key in ("a_volume", "b_volume"):
        data[key] = _amount(values.get(key))
        if data[key] is None or data[key] < 0:
            errors[key] = _("Sales threshold: an amount of zero or more.")
    for key in ("a_cooperation", "b_cooperation"):
        data[key] = _score(values.get(key))
        if data[key] is None or not 0 <= data[key] <= 100:
            errors[key] = _("Cooperation threshold: a whole number from 0 to 100.")
    if ("a_volume" not in errors and "b_volume" not in errors
            and data["a_volume"] < data["b_volume"]):
        errors["a_volume"] = _("The A sales threshold (%(a)s) must be at least the B one "
                               "(%(b)s).") % {"a": data["a_volume"], "b": data["b_volume"]}
    if ("a_cooperation" not in errors and "b_cooperation" not in errors
            and data["a_cooperation"] < data["b_cooperation"]):
        errors["a_cooperation"] = _("The A cooperation threshold (%(a)s) must be at least the "
                                    "B one (%(b)s).") % {"a": data["a_cooperation"],
                                                         "b": data["b_cooperation"]}
    return data, errors


@transaction.atomic
def rule_save(*, actor: Any, channel_level: str, values: dict[str, Any]) -> TierRule:
    """Set the A and B thresholds of a channel level (R-RT-01, R-RT-10).

    Raises NotAllowed (head office only) or TierRuleInvalid by field; nothing is saved then.
    """
    require(actor, "tiers.change_rule")
    if channel_level not in ChannelLevel.values:
        raise TierRuleInvalid({"channel_level": _("Unknown channel level.")})
    data, errors = rule_check(values)
    if errors:
        label = ChannelLevel(channel_level).label
        raise TierRuleInvalid(errors, _("The tier rule of %(level)s was not saved: %(why)s") % {
            "level": label, "why": " ".join(errors.values())})
    rule, _created = TierRule.objects.select_for_update().get_or_create(
        channel_level=channel_level, defaults={**data, "updated_by": actor})
    before = audit.snapshot(rule, list(RULE_FIELDS))
    for key, value in data.items():
        setattr(rule, key, value)
    rule.updated_by = actor
    rule.save()
    changes = audit.diff(before, audit.snapshot(rule, list(RULE_FIELDS)))
    if changes:
        audit.record(actor=actor, target=rule, event="tier.rule_changed", data=changes)
    return rule


@transaction.atomic
def policy_save(*, actor: Any, channel_level: str, grade: str,
                values: dict[str, Any]) -> TierPolicy:
    """Set how dealers of a tier and level are managed: visit frequency, support
    entitlements (R-RT-05), nurturing program (R-DM-13). Raises TierRuleInvalid."""
    require(actor, "tiers.change_rule")
    errors: dict[str, str] = {}
    if channel_level not in ChannelLevel.values:
        errors["channel_level"] = _("Unknown channel level.")
    if grade not in GRADES:
        errors["grade"] = _("The grade is A, B or C.")
    days = _score(values.get("visit_every_days"))
    if days is None or not 1 <= days <= 365:
        errors["visit_every_days"] = _("Visit every 1 to 365 days.")
    entitlements = list(values.get("entitlements") or [])
    unknown = [code for code in entitlements if code not in Entitlement.values]
    if unknown:
        errors["entitlements"] = _("Unknown entitlements: %(codes)s.") % {
            "codes": ", ".join(map(str, unknown))}
    if errors:
        raise TierRuleInvalid(errors)
    policy, _created = TierPolicy.objects.select_for_update().get_or_create(
        channel_level=channel_level, grade=grade)
    before = audit.snapshot(policy, list(POLICY_FIELDS))
    policy.visit_every_days = days
    policy.entitlements = [code for code in Entitlement.values if code in entitlements]
    policy.nurturing = clean_text(values.get("nurturing"))
    policy.updated_by = actor
    policy.save()
    changes = audit.diff(before, audit.snapshot(policy, list(POLICY_FIELDS)))
    if changes:
        audit.record(actor=actor, target=policy, event="tier.policy_changed", data=changes)
    return policy
