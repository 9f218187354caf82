"""The file formats of history imports and a streaming reader for CSV and Excel.

A file is read row by row (csv over a text stream, openpyxl in read-only mode) and handed
on in chunks, so memory stays the same whatever the file's size. Each row is checked on
its own here (required cells, dates, numbers, status); what needs the database (dealer
codes, SKUs, one dealer and date per order, already imported) is checked set-based by the
loader afterwards.
"""

import codecs
import csv
import io
import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qudao.agreements.choices import PaymentMethod
from qudao.core.excel import RowError
from qudao.imports.choices import JobKind
from qudao.orders.choices import OrderStatus

CHUNK_ROWS = 20_000
# Finished orders only: imported history holds no credit and waits for nothing.
HISTORY_STATUSES = (OrderStatus.CLOSED, OrderStatus.DELIVERED, OrderStatus.SHIPPED,
                    OrderStatus.CANCELLED, OrderStatus.REJECTED)
SHIPPED_STATUSES = (OrderStatus.CLOSED, OrderStatus.DELIVERED, OrderStatus.SHIPPED)
MAX_QUANTITY = 1_000_000_000
MAX_CENTS = 10**14  # MoneyField holds 16 digits, two of them cents


@dataclass(frozen=True)
class Field:
    """One column of an import file: its key, the header people see, Chinese header."""

    key: str
    label: Any
    chinese: str
    required: bool = True
    example: str = ""
    help: Any = ""


FIELDS: dict[str, list[Field]] = {
    JobKind.ORDERS: [
        Field("order_number", gettext_lazy("Order number"), "订单号", example="ERP-2023-000187",
              help=gettext_lazy("The dealer's or the ERP's order number; several lines of one "
                                "order repeat it.")),
        Field("dealer_code", gettext_lazy("Dealer code"), "经销商编码", example="A0001"),
        Field("order_date", gettext_lazy("Order date"), "订单日期", example="2023-04-18",
              help=gettext_lazy("YYYY-MM-DD, not in the future; the same for every line of "
                                "an order.")),
        Field("sku", gettext_lazy("SKU"), "SKU", example="SKU-0001"),
        Field("quantity", gettext_lazy("Quantity"), "数量", example="24",
              help=gettext_lazy("A whole number above zero.")),
        Field("unit_price", gettext_lazy("Unit price"), "单价", example="35.50",
              help=gettext_lazy("CNY, at most two decimals, not negative.")),
        Field("status", gettext_lazy("Status"), "状态", required=False, example="closed",
              help=gettext_lazy("closed (default), delivered, shipped, cancelled or rejected.")),
    ],
    JobKind.PAYMENTS: [
        Field("payment_ref", gettext_lazy("Payment reference"), "回款单号",
              example="HK-2023-0042",
              help=gettext_lazy("Your number for the payment; unique per dealer.")),
        Field("dealer_code", gettext_lazy("Dealer code"), "经销商编码", example="A0001"),
        Field("received_on", gettext_lazy("Received on"), "到账日期", example="2023-05-02",
              help=gettext_lazy("YYYY-MM-DD, not in the future.")),
        Field("amount", gettext_lazy("Amount"), "金额", example="12800.00",
              help=gettext_lazy("CNY above zero, at most two decimals.")),
        Field("method", gettext_lazy("Payment method"), "付款方式", required=False,
              example="bank_transfer",
              help=gettext_lazy("bank_transfer (default), acceptance_bill, cash or online.")),
        Field("reference", gettext_lazy("Bank reference"), "银行流水号", required=False,
              example="BOC20230502-7781"),
    ],
}
# Other spellings people use for the same columns.
ALIASES = {
    "order_number": ("order no", "订单编号", "单号"),
    "dealer_code": ("dealer", "经销商代码", "客户编码"),
    "order_date": ("date", "日期", "下单日期"),
    "sku": ("产品编码", "商品编码", "物料编码"),
    "quantity": ("qty", "订货数量"),
    "unit_price": ("price", "价格"),
    "status": ("订单状态",),
    "payment_ref": ("payment number", "付款单号", "回款编号"),
    "received_on": ("date", "回款日期", "日期"),
    "amount": ("回款金额",),
    "method": ("method", "方式", "回款方式"),
    "reference": ("流水号", "参考号"),
}


class FileUnreadable(Exception):
    """The file cannot be read as a table at all (not CSV/XLSX, no header, bad encoding)."""


def _norm(text: Any) -> str:
    return re.sub(r"[\s_]+", " ", str(text).replace("\ufeff", "")).strip().lower()


