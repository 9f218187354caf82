"""Access-matrix entries of the events routes (see tests/api/test_access_matrix.py)."""

ROUTES: dict = {}
RECORDS: dict = {}
