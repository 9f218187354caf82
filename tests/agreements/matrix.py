"""Access-matrix entries of the agreements routes (see tests/api/test_access_matrix.py)."""

from tests.trade import AgreementFactory


def _one_agreement_per_dealer(world) -> dict:
    """An active agreement for every dealer of the world, by dealer code (no audit events)."""
    dealers = [world.dealer_a, world.dealer_a_sub, world.dealer_a_shop, world.dealer_beijing,
               world.dealer_b]
    return {dealer.code: AgreementFactory(dealer=dealer).pk for dealer in dealers}


ROUTES: dict = {
    ("get", "/api/agreements"): "scoped_list",
    ("post", "/api/agreements"): "create",
    ("get", "/api/agreements/{agreement_id}"): "agreement_read",
    ("patch", "/api/agreements/{agreement_id}"): "agreement_write",
    ("post", "/api/agreements/{agreement_id}/transition"): "agreement_write",
    ("post", "/api/agreements/{agreement_id}/renew"): "agreement_write",
    ("get", "/api/agreements/{agreement_id}/targets"): "agreement_read",
    ("put", "/api/agreements/{agreement_id}/targets"): "agreement_write",
    ("get", "/api/agreements/{agreement_id}/attachments"): "agreement_read",
}
RECORDS: dict = {
    "agreement": ("agreement_id", _one_agreement_per_dealer),
}