def header_names(kind: str) -> dict[str, str]:
    """Every accepted header spelling (normalised) -> column key."""
    names: dict[str, str] = {}
    for field in FIELDS[kind]:
        spellings = [field.key, field.chinese, *ALIASES.get(field.key, ())]
        for language in ("en", "zh-hans"):
            with translation.override(language):
                spellings.append(str(field.label))
        for spelling in spellings:
            names.setdefault(_norm(spelling), field.key)
    return names


def header_positions(kind: str, header: list[str]) -> tuple[dict[str, int], dict[str, str]]:
    """(column key -> index in the row, column key -> header as written in the file).

    Raises FileUnreadable naming every required column that is missing.
    """
    names = header_names(kind)
    positions: dict[str, int] = {}
    shown: dict[str, str] = {}
    for index, text in enumerate(header):
        key = names.get(_norm(text))
        if key and key not in positions:
            positions[key] = index
            shown[key] = str(text).replace("\ufeff", "").strip()
    missing = [f for f in FIELDS[kind] if f.required and f.key not in positions]
    if missing:
        raise FileUnreadable(
            _("Required column(s) missing: %(columns)s. The first row must hold the headers.")
            % {"columns": ", ".join(f"{f.label} ({f.chinese})" for f in missing)})
    for field in FIELDS[kind]:
        shown.setdefault(field.key, str(field.label))
    return positions, shown


# Reading -----------------------------------------------------------------------------------

def is_xlsx(name: str, head: bytes) -> bool:
    return name.lower().endswith((".xlsx", ".xlsm")) or head.startswith(b"PK\x03\x04")


