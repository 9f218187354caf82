"""Order pages, shared by staff and the dealer portal (every read is scoped): lists with
filters and Excel export, order detail with its actions, the new-order page, finance's
approval queue, shipping, shipments with their product codes, returns, code tracing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qudao.agreements import queries as agreement_queries
from qudao.catalog.models import Product
from qudao.core import audit
from qudao.core.excel import Column, export_response
from qudao.core.exceptions import DomainError
from qudao.core.pagination import paginate, query_without_page
from qudao.core.views import list_render
from qudao.dealers import queries as dealer_queries
from qudao.dealers.models import Dealer
from qudao.dealers.scoping import visible_dealers
from qudao.orders import queries, services
from qudao.orders.choices import (
    CREDIT_HOLDING_STATUSES,
    OrderChannel,
    OrderStatus,
    ReturnStatus,
    ShipmentStatus,
)
from qudao.orders.filters import OrderFilter, ReturnFilter, ShipmentFilter
from qudao.orders.forms import ReasonForm, ReturnForm, ShipForm, line_quantities
from qudao.orders.models import Order, ReturnRequest, Shipment

HISTORY_SHOWN = 30
CODES_SHOWN = 50
DEALER_CHOICES = 20

ORDER_COLUMNS = [
    Column("number", gettext_lazy("Order number")),
    Column("dealer_code", gettext_lazy("Dealer code")),
    Column("dealer_name", gettext_lazy("Dealer")),
    Column("ordered_on", gettext_lazy("Order date"), kind="date"),
    Column("status", gettext_lazy("Status")),
    Column("channel", gettext_lazy("Placed through")),
    Column("total_quantity", gettext_lazy("Quantity"), kind="int"),
    Column("total_amount", gettext_lazy("Amount"), kind="decimal"),
    Column("hold_reason", gettext_lazy("Why it needs approval")),
    Column("decision_reason", gettext_lazy("Reason (rejection or cancellation)")),
]
SHIPMENT_COLUMNS = [
    Column("number", gettext_lazy("Shipment number")),
    Column("order", gettext_lazy("Order number")),
    Column("dealer_code", gettext_lazy("Dealer code")),
    Column("dealer_name", gettext_lazy("Dealer")),
    Column("shipped_on", gettext_lazy("Shipped on"), kind="date"),
    Column("delivered_on", gettext_lazy("Delivered on"), kind="date"),
    Column("status", gettext_lazy("Status")),
    Column("carrier", gettext_lazy("Carrier")),
    Column("tracking_number", gettext_lazy("Tracking number")),
    Column("amount", gettext_lazy("Amount"), kind="decimal"),
    Column("code_count", gettext_lazy("Product codes"), kind="int"),
]
CODE_COLUMNS = [
    Column("code", gettext_lazy("Product code")),
    Column("kind", gettext_lazy("Kind")),
    Column("units", gettext_lazy("Units"), kind="int"),
    Column("sku", gettext_lazy("SKU")),
    Column("product", gettext_lazy("Product")),
    Column("batch_number", gettext_lazy("Batch number")),
    Column("dealer_code", gettext_lazy("Dealer code")),
    Column("shipment", gettext_lazy("Shipment number")),
]


def _back(request, default: str):
    """Where to go after an action: a safe `next`, else `default`."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()},
                                                  require_https=request.is_secure()):
        return redirect(target)
    return redirect(default)


# ---------------------------------------------------------------------------------------
# Orders
# ---------------------------------------------------------------------------------------

@login_required
@permission_required("orders.view_order", raise_exception=True)
def order_list(request):
    """Orders in the user's scope: filters, pagination; HTMX swaps the table."""
    orders = queries.order_list(user=request.user, filters=request.GET)
    context = {
        "page": paginate(request, orders),
        "filter_form": OrderFilter(request.GET or None, queryset=Order.objects.none()).form,
        "query": query_without_page(request), "active_nav": "orders",
    }
    return list_render(request, context, template="orders/order_list.html",
                       partial="orders/_order_results.html")


