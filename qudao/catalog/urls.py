from django.urls import path

from qudao.catalog import views

app_name = "catalog"
urlpatterns = [
    path("", views.product_list, name="product_list"),
    path("new/", views.product_create, name="product_create"),
    path("export/", views.product_export, name="product_export"),
    path("import/", views.product_import, name="product_import"),
    path("<int:pk>/", views.product_detail, name="product_detail"),
    path("<int:pk>/edit/", views.product_edit, name="product_edit"),
    path("<int:pk>/prices/", views.price_add, name="price_add"),
]
