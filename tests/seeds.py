"""Rows the data migrations seed (built-in alert rules, the service directory and working
calendar), put back after a transactional test (browser and concurrency tests) has
flushed every table."""

import importlib

from django.apps import apps

_RULE_MIGRATIONS = ["0002_builtin_rules", "0004_key_account_rules", "0005_stock_channel_rules",
                    "0007_service_contact_rules", "0008_product_quality_rule"]


def ensure_seeded() -> None:
    from qudao.alerts.models import Rule
    from tests.service.seeds import ensure_seeded as service_seeded

    if not Rule.objects.exists():
        for name in _RULE_MIGRATIONS:
            importlib.import_module(f"qudao.alerts.migrations.{name}").install(apps, None)
    service_seeded()