@login_required
@permission_required("orders.export_order", raise_exception=True)
def order_export(request):
    """The order list as Excel, with the page's filters."""
    orders = queries.order_list(user=request.user, filters=request.GET)
    rows = ([o.number, o.dealer.code, o.dealer.name, o.ordered_on, o.get_status_display(),
             o.get_channel_display(), o.total_quantity, o.total_amount, o.hold_reason,
             o.decision_reason] for o in orders.iterator(chunk_size=2000))
    return export_response(filename="orders", columns=ORDER_COLUMNS, rows=rows)


@login_required
@permission_required("orders.view_order", raise_exception=True)
def order_detail(request, pk: int):
    """Lines, credit situation, hold reason, shipments, returns, history and actions."""
    order = queries.order_get(user=request.user, pk=pk)
    user = request.user
    shipped = any(line.shipped_quantity for line in order.lines.all())
    context = {
        "order": order,
        "credit": (queries.credit_account(dealer_id=order.dealer_id)
                   if user.has_perm("finance.view_finance") else None),
        "history": audit.history(order)[:HISTORY_SHOWN],
        "can_approve": (user.has_perm("orders.approve_credit")
                        and order.status == OrderStatus.SUBMITTED),
        "can_cancel": services.order_may_cancel(user=user, order=order),
        "can_close": (not user.is_dealer_user
                      and (user.has_perm("orders.ship_order")
                           or user.has_perm("orders.cancel_order"))
                      and order.status in (OrderStatus.DELIVERED,
                                           OrderStatus.PARTIALLY_SHIPPED)),
        "can_ship": (user.has_perm("orders.ship_order")
                     and order.status in CREDIT_HOLDING_STATUSES),
        "can_return": user.has_perm("orders.add_return") and shipped,
        "can_deliver": (user.has_perm("orders.ship_order")
                        or (user.is_dealer_user and user.dealer_id == order.dealer_id)),
        "active_nav": "orders",
    }
    return render(request, "orders/order_detail.html", context)


ORDER_ACTIONS = {
    "approve": (lambda user, order, reason: services.order_approve_credit(actor=user,
                                                                          order=order),
                gettext_lazy("Order approved; its amount is reserved on the credit.")),
    "reject": (lambda user, order, reason: services.order_reject(actor=user, order=order,
                                                                 reason=reason),
               gettext_lazy("Order rejected.")),
    "cancel": (lambda user, order, reason: services.order_cancel(actor=user, order=order,
                                                                 reason=reason),
               gettext_lazy("Order cancelled.")),
    "close": (lambda user, order, reason: services.order_close(actor=user, order=order,
                                                               reason=reason),
              gettext_lazy("Order closed.")),
}


