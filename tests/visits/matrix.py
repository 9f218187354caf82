"""Access-matrix entries of the visits routes (see tests/api/test_access_matrix.py).

Calls and visits are staff records: dealer users get 403 on every route (they never see
the reps' notes), staff see the records of the dealers they see. Plans belong to a rep,
not to a dealer, and the compliance figures are totals, so those routes are checked
persona by persona in tests/visits/test_api.py.
"""

import datetime

from django.utils import timezone

from qudao.dealers.models import Dealer
from qudao.visits.models import Contact
from tests.factories import UserFactory


def _contacts(world) -> dict:
    """One call per dealer of the world (written directly: no audit events); the same ones
    when asked again."""
    staff = UserFactory(username="visits_matrix_rep", role="sales_rep")
    moment = timezone.make_aware(datetime.datetime(2026, 3, 10, 10, 0))
    return {d.code: Contact.objects.get_or_create(
        dealer=d, staff=staff, kind="call_out", happened_at=moment,
        defaults={"month": datetime.date(2026, 3, 1), "purpose": "relationship",
                  "notes": "例行回访"})[0].pk
        for d in Dealer.objects.all()}


ROUTES: dict = {
    ("get", "/api/contact-logs"): "scoped_list",
    ("post", "/api/contact-logs"): "create",
    ("get", "/api/contact-logs/{log_id}"): "contactlog_read",
    ("patch", "/api/contact-logs/{log_id}"): "contactlog_write",
    ("post", "/api/contact-logs/{log_id}/next-step-done"): "contactlog_write",
    ("get", "/api/visit-compliance/overdue"): "scoped_list",
    # Per rep or region, over the caller's dealers: tests/visits/test_api.py.
    ("get", "/api/visit-compliance"): "self",
    # A rep's own plan, read by his managers: tests/visits/test_api.py.
    ("get", "/api/visit-plans"): "self",
    ("get", "/api/visit-plans/{plan_id}"): "self",
    ("post", "/api/visit-plans/{plan_id}/comments"): "self",
    ("post", "/api/visit-plan-items"): "create",
    ("delete", "/api/visit-plan-items/{item_id}"): "self",
}
RECORDS: dict = {"contactlog": ("log_id", _contacts)}

# Weekly and monthly reports belong to a rep, not to a dealer, and the quarterly review is
# totals per region: checked persona by persona in tests/visits/test_reports.py.
ROUTES.update({
    ("get", "/api/rep-reports"): "self",
    ("post", "/api/rep-reports"): "create",
    ("get", "/api/rep-reports/{report_id}"): "self",
    ("patch", "/api/rep-reports/{report_id}"): "self",
    ("post", "/api/rep-reports/{report_id}/submit"): "self",
    ("post", "/api/rep-reports/{report_id}/comments"): "self",
    ("get", "/api/quarterly-reviews"): "self",
})
