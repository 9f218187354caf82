"""Writes of dealer service, by subject: the directory and calendar, requests and their
thread, escalation. Import from here: `from qudao.service import services`."""

from qudao.service.services.directory import (  # noqa: F401
    calendar_day_delete,
    calendar_day_set,
    calendar_update,
    function_update,
    route_add,
    route_delete,
)
from qudao.service.services.escalation import escalate_due  # noqa: F401
from qudao.service.services.requests import (  # noqa: F401
    ATTACHMENT_MAX_BYTES,
    REOPEN_DAYS,
    assignee_for,
    auto_close_resolved,
    message_add,
    notifications_read,
    request_assign,
    request_confirm,
    request_create,
    request_rate,
    request_reopen,
    request_status_change,
)
