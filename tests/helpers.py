"""Small helpers shared by test modules."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook


def xlsx(rows, header, name: str = "upload.xlsx") -> SimpleUploadedFile:
    """An uploaded .xlsx with a header row and `rows`."""
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def page_queries(client, url: str) -> int:
    """The number of SQL queries one GET of `url` runs (asserting it answers 200)."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)
