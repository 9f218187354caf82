"""Compare every credit account's running balances with what its rows say they should be."""

from django.core.management.base import BaseCommand, CommandError

from qudao.finance.models import CreditAccount
from qudao.finance.services import ZERO, credit_balances_recomputed


class Command(BaseCommand):
    help = ("Report credit accounts whose receivable or reserved balance differs from the "
            "open invoices and unshipped approved order lines. Exits with an error if any do.")

    def add_arguments(self, parser):
        parser.add_argument("--dealer", action="append", default=None, metavar="CODE",
                            help="Check only this dealer code (repeatable).")

    def handle(self, *args, **options):
        accounts = CreditAccount.objects.select_related("dealer").order_by("dealer__code")
        if options["dealer"]:
            accounts = accounts.filter(dealer__code__in=options["dealer"])
        expected = credit_balances_recomputed(
            dealer_ids=list(accounts.values_list("dealer_id", flat=True))
            if options["dealer"] else None)
        mismatches = 0
        checked = 0
        for account in accounts.iterator(chunk_size=2000):
            checked += 1
            want = expected.get(account.dealer_id, {"receivable": ZERO, "reserved": ZERO})
            for field in ("receivable", "reserved"):
                have = getattr(account, field)
                if have != want[field]:
                    mismatches += 1
                    self.stdout.write(f"{account.dealer.code} {account.dealer.name}: {field} "
                                      f"is {have}, the rows say {want[field]} "
                                      f"(difference {have - want[field]})")
        if mismatches:
            raise CommandError(f"{mismatches} mismatch(es) in {checked} credit account(s).")
        self.stdout.write(self.style.SUCCESS(f"{checked} credit account(s) checked, all match."))
