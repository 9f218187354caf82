from django.contrib import admin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from qudao.territories.models import Territory, TerritoryAssignment


@admin.register(Territory)
class TerritoryAdmin(TreeAdmin):
    form = movenodeform_factory(Territory)
    list_display = ["name", "code", "level", "is_active"]
    search_fields = ["code", "name", "name_en"]


@admin.register(TerritoryAssignment)
class TerritoryAssignmentAdmin(admin.ModelAdmin):
    list_display = ["territory", "user", "role"]
    raw_id_fields = ["territory", "user"]
