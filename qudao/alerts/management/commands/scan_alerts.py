"""`qudao scan-alerts [--from YYYY-MM] [--to YYYY-MM] [--dealer CODE ...] [--changed]
[--escalate]`: run the early-warning rules now."""

import datetime
import time

from django.core.management.base import BaseCommand, CommandError

from qudao.alerts import services, tasks
from qudao.alerts.choices import ScanKind
from qudao.dealers.models import Dealer


def _month(value: str) -> datetime.date:
    try:
        return datetime.datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        raise CommandError(f"Not a month: {value} (use YYYY-MM).") from None


class Command(BaseCommand):
    help = ("Scan the dealer-month facts with the switched-on alert rules: the last complete "
            "month by default, a range of months, some dealers, only what changed since the "
            "last scan, or escalate alerts left unacknowledged.")

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="first", help="first month to judge (YYYY-MM)")
        parser.add_argument("--to", dest="last",
                            help="last month to judge (YYYY-MM; default the last complete one)")
        parser.add_argument("--dealer", action="append", default=[], metavar="CODE",
                            help="judge only this dealer (repeat for more)")
        parser.add_argument("--changed", action="store_true",
                            help="refresh the facts and judge the dealers changed since the "
                                 "last scan")
        parser.add_argument("--escalate", action="store_true",
                            help="escalate alerts not acknowledged in time, then stop")

    def handle(self, *args, first=None, last=None, dealer=(), changed=False, escalate=False,
               **options):
        started = time.monotonic()
        if escalate:
            count = tasks.alerts_escalate_task()
            self.stdout.write(f"escalated: {count} in {time.monotonic() - started:.1f} s")
            return
        if changed:
            if first or last or dealer:
                raise CommandError("--changed judges the last complete month's changed "
                                   "dealers: leave out --from, --to and --dealer.")
            from qudao.analytics import services as analytics_services

            analytics_services.facts_refresh()
            run = services.scan_changed()
            if run is None:
                self.stdout.write(f"nothing changed; {time.monotonic() - started:.1f} s")
                return
        else:
            end = _month(last) if last else services.last_complete_month()
            start = _month(first) if first else end
            if start > end:
                raise CommandError("--from is after --to.")
            dealer_ids = None
            if dealer:
                found = dict(Dealer.objects.filter(code__in=dealer).values_list("code", "pk"))
                unknown = sorted(set(dealer) - set(found))
                if unknown:
                    raise CommandError(f"Unknown dealer code: {', '.join(unknown)}")
                dealer_ids = sorted(found.values())
            run = services.scan(periods=(start, end), dealer_ids=dealer_ids,
                                kind=ScanKind.DEALER if dealer_ids else ScanKind.FULL)
        self.stdout.write(
            f"{run.kind} scan {run.first_period:%Y-%m}..{run.last_period:%Y-%m}: "
            f"{run.dealers} dealers, {run.raised} alerts raised in "
            f"{time.monotonic() - started:.1f} s")
