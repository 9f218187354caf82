from django.urls import path  # noqa: F401 - the pages come with the app's first slice

app_name = "events"

urlpatterns: list = []
