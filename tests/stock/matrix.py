"""Access-matrix entries of the stock routes (see tests/api/test_access_matrix.py)."""

import datetime

from qudao.dealers.models import Dealer
from tests.stock.factories import StockReportFactory


def _reports(world) -> dict:
    """One stock report per dealer of the world (written directly: no audit events)."""
    return {dealer.code: StockReportFactory(dealer=dealer, period=datetime.date(2026, 3, 1)).pk
            for dealer in Dealer.objects.all()}


ROUTES: dict = {
    ("get", "/api/stock-reports"): "scoped_list",
    ("post", "/api/stock-reports"): "create",
    ("get", "/api/stock-reports/missing"): "scoped_list",
    ("get", "/api/stock-reports/{report_id}"): "stockreport_read",
    ("get", "/api/dealers/{dealer_id}/stock-position"): "dealer_read",
    ("get", "/api/dealers/{dealer_id}/sell-through"): "dealer_read",
}
RECORDS: dict = {"stockreport": ("report_id", _reports)}
