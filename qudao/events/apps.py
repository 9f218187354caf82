from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "qudao.events"
    label = "events"
    verbose_name = _("Meetings, trainings and events")

    def ready(self) -> None:
        from qudao.core.audit import event_labels_add
        from qudao.dealers.panels import Panel, register

        register(Panel("events", "qudao.events.queries.dealer_panel",
                       "events/_dealer_panel.html", "events.view_event", order=25,
                       as_name="events_panel"))
        event_labels_add({
            "event.created": _("Event created"),
            "event.changed": _("Event changed"),
            "event.published": _("Event published"),
            "event.closed": _("Event closed"),
            "event.cancelled": _("Event cancelled"),
            "event.invited": _("Dealers invited"),
            "event.uninvited": _("Invitation taken back"),
            "event.registered": _("Registered for an event"),
            "event.declined": _("Declined an event"),
            "event.attendance": _("Attendance taken"),
            "event.feedback": _("Feedback on an event"),
            "event.training_result": _("Training result given"),
            "event.material_added": _("Material added"),
            "event.material_removed": _("Material removed"),
            "event.plan_changed": _("Training plan changed"),
        })
