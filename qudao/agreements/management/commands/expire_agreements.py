"""`manage.py expire_agreements [--date YYYY-MM-DD]`: expire agreements past their term."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from qudao.agreements import tasks


class Command(BaseCommand):
    help = "Expire active agreements whose term ended before today (or --date)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Business date to expire against (YYYY-MM-DD).")

    def handle(self, *args, **options):
        day = options.get("date")
        if day:
            try:
                date.fromisoformat(day)
            except ValueError:
                raise CommandError(f"Not a date: {day} (use YYYY-MM-DD).") from None
        count = tasks.agreements_expire_task(day)
        self.stdout.write(f"expired: {count}")
