from django.urls import path

from qudao.recruitment import candidate_views, views

app_name = "recruitment"

urlpatterns = [
    path("", views.lead_list, name="lead_list"),
    path("leads/export/", views.lead_export, name="lead_export"),
    path("leads/new/", views.lead_add, name="lead_add"),
    path("leads/carry-over/", views.carry_over, name="carry_over"),
    path("leads/<int:pk>/", views.lead_detail, name="lead_detail"),
    path("leads/<int:pk>/edit/", views.lead_edit, name="lead_edit"),
    path("leads/<int:pk>/follow-up/", views.lead_follow_up, name="lead_follow_up"),
    path("leads/<int:pk>/status/", views.lead_status, name="lead_status"),
    path("leads/<int:pk>/assign/", views.lead_assign, name="lead_assign"),
    path("leads/<int:lead_pk>/candidate/", candidate_views.candidate_add, name="candidate_add"),
    path("candidates/", candidate_views.candidate_list, name="candidate_list"),
    path("candidates/export/", candidate_views.candidate_export, name="candidate_export"),
    path("candidates/compare/", candidate_views.compare, name="compare"),
    path("candidates/<int:pk>/", candidate_views.candidate_detail, name="candidate_detail"),
    path("candidates/<int:pk>/edit/", candidate_views.candidate_edit, name="candidate_edit"),
    path("candidates/<int:pk>/score/", candidate_views.candidate_score,
         name="candidate_score"),
    path("candidates/<int:pk>/decide/", candidate_views.candidate_decide,
         name="candidate_decide"),
    path("criteria/", candidate_views.criteria_list, name="criteria_list"),
    path("criteria/new/", candidate_views.criteria_form, name="criteria_add"),
    path("criteria/<int:pk>/", candidate_views.criteria_form, name="criteria_edit"),
    path("criteria/<int:pk>/copy/", candidate_views.criteria_copy, name="criteria_copy"),
    path("campaigns/", views.campaign_list, name="campaign_list"),
    path("campaigns/new/", views.campaign_form, name="campaign_add"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/edit/", views.campaign_form, name="campaign_edit"),
    path("report/", views.report, name="report"),
]
