from django.contrib import admin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from qudao.catalog.models import Brand, Category, Product, ProductPrice


@admin.register(Category)
class CategoryAdmin(TreeAdmin):
    form = movenodeform_factory(Category)
    list_display = ["name", "code"]


@admin.register(Brand)
class BrandAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


class PriceInline(admin.TabularInline):
    model = ProductPrice
    extra = 0
    fields = ["level", "unit_price", "valid_from", "valid_to"]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["sku", "name", "category", "brand", "units_per_case", "status"]
    list_filter = ["status", "brand"]
    search_fields = ["sku", "name", "barcode"]
    list_select_related = ["category", "brand"]
    inlines = [PriceInline]
    show_full_result_count = False
