"""Access-matrix entries of the imports routes (see tests/api/test_access_matrix.py)."""

ROUTES: dict = {}
RECORDS: dict = {}
