from django.urls import path

from qudao.visits import report_views, views

app_name = "visits"

urlpatterns = [
    path("", views.contact_list, name="contact_list"),
    path("export/", views.contact_export, name="contact_export"),
    path("new/", views.contact_add, name="contact_add"),
    path("dealers/", views.dealer_options, name="dealer_options"),
    path("<int:pk>/", views.contact_detail, name="contact_detail"),
    path("<int:pk>/edit/", views.contact_edit, name="contact_edit"),
    path("<int:pk>/photos/", views.contact_photos_add, name="contact_photos_add"),
    path("<int:pk>/photos/<int:photo_pk>/", views.contact_photo, name="contact_photo"),
    path("<int:pk>/done/", views.contact_step_done, name="contact_step_done"),
    path("plan/", views.plan, name="plan"),
    path("plan/items/", views.plan_item_add, name="plan_item_add"),
    path("plan/items/<int:pk>/delete/", views.plan_item_delete, name="plan_item_delete"),
    path("plan/notes/", views.plan_notes, name="plan_notes"),
    path("plan/<int:pk>/comments/", views.plan_comment, name="plan_comment"),
    path("plans/", views.plan_list, name="plan_list"),
    path("overdue/", views.overdue_list, name="overdue_list"),
    path("overdue/export/", views.overdue_export, name="overdue_export"),
    path("compliance/", views.compliance_report, name="compliance"),
    path("compliance/export/", views.compliance_export, name="compliance_export"),
]

# Weekly and monthly reports, the quarterly review (qudao/visits/report_views.py).
urlpatterns += [
    path("reports/", report_views.report_list, name="report_list"),
    path("reports/export/", report_views.report_export, name="report_export"),
    path("reports/new/", report_views.report_new, name="report_new"),
    path("reports/<int:pk>/", report_views.report_detail, name="report_detail"),
    path("reports/<int:pk>/edit/", report_views.report_edit, name="report_edit"),
    path("reports/<int:pk>/comments/", report_views.report_comment, name="report_comment"),
    path("reviews/quarterly/", report_views.quarterly_review, name="quarterly_review"),
    path("reviews/quarterly/export/", report_views.quarterly_export,
         name="quarterly_export"),
]
