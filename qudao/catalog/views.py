"""Product pages: list with search, filters, export and import; detail with prices; edit."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qudao.catalog import importer, queries, services
from qudao.catalog.exceptions import PriceInvalid, PriceOverlap, ProductInvalid
from qudao.catalog.filters import ProductFilter
from qudao.catalog.forms import PriceForm, ProductForm, category_label
from qudao.catalog.models import Brand, Category, PriceLevel, Product
from qudao.core import audit
from qudao.core.excel import export_response
from qudao.core.pagination import paginate, query_without_page
from qudao.core.views import import_page, list_render

HISTORY_SHOWN = 30


def _get(request, pk: int) -> Product:
    """A product the user may see (dealer users: only products on sale), else 404."""
    try:
        return queries.product_list(user=request.user).get(pk=pk)
    except Product.DoesNotExist:
        raise Http404 from None


def _list_price_levels(user) -> list[str]:
    """The price columns of the list: the user's own (or tier-1) price and the retail price."""
    levels = queries.visible_price_levels(user)
    return [levels[0], PriceLevel.RETAIL] if levels[0] != PriceLevel.RETAIL else levels[:1]


@login_required
@permission_required("catalog.view_product", raise_exception=True)
def product_list(request):
    """SKUs: search, filter by status, category subtree and brand, sort, paginate; HTMX swaps."""
    products = queries.product_list(user=request.user, filters=request.GET)
    page = paginate(request, products)
    page.object_list = list(page.object_list)
    levels = _list_price_levels(request.user)
    ids = [product.pk for product in page.object_list]
    today = timezone.localdate()
    prices = {level: queries.prices_on(products=ids, level=level, day=today) for level in levels}
    for product in page.object_list:
        product.shown_prices = [prices[level].get(product.pk) for level in levels]
    categories = list(Category.objects.order_by("path"))
    for category in categories:
        category.label = category_label(category)
    context = {
        "page": page, "query": query_without_page(request),
        "filter_form": ProductFilter(request.GET or None, queryset=Product.objects.none()).form,
        "categories": categories, "brands": Brand.objects.order_by("code"),
        "price_labels": [PriceLevel(level).label for level in levels],
        "active_nav": "catalog",
    }
    return list_render(request, context, template="catalog/product_list.html",
                       partial="catalog/_results.html")


@login_required
@permission_required("catalog.export_product", raise_exception=True)
def product_export(request):
    """The list as Excel, with the same filters and order as the page."""
    products = queries.product_list(user=request.user, filters=request.GET)
    rows = (importer.export_row(p) for p in products.iterator(chunk_size=2000))
    return export_response(filename="products", columns=importer.COLUMNS, rows=rows)


@login_required
@permission_required("catalog.import_product", raise_exception=True)
def product_import(request):
    """Upload an Excel sheet of new SKUs; all rows are saved, or none with every error shown."""
    return import_page(
        request, run=importer.products_import, columns=importer.COLUMNS,
        template="catalog/product_import.html", template_filename="products-template",
        done_message=_("%(n)d products imported."), done_url="catalog:product_list",
        active_nav="catalog",
    )


def _price_groups(user, product: Product) -> list[dict]:
    """The product's prices by level, in price-system order, each marked past/current/future."""
    today = timezone.localdate()
    visible = queries.visible_price_levels(user)
    by_level: dict[str, list] = {}
    for price in queries.price_list(user=user, product=product):
        if price.valid_from > today:
            price.state = "future"
        elif price.valid_to is not None and price.valid_to < today:
            price.state = "past"
        else:
            price.state = "current"
        by_level.setdefault(price.level, []).append(price)
    return [{"level": level, "label": PriceLevel(level).label, "prices": by_level.get(level, [])}
            for level in PriceLevel.values if level in visible]


def _detail(request, product: Product, price_form: PriceForm | None = None):
    can_price = request.user.has_perm("catalog.change_price")
    context = {
        "product": product,
        "price_groups": _price_groups(request.user, product),
        "price_form": (price_form or PriceForm(initial={"valid_from": timezone.localdate()}))
        if can_price else None,
        "can_edit": request.user.has_perm("catalog.change_product"),
        # The history lists every level's prices: a dealer must not see the others' prices.
        "history": (None if request.user.is_dealer_user
                    else audit.history(product)[:HISTORY_SHOWN]),
        "active_nav": "catalog",
    }
    return render(request, "catalog/product_detail.html", context)


@login_required
@permission_required("catalog.view_product", raise_exception=True)
def product_detail(request, pk: int):
    """A SKU: its fields, its prices by level over time, and what changed."""
    return _detail(request, _get(request, pk))


@login_required
@permission_required("catalog.change_price", raise_exception=True)
@require_POST
def price_add(request, pk: int):
    """Set a price from a date; an open-ended earlier price is closed the day before."""
    product = _get(request, pk)
    form = PriceForm(request.POST)
    if form.is_valid():
        try:
            services.price_add(actor=request.user, product=product, **form.cleaned_data)
        except (PriceOverlap, PriceInvalid) as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Price saved."))
            return redirect("catalog:product_detail", pk=product.pk)
    return _detail(request, product, price_form=form)


def _save_product(request, form: ProductForm, product: Product | None) -> Product | None:
    try:
        if product is None:
            return services.product_create(actor=request.user, values=form.service_values())
        return services.product_update(actor=request.user, product=product,
                                       values=form.service_values())
    except ProductInvalid as exc:
        for field, why in exc.errors.items():
            form.add_error(field if field in form.fields else None, why)
    return None


@login_required
@permission_required("catalog.add_product", raise_exception=True)
def product_create(request):
    form = ProductForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        product = _save_product(request, form, None)
        if product is not None:
            messages.success(request, _("Product %(sku)s created.") % {"sku": product.sku})
            return redirect("catalog:product_detail", pk=product.pk)
    return render(request, "catalog/product_form.html", {"form": form, "active_nav": "catalog"})


@login_required
@permission_required("catalog.change_product", raise_exception=True)
def product_edit(request, pk: int):
    product = _get(request, pk)
    form = ProductForm(request.POST or None, instance=product)
    if request.method == "POST" and form.is_valid():
        # Re-read: form validation wrote the posted values onto the instance.
        saved = _save_product(request, form, _get(request, pk))
        if saved is not None:
            messages.success(request, _("Changes saved."))
            return redirect("catalog:product_detail", pk=product.pk)
    return render(request, "catalog/product_form.html",
                  {"form": form, "product": _get(request, pk), "active_nav": "catalog"})
