"""The rules HQ edits, and what a rule would have raised before it is switched on."""

import datetime
from typing import Any

import polars as pl
from django.db import transaction
from django.utils.translation import gettext as _

from qudao.alerts.choices import Severity
from qudao.alerts.detectors import DETECTORS
from qudao.alerts.engine import (
    RuleScope,
    evaluate,
    window_for,
)
from qudao.alerts.exceptions import RuleInvalid
from qudao.alerts.models import Rule
from qudao.alerts.panel import add_months, build_panel
from qudao.alerts.services.scanning import _Issues, _review_hits, last_complete_month
from qudao.core import audit
from qudao.territories.models import Territory

# Text parameters and the values each may take (numbers only need to be non-negative).
CHOICES = {"measure": ("amount", "quantity"), "basis": ("trailing", "mom", "yoy"),
           "by": ("rep", "region")}
WHOLE_NUMBERS = {"window", "regular_months", "days", "min_dealers"}


def _params_errors(rule: Rule, params: Any) -> dict[str, str]:
    det = DETECTORS[rule.signal]
    if not isinstance(params, dict):
        return {"params": _("Parameters are a mapping of name to value.")}
    errors = {}
    unknown = sorted(set(params) - set(det.defaults))
    if unknown:
        errors["params"] = _("%(names)s: not a parameter of this rule.") % {
            "names": ", ".join(unknown)}
    for key, value in params.items():
        if key not in det.defaults:
            continue
        default = det.defaults[key]
        if key in CHOICES:
            if value not in CHOICES[key]:
                errors[f"params.{key}"] = _("Choose one of: %(values)s.") % {
                    "values": ", ".join(CHOICES[key])}
            continue
        if isinstance(default, bool) or not isinstance(default, int | float):
            continue
        try:
            number = float(value)
        except (TypeError, ValueError):
            errors[f"params.{key}"] = _("%(value)s is not a number.") % {"value": value}
            continue
        if number != number or number in (float("inf"), float("-inf")):
            errors[f"params.{key}"] = _("%(value)s is not a number.") % {"value": value}
        elif number < 0:
            errors[f"params.{key}"] = _("Must not be negative.")
        elif key in WHOLE_NUMBERS and (number != int(number) or number < 1):
            errors[f"params.{key}"] = _("Must be a whole number of at least 1.")
    return errors


@transaction.atomic
def rule_update(*, rule: Rule, actor: Any, values: dict[str, Any],
                territories: list[Territory] | None = None) -> Rule:
    """Change a rule's parameters, severity, comparison or scope; what changed is audited.

    Raises RuleInvalid (nothing written) for a parameter the signal does not have, a
    negative or non-numeric number, a text parameter outside its choices, or a comparison
    the signal cannot make (a condition such as "stopped ordering" has no peers' change).
    """
    from qudao.alerts.choices import Comparison

    det = DETECTORS[rule.signal]
    errors = _params_errors(rule, values.get("params", rule.params))
    comparison = values.get("comparison", rule.comparison)
    if comparison not in det.comparisons:
        labels = ", ".join(str(Comparison(c).label) for c in det.comparisons)
        errors["comparison"] = _("This rule can only compare: %(choices)s.") % {
            "choices": labels}
    if values.get("severity", rule.severity) not in Severity.values:
        errors["severity"] = _("Unknown severity.")
    if errors:
        raise RuleInvalid(errors)
    changes = {}
    for field in ("enabled", "severity", "comparison", "params", "channel_levels", "grades",
                  "escalate_after_days", "name", "name_en"):
        if field in values and values[field] != getattr(rule, field):
            changes[field] = [getattr(rule, field), values[field]]
            setattr(rule, field, values[field])
    rule.updated_by = actor
    rule.save()
    if territories is not None:
        before = sorted(rule.territories.values_list("code", flat=True))
        rule.territories.set(territories)
        after = sorted(t.code for t in territories)
        if before != after:
            changes["territories"] = [before, after]
    if changes:
        audit.record(actor=actor, target=rule, event="alert_rule.updated",
                     data={k: [str(v[0]), str(v[1])] for k, v in changes.items()})
    return rule


def rule_preview(*, rule: Rule, months: int = 12, today: datetime.date | None = None,
                 territories: list[Territory] | None = None) -> list[dict[str, Any]]:
    """What the rule (as configured, switched on or not, saved or not) would have raised
    in each of the last `months` complete months: counts by month, nothing written.

    `territories` stands for the rule's saved regions (an edit not saved yet).
    """
    last = last_complete_month(today)
    periods = (add_months(last, -(months - 1)), last)
    first, last_month = window_for(periods)
    panel = build_panel(first, last_month)
    scope = None
    if territories is not None or rule.pk is None:
        scope = RuleScope(paths=[t.path for t in territories or []],
                          levels=list(rule.channel_levels or []),
                          grades=list(rule.grades or []))
    if DETECTORS[rule.signal].reads_alerts:
        hits = _review_hits(rule, panel, periods, scope=scope)
    else:
        hits, _used = evaluate(rule, panel, periods, scope=scope,
                               issues=_Issues().of(rule, panel))
    counts = dict(hits.group_by("month").agg(n=pl.len()).iter_rows())
    return [{"month": m, "count": counts.get(m, 0)}
            for m in (add_months(periods[0], n) for n in range(months))]
