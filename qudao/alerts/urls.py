from django.urls import path

from qudao.alerts import views

app_name = "alerts"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("list/", views.alert_list, name="alert_list"),
    path("export/", views.alert_export, name="alert_export"),
    path("inbox/", views.inbox, name="inbox"),
    path("rules/", views.rule_list, name="rule_list"),
    path("rules/<int:pk>/", views.rule_edit, name="rule_edit"),
    path("webhooks/", views.webhook_list, name="webhook_list"),
    path("webhooks/new/", views.webhook_form, name="webhook_add"),
    path("webhooks/<int:pk>/", views.webhook_form, name="webhook_edit"),
    path("<int:pk>/", views.alert_detail, name="alert_detail"),
    path("<int:pk>/acknowledge/", views.alert_acknowledge, name="alert_acknowledge"),
    path("<int:pk>/actions/", views.alert_action, name="alert_action"),
    path("<int:pk>/resolve/", views.alert_close, {"outcome": "resolve"}, name="alert_resolve"),
    path("<int:pk>/dismiss/", views.alert_close, {"outcome": "dismiss"}, name="alert_dismiss"),
]
