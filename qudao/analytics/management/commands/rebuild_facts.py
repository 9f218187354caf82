"""`qudao rebuild_facts [--changed]`: write the dealer-month facts from the transactions."""

import time

from django.core.management.base import BaseCommand

from qudao.analytics import services


class Command(BaseCommand):
    help = "Rebuild every dealer-month fact from scratch (or only the changed ones)."

    def add_arguments(self, parser):
        parser.add_argument("--changed", action="store_true",
                            help="only the dealer-months changed since the last run")

    def handle(self, *args, changed: bool = False, **options):
        started = time.monotonic()
        run = services.facts_refresh() if changed else services.facts_rebuild()
        self.stdout.write(f"{run.get_kind_display()}: {run.dealer_months} dealer-months in "
                          f"{time.monotonic() - started:.1f} s")
