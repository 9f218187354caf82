"""`manage.py demo_data --scale small|large [--seed N]`: a realistic demo dealer network.

Each app's `demo.py` builds its part, in this order (each step needs the ones before):

1. accounts.demo.run            staff users, one per role (the admin is every write's actor)
2. territories.demo.run         region tree (regions_load) and the staff's territory coverage
3. catalog.demo.run             categories, brands, SKUs, prices at the four levels
4. dealers.demo.run             tier-1 -> tier-2 -> terminals, contacts, status history, tags
5. accounts.demo.dealer_users_run   the dealer portal users of 石家庄恒顺商贸有限公司
6. agreements.demo.run          yearly agreement versions of every trading tier-1/tier-2,
                                monthly targets, the planted patterns as "demo:*" dealer tags
7. orders.demo.run              3 years of orders, shipments, invoices, payments, deposits
                                and credit accounts (finance.demo does the money)
8. stock.demo.run               monthly stock reports with stock and flow lines
9. visits.demo.run              calls and visits of the last months, month plans
10. service.demo.run            service requests (some overdue and escalated, some rated)
11. events.demo.run             meetings and trainings with invitations, attendance, feedback
12. service.needs_demo.run      dealers' needs, common needs, seconded managers
13. visits.reports.demo_run     reps' weekly and monthly reports with managers' comments
14. recruitment.demo.run        leads, follow-ups, a campaign, candidates scored and compared,
                                one accepted (a new onboarding dealer), one rejected, one pooled
15. retail.demo.run             terminals' qualification, applications and a certificate, store
                                audits, store-entry negotiations
then the dealer-month facts are built, a year of alert scans run, and the reviews over the
facts: evaluation.demo.run (scorecards of the last four quarters and the last year),
tiers.demo.run (the last quarter's tier review, decisions and lifecycle actions),
performance.demo.run (channel expenses, market sizes, dealers' ratings of their reps).

Every step gets its own random.Random seeded from (seed, step), so the output is the same
for the same seed, and changing one app's generator does not reshuffle the others'.
Small scale writes through the services; large scale uses bulk_create where it counts.
The trade history (steps 6-8) is written in bulk at both scales (COPY on PostgreSQL,
executemany elsewhere), computing every balance the services would keep.
"""

import contextlib
import random
import time

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

ALERT_MONTHS = 12  # months of early warning the demo scans


