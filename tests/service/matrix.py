"""Access-matrix entries of the service routes (see tests/api/test_access_matrix.py)."""

import datetime

from qudao.dealers.models import Dealer
from qudao.service.models import ServiceRequest
from qudao.service.workhours import SHANGHAI
from tests.service.factories import request_make
from tests.service.seeds import ensure_seeded

RAISED = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)


def _requests(world) -> dict:
    """One open request per dealer of the world (written directly: no audit events, no
    thread); the same ones when asked again."""
    ensure_seeded()
    found = {}
    for dealer in Dealer.objects.all():
        existing = ServiceRequest.objects.filter(dealer=dealer, subject="矩阵").first()
        found[dealer.code] = (existing or request_make(dealer, created_at=RAISED,
                                                       subject="矩阵")).pk
    return found


ROUTES: dict = {
    ("get", "/api/service-functions"): "company_wide",
    ("get", "/api/service-requests"): "scoped_list",
    ("post", "/api/service-requests"): "create",
    ("get", "/api/service-requests/{request_id}"): "servicerequest_read",
    ("post", "/api/service-requests/{request_id}/messages"): "servicerequest_write",
    ("post", "/api/service-requests/{request_id}/status"): "servicerequest_write",
    ("post", "/api/service-requests/{request_id}/assign"): "servicerequest_write",
    ("post", "/api/service-requests/{request_id}/rate"): "servicerequest_write",
}
RECORDS: dict = {"servicerequest": ("request_id", _requests)}
