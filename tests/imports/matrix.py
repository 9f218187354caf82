"""Access-matrix entries of the imports routes (see tests/api/test_access_matrix.py).

Import jobs belong to the user who uploaded them, not to a dealer: a user lists and reads
its own jobs ("self"; the HQ admin sees all), and uploading is a "create" checked by role.
tests/imports/test_api.py checks that another user's job answers 404 and dealers get 403.
"""

ROUTES: dict = {
    ("post", "/api/imports"): "create",
    ("get", "/api/imports"): "self",
    ("get", "/api/imports/{job_id}"): "self",
}
RECORDS: dict = {}
