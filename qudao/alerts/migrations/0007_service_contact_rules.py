"""Rules on the dealer service and contact facts: complaints and requests surging, calls from
the dealer jumping or stopping (R-EW-03/04/07/08)."""

from django.db import migrations

RULES = [
    ("complaint-surge", "complaint_surge", "投诉量激增", "Complaints surge", "critical",
     {"window": 3, "threshold": 1.0, "min_base": 3}),
    ("request-surge", "request_surge", "服务请求激增", "Service requests surge", "warning",
     {"window": 3, "threshold": 1.0, "min_base": 5}),
    ("calls-jump", "calls_jump", "经销商来电突然增多", "Calls from the dealer jump", "warning",
     {"window": 3, "threshold": 1.0, "min_base": 4}),
    ("calls-drop", "calls_drop", "经销商来电突然减少", "Calls from the dealer stop", "info",
     {"window": 3, "threshold": 0.6, "min_base": 4}),
]


def install(apps, schema_editor):
    Rule = apps.get_model("alerts", "Rule")
    for code, signal, name, name_en, severity, params in RULES:
        Rule.objects.update_or_create(code=code, defaults={
            "signal": signal, "name": name, "name_en": name_en, "severity": severity,
            "comparison": "vertical", "params": params, "enabled": True})


def remove(apps, schema_editor):
    apps.get_model("alerts", "Rule").objects.filter(code__in=[r[0] for r in RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("alerts", "0006_alert_product")]
    operations = [migrations.RunPython(install, remove)]
