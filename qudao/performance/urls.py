from django.urls import path

from qudao.performance import expense_views, views

app_name = "performance"

urlpatterns = [
    path("", views.channel_report, name="report"),
    path("export/", views.report_export, name="report_export"),
    path("indicators/", views.indicator_save, name="indicator_save"),
    path("kpi/", views.kpi_list, name="kpi_list"),
    path("kpi/export/", views.kpi_export, name="kpi_export"),
    path("kpi/weights/", views.weights, name="weights"),
    path("kpi/<int:pk>/", views.kpi_detail, name="kpi_detail"),
    path("expenses/", expense_views.expense_list, name="expense_list"),
    path("expenses/export/", expense_views.expense_export, name="expense_export"),
    path("expenses/new/", expense_views.expense_add, name="expense_add"),
    path("expenses/import/", expense_views.expense_import, name="expense_import"),
    path("expenses/<int:pk>/edit/", expense_views.expense_edit, name="expense_edit"),
    path("expenses/<int:pk>/delete/", expense_views.expense_delete, name="expense_delete"),
    path("market-sizes/", expense_views.market_sizes, name="market_sizes"),
    path("rate/", views.rate_rep, name="rate_rep"),
]
