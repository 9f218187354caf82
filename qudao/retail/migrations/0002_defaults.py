"""Default qualification conditions, support entitlements and audit checklist (R-RT-03,
-05, -08, -09), which head office then adjusts. Only added where nothing is set yet."""

from decimal import Decimal

from django.db import migrations

# (type, grade): 12-month sales (CNY), store area (m²), staff, audit score, management 1-5.
CONDITIONS = {
    ("exclusive", "A"): (600000, 120, 6, 85, 4),
    ("exclusive", "B"): (300000, 80, 4, 75, 3),
    ("exclusive", "C"): (120000, 50, 3, 65, 3),
    ("authorized", "A"): (400000, 80, 4, 80, 4),
    ("authorized", "B"): (200000, 50, 3, 70, 3),
    ("authorized", "C"): (60000, 30, 2, 60, 2),
    ("cooperating", "A"): (200000, 40, 2, 70, 3),
    ("cooperating", "B"): (80000, 20, 2, 60, 2),
    ("cooperating", "C"): (20000, 10, 1, None, None),
}
SPECIAL_FUND = {("exclusive", "A"): 50000, ("exclusive", "B"): 30000,
                ("exclusive", "C"): 10000, ("authorized", "A"): 20000,
                ("authorized", "B"): 10000, ("cooperating", "A"): 5000}
REWARD_RATE = {"A": "3%", "B": "2%", "C": "1%"}
CHECKLIST = [
    # code, name, guidance, max, commitment
    ("image", "形象标准", "门头、灯箱、店招与厂家形象标准一致，无破损", 20, ""),
    ("display", "产品陈列", "主销产品陈列在黄金位置，排面数达标", 20, "display"),
    ("promotion", "促销物料", "POP、海报、堆头按当期推广方案布置", 10, "promotion"),
    ("price_tags", "价签规范", "价签齐全，售价不低于限定零售价", 15, "no_dumping"),
    ("stock", "货架库存", "主销规格不断货，库存可支撑一周销售", 15, ""),
    ("staff", "店员产品知识", "店员能讲清产品卖点和售后服务政策", 10, "service"),
    ("clean", "卫生整洁", "货架、产品和地面干净整洁", 10, ""),
]


def _entitlements(retailer_type, grade):
    rows = [
        ("pre_sale", "新品上市前的产品资料与样品支持", None),
        ("market", "当地广告、开业与节日促销活动支持", None),
        ("sales_reward", f"完成年度销量目标，按销售额 {REWARD_RATE[grade]} 奖励", None),
        ("training", "每年两次店员产品与销售技巧培训", None),
        ("reward_penalty", "违反价格体系或窜货一次警告，两次取消授权", None),
    ]
    fund = SPECIAL_FUND.get((retailer_type, grade))
    if fund:
        rows.append(("special_fund", "特别基金：用于店面形象升级与重点推广", Decimal(fund)))
    if grade == "A":
        rows.append(("special_price", "季度特价产品优先供货", None))
    return rows


def install(apps, schema_editor):
    Condition = apps.get_model("retail", "QualificationCondition")
    Entitlement = apps.get_model("retail", "Entitlement")
    Item = apps.get_model("retail", "ChecklistItem")
    if not Condition.objects.exists():
        Condition.objects.bulk_create(
            Condition(retailer_type=t, grade=g,
                      min_volume=None if v is None else Decimal(v), min_area=a, min_staff=s,
                      min_audit_score=None if e is None else Decimal(e), min_management=m)
            for (t, g), (v, a, s, e, m) in CONDITIONS.items())
    if not Entitlement.objects.exists():
        Entitlement.objects.bulk_create(
            Entitlement(retailer_type=t, grade=g, kind=kind, description=text, amount=amount)
            for (t, g) in CONDITIONS for kind, text, amount in _entitlements(t, g))
    if not Item.objects.exists():
        Item.objects.bulk_create(
            Item(code=code, name=name, guidance=guidance, max_score=top, commitment=commitment,
                 position=n * 10)
            for n, (code, name, guidance, top, commitment) in enumerate(CHECKLIST, start=1))


def uninstall(apps, schema_editor):
    for model in ("QualificationCondition", "Entitlement", "ChecklistItem"):
        apps.get_model("retail", model).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("retail", "0001_initial")]
    operations = [migrations.RunPython(install, uninstall)]
