"""Key accounts (大客户预警): grade-A dealers get their own, more sensitive rules."""

from django.db import migrations

RULES = [
    ("key-account-order-drop", "order_drop", "大客户订货下滑(比近3月均值)",
     "Key account: orders drop against the last 3 months", "critical", "both",
     {"measure": "amount", "basis": "trailing", "window": 3, "threshold": 0.2,
      "min_base": 10000}),
    ("key-account-overdue", "overdue_aged", "大客户超期欠款", "Key account: overdue beyond 30 days",
     "critical", "vertical", {"min_base": 1000, "rise": 0.2}),
]


def install(apps, schema_editor):
    Rule = apps.get_model("alerts", "Rule")
    for code, signal, name, name_en, severity, comparison, params in RULES:
        Rule.objects.update_or_create(code=code, defaults={
            "signal": signal, "name": name, "name_en": name_en, "severity": severity,
            "comparison": comparison, "params": params, "enabled": True, "grades": ["A"],
            "escalate_after_days": 1})


def remove(apps, schema_editor):
    apps.get_model("alerts", "Rule").objects.filter(code__in=[r[0] for r in RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("alerts", "0003_delivery")]
    operations = [migrations.RunPython(install, remove)]
