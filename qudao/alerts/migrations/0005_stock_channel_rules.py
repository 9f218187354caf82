"""Stock, network, growth and channel rules: stock against the agreement's safety and
maximum days, the monthly stock and flow report, a tier-1's sub-dealers ordering, the
customers it sells to, a distributor not growing while its peers do, and the channel
review when alerts concentrate in a province."""

from django.db import migrations

# code, signal, name, English name, severity, comparison, params
RULES = [
    ("stock-low", "stock_low", "库存低于安全库存", "Stock below the safety stock", "warning",
     "vertical", {"window": 3, "min_base": 30}),
    ("stock-high", "stock_high", "库存积压(超过最高库存)", "Overstock: above the maximum stock",
     "warning", "vertical", {"window": 3, "min_base": 30}),
    ("stock-report-missing", "stock_report_missing", "未按时上报库存及流向",
     "Stock and flow report missing", "info", "vertical", {"regular_months": 3}),
    ("network-reach", "network_reach", "下游网络萎缩(进货二批减少)",
     "Sub-dealer network weakening", "warning", "both",
     {"window": 3, "threshold": 0.4, "min_base": 3}),
    ("coverage-shrinking", "coverage_shrinking", "覆盖萎缩(流向客户减少)",
     "Coverage shrinking: fewer customers sold to", "warning", "both",
     {"window": 3, "threshold": 0.4, "min_base": 5}),
    ("stagnant", "stagnant", "经销商不思进取(近12月零增长, 同行在增长)",
     "Not growing while its peers grow", "info", "horizontal",
     {"threshold": 0.15, "max_growth": 0.0, "min_base": 120000}),
    ("channel-review", "channel_review", "渠道检讨: 预警集中, 需审视渠道成本与渠道创新",
     "Channel review: alerts concentrate; review channel costs and innovation", "warning",
     "horizontal", {"share": 0.2, "min_dealers": 5}),
]


def install(apps, schema_editor):
    Rule = apps.get_model("alerts", "Rule")
    for code, signal, name, name_en, severity, comparison, params in RULES:
        Rule.objects.update_or_create(code=code, defaults={
            "signal": signal, "name": name, "name_en": name_en, "severity": severity,
            "comparison": comparison, "params": params, "enabled": True})


def remove(apps, schema_editor):
    apps.get_model("alerts", "Rule").objects.filter(code__in=[r[0] for r in RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("alerts", "0004_key_account_rules")]
    operations = [migrations.RunPython(install, remove)]
