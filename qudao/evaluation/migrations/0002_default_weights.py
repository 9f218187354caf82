"""Seed the default scorecard weights of every channel level (HQ may change them)."""

from decimal import Decimal

from django.db import migrations

DISTRIBUTORS = {"sales": "0.25", "financial": "0.20", "loyalty": "0.15", "growth": "0.15",
                "innovation": "0.05", "competitiveness": "0.10", "satisfaction": "0.10"}
STORES = {"sales": "0.25", "financial": "0.20", "loyalty": "0.10", "growth": "0.15",
          "innovation": "0.05", "competitiveness": "0.10", "satisfaction": "0.15"}
DEFAULTS = {"tier1": DISTRIBUTORS, "tier2": DISTRIBUTORS, "terminal": STORES,
            "key_account": STORES}


def seed(apps, schema_editor):
    weight = apps.get_model("evaluation", "ScorecardWeight")
    for level, weights in DEFAULTS.items():
        for dimension, value in weights.items():
            weight.objects.get_or_create(channel_level=level, dimension=dimension,
                                         defaults={"weight": Decimal(value)})


def unseed(apps, schema_editor):
    apps.get_model("evaluation", "ScorecardWeight").objects.filter(updated_by=None).delete()


class Migration(migrations.Migration):

    dependencies = [("evaluation", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
