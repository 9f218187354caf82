from django.contrib import admin

from qudao.events.models import Event, Invitation, Material, TrainingRecord


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "status", "starts_at", "organizer", "capacity"]
    list_filter = ["kind", "status"]
    search_fields = ["title", "place"]
    raw_id_fields = ["organizer", "territory", "product", "follows", "created_by"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["event", "dealer", "status", "attendee_count", "attended_count"]
    list_filter = ["status"]
    raw_id_fields = ["event", "dealer", "invited_by", "responded_by", "attendance_marked_by"]


@admin.register(Material)
class MaterialAdmin(admin.ModelAdmin):
    list_display = ["title", "event", "topic", "name", "size", "for_dealers"]
    list_filter = ["topic", "for_dealers"]
    raw_id_fields = ["event", "uploaded_by"]


@admin.register(TrainingRecord)
class TrainingRecordAdmin(admin.ModelAdmin):
    list_display = ["person", "dealer", "course", "trained_on", "result", "certificate_no"]
    list_filter = ["result", "module"]
    raw_id_fields = ["dealer", "event", "attendee", "result_by"]
