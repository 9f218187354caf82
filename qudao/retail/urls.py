from django.urls import path

from qudao.retail import config_views, registration_views, views

app_name = "retail"

urlpatterns = [
    path("", views.retailer_list, name="retailer_list"),
    path("export/", views.retailer_export, name="retailer_export"),
    path("<int:pk>/", views.retailer_detail, name="retailer_detail"),
    path("<int:pk>/profile/", views.profile_edit, name="profile_edit"),
    path("<int:pk>/negotiations/", views.negotiation_add, name="negotiation_add"),
    path("<int:pk>/audit/", views.audit_add, name="audit_add"),
    path("<int:pk>/apply/", registration_views.application_add, name="retailer_apply"),
    path("audits/", views.audit_list, name="audit_list"),
    path("audits/export/", views.audit_export, name="audit_export"),
    path("audits/<int:pk>/", views.audit_detail, name="audit_detail"),
    path("audits/<int:pk>/photos/<int:photo_pk>/", views.audit_photo, name="audit_photo"),
]

# Registration: applications and certificates (qudao/retail/registration_views.py).
urlpatterns += [
    path("applications/", registration_views.application_list, name="application_list"),
    path("applications/export/", registration_views.application_export,
         name="application_export"),
    path("applications/new/", registration_views.application_add, name="application_add"),
    path("applications/<int:pk>/", registration_views.application_detail,
         name="application_detail"),
    path("applications/<int:pk>/review/", registration_views.application_review,
         name="application_review"),
    path("applications/<int:pk>/decide/", registration_views.application_decide,
         name="application_decide"),
    path("certificates/", registration_views.certificate_list, name="certificate_list"),
    path("certificates/export/", registration_views.certificate_export,
         name="certificate_export"),
    path("certificates/<int:pk>/", registration_views.certificate_print,
         name="certificate_print"),
    path("certificates/<int:pk>/pdf/", registration_views.certificate_pdf,
         name="certificate_pdf"),
]

# Configuration and reports (qudao/retail/config_views.py).
urlpatterns += [
    path("config/", config_views.config, name="config"),
    path("config/conditions/", config_views.condition_save, name="condition_save"),
    path("config/entitlements/", config_views.entitlement_save, name="entitlement_add"),
    path("config/entitlements/<int:pk>/", config_views.entitlement_save,
         name="entitlement_edit"),
    path("config/entitlements/<int:pk>/delete/", config_views.entitlement_delete,
         name="entitlement_delete"),
    path("config/checklist/", config_views.checklist_item_save, name="checklist_add"),
    path("config/checklist/<int:pk>/", config_views.checklist_item_save,
         name="checklist_edit"),
    path("breaches/", config_views.breach_list, name="breach_list"),
    path("control/", config_views.terminal_control, name="terminal_control"),
]
