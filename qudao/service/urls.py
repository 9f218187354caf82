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
