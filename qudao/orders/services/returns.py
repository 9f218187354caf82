"""Returns of shipped goods, credited when received."""

from collections import defaultdict
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from qudao.core import audit
from qudao.core.numbering import number_assign
from qudao.finance import services as finance_services
from qudao.orders.choices import (
    ReturnReason,
    ReturnStatus,
)
from qudao.orders.exceptions import (
    OrderStatusInvalid,
    ReturnInvalid,
)
from qudao.orders.models import (
    Order,
    OrderLine,
    ReturnLine,
    ReturnRequest,
)
from qudao.orders.services._common import (
    OPEN_RETURN_STATUSES,
    ZERO,
    _check_dealer,
    _check_perm,
    _locked_order,
    _reason,
    _temp_number,
)


def _requested_quantities(order: Order) -> dict[int, int]:
    """Quantities of each order line in returns still open (requested or approved)."""
    rows = (ReturnLine.objects.filter(return_request__order=order,
                                      return_request__status__in=OPEN_RETURN_STATUSES)
            .values("order_line_id").annotate(n=Sum("quantity")))
    return {row["order_line_id"]: row["n"] for row in rows}


@transaction.atomic
def return_request_create(*, actor: Any, order: Order, lines: list[tuple[int, int]],
                          reason: str, description: str = "") -> ReturnRequest:
    """Ask to return shipped goods (damaged, lost, quality, wrong goods).

    Dealer users ask for their own dealer's orders, staff need the return permission. Each
    line is (order line id, quantity), at most what was shipped less what was returned or
    is already asked for."""
    _check_perm(actor, "orders.add_return")
    _check_dealer(actor, order.dealer_id)
    if reason not in ReturnReason.values:
        raise ReturnInvalid(_("Choose why the goods come back."),
                            errors={"reason": _("Choose a reason.")})
    order = _locked_order(order)
    order_lines = {line.pk: line for line in order.lines.select_related("product")}
    asked = _requested_quantities(order)
    errors: dict[str, str] = {}
    clean: dict[int, int] = defaultdict(int)
    for line_id, quantity in lines:
        line = order_lines.get(int(line_id))
        if line is None:
            errors[f"lines.{line_id}"] = _("Line %(id)s is not a line of order %(number)s.") % {
                "id": line_id, "number": order.number}
        elif quantity:
            clean[line.pk] += int(quantity)
    for line_id, quantity in clean.items():
        line = order_lines[line_id]
        left = line.shipped_quantity - line.returned_quantity - asked.get(line_id, 0)
        if quantity <= 0:
            errors[f"lines.{line_id}"] = _("%(sku)s: the quantity must be more than zero.") % {
                "sku": line.product.sku}
        elif quantity > left:
            errors[f"lines.{line_id}"] = _("%(sku)s: %(quantity)d is more than the %(left)d "
                                           "that may still be returned.") % {
                "sku": line.product.sku, "quantity": quantity, "left": max(left, 0)}
    if not clean and not errors:
        errors["lines"] = _("Return at least one line.")
    if errors:
        raise ReturnInvalid(" ".join(errors.values()), errors=errors)
    request = ReturnRequest.objects.create(
        number=_temp_number(), order=order, dealer_id=order.dealer_id, reason=reason,
        description=description or "", requested_by=actor if getattr(actor, "pk", None) else None,
        amount=sum((order_lines[pk].unit_price * qty for pk, qty in clean.items()), ZERO))
    number_assign(request, prefix="RT", day=timezone.localdate())
    ReturnLine.objects.bulk_create([
        ReturnLine(return_request=request, order_line_id=pk, quantity=qty,
                   amount=order_lines[pk].unit_price * qty) for pk, qty in clean.items()])
    audit.record(actor=actor, target=request, event="return.requested", subject=order, data={
        "return": request.number, "amount": request.amount, "reason": reason})
    return request


def _locked_return(request: ReturnRequest) -> ReturnRequest:
    return ReturnRequest.objects.select_for_update().get(pk=request.pk)


@transaction.atomic
def return_approve(*, actor: Any, return_request: ReturnRequest) -> ReturnRequest:
    """Accept a requested return: the goods may come back."""
    _check_perm(actor, "orders.decide_return")
    _check_dealer(actor, return_request.dealer_id)
    request = _locked_return(return_request)
    if request.status != ReturnStatus.REQUESTED:
        raise OrderStatusInvalid(_("Return %(number)s is not awaiting a decision.") % {
            "number": request.number})
    request.status = ReturnStatus.APPROVED
    request.decided_by = actor
    request.save(update_fields=["status", "decided_by", "updated_at"])
    audit.record(actor=actor, target=request, event="return.approved",
                 subject=request.order, data={"return": request.number})
    return request


@transaction.atomic
def return_reject(*, actor: Any, return_request: ReturnRequest, reason: str) -> ReturnRequest:
    """Refuse a return that has not been received, saying why."""
    _check_perm(actor, "orders.decide_return")
    _check_dealer(actor, return_request.dealer_id)
    reason = _reason(reason, _("rejection"))
    request = _locked_return(return_request)
    if request.status not in OPEN_RETURN_STATUSES:
        raise OrderStatusInvalid(_("Return %(number)s is already %(status)s.") % {
            "number": request.number, "status": request.get_status_display()})
    request.status = ReturnStatus.REJECTED
    request.decision_reason = reason
    request.decided_by = actor
    request.save(update_fields=["status", "decision_reason", "decided_by", "updated_at"])
    audit.record(actor=actor, target=request, event="return.rejected",
                 subject=request.order, data={"return": request.number, "reason": reason})
    return request


@transaction.atomic
def return_receive(*, actor: Any, return_request: ReturnRequest,
                   received_on: date | None = None) -> ReturnRequest:
    """The approved goods are back: count them as returned and credit the dealer (a credit
    note that lowers its open receivables)."""
    _check_perm(actor, "orders.decide_return")
    _check_dealer(actor, return_request.dealer_id)
    request = _locked_return(return_request)
    if request.status != ReturnStatus.APPROVED:
        raise OrderStatusInvalid(_("Return %(number)s must be approved before it is "
                                   "received.") % {"number": request.number})
    Order.objects.select_for_update().filter(pk=request.order_id).first()
    for line in request.lines.select_related("order_line"):
        updated = OrderLine.objects.filter(
            pk=line.order_line_id,
            shipped_quantity__gte=F("returned_quantity") + line.quantity,
        ).update(returned_quantity=F("returned_quantity") + line.quantity)
        if not updated:
            raise ReturnInvalid(_("More would come back than was shipped."),
                                errors={f"lines.{line.order_line_id}": _("Too many.")})
    request.status = ReturnStatus.RECEIVED
    request.save(update_fields=["status", "updated_at"])
    note = finance_services.credit_note_raise(return_request=request, issued_on=received_on)
    audit.record(actor=actor, target=request, event="return.received", subject=request.order,
                 data={"return": request.number, "amount": request.amount,
                       "credit_note_number": note.number})
    return request
