"""The directory and calendar the data migration seeds, put back when a transactional test
elsewhere in the session (tests/*/test_concurrency.py on PostgreSQL) has flushed them."""

import importlib

from django.apps import apps

from qudao.service.models import CalendarDay, ServiceFunction

_MIGRATION = importlib.import_module("qudao.service.migrations.0002_directory_and_calendar")


def ensure_seeded() -> None:
    if not ServiceFunction.objects.exists() or not CalendarDay.objects.exists():
        _MIGRATION.install(apps, None)
