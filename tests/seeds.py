"""Rows the data migrations seed (built-in alert rules, the service directory and working
calendar, the default criteria, weights, tier rules and retail conditions), put back after
a transactional test (browser and concurrency tests) has flushed every table."""

import importlib

from django.apps import apps

_RULE_MIGRATIONS = ["0002_builtin_rules", "0004_key_account_rules", "0005_stock_channel_rules",
                    "0007_service_contact_rules", "0008_product_quality_rule"]


_DEFAULTS = [("qudao.recruitment.migrations.0002_default_criteria", "install"),
             ("qudao.evaluation.migrations.0002_default_weights", "seed"),
             ("qudao.tiers.migrations.0002_seed_rules", "seed"),
             ("qudao.retail.migrations.0002_defaults", "install")]


def ensure_seeded() -> None:
    from qudao.alerts.models import Rule
    from tests.service.seeds import ensure_seeded as service_seeded

    if not Rule.objects.exists():
        for name in _RULE_MIGRATIONS:
            importlib.import_module(f"qudao.alerts.migrations.{name}").install(apps, None)
        # The defaults of issue 5's apps, flushed with everything else.
        for module, function in _DEFAULTS:
            getattr(importlib.import_module(module), function)(apps, None)
    service_seeded()
