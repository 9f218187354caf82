"""Access-matrix entries of the agreements routes (see tests/api/test_access_matrix.py)."""

ROUTES: dict = {}
RECORDS: dict = {}
