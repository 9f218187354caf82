"""Access-matrix entries of the performance routes (see tests/api/test_access_matrix.py).

The report, the KPI and the expenses are per region, not per dealer: who may read which
region (a manager his own, 404 elsewhere; dealers and reps 403) is checked persona by
persona in tests/performance/test_api.py, as is the dealer's rating of its own rep.
"""

ROUTES: dict = {
    ("get", "/api/performance/report"): "self",
    ("get", "/api/performance/kpi"): "self",
    ("post", "/api/performance/ratings"): "create",
    ("get", "/api/channel-expenses"): "self",
    ("post", "/api/channel-expenses"): "create",
}
RECORDS: dict = {}
