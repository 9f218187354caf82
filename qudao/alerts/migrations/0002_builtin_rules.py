"""The built-in rules, switched on with their default parameters; HQ tunes them on the rules
page."""

from django.db import migrations

# code, signal, name, English name, severity, comparison, params[, switched on]
RULES = [
    ("order-drop-trailing", "order_drop", "订货额骤降(比近3月均值)",
     "Orders drop against the last 3 months", "warning", "both",
     {"measure": "amount", "basis": "trailing", "window": 3, "threshold": 0.3,
      "min_base": 10000}),
    ("order-drop-yoy", "order_drop", "订货额同比下滑", "Orders down on the same month last year",
     "warning", "vertical",
     {"measure": "amount", "basis": "yoy", "threshold": 0.25, "min_base": 10000}),
    ("order-drop-mom", "order_drop", "订货额环比骤降", "Orders drop against last month",
     "warning", "both", {"measure": "amount", "basis": "mom", "threshold": 0.4,
                         "min_base": 10000}),
    # Quantities swing with the product mix (cases of 6 and of 24): off until HQ sets it
    # for a product line where units compare.
    ("quantity-drop-trailing", "order_drop", "订货量骤降(比近3月均值)",
     "Quantity ordered drops against the last 3 months", "warning", "both",
     {"measure": "quantity", "basis": "trailing", "window": 3, "threshold": 0.4,
      "min_base": 100}, False),
    ("price-drop", "price_drop", "订货单价骤降", "Unit price drops", "critical", "both",
     {"window": 3, "threshold": 0.08, "min_base": 5000}),
    ("stopped-ordering", "stopped_ordering", "停止进货", "Stopped ordering", "critical",
     "vertical", {"min_days": 45, "factor": 2.0, "regular_months": 3}),
    ("first-order-only", "first_order_only", "只下首单未再进货", "First order only", "warning",
     "vertical", {"days": 60}),
    ("first-order-share-rep", "first_order_share", "业务员名下只下首单客户占比超限",
     "Too many one-order dealers per rep", "warning", "horizontal",
     {"by": "rep", "days": 60, "limit": 0.04, "min_dealers": 10}),
    ("first-order-share-region", "first_order_share", "区域只下首单客户占比超限",
     "Too many one-order dealers per region", "warning", "horizontal",
     {"by": "region", "days": 60, "limit": 0.04, "min_dealers": 10}),
    ("overdue-30", "overdue_aged", "超期30天欠款上升", "Overdue beyond 30 days rising",
     "warning", "vertical", {"min_base": 1000, "rise": 0.5}),
    ("payment-delay", "payment_delay", "回款越来越慢", "Paying later and later", "warning",
     "vertical", {"window": 3, "min_days": 20, "more_days": 15, "min_base": 1000}),
    ("target-lag", "target_lag", "年度目标进度落后", "Behind the year's target pace", "info",
     "vertical", {"threshold": 0.3, "min_base": 10000}),
]


def install(apps, schema_editor):
    Rule = apps.get_model("alerts", "Rule")
    for code, signal, name, name_en, severity, comparison, params, *enabled in RULES:
        Rule.objects.update_or_create(code=code, defaults={
            "signal": signal, "name": name, "name_en": name_en, "severity": severity,
            "comparison": comparison, "params": params, "enabled": bool(enabled[0]
                                                                        if enabled else True)})


def remove(apps, schema_editor):
    apps.get_model("alerts", "Rule").objects.filter(code__in=[r[0] for r in RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("alerts", "0001_alerts")]
    operations = [migrations.RunPython(install, remove)]
