from django.contrib import admin

from qudao.tiers.models import (
    GradeChange,
    LifecycleAction,
    TierPolicy,
    TierReview,
    TierRule,
    TierSuggestion,
)


@admin.register(TierRule)
class TierRuleAdmin(admin.ModelAdmin):
    list_display = ["channel_level", "a_volume", "a_cooperation", "b_volume", "b_cooperation"]


@admin.register(TierPolicy)
class TierPolicyAdmin(admin.ModelAdmin):
    list_display = ["channel_level", "grade", "visit_every_days"]


@admin.register(TierReview)
class TierReviewAdmin(admin.ModelAdmin):
    list_display = ["period", "status", "dealers_total", "changes", "finished_at"]


@admin.register(TierSuggestion)
class TierSuggestionAdmin(admin.ModelAdmin):
    list_display = ["review", "dealer", "current_grade", "suggested_grade", "status"]
    list_filter = ["status", "direction"]
    raw_id_fields = ["dealer", "review"]


@admin.register(GradeChange)
class GradeChangeAdmin(admin.ModelAdmin):
    list_display = ["dealer", "from_grade", "to_grade", "changed_by", "changed_at"]
    raw_id_fields = ["dealer", "suggestion"]


@admin.register(LifecycleAction)
class LifecycleActionAdmin(admin.ModelAdmin):
    list_display = ["dealer", "kind", "status", "proposed_by", "decided_by", "created_at"]
    list_filter = ["kind", "status"]
    raw_id_fields = ["dealer", "suggestion", "follow_up"]
