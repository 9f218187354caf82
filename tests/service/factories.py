"""Service requests written straight to the database (no thread, no notification, no audit):
for tests that need requests to exist, not to be raised."""

import datetime

from qudao.service.models import ServiceFunction, ServiceRequest
from qudao.service.workhours import WorkCalendar, add_working_hours, calendar_load


def request_make(dealer, *, code: str = "logistics", priority: str = "normal",
                 created_at: datetime.datetime, calendar: WorkCalendar | None = None,
                 **fields) -> ServiceRequest:
    function = ServiceFunction.objects.get(code=code)
    calendar = calendar or calendar_load()
    response, resolution = function.limits(priority)
    values = {
        "dealer": dealer, "function": function, "priority": priority,
        "subject": fields.pop("subject", f"{function.name}问题"),
        "description": "详情见附件", "department": function.department,
        "response_hours": response, "resolution_hours": resolution,
        "first_response_due": add_working_hours(created_at, response, calendar=calendar),
        "resolution_due": add_working_hours(created_at, resolution, calendar=calendar),
        "created_at": created_at,
    }
    values.update(fields)
    request = ServiceRequest.objects.create(**values)
    ServiceRequest.objects.filter(pk=request.pk).update(number=f"SRT{request.pk:07d}")
    request.number = f"SRT{request.pk:07d}"
    return request
