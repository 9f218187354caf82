"""Access-matrix entries of the stock routes (see tests/api/test_access_matrix.py)."""

ROUTES: dict = {}
RECORDS: dict = {}
