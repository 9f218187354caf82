from django.contrib import admin

from qudao.service.models import (
    CalendarDay,
    ServiceEscalation,
    ServiceFunction,
    ServiceRequest,
    ServiceRoute,
    WorkingCalendar,
)


@admin.register(ServiceFunction)
class ServiceFunctionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "department", "responsible", "phone", "is_active"]
    list_filter = ["department", "is_active"]


@admin.register(ServiceRoute)
class ServiceRouteAdmin(admin.ModelAdmin):
    list_display = ["function", "territory", "user"]
    list_filter = ["function"]
    raw_id_fields = ["territory", "user"]


@admin.register(WorkingCalendar)
class WorkingCalendarAdmin(admin.ModelAdmin):
    list_display = ["hours", "workdays", "auto_close_days"]


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["day", "kind", "name", "name_en"]
    list_filter = ["kind"]
    date_hierarchy = "day"


@admin.register(ServiceRequest)
class ServiceRequestAdmin(admin.ModelAdmin):
    list_display = ["number", "dealer", "function", "priority", "status", "assignee",
                    "created_at"]
    list_filter = ["status", "function", "priority"]
    search_fields = ["number", "subject", "dealer__code", "dealer__name"]
    raw_id_fields = ["dealer", "product", "raised_by", "assignee"]


@admin.register(ServiceEscalation)
class ServiceEscalationAdmin(admin.ModelAdmin):
    list_display = ["request", "deadline", "level", "to_user", "escalated_at"]
    list_filter = ["deadline", "level"]
    raw_id_fields = ["request", "to_user"]
