"""Finance's decision, cancellation and closing of orders."""

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qudao.core import audit
from qudao.finance import services as finance_services
from qudao.orders.choices import (
    CREDIT_HOLDING_STATUSES,
    OrderStatus,
)
from qudao.orders.exceptions import (
    OrderNotAllowed,
    OrderStatusInvalid,
)
from qudao.orders.models import (
    Order,
)
from qudao.orders.services._common import (
    ZERO,
    _check_dealer,
    _check_perm,
    _locked_order,
    _reason,
)


def _unshipped_amount(order: Order) -> Decimal:
    rows = order.lines.values_list("quantity", "shipped_quantity", "unit_price")
    return sum(((qty - shipped) * price for qty, shipped, price in rows), ZERO)


@transaction.atomic
def order_approve_credit(*, actor: Any, order: Order) -> Order:
    """Finance approves an order held for credit: it reserves its total, even beyond the
    limit (finance decided). Only orders awaiting approval."""
    _check_perm(actor, "orders.approve_credit")
    _check_dealer(actor, order.dealer_id)
    order = _locked_order(order)
    if order.status != OrderStatus.SUBMITTED:
        raise OrderStatusInvalid(_("Order %(number)s is not awaiting approval.") % {
            "number": order.number})
    account = finance_services.credit_account_lock(dealer_id=order.dealer_id)
    finance_services.credit_reserve(account=account, amount=order.total_amount)
    order.status = OrderStatus.APPROVED
    order.approved_at = timezone.now()
    order.approved_by = actor
    order.save(update_fields=["status", "approved_at", "approved_by", "updated_at"])
    audit.record(actor=actor, target=order, event="order.approved", data={
        "total": order.total_amount, "available_before": account.available + order.total_amount,
        "hold_reason": order.hold_reason})
    return order


@transaction.atomic
def order_reject(*, actor: Any, order: Order, reason: str) -> Order:
    """Finance refuses an order held for credit, saying why. Nothing was reserved."""
    _check_perm(actor, "orders.approve_credit")
    _check_dealer(actor, order.dealer_id)
    reason = _reason(reason, _("rejection"))
    order = _locked_order(order)
    if order.status != OrderStatus.SUBMITTED:
        raise OrderStatusInvalid(_("Order %(number)s is not awaiting approval.") % {
            "number": order.number})
    order.status = OrderStatus.REJECTED
    order.decision_reason = reason
    order.save(update_fields=["status", "decision_reason", "updated_at"])
    audit.record(actor=actor, target=order, event="order.rejected", data={"reason": reason})
    return order


def order_may_cancel(*, user: Any, order: Order) -> bool:
    """Whether the user may cancel the order now (for showing the button)."""
    if not user.has_perm("orders.cancel_order"):
        return False
    if order.status not in (OrderStatus.DRAFT, OrderStatus.SUBMITTED, OrderStatus.APPROVED):
        return False
    return not (getattr(user, "is_dealer_user", False) and order.dealer_id != user.dealer_id)


@transaction.atomic
def order_cancel(*, actor: Any, order: Order, reason: str) -> Order:
    """Cancel an order nothing of which has shipped, saying why; an approved order gives
    its reserve back. Dealer users cancel only their own dealer's orders; staff need the
    cancel permission. A partly shipped order is closed instead (order_close)."""
    _check_perm(actor, "orders.cancel_order")
    _check_dealer(actor, order.dealer_id)
    reason = _reason(reason, _("cancellation"))
    order = _locked_order(order)
    if order.status not in (OrderStatus.DRAFT, OrderStatus.SUBMITTED, OrderStatus.APPROVED):
        raise OrderStatusInvalid(
            _("Order %(number)s is %(status)s and can no longer be cancelled.") % {
                "number": order.number, "status": order.get_status_display()})
    released = ZERO
    if order.status in CREDIT_HOLDING_STATUSES:
        released = _unshipped_amount(order)
        finance_services.credit_release(dealer_id=order.dealer_id, amount=released)
    order.status = OrderStatus.CANCELLED
    order.decision_reason = reason
    order.save(update_fields=["status", "decision_reason", "updated_at"])
    audit.record(actor=actor, target=order, event="order.cancelled",
                 data={"reason": reason, "released": released})
    return order


@transaction.atomic
def order_close(*, actor: Any, order: Order, reason: str = "") -> Order:
    """Close a delivered order, or a partly shipped one whose rest will not ship; the
    unshipped part's reserve goes back to the dealer's credit."""
    if not (actor.has_perm("orders.ship_order") or actor.has_perm("orders.cancel_order")) \
            or getattr(actor, "is_dealer_user", False):
        raise OrderNotAllowed(_("Your role may not do this."))
    _check_dealer(actor, order.dealer_id)
    order = _locked_order(order)
    if order.status not in (OrderStatus.DELIVERED, OrderStatus.PARTIALLY_SHIPPED):
        raise OrderStatusInvalid(
            _("Only delivered or partly shipped orders can be closed; %(number)s is "
              "%(status)s.") % {"number": order.number, "status": order.get_status_display()})
    released = ZERO
    if order.status in CREDIT_HOLDING_STATUSES:
        released = _unshipped_amount(order)
        if released:
            finance_services.credit_release(dealer_id=order.dealer_id, amount=released)
    order.status = OrderStatus.CLOSED
    if reason:
        order.decision_reason = reason.strip()
    order.save(update_fields=["status", "decision_reason", "updated_at"])
    audit.record(actor=actor, target=order, event="order.closed",
                 data={"reason": reason, "released": released})
    return order
