"""The service functions dealers turn to (R-SR-02), with their departments and the working
hours promised per priority; the working calendar (09:00-12:00, 13:30-18:00, Monday to
Friday); and China's public holidays and adjusted working days from data/holidays_cn.json.

Contacts and responsible people are left empty: HQ fills them in on the directory page.
"""

import datetime
import json
from decimal import Decimal
from pathlib import Path

from django.db import migrations

HOLIDAYS_FILE = Path(__file__).resolve().parent.parent / "data" / "holidays_cn.json"

# code, name, English name, department, English department,
# first response (low, normal, high, urgent), resolution (low, normal, high, urgent),
# in working hours (a working day is 7.5 hours), guide, English guide.
FUNCTIONS = [
    ("order", "订单处理", "Orders", "销售管理部", "Sales administration",
     (8, 4, 2, 1), (24, 16, 8, 4),
     "下单、改单、撤单和发货进度。请写明订单号和要改的品项、数量。",
     "Placing, changing or cancelling orders, and where a shipment is. Give the order "
     "number and the lines to change."),
    ("payment", "回款核对", "Payment check", "财务部", "Finance",
     (8, 4, 2, 1), (24, 16, 8, 4),
     "汇款到账确认、对账差异、返利抵扣。请附汇款凭证。",
     "Confirming a remittance, statement differences, rebates used as discounts. Attach "
     "the remittance slip."),
    ("logistics", "物流配送", "Logistics", "物流部", "Logistics",
     (8, 4, 2, 1), (40, 24, 16, 8),
     "到货时间、破损、错发、漏发。请写明发货单号,破损请附照片。",
     "Delivery times, damaged, wrong or missing goods. Give the shipment number; attach "
     "photos of any damage."),
    ("design", "设计支持", "Design", "市场部", "Marketing",
     (16, 8, 4, 2), (80, 40, 24, 16),
     "门头、陈列、堆头和宣传物料设计。请写明尺寸、用途和完成日期。",
     "Shop signs, displays, stacks and printed material. Give sizes, use and the date "
     "needed."),
    ("advertising", "广告宣传", "Advertising", "市场部", "Marketing",
     (16, 8, 4, 2), (80, 40, 24, 16),
     "本地广告投放、宣传物料申领和费用支持。",
     "Local advertising, promotional material and advertising funds."),
    ("sales_guidance", "导购支持", "Sales guidance", "销售培训部", "Sales training",
     (16, 8, 4, 2), (80, 40, 24, 16),
     "导购员培训、驻店导购安排和销售话术。",
     "Training for shop assistants, in-store promoters and sales talk."),
    ("promotion", "促销支持", "Promotions", "市场部", "Marketing",
     (16, 8, 4, 2), (40, 24, 16, 8),
     "促销方案、赠品和促销费用申请与核销。",
     "Promotion plans, giveaways, and claiming promotion funds."),
    ("after_sales", "售后服务", "After-sales", "客户服务中心", "Customer service centre",
     (8, 4, 2, 1), (40, 24, 16, 8),
     "退换货、临期品处理和消费者售后问题。",
     "Returns and exchanges, goods near their expiry date, consumers' after-sales issues."),
    ("complaint", "投诉处理", "Complaints", "客户服务中心", "Customer service centre",
     (4, 2, 1, Decimal("0.5")), (40, 24, 16, 8),
     "对公司人员、服务或政策的投诉,以及消费者投诉。我们会调查并答复处理结果。",
     "Complaints about our staff, service or policies, and consumers' complaints. We "
     "investigate and tell you the outcome."),
    ("quality", "产品质量", "Product quality", "质量管理部", "Quality management",
     (8, 4, 2, 1), (80, 40, 24, 16),
     "产品质量问题。请写明产品、生产批号和数量,并附照片。",
     "Quality problems of a product. Give the product, batch number and quantity, and "
     "attach photos."),
]


def install(apps, schema_editor):
    ServiceFunction = apps.get_model("service", "ServiceFunction")
    WorkingCalendar = apps.get_model("service", "WorkingCalendar")
    CalendarDay = apps.get_model("service", "CalendarDay")
    for order, (code, name, name_en, dept, dept_en, response, resolution, guide,
                guide_en) in enumerate(FUNCTIONS, start=1):
        limits = {}
        for n, priority in enumerate(("low", "normal", "high", "urgent")):
            limits[f"response_{priority}"] = Decimal(response[n])
            limits[f"resolution_{priority}"] = Decimal(resolution[n])
        ServiceFunction.objects.update_or_create(code=code, defaults={
            "name": name, "name_en": name_en, "department": dept, "department_en": dept_en,
            "guide": guide, "guide_en": guide_en, "sort_order": order * 10, **limits})
    WorkingCalendar.objects.get_or_create(pk=1)
    data = json.loads(HOLIDAYS_FILE.read_text(encoding="utf-8"))
    for year in data["years"]:
        for holiday in year["holidays"]:
            first, last = (datetime.date.fromisoformat(d) for d in holiday["off"])
            day = first
            while day <= last:
                CalendarDay.objects.update_or_create(day=day, defaults={
                    "kind": "holiday", "name": holiday["name"], "name_en": holiday["name_en"]})
                day += datetime.timedelta(days=1)
            for worked in holiday["work"]:
                CalendarDay.objects.update_or_create(
                    day=datetime.date.fromisoformat(worked),
                    defaults={"kind": "workday", "name": holiday["name"] + "调休",
                              "name_en": holiday["name_en"] + " (worked)"})


def remove(apps, schema_editor):
    apps.get_model("service", "ServiceFunction").objects.filter(
        code__in=[f[0] for f in FUNCTIONS], requests__isnull=True).delete()
    apps.get_model("service", "CalendarDay").objects.all().delete()
    apps.get_model("service", "WorkingCalendar").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("service", "0001_service")]
    operations = [migrations.RunPython(install, remove)]
