"""The reader streams: rows come out chunk by chunk before the file has been read through."""

import io
import types

import pytest

from qudao.imports import formats
from tests.helpers import xlsx
from tests.imports.conftest import ORDER_HEADER


class TrackedFile(io.BytesIO):
    """A file that remembers the furthest byte anyone has read."""

    furthest = 0

    def read(self, size=-1):
        data = super().read(size)
        self.furthest = max(self.furthest, self.tell())
        return data

    def read1(self, size=-1):
        data = super().read1(size)
        self.furthest = max(self.furthest, self.tell())
        return data

    def readinto(self, buffer):
        count = super().readinto(buffer)
        self.furthest = max(self.furthest, self.tell())
        return count


def _big_csv(rows: int) -> bytes:
    lines = [",".join(ORDER_HEADER)]
    lines += [f"R{i},A0001,2024-01-02,TEA-1,{i % 50 + 1},9.90,closed" for i in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def test_the_first_chunk_comes_before_the_file_is_read_through():
    data = _big_csv(200_000)  # ~9 MB
    stream = TrackedFile(data)

    header, chunks = formats.open_chunks(stream, "big.csv", size=1000)
    first, rows = next(chunks)

    assert isinstance(chunks, types.GeneratorType)
    assert header == ORDER_HEADER
    assert first == 2 and len(rows) == 1000
    assert rows[0] == ["R0", "A0001", "2024-01-02", "TEA-1", "1", "9.90", "closed"]
    assert stream.furthest < len(data) / 20, "the reader read far ahead of what it yielded"
    starts = [start for start, rest in chunks]
    assert starts[0] == 1002 and starts[-1] == 2 + 199_000


def test_xlsx_rows_stream_from_a_read_only_sheet():
    upload = xlsx([[f"R{i}", "A0001", "2024-01-02", "TEA-1", 2, 9.9, None] for i in range(50)],
                  ORDER_HEADER)
    header, chunks = formats.open_chunks(io.BytesIO(upload.read()), "orders.xlsx", size=20)

    assert isinstance(chunks, types.GeneratorType)
    number, rows = next(chunks)
    assert header == ORDER_HEADER
    assert (number, rows[0]) == (2, ["R0", "A0001", "2024-01-02", "TEA-1", "2", "9.9", ""])
    assert [start for start, rest in chunks] == [22, 42]


def test_checker_normalises_values_and_skips_blank_rows():
    positions, shown = formats.header_positions("orders", ORDER_HEADER[:6] + ["状态"])
    checker = formats.RowChecker("orders", positions, shown)
    rows = [[" R1 ", "A0001", "2024-01-02 00:00:00", "TEA-1", "12.0", "1,234.5", "已关闭"],
            ["", "", "", "", "", "", ""],
            ["R2", "A0001", "2024-01-02", "TEA-1", "3", "0", ""]]

    good, errors = checker.check(7, rows)

    assert errors == []
    assert good == [(7, "R1", "A0001", "2024-01-02", "TEA-1", "12", "1234.50", "closed"),
                    (9, "R2", "A0001", "2024-01-02", "TEA-1", "3", "0", "closed")]


def test_estimate_counts_data_rows_without_loading_the_file():
    assert formats.estimate_rows(io.BytesIO(_big_csv(1234)), "x.csv") == 1234


@pytest.mark.parametrize("text", ["订单号", "Order number", "order_number", " ORDER NUMBER "])
def test_order_number_header_spellings(text):
    positions, _shown = formats.header_positions(
        "orders", [text, "经销商编码", "订单日期", "SKU", "数量", "单价"])
    assert positions["order_number"] == 0