class Command(BaseCommand):
    help = "Create demo data: users for every role, territories, products, a dealer network."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=["small", "large"], default="small",
                            help="small: ~200 dealers, 300 SKUs, ~30,000 order lines (seconds); "
                                 "large: 110,000 dealers and terminals, 5,000 SKUs, over "
                                 "10 million order lines, for PostgreSQL (about 10-15 "
                                 "minutes); on SQLite large scale refuses to run.")
        parser.add_argument("--seed", type=int, default=2026,
                            help="Random seed (default 2026); the same seed gives the same data.")

    def handle(self, *args, scale: str = "small", seed: int = 2026, **options):
        # Imported here: the core kernel does not depend on the business apps at import time.
        from qudao.accounts import demo as accounts_demo
        from qudao.accounts.models import User
        from qudao.agreements import demo as agreements_demo
        from qudao.agreements.models import Agreement, AgreementTarget
        from qudao.alerts import services as alert_services
        from qudao.alerts.panel import add_months
        from qudao.analytics import services as analytics_services
        from qudao.catalog import demo as catalog_demo
        from qudao.dealers import demo as dealers_demo
        from qudao.evaluation import demo as evaluation_demo
        from qudao.events import demo as events_demo
        from qudao.orders import demo as orders_demo
        from qudao.orders import history
        from qudao.performance import demo as performance_demo
        from qudao.recruitment import demo as recruitment_demo
        from qudao.retail import demo as retail_demo
        from qudao.service import demo as service_demo
        from qudao.service import needs_demo
        from qudao.stock import demo as stock_demo
        from qudao.territories import demo as territories_demo
        from qudao.tiers import demo as tiers_demo
        from qudao.visits import demo as visits_demo
        from qudao.visits import reports as visits_reports

        if User.objects.filter(username="admin").exists():
            self.stdout.write("demo data already present (user “admin” exists); nothing done.")
            self._print_logins(accounts_demo.DEMO_LOGINS)
            return
        if scale == "large" and connection.vendor != "postgresql":
            raise CommandError("Large scale (10 million order lines) needs PostgreSQL: set "
                               "DATABASE_URL=postgres://... and run it again.")
        steps = [
            ("accounts", accounts_demo.run),
            ("territories", territories_demo.run),
            ("catalog", catalog_demo.run),
            ("dealers", dealers_demo.run),
            ("dealer users", accounts_demo.dealer_users_run),
            ("agreements", agreements_demo.run),
            ("orders", orders_demo.run),
            ("stock", stock_demo.run),
            ("visits", visits_demo.run),
            ("service", service_demo.run),
            ("events", events_demo.run),
            ("needs", needs_demo.run),
            ("rep reports", visits_reports.demo_run),
            ("recruitment", recruitment_demo.run),
            ("retail", retail_demo.run),
        ]
        ctx: dict = {}
        started = time.monotonic()
        # One transaction: a failed run leaves nothing behind, so it can simply be run again.
        with transaction.atomic():
            for name, step in steps[:5]:
                self._step(name, step, scale=scale, seed=seed, ctx=ctx)
            # Millions of trade rows: their foreign keys are checked once, after the load.
            trade_tables = list(apps.get_app_config("orders").get_models()) + [
                Agreement, AgreementTarget, *apps.get_app_config("finance").get_models(),
                *apps.get_app_config("stock").get_models(),
                *apps.get_app_config("visits").get_models()]
            loading = (history.foreign_keys_added_after(trade_tables) if scale == "large"
                       else contextlib.nullcontext())
            with loading:
                for name, step in steps[5:]:
                    self._step(name, step, scale=scale, seed=seed, ctx=ctx)
            if scale == "large":
                self.stdout.write(f"  {'constraints':<14} checked in "
                                  f"{time.monotonic() - started - ctx.get('_steps', 0):6.1f} s")
            self._step("facts", lambda **_kw: analytics_services.facts_rebuild(),
                       scale=scale, seed=seed, ctx=ctx)
            # A year of early warning, so the alert dashboard has its trend from the start.
            last = alert_services.last_complete_month()
            self._step("alerts", lambda **_kw: alert_services.scan(
                periods=(add_months(last, -(ALERT_MONTHS - 1)), last)),
                scale=scale, seed=seed, ctx=ctx)
            # Reviews over the facts: scorecards, tiers and channel performance.
            self._step("scorecards", evaluation_demo.run, scale=scale, seed=seed, ctx=ctx)
            self._step("tiers", tiers_demo.run, scale=scale, seed=seed, ctx=ctx)
            self._step("performance", performance_demo.run, scale=scale, seed=seed, ctx=ctx)
        for model, count in ctx.get("trade_written", {}).items():
            self.stdout.write(f"  {model:<24} {count:>12,} rows")
        self.stdout.write(self.style.SUCCESS(
            f"Demo data ({scale}, seed {seed}) created in {time.monotonic() - started:.1f} s."))
        self._print_logins(accounts_demo.DEMO_LOGINS)

    def _step(self, name: str, step, *, scale: str, seed: int, ctx: dict) -> None:
        step_started = time.monotonic()
        step(scale=scale, rng=random.Random(f"{seed}:{name}"), ctx=ctx)
        took = time.monotonic() - step_started
        ctx["_steps"] = ctx.get("_steps", 0) + took
        self.stdout.write(f"  {name:<14} {took:6.1f} s")

    def _print_logins(self, logins) -> None:
        self.stdout.write("Logins:")
        for username, role, password in logins:
            self.stdout.write(f"  {username:<20} {password:<12} {role}")
