from django.urls import path

from qudao.service import views

app_name = "service"

urlpatterns = [
    path("", views.request_list, name="request_list"),
    path("export/", views.request_export, name="request_export"),
    path("new/", views.request_add, name="request_add"),
    path("directory/", views.directory, name="directory"),
    path("directory/<int:pk>/", views.function_edit, name="function_edit"),
    path("routes/<int:pk>/delete/", views.route_delete, name="route_delete"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/<int:pk>/delete/", views.calendar_day_delete, name="calendar_day_delete"),
    path("report/", views.report, name="report"),
    path("report/export/", views.report_export, name="report_export"),
    path("notifications/", views.notification_list, name="notifications"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("<int:pk>/", views.request_detail, name="request_detail"),
    path("<int:pk>/reply/", views.request_reply, name="request_reply"),
    path("<int:pk>/assign/", views.request_assign, name="request_assign"),
    path("<int:pk>/status/", views.request_status, name="request_status"),
    path("<int:pk>/confirm/", views.request_confirm, name="request_confirm"),
    path("<int:pk>/rate/", views.request_rate, name="request_rate"),
    path("<int:pk>/reopen/", views.request_reopen, name="request_reopen"),
]

# The needs registry and dealer support (qudao/service/needs_views.py).
from qudao.service import needs_views  # noqa: E402

urlpatterns += [
    path("needs/", needs_views.need_list, name="need_list"),
    path("needs/export/", needs_views.need_export, name="need_export"),
    path("needs/new/", needs_views.need_add, name="need_add"),
    path("needs/group/", needs_views.need_bulk_attach, name="need_bulk_attach"),
    path("needs/common/", needs_views.common_need_list, name="common_need_list"),
    path("needs/common/new/", needs_views.common_need_add, name="common_need_add"),
    path("needs/common/<int:pk>/", needs_views.common_need_detail, name="common_need_detail"),
    path("needs/common/<int:pk>/edit/", needs_views.common_need_edit, name="common_need_edit"),
    path("needs/common/<int:pk>/status/", needs_views.common_need_status,
         name="common_need_status"),
    path("needs/support/new/", needs_views.support_add, name="support_add"),
    path("needs/support/<int:pk>/", needs_views.support_detail, name="support_detail"),
    path("needs/support/<int:pk>/edit/", needs_views.support_edit, name="support_edit"),
    path("needs/support/<int:pk>/report/", needs_views.support_report, name="support_report"),
    path("needs/support/<int:pk>/end/", needs_views.support_end, name="support_end"),
    path("needs/<int:pk>/", needs_views.need_detail, name="need_detail"),
    path("needs/<int:pk>/edit/", needs_views.need_edit, name="need_edit"),
    path("needs/<int:pk>/status/", needs_views.need_status, name="need_status"),
    path("needs/<int:pk>/attach/", needs_views.need_attach, name="need_attach"),
    path("needs/<int:pk>/detach/", needs_views.need_detach, name="need_detach"),
    path("needs/<int:pk>/confirm/", needs_views.need_confirm, name="need_confirm"),
]