@login_required
@permission_required("orders.view_order", raise_exception=True)
@require_POST
def order_action(request, pk: int, action: str):
    """Approve, reject, cancel or close an order; the service checks who may."""
    if action not in ORDER_ACTIONS:
        raise Http404
    order = queries.order_get(user=request.user, pk=pk)
    run, done = ORDER_ACTIONS[action]
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        run(request.user, order, form.cleaned_data.get("reason", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, str(done))
    return _back(request, reverse("orders:order_detail", args=[order.pk]))


def _order_dealer(request) -> Dealer | None:
    """The dealer a new order is for: a dealer user's own; for staff, the one chosen."""
    if request.user.is_dealer_user:
        return get_object_or_404(visible_dealers(request.user), pk=request.user.dealer_id)
    raw = request.POST.get("dealer") or request.GET.get("dealer")
    if not raw:
        return None
    try:
        pk = int(raw)
    except ValueError:
        raise Http404 from None
    return get_object_or_404(visible_dealers(request.user).select_related("territory"), pk=pk)


@login_required
@permission_required("orders.add_order", raise_exception=True)
def order_new(request):
    """Place an order: a dealer user for its own dealer, a rep after choosing the dealer.

    Products are searched (HTMX) among those the dealer's agreements authorize, shown with
    the agreement's unit price and pack multiple; the total and the credit left update as
    quantities change. A refusal shows each line's error next to it and keeps the lines."""
    dealer = _order_dealer(request)
    if dealer is None:
        q = request.GET.get("q", "")
        dealers = dealer_queries.dealer_list(user=request.user, filters={"q": q}).filter(
            status__in=services.ORDERING_STATUSES)[:DEALER_CHOICES]
        return render(request, "orders/order_new_dealer.html",
                      {"dealers": dealers, "q": q, "active_nav": "orders"})
    today = timezone.localdate()
    regions = queries.delivery_regions(dealer=dealer, day=today)
    lines, errors, problem = [], {}, ""
    if request.method == "POST":
        quantities = line_quantities(request.POST, "qty_")
        region = next((r for r in regions if str(r.pk) == request.POST.get("delivery_territory")),
                      None)
        try:
            order = services.order_place(
                actor=request.user, dealer=dealer,
                lines=list(quantities.items()),
                channel=OrderChannel.PORTAL if request.user.is_dealer_user else OrderChannel.REP,
                delivery_territory=region,
                delivery_address=request.POST.get("delivery_address", "")[:200],
                note=request.POST.get("note", "")[:200])
        except DomainError as exc:
            problem = exc.message
            errors = getattr(exc, "errors", {}) or {}
        else:
            if order.status == OrderStatus.APPROVED:
                messages.success(request, _("Order %(number)s placed and approved.") % {
                    "number": order.number})
            else:
                messages.warning(request, _("Order %(number)s placed; it waits for finance "
                                            "approval: %(reason)s") % {
                    "number": order.number, "reason": order.hold_reason})
            return redirect("orders:order_detail", pk=order.pk)
        products = Product.objects.in_bulk(list(quantities))
        prices = queries.product_prices(dealer=dealer, product_ids=set(products), day=today)
        for pk, quantity in quantities.items():
            product = products.get(pk)
            if product is None:
                continue
            lines.append({"product": product, "quantity": quantity,
                          "unit_price": prices.get(pk),
                          "error": errors.get(f"lines.{product.sku}", "")})
    context = {
        "dealer": dealer, "lines": lines, "errors": errors, "problem": problem,
        "credit": queries.credit_account(dealer_id=dealer.pk),
        "agreements": agreement_queries.agreements_in_force(dealer_id=dealer.pk, day=today),
        "regions": regions,
        "selected_region": request.POST.get("delivery_territory") or str(dealer.territory_id),
        "active_nav": "orders",
    }
    return render(request, "orders/order_new.html", context)


@login_required
@permission_required("orders.add_order", raise_exception=True)
def order_products(request):
    """HTMX: products matching the search that the dealer may order, with its prices."""
    dealer = _order_dealer(request)
    if dealer is None:
        raise Http404
    rows = queries.orderable_products(user=request.user, dealer=dealer,
                                      q=request.GET.get("q", ""))
    return render(request, "orders/_product_rows.html", {"rows": rows})


@login_required
@permission_required("orders.approve_credit", raise_exception=True)
def approval_queue(request):
    """Orders waiting for finance: why, the dealer's credit, approve or reject."""
    context = {"page": paginate(request, queries.approval_queue(user=request.user)),
               "query": query_without_page(request), "active_nav": "approvals"}
    return render(request, "orders/approval_queue.html", context)


@login_required
@permission_required("orders.ship_order", raise_exception=True)
def order_ship(request, pk: int):
    """Ship an approved order: quantity and batch per line, carrier, product codes."""
    order = queries.order_get(user=request.user, pk=pk)
    if order.status not in CREDIT_HOLDING_STATUSES:
        messages.error(request, _("Order %(number)s cannot ship in its status.") % {
            "number": order.number})
        return redirect("orders:order_detail", pk=order.pk)
    form = ShipForm(request.POST or None)
    errors, problem = {}, ""
    if request.method == "POST" and form.is_valid():
        quantities = line_quantities(request.POST, "qty_")
        lines = [(pk_, qty, request.POST.get(f"batch_{pk_}", "")) for pk_, qty in
                 quantities.items()]
        try:
            shipment = services.order_ship(
                actor=request.user, order=order, lines=lines,
                shipped_on=form.cleaned_data["shipped_on"],
                carrier=form.cleaned_data["carrier"],
                tracking_number=form.cleaned_data["tracking_number"],
                code_kind=form.cleaned_data["code_kind"])
        except DomainError as exc:
            problem = exc.message
            errors = getattr(exc, "errors", {}) or {}
        else:
            messages.success(request, _("Shipment %(number)s recorded and invoiced.") % {
                "number": shipment.number})
            return redirect("orders:shipment_detail", pk=shipment.pk)
    rows = [{"line": line, "left": line.quantity - line.shipped_quantity,
             "quantity": request.POST.get(f"qty_{line.pk}",
                                          line.quantity - line.shipped_quantity),
             "batch": request.POST.get(f"batch_{line.pk}", ""),
             "error": errors.get(f"lines.{line.pk}", "")}
            for line in order.lines.all() if line.quantity > line.shipped_quantity]
    return render(request, "orders/order_ship.html",
                  {"order": order, "form": form, "rows": rows, "problem": problem,
                   "active_nav": "orders"})


# ---------------------------------------------------------------------------------------
# Shipments
# ---------------------------------------------------------------------------------------

@login_required
@permission_required("orders.view_order", raise_exception=True)
def shipment_list(request):
    shipments = queries.shipment_list(user=request.user, filters=request.GET)
    context = {
        "page": paginate(request, shipments),
        "filter_form": ShipmentFilter(request.GET or None,
                                      queryset=Shipment.objects.none()).form,
        "query": query_without_page(request), "active_nav": "shipments",
    }
    return list_render(request, context, template="orders/shipment_list.html",
                       partial="orders/_shipment_results.html")


@login_required
@permission_required("orders.export_order", raise_exception=True)
def shipment_export(request):
    shipments = queries.shipment_list(user=request.user, filters=request.GET)
    rows = ([s.number, s.order.number, s.dealer.code, s.dealer.name, s.shipped_on,
             s.delivered_on, s.get_status_display(), s.carrier, s.tracking_number, s.amount,
             s.code_count] for s in shipments.iterator(chunk_size=2000))
    return export_response(filename="shipments", columns=SHIPMENT_COLUMNS, rows=rows)


@login_required
@permission_required("orders.view_order", raise_exception=True)
def shipment_detail(request, pk: int):
    shipment = queries.shipment_get(user=request.user, pk=pk)
    user = request.user
    context = {
        "shipment": shipment,
        "codes": queries.shipment_codes(shipment=shipment)[:CODES_SHOWN],
        "can_deliver": (shipment.status == ShipmentStatus.SHIPPED
                        and (user.has_perm("orders.ship_order")
                             or (user.is_dealer_user and user.dealer_id == shipment.dealer_id))),
        "active_nav": "orders",
    }
    return render(request, "orders/shipment_detail.html", context)


@login_required
@permission_required("orders.view_order", raise_exception=True)
def shipment_codes_export(request, pk: int):
    """Every product code of a shipment as Excel, for printing labels."""
    shipment = queries.shipment_get(user=request.user, pk=pk)
    codes = queries.shipment_codes(shipment=shipment)
    rows = ([c.code, c.get_kind_display(), c.units, c.product.sku, c.product.name,
             c.shipment_line.batch_number, shipment.dealer.code, shipment.number]
            for c in codes.iterator(chunk_size=5000))
    return export_response(filename=f"codes-{shipment.number}", columns=CODE_COLUMNS,
                           rows=rows)


@login_required
@permission_required("orders.view_order", raise_exception=True)
@require_POST
def shipment_deliver(request, pk: int):
    shipment = queries.shipment_get(user=request.user, pk=pk)
    raw = request.POST.get("delivered_on") or ""
    try:
        day = timezone.datetime.fromisoformat(raw).date() if raw else None
    except ValueError:
        day = None
    try:
        services.shipment_deliver(actor=request.user, shipment=shipment, delivered_on=day)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Delivery recorded."))
    return _back(request, reverse("orders:shipment_detail", args=[shipment.pk]))


# ---------------------------------------------------------------------------------------
# Returns
# ---------------------------------------------------------------------------------------

@login_required
@permission_required("orders.view_order", raise_exception=True)
def return_list(request):
    returns = queries.return_list(user=request.user, filters=request.GET)
    context = {
        "page": paginate(request, returns),
        "filter_form": ReturnFilter(request.GET or None,
                                    queryset=ReturnRequest.objects.none()).form,
        "query": query_without_page(request), "active_nav": "orders",
    }
    return list_render(request, context, template="orders/return_list.html",
                       partial="orders/_return_results.html")


@login_required
@permission_required("orders.add_return", raise_exception=True)
def return_new(request, order_pk: int):
    """Ask to return shipped goods of one order: quantity per line, reason."""
    order = queries.order_get(user=request.user, pk=order_pk)
    form = ReturnForm(request.POST or None)
    errors, problem = {}, ""
    if request.method == "POST" and form.is_valid():
        quantities = line_quantities(request.POST, "qty_")
        try:
            created = services.return_request_create(
                actor=request.user, order=order, lines=list(quantities.items()),
                reason=form.cleaned_data["reason"],
                description=form.cleaned_data["description"])
        except DomainError as exc:
            problem = exc.message
            errors = getattr(exc, "errors", {}) or {}
        else:
            messages.success(request, _("Return %(number)s requested.") % {
                "number": created.number})
            return redirect("orders:return_detail", pk=created.pk)
    rows = [dict(row, quantity=request.POST.get(f"qty_{row['line'].pk}", ""),
                 error=errors.get(f"lines.{row['line'].pk}", ""))
            for row in queries.returnable_lines(order=order)]
    return render(request, "orders/return_form.html",
                  {"order": order, "form": form, "rows": rows, "problem": problem,
                   "active_nav": "orders"})


@login_required
@permission_required("orders.view_order", raise_exception=True)
def return_detail(request, pk: int):
    request_ = queries.return_get(user=request.user, pk=pk)
    may_decide = request.user.has_perm("orders.decide_return")
    context = {
        "return": request_,
        "can_approve": may_decide and request_.status == ReturnStatus.REQUESTED,
        "can_reject": may_decide and request_.status in (ReturnStatus.REQUESTED,
                                                         ReturnStatus.APPROVED),
        "can_receive": may_decide and request_.status == ReturnStatus.APPROVED,
        "history": audit.history(request_.order).filter(target_id=str(request_.pk),
                                                        event__startswith="return."),
        "active_nav": "orders",
    }
    return render(request, "orders/return_detail.html", context)


@login_required
@permission_required("orders.decide_return", raise_exception=True)
@require_POST
def return_action(request, pk: int, action: str):
    request_ = queries.return_get(user=request.user, pk=pk)
    reason = (request.POST.get("reason") or "")[:1000]
    try:
        if action == "approve":
            services.return_approve(actor=request.user, return_request=request_)
        elif action == "reject":
            services.return_reject(actor=request.user, return_request=request_, reason=reason)
        elif action == "receive":
            services.return_receive(actor=request.user, return_request=request_)
        else:
            raise Http404
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Return %(number)s updated.") % {"number": request_.number})
    return redirect("orders:return_detail", pk=request_.pk)


# ---------------------------------------------------------------------------------------
# Product codes
# ---------------------------------------------------------------------------------------

@login_required
@permission_required("orders.view_order", raise_exception=True)
def code_trace(request):
    """Staff: which dealer, shipment and batch a product code found in the market went to."""
    if request.user.is_dealer_user:
        raise PermissionDenied
    code = (request.GET.get("code") or "").strip()
    found = None
    if code:
        try:
            found = queries.product_code_trace(user=request.user, code=code)
        except Http404:
            found = None
    return render(request, "orders/code_trace.html",
                  {"code": code, "found": found, "active_nav": "orders"})
