"""Product filters, shared by the list page, the Excel export and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qudao.catalog.models import Category, Product, ProductStatus

ORDERINGS = {"sku": ("sku",), "-sku": ("-sku",), "name": ("name", "sku"),
             "-created": ("-created_at", "-id")}


class ProductFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ProductStatus.choices)
    category = django_filters.NumberFilter(label=_("Category"), method="in_category")
    brand = django_filters.NumberFilter(label=_("Brand"), field_name="brand_id")
    sort = django_filters.ChoiceFilter(
        label=_("Sort"), method="sort_by", empty_label=None,
        choices=[("sku", _("SKU")), ("-sku", _("SKU, descending")), ("name", _("Name")),
                 ("-created", _("Newest first"))],
    )

    class Meta:
        model = Product
        fields = ["q", "status", "category", "brand"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(sku__istartswith=value) | Q(name__icontains=value)
                               | Q(barcode=value))

    def in_category(self, queryset, name, value):
        node = Category.objects.filter(pk=value).only("path").first()
        if node is None:
            return queryset.none()
        return queryset.filter(category__path__startswith=node.path)

    def sort_by(self, queryset, name, value):
        return queryset.order_by(*ORDERINGS.get(value, ("sku",)))
