from django.contrib import admin

from qudao.dealers.models import Contact, Dealer, DealerStatusChange, Tag


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


@admin.register(Dealer)
class DealerAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "channel_level", "territory", "status", "grade",
                    "assigned_rep"]
    list_filter = ["status", "channel_level", "grade"]
    search_fields = ["code", "name", "legal_name", "credit_code"]
    raw_id_fields = ["parent", "territory", "assigned_rep", "created_by"]
    list_select_related = ["territory", "assigned_rep"]
    readonly_fields = ["status", "status_changed_at", "exit_reason"]
    inlines = [ContactInline]
    show_full_result_count = False


@admin.register(DealerStatusChange)
class DealerStatusChangeAdmin(admin.ModelAdmin):
    list_display = ["dealer", "from_status", "to_status", "changed_by", "changed_at"]
    raw_id_fields = ["dealer", "changed_by"]

    def has_change_permission(self, request, obj=None):
        return False


admin.site.register(Tag)
