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


# -- the needs registry and dealer support (qudao/service/needs_api.py) -----------------------

def _needs(world) -> dict:
    """One recorded need per dealer of the world (written directly: no audit events); the
    same ones when asked again."""
    from qudao.service.models import Need

    found = {}
    for dealer in Dealer.objects.all():
        need = Need.objects.filter(dealer=dealer, title="矩阵需求").first()
        if need is None:
            need = Need.objects.create(dealer=dealer, title="矩阵需求", category="training")
            Need.objects.filter(pk=need.pk).update(number=f"XQT{need.pk:07d}")
        found[dealer.code] = need.pk
    return found


ROUTES.update({
    ("get", "/api/needs"): "scoped_list",
    ("post", "/api/needs"): "create",
    ("get", "/api/needs/{need_id}"): "need_read",
    ("patch", "/api/needs/{need_id}"): "need_write",
    ("post", "/api/needs/{need_id}/status"): "need_write",
    ("post", "/api/needs/{need_id}/attach"): "need_write",
    ("post", "/api/needs/{need_id}/detach"): "need_write",
    ("post", "/api/needs/{need_id}/confirm"): "need_write",
    # Common needs are company actions: every holder of the registry sees them all (the
    # dealers they group are only counted; their needs are listed in scope, see
    # tests/service/test_needs.py).
    ("get", "/api/common-needs"): "company_wide",
    ("post", "/api/common-needs"): "create",
    ("get", "/api/common-needs/{common_need_id}"): "company_wide",
    ("post", "/api/common-needs/{common_need_id}/status"): "company_wide",
    ("get", "/api/dealer-supports"): "scoped_list",
    ("post", "/api/dealer-supports"): "create",
})
RECORDS["need"] = ("need_id", _needs)
