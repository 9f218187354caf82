"""Product quality issues by SKU (R-EW-04): quality issues raised on one product surging."""

from django.db import migrations

CODE = "product-quality"


def install(apps, schema_editor):
    apps.get_model("alerts", "Rule").objects.update_or_create(code=CODE, defaults={
        "signal": "quality_by_sku", "name": "产品质量问题激增",
        "name_en": "Quality issues on a product", "severity": "critical",
        "comparison": "vertical", "params": {"window": 3, "threshold": 1.0, "min_base": 3},
        "enabled": True})


def remove(apps, schema_editor):
    apps.get_model("alerts", "Rule").objects.filter(code=CODE).delete()


class Migration(migrations.Migration):
    dependencies = [("alerts", "0007_service_contact_rules")]
    operations = [migrations.RunPython(install, remove)]
