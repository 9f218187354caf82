"""The criteria sets Qudao ships.

- "textbook" (default, R-RS-03): the eight weighted factors of the candidate table in seed
  001 (选择渠道成员的标准: 评价因素 / 权数 / 打分 / 加权分).
- "four_pillars" (R-RS-07): seed 002's four standards for choosing a dealer, in its order
  of importance: channel first (a strong channel is what gets the product to the outlets),
  then hardware (vehicles, staff, warehouse, office system: "the main yardstick of a
  dealer's strength"), capital (which hardware largely reflects) and management. The text
  gives no numbers; the weights 0.35 / 0.25 / 0.20 / 0.20 follow that order.
"""

from decimal import Decimal

from django.db import migrations

SETS = [
    ("textbook", "渠道成员选择八因素", "Eight-factor channel member selection", True,
     "选择渠道成员的标准：加权评分法（评价因素 × 权数 = 加权分）。", [
         ("market_coverage", "市场覆盖范围", "Market coverage", "0.20",
          "覆盖的城市与网点数量"),
         ("reputation", "声誉", "Reputation", "0.15", "在下一级中间商和同行中的口碑"),
         ("experience", "历史经验", "History and experience", "0.10", "经营年限与行业经验"),
         ("willingness", "合作意愿", "Willingness to cooperate", "0.10", "老板的合作诚意"),
         ("product_mix", "产品组合情况", "Product mix", "0.15", "经营品牌、互补与竞品"),
         ("finance", "财务状况", "Financial condition", "0.15", "资金实力与商业信用"),
         ("location", "区位优势", "Location", "0.10", "仓库与门店的位置、交通"),
         ("promotion", "促销能力", "Promotion ability", "0.05", "终端推广与促销执行"),
     ]),
    ("four_pillars", "渠道·硬件·资金·管理", "Channel, hardware, capital, management", False,
     "选择经销商的四项标准：渠道、硬件、资金、管理。", [
         ("channel", "渠道", "Channel strength", "0.35", "下游网点与分销能力"),
         ("hardware", "硬件", "Hardware", "0.25", "车辆、人员、仓库、办公系统"),
         ("capital", "资金", "Capital", "0.20", "资金实力"),
         ("management", "管理", "Management", "0.20", "管理理念与规章制度"),
     ]),
]


def install(apps, schema_editor) -> None:
    CriteriaSet = apps.get_model("recruitment", "CriteriaSet")
    Criterion = apps.get_model("recruitment", "Criterion")
    for code, name, name_en, default, description, criteria in SETS:
        if CriteriaSet.objects.filter(code=code).exists():
            continue
        criteria_set = CriteriaSet.objects.create(
            code=code, name=name, name_en=name_en, is_default=default, is_active=True,
            description=description)
        Criterion.objects.bulk_create(
            Criterion(criteria_set=criteria_set, code=c_code, name=c_name, name_en=c_en,
                      weight=Decimal(weight), guidance=guidance, position=position)
            for position, (c_code, c_name, c_en, weight, guidance) in enumerate(criteria, 1))


def remove(apps, schema_editor) -> None:
    CriteriaSet = apps.get_model("recruitment", "CriteriaSet")
    CriteriaSet.objects.filter(code__in=[s[0] for s in SETS], candidates__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("recruitment", "0001_initial")]

    operations = [migrations.RunPython(install, remove)]
