"""Access-matrix entries of the orders routes (see tests/api/test_access_matrix.py)."""

ROUTES: dict = {}
RECORDS: dict = {}
