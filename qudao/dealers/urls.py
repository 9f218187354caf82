from django.urls import path

from qudao.dealers import views

app_name = "dealers"
urlpatterns = [
    path("", views.dealer_list, name="dealer_list"),
    path("new/", views.dealer_create, name="dealer_create"),
    path("export/", views.dealer_export, name="dealer_export"),
    path("import/", views.dealer_import, name="dealer_import"),
    path("<int:pk>/", views.dealer_detail, name="dealer_detail"),
    path("<int:pk>/edit/", views.dealer_edit, name="dealer_edit"),
    path("<int:pk>/status/", views.dealer_status, name="dealer_status"),
    path("<int:pk>/panels/<slug:name>/", views.dealer_panel, name="dealer_panel"),
    path("<int:dealer_pk>/contacts/new/", views.contact_edit, name="contact_create"),
    path("<int:dealer_pk>/contacts/<int:pk>/", views.contact_edit, name="contact_edit"),
    path("<int:dealer_pk>/contacts/<int:pk>/delete/", views.contact_delete,
         name="contact_delete"),
]
