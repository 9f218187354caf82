from django.urls import path

from qudao.events import views

app_name = "events"

urlpatterns = [
    path("", views.event_list, name="event_list"),
    path("export/", views.event_export, name="event_export"),
    path("new/", views.event_add, name="event_add"),
    path("<int:pk>/", views.event_detail, name="event_detail"),
    path("<int:pk>/edit/", views.event_edit, name="event_edit"),
    path("<int:pk>/status/", views.event_status, name="event_status"),
    path("<int:pk>/invite/", views.event_invite, name="event_invite"),
    path("<int:pk>/follow-up/", views.follow_up, name="follow_up"),
    path("<int:pk>/attendees/export/", views.attendee_export, name="attendee_export"),
    path("<int:pk>/attendance/", views.attendance, name="attendance"),
    path("<int:pk>/materials/", views.material_add, name="material_add"),
    path("invitations/<int:pk>/register/", views.register, name="register"),
    path("invitations/<int:pk>/decline/", views.decline, name="decline"),
    path("invitations/<int:pk>/feedback/", views.feedback, name="feedback"),
    path("invitations/<int:pk>/attendance/", views.attendance_mark, name="attendance_mark"),
    path("invitations/<int:pk>/remove/", views.invitation_remove, name="invitation_remove"),
    path("materials/<int:pk>/", views.material_download, name="material_download"),
    path("materials/<int:pk>/delete/", views.material_delete, name="material_delete"),
    path("library/", views.library, name="library"),
    path("training/", views.training_list, name="training_list"),
    path("training/export/", views.training_export, name="training_export"),
    path("training/<int:pk>/result/", views.training_result, name="training_result"),
    path("plan/", views.plan, name="plan"),
]
