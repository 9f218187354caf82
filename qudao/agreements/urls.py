from django.urls import path

from qudao.agreements import views

app_name = "agreements"
urlpatterns = [
    path("", views.agreement_list, name="agreement_list"),
    path("new/", views.agreement_create, name="agreement_create"),
    path("export/", views.agreement_export, name="agreement_export"),
    path("<int:pk>/", views.agreement_detail, name="agreement_detail"),
    path("<int:pk>/edit/", views.agreement_edit, name="agreement_edit"),
    path("<int:pk>/targets/", views.agreement_targets, name="agreement_targets"),
    path("<int:pk>/transition/", views.agreement_transition, name="agreement_transition"),
    path("<int:pk>/renew/", views.agreement_renew, name="agreement_renew"),
    path("<int:pk>/print/", views.agreement_print, name="agreement_print"),
    path("<int:pk>/pdf/", views.agreement_pdf, name="agreement_pdf"),
    path("<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path("<int:pk>/attachments/<int:attachment_pk>/", views.attachment_download,
         name="attachment_download"),
    path("<int:pk>/attachments/<int:attachment_pk>/delete/", views.attachment_delete,
         name="attachment_delete"),
]
