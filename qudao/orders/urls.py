from django.urls import path

from qudao.orders import views

app_name = "orders"
urlpatterns = [
    path("", views.order_list, name="order_list"),
    path("export/", views.order_export, name="order_export"),
    path("new/", views.order_new, name="order_new"),
    path("new/products/", views.order_products, name="order_products"),
    path("approvals/", views.approval_queue, name="approval_queue"),
    path("<int:pk>/", views.order_detail, name="order_detail"),
    path("<int:pk>/ship/", views.order_ship, name="order_ship"),
    path("<int:pk>/<slug:action>/", views.order_action, name="order_action"),
    path("shipments/", views.shipment_list, name="shipment_list"),
    path("shipments/export/", views.shipment_export, name="shipment_export"),
    path("shipments/<int:pk>/", views.shipment_detail, name="shipment_detail"),
    path("shipments/<int:pk>/codes/", views.shipment_codes_export, name="shipment_codes"),
    path("shipments/<int:pk>/deliver/", views.shipment_deliver, name="shipment_deliver"),
    path("returns/", views.return_list, name="return_list"),
    path("returns/new/<int:order_pk>/", views.return_new, name="return_new"),
    path("returns/<int:pk>/", views.return_detail, name="return_detail"),
    path("returns/<int:pk>/<slug:action>/", views.return_action, name="return_action"),
    path("codes/", views.code_trace, name="code_trace"),
]
