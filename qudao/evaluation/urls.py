from django.urls import path

from qudao.evaluation import views

app_name = "evaluation"

urlpatterns = [
    path("", views.scorecard_list, name="scorecard_list"),
    path("export/", views.scorecard_export, name="scorecard_export"),
    path("compute/", views.compute_start, name="compute_start"),
    path("finalize/", views.period_finalize, name="period_finalize"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("dealers/<int:pk>/", views.dealer_scorecard, name="dealer_scorecard"),
    path("dealers/<int:pk>/compute/", views.dealer_compute, name="dealer_compute"),
    path("scorecards/<int:pk>/hand/", views.hand_score, name="hand_score"),
    path("scorecards/<int:pk>/finalize/", views.scorecard_finalize, name="scorecard_finalize"),
    path("scorecards/<int:pk>/pdf/", views.scorecard_pdf, name="scorecard_pdf"),
    path("weights/", views.weights, name="weights"),
]
