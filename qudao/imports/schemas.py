"""Schemas of the imports API."""

from datetime import datetime

from ninja import Schema


class RowErrorOut(Schema):
    row: int
    column: str
    message: str


class ImportJobOut(Schema):
    id: int
    kind: str
    status: str
    phase: str
    original_name: str
    rows_total: int
    rows_done: int
    created_count: int
    skipped_count: int
    rows_created: int
    rows_skipped: int
    error_count: int
    errors: list[RowErrorOut]
    created_by_id: int | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
