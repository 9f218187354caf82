"""Excel export and import shared by every list: one sheet, a header row, one record a row.

Import is two passes: every row is parsed and checked first, and only a file with no
error at all is written (by the caller, inside one transaction). The errors name the
row, the column and why, so a user can fix the file and send it again.
"""

import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from qudao.core.exceptions import DomainError

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    """One column of a sheet: the header people see, the key code uses, and how to read it."""

    key: str
    header: str
    required: bool = False
    kind: str = "text"  # text | int | decimal | date | float


@dataclass(frozen=True)
class RowError:
    row: int  # the sheet's row number, as Excel shows it (header is row 1)
    column: str  # the header text, or "" for a whole-row or whole-file fault
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


class ImportFailed(DomainError):
    """The file has errors; nothing was saved. `errors` lists every one found."""

    code = "import_failed"

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(
            _("The file has %(count)d error(s); nothing was saved.") % {"count": len(errors)}
        )
        self.errors = errors


def _cell_text(value: Any) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()


def export_response(
    *, filename: str, columns: list[Column], rows: Iterable[Iterable[Any]]
) -> HttpResponse:
    """An .xlsx download: the header row, then `rows`, streamed through a write-only book."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append([str(column.header) for column in columns])
    for row in rows:
        sheet.append([_export_value(value) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.xlsx"'
    return response


def _export_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value) if value == value.to_integral() else str(value)
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if value is None or isinstance(value, int | float | str | date):
        return value
    return str(value)


def template_response(*, filename: str, columns: list[Column]) -> HttpResponse:
    """An empty sheet with the headers an import expects."""
    return export_response(filename=filename, columns=columns, rows=[])


def read_rows(
    upload: Any, columns: list[Column]
) -> tuple[list[tuple[int, dict[str, Any]]], list[RowError]]:
    """Parse an uploaded .xlsx into (row number, values by key) pairs and the faults found.

    Values come back converted to their column's kind; a cell that cannot be converted,
    a required cell left empty and a missing required column are errors. Rows that are
    entirely empty are skipped.
    """
    size = getattr(upload, "size", None)
    if size is not None and size > settings.IMPORT_MAX_BYTES:
        raise ImportFailed([RowError(0, "", _("The file is larger than the import limit."))])
    try:
        book = load_workbook(upload, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError,
            TypeError) as exc:
        raise ImportFailed(
            [RowError(0, "", _("This is not an Excel (.xlsx) file: %(why)s") % {"why": exc})]
        ) from exc
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        raise ImportFailed([RowError(1, "", _("The sheet is empty: no header row."))])
    names = [_cell_text(value) for value in header]
    by_header: dict[str, Column] = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            by_header.update({str(column.header): column for column in columns})
    by_key = {column.key: column for column in columns}
    positions: dict[str, int] = {}
    for index, name in enumerate(names):
        column = by_header.get(name) or by_key.get(name)
        if column is not None:
            positions[column.key] = index
    errors = [
        RowError(1, str(column.header), _("Required column is missing."))
        for column in columns
        if column.required and column.key not in positions
    ]
    if errors:
        raise ImportFailed(errors)
    parsed: list[tuple[int, dict[str, Any]]] = []
    for number, values in enumerate(rows, start=2):
        if values is None or all(_cell_text(v) == "" for v in values):
            continue
        record: dict[str, Any] = {}
        for key, index in positions.items():
            column = by_key[key]
            raw = values[index] if index < len(values) else None
            try:
                record[key] = convert(raw, column)
            except ValueError as exc:
                errors.append(RowError(number, str(column.header), str(exc)))
        parsed.append((number, record))
    book.close()
    return parsed, errors


def convert(raw: Any, column: Column) -> Any:
    """One cell as the column's kind; ValueError with a readable reason when it is not."""
    text = _cell_text(raw)
    if text == "":
        if column.required:
            raise ValueError(_("A value is required."))
        return None
    if column.kind == "int":
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(_("“%(value)s” is not a whole number.") % {"value": text}) from None
        if number != number.to_integral_value():
            raise ValueError(_("“%(value)s” is not a whole number.") % {"value": text})
        return int(number)
    if column.kind == "decimal":
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(_("“%(value)s” is not a number.") % {"value": text}) from None
        if not number.is_finite():
            raise ValueError(_("“%(value)s” is not a number.") % {"value": text})
        return number
    if column.kind == "float":
        try:
            return float(text)
        except ValueError:
            raise ValueError(_("“%(value)s” is not a number.") % {"value": text}) from None
    if column.kind == "date":
        if isinstance(raw, datetime):
            return raw.date()
        if isinstance(raw, date):
            return raw
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            raise ValueError(
                _("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": text}
            ) from None
    return text
