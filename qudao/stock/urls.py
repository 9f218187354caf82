from django.urls import path

from qudao.stock import views

app_name = "stock"

urlpatterns = [
    path("", views.report_list, name="report_list"),
    path("export/", views.report_export, name="report_export"),
    path("new/", views.report_form, name="report_form"),
    path("upload/", views.report_upload, name="report_upload"),
    path("missing/", views.missing_list, name="missing_list"),
    path("products/", views.product_search, name="product_search"),
    path("row/", views.line_row, name="line_row"),
    path("<int:pk>/", views.report_detail, name="report_detail"),
    path("dealers/<int:dealer_pk>/", views.stock_position, name="stock_position"),
]
