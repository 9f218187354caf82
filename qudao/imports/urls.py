"""Import jobs of historical orders and payments."""

from django.urls import path

from qudao.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.job_list, name="job_list"),
    path("new/", views.job_create, name="job_create"),
    path("<int:pk>/", views.job_detail, name="job_detail"),
    path("<int:pk>/errors.xlsx", views.job_errors, name="job_errors"),
    path("template/<str:kind>/", views.job_template, name="job_template"),
]
