from django.contrib import admin

from qudao.core.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The audit trail is read-only, even for administrators."""

    list_display = ["at", "actor", "event", "target_repr"]
    list_filter = ["event"]
    search_fields = ["target_repr", "event"]
    raw_id_fields = ["actor"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
