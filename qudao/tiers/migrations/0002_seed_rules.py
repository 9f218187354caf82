"""Default tier rules per channel level and management policies per tier (seed 001:
按销量与合作紧密程度可分为A、B、C级). Head office changes them on the rules page."""

from decimal import Decimal

from django.db import migrations

# level: (A sales of 12 months, A cooperation, B sales, B cooperation)
RULES = {
    "tier1": (Decimal("6000000"), 75, Decimal("3000000"), 55),
    "tier2": (Decimal("1000000"), 70, Decimal("500000"), 50),
    "terminal": (Decimal("300000"), 70, Decimal("100000"), 50),
    "key_account": (Decimal("2000000"), 70, Decimal("800000"), 50),
}
VISIT_DAYS = {"tier1": (14, 30, 60), "tier2": (21, 45, 90), "terminal": (30, 60, 90),
              "key_account": (14, 30, 60)}
ENTITLEMENTS = {
    "A": ["market_support", "sales_rewards", "training", "special_fund", "special_price",
          "reward_penalty"],
    "B": ["market_support", "sales_rewards", "training", "reward_penalty"],
    "C": ["training", "reward_penalty"],
}
NURTURING = {
    "A": "核心伙伴计划：共同制定年度经营规划，新品优先首发，老板与管理层经营管理培训，"
         "特别基金支持区域市场开发。",
    "B": "成长计划：业务员月度辅导，终端陈列与促销支持，季度培训，达成目标可申请升A。",
    "C": "基础扶持：标准政策与产品培训，每季度评估；连续两个季度无改善进入考察期。",
}


def seed(apps, schema_editor):
    TierRule = apps.get_model("tiers", "TierRule")
    TierPolicy = apps.get_model("tiers", "TierPolicy")
    for level, (a_volume, a_coop, b_volume, b_coop) in RULES.items():
        TierRule.objects.get_or_create(channel_level=level, defaults={
            "a_volume": a_volume, "a_cooperation": a_coop, "b_volume": b_volume,
            "b_cooperation": b_coop})
        for grade, days in zip("ABC", VISIT_DAYS[level], strict=True):
            TierPolicy.objects.get_or_create(channel_level=level, grade=grade, defaults={
                "visit_every_days": days, "entitlements": ENTITLEMENTS[grade],
                "nurturing": NURTURING[grade]})


def unseed(apps, schema_editor):
    apps.get_model("tiers", "TierPolicy").objects.all().delete()
    apps.get_model("tiers", "TierRule").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("tiers", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
