from django.urls import path

from qudao.tiers import action_views, views

app_name = "tiers"

urlpatterns = [
    path("", views.review_list, name="review_list"),
    path("reviews/<str:period>/", views.review_detail, name="review_detail"),
    path("reviews/<str:period>/status/", views.review_status, name="review_status"),
    path("reviews/<str:period>/export/", views.review_export, name="review_export"),
    path("reviews/<str:period>/bulk/", views.suggestions_bulk, name="suggestions_bulk"),
    path("suggestions/<int:pk>/decide/", views.suggestion_decide, name="suggestion_decide"),
    path("rules/", views.rules, name="rules"),
    path("rules/<str:level>/", views.rule_edit, name="rule_edit"),
    path("dealers/<int:pk>/grade/", views.grade_edit, name="grade_edit"),
    path("dealers/<int:pk>/propose/", action_views.action_add, name="action_add"),
    path("actions/", action_views.action_list, name="action_list"),
    path("actions/export/", action_views.action_export, name="action_export"),
    path("actions/<int:pk>/", action_views.action_detail, name="action_detail"),
    path("actions/<int:pk>/decide/", action_views.action_decide, name="action_decide"),
    path("actions/<int:pk>/verdict/", action_views.action_verdict, name="action_verdict"),
    path("history/", action_views.history_list, name="history_list"),
    path("history/export/", action_views.history_export, name="history_export"),
    path("report/", action_views.report, name="report"),
]