def _encoding(head: bytes) -> str:
    """UTF-8 (with or without BOM) unless the bytes are not UTF-8: then GB18030 (Excel's
    "CSV" on Chinese Windows)."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8-sig"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value).strip()


def open_chunks(stream: IO[bytes], name: str, size: int = CHUNK_ROWS
                ) -> tuple[list[str], Iterator[tuple[int, list[list[str]]]]]:
    """The header and a generator of chunks: (row number of the chunk's first row as a
    spreadsheet shows it, up to `size` rows of cells as text).

    `stream` is a binary file; nothing is read beyond the chunk yielded (plus the reader's
    buffer). Empty rows stay in the chunk so row numbers hold; the checker skips them.
    """
    head = stream.read(65536)
    stream.seek(0)
    if is_xlsx(name, head):
        return _xlsx_chunks(stream, size)
    return _csv_chunks(stream, head, size)


def _csv_chunks(stream: IO[bytes], head: bytes, size: int):
    text = io.TextIOWrapper(stream, encoding=_encoding(head), newline="")
    first = head.split(b"\n", 1)[0]
    delimiter = "\t" if b"\t" in first and b"," not in first else ","
    reader = csv.reader(text, delimiter=delimiter)
    try:
        header = next(reader, None)
    except (UnicodeDecodeError, csv.Error) as exc:
        raise FileUnreadable(_("The file cannot be read as CSV: %(why)s") % {"why": exc}) from exc
    if not header or not any(cell.strip() for cell in header):
        raise FileUnreadable(_("The file is empty: no header row."))

    def chunks() -> Iterator[tuple[int, list[list[str]]]]:
        number = 2
        while True:
            try:
                rows = list(itertools.islice(reader, size))
            except (UnicodeDecodeError, csv.Error) as exc:
                raise FileUnreadable(_("Row %(row)d or one of the %(size)d after it cannot be "
                                       "read: %(why)s") % {"row": number, "size": size,
                                                           "why": exc}) from exc
            if not rows:
                return
            yield number, rows
            number += len(rows)

    return header, chunks()


def _xlsx_chunks(stream: IO[bytes], size: int):
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(stream, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError,
            TypeError) as exc:
        raise FileUnreadable(
            _("This is not an Excel (.xlsx) file: %(why)s") % {"why": exc}) from exc
    sheet = book.worksheets[0]
    values = sheet.iter_rows(values_only=True)
    header = next(values, None)
    if header is None or not any(v is not None for v in header):
        book.close()
        raise FileUnreadable(_("The sheet is empty: no header row."))

    def chunks() -> Iterator[tuple[int, list[list[str]]]]:
        number = 2
        try:
            while rows := [[_cell(v) for v in row] for row in itertools.islice(values, size)]:
                yield number, rows
                number += len(rows)
        finally:
            book.close()

    return [_cell(v) for v in header], chunks()


def estimate_rows(stream: IO[bytes], name: str) -> int:
    """Roughly how many data rows the file has, for the progress bar (CSV: line count)."""
    head = stream.read(65536)
    stream.seek(0)
    if is_xlsx(name, head):
        from openpyxl import load_workbook

        try:
            book = load_workbook(stream, read_only=True)
            total = max((book.worksheets[0].max_row or 1) - 1, 0)
            book.close()
        except Exception:  # the reader reports a broken file properly later
            total = 0
        stream.seek(0)
        return total
    lines = 0
    last = b"\n"
    while block := stream.read(1 << 20):
        lines += block.count(b"\n")
        last = block[-1:]
    stream.seek(0)
    return max(lines + (last != b"\n") - 1, 0)


# Checking one row ---------------------------------------------------------------------------

_PRICE = re.compile(r"\d{1,12}(?:\.\d{1,2})?")


# Chinese words people write for statuses and payment methods (besides the labels).
CHOICE_ALIASES = {
    "closed": ("已关闭", "关闭", "已完成", "完成"),
    "delivered": ("已签收", "已送达", "签收"),
    "shipped": ("已发货", "发货"),
    "cancelled": ("已取消", "取消", "canceled"),
    "rejected": ("已驳回", "已拒绝", "驳回"),
    "bank_transfer": ("银行转账", "转账", "电汇", "bank transfer"),
    "acceptance_bill": ("承兑汇票", "银行承兑汇票", "承兑"),
    "cash": ("现金",),
    "online": ("在线支付", "网银", "线上支付"),
}


def _choice_lookup(choices: Any, allowed: Iterable[str]) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            for value, label in choices.choices:
                if value in allowed:
                    lookup[_norm(label)] = value
    for value in allowed:
        lookup[_norm(value)] = value
        for alias in CHOICE_ALIASES.get(value, ()):
            lookup[_norm(alias)] = value
    return lookup


# What each column must hold, by kind: (key, check, required).
CHECKS = {
    JobKind.ORDERS: [("order_number", "ref", True), ("dealer_code", "code", True),
                     ("order_date", "date", True), ("sku", "code", True),
                     ("quantity", "quantity", True), ("unit_price", "price", True),
                     ("status", "choice", False)],
    JobKind.PAYMENTS: [("payment_ref", "ref", True), ("dealer_code", "code", True),
                       ("received_on", "date", True), ("amount", "amount", True),
                       ("method", "choice", False), ("reference", "text60", False)],
}
# Columns checked only for being present, trimmed and short enough (limit in characters).
TEXT_CHECKS = {"ref": 40, "code": 64, "text60": 60}
CACHE_LIMIT = 200_000  # distinct values remembered per column; memory stays bounded


class RowChecker:
    """Checks the rows of one file chunk by chunk, column by column.

    Each column's distinct values in a chunk are checked once (history repeats the same
    dates, prices, statuses); only a value that fails sends us looking for its rows.
    `check(first, rows)` returns the good rows as staging tuples (row number first, then
    the columns in CHECKS order, normalised text that the database converts) and the
    errors. A row with any error is left out.
    """

    def __init__(self, kind: str, positions: dict[str, int], shown: dict[str, str]):
        self.kind = kind
        self.positions = positions
        self.shown = shown
        self.today = timezone.localdate()
        self.columns = CHECKS[kind]
        self.width = max(positions.values()) + 1
        self._cache: dict[str, dict[str, tuple[str | None, str | None]]] = {
            key: {} for key, _check, _required in self.columns}
        if kind == JobKind.ORDERS:
            self._choices = _choice_lookup(OrderStatus, HISTORY_STATUSES)
            self._default = OrderStatus.CLOSED.value
            self._choice_error = gettext_lazy(
                "Unknown status “%(value)s”; history can be closed, delivered, shipped, "
                "cancelled or rejected.")
        else:
            self._choices = _choice_lookup(PaymentMethod, PaymentMethod.values)
            self._default = PaymentMethod.BANK_TRANSFER.value
            self._choice_error = gettext_lazy("Unknown payment method “%(value)s”.")

    # one distinct value -> (normalised value, None) or (None, error message) ---------------
    def _verdict(self, check: str, raw: str, required: bool) -> tuple[str | None, str | None]:
        text = raw.strip()
        if not text:
            if check == "choice":
                return self._default, None
            if required:
                return None, _("A value is required.")
            return "", None
        return getattr(self, f"_check_{check}")(text)

    def _check_ref(self, text):
        return (text, None) if len(text) <= 40 else (None, _("At most 40 characters."))

    def _check_code(self, text):
        return (text, None) if len(text) <= 64 else (None, _("At most 64 characters."))

    def _check_text60(self, text):
        return (text, None) if len(text) <= 60 else (None, _("At most 60 characters."))

    def _check_choice(self, text):
        value = self._choices.get(_norm(text))
        return (value, None) if value else (None, self._choice_error % {"value": text})

    def _check_date(self, text):
        try:
            if len(text) not in (10, 19):
                raise ValueError
            day = date.fromisoformat(text[:10])
        except ValueError:
            return None, _("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": text}
        if day > self.today:
            return None, _("%(day)s is in the future.") % {"day": day.isoformat()}
        return day.isoformat(), None

    def _check_quantity(self, text):
        if text.isascii() and text.isdigit() and 0 < int(text) < MAX_QUANTITY:
            return str(int(text)), None
        try:
            number = Decimal(text)
        except InvalidOperation:
            return None, _("“%(value)s” is not a whole number.") % {"value": text}
        if not number.is_finite() or number != number.to_integral_value():
            return None, _("“%(value)s” is not a whole number.") % {"value": text}
        if number <= 0:
            return None, _("The quantity must be above zero.")
        if number >= MAX_QUANTITY:
            return None, _("“%(value)s” is too large.") % {"value": text}
        return str(int(number)), None

    def _check_price(self, text, *, positive=False):
        if _PRICE.fullmatch(text):  # the common case: plain digits, at most two decimals
            if positive and not text.strip("0."):
                return None, _("The amount must be above zero.")
            return text, None
        try:
            number = Decimal(text if _PRICE.fullmatch(text) else text.replace(",", ""))
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            return None, _("“%(value)s” is not an amount.") % {"value": text}
        if number < 0:
            return None, _("The amount must not be negative.")
        if positive and number == 0:
            return None, _("The amount must be above zero.")
        if number != number.quantize(Decimal("0.01")):
            return None, _("“%(value)s” has more than two decimals.") % {"value": text}
        if number * 100 >= MAX_CENTS:
            return None, _("“%(value)s” is too large.") % {"value": text}
        return str(number.quantize(Decimal("0.01"))), None

    def _check_amount(self, text):
        return self._check_price(text, positive=True)

    # a whole chunk --------------------------------------------------------------------------
    def check(self, first: int, rows: list[list[str]]) -> tuple[list[tuple], list[RowError]]:
        width = self.width
        if min(map(len, rows)) < width:
            rows = [row + [""] * (width - len(row)) if len(row) < width else row
                    for row in rows]
        numbers = range(first, first + len(rows))
        picked = [self.positions.get(key) for key, _check, _required in self.columns]
        transposed = list(zip(*rows, strict=False))  # rows are at least `width` long now
        columns: list[Any] = []
        bad_rows: dict[int, list[RowError]] = {}
        for (key, check, required), index in zip(self.columns, picked, strict=True):
            if index is None:  # an optional column the file does not have
                columns.append(itertools.repeat(self._verdict(check, "", required)[0]))
                continue
            column = transposed[index]
            distinct = set(column)
            if check in TEXT_CHECKS:
                # Codes and references: only odd-looking values need a closer look.
                limit = TEXT_CHECKS[check]
                odd = {v for v in distinct if not v or len(v) > limit or v != v.strip()}
                verdicts = {v: self._verdict(check, v, required) for v in odd}
            else:
                cache = self._cache[key]
                if len(cache) > CACHE_LIMIT:
                    cache.clear()
                for value in distinct.difference(cache):
                    cache[value] = self._verdict(check, value, required)
                verdicts = {v: cache[v] for v in distinct}
            failing = {v for v, (_normal, error) in verdicts.items() if error}
            changed = {v: normal for v, (normal, error) in verdicts.items()
                       if not error and normal != v}
            if failing:
                for i, value in enumerate(column):
                    if value in failing:
                        bad_rows.setdefault(i, []).append(
                            RowError(first + i, self.shown[key], verdicts[value][1]))
            columns.append([changed.get(v, v) for v in column] if changed else column)
        # Empty rows fail the required columns; they are skipped, not reported.
        blank = {i for i in bad_rows if not any(rows[i])}
        errors = [error for i in sorted(bad_rows) if i not in blank for error in bad_rows[i]]
        skip = bad_rows.keys()
        staged = zip(numbers, *columns, strict=False)  # a missing column repeats its default
        if skip:
            staged = (row for i, row in enumerate(staged) if i not in skip)
        return list(staged), errors
