"""Access-matrix entries of the retail routes (see tests/api/test_access_matrix.py).

Retail stores are dealers of level terminal or key account. Staff see those of the dealers
they see; a dealer admin also sees the stores it supplies, which are not its own dealer, so
the store lists and audits are classified "self" here and checked persona by persona in
tests/retail/test_api.py (EXPECTED_STORES). Applications belong to their supplying dealer
(a dealer sees those it supplies) and to the region they are filed in: they fit the
generic matrix, one per dealer of the world with that dealer as supplier.
"""

from qudao.dealers.models import Dealer
from qudao.retail.models import Application
from tests.factories import UserFactory


def _applications(world) -> dict:
    """Each dealer's application, filed for a store it would supply, in its own region
    (written directly: no audit events); the same ones when asked again."""
    applicant = UserFactory(username="retail_matrix_rep", role="sales_rep")
    found = {}
    for dealer in Dealer.objects.all():
        application, _created = Application.objects.get_or_create(
            store_name=f"{dealer.code}矩阵门店", defaults={
                "address": "矩阵路1号", "territory": dealer.territory, "parent": dealer,
                "contact_name": "店主", "phone": "13800000000", "store_area": 60,
                "staff_count": 3, "management_rating": 3, "retailer_type": "authorized",
                "terms_accepted": True, "applicant": applicant, "number": f"RAM{dealer.pk}",
                "status": "reviewed"})
        found[dealer.code] = application.pk
    return found


ROUTES: dict = {
    # Stores and their audits: a dealer admin sees the stores it supplies (test_api.py).
    ("get", "/api/retailers"): "self",
    ("get", "/api/retailers/{retailer_id}"): "self",
    ("get", "/api/retail-audits"): "self",
    ("post", "/api/retail-audits"): "self",
    ("get", "/api/retail-audits/{audit_id}"): "self",
    # Filing: only stores of the caller's scope (test_api.py).
    ("post", "/api/retail-applications"): "self",
    ("get", "/api/retail-applications"): "self",
    ("get", "/api/retail-applications/{application_id}"): "retailapplication_read",
    ("post", "/api/retail-applications/{application_id}/review"): "retailapplication_write",
    ("post", "/api/retail-applications/{application_id}/decide"): "retailapplication_write",
}
RECORDS: dict = {"retailapplication": ("application_id", _applications)}
