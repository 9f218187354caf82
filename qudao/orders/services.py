"""Every write to orders, shipments and returns: checked, atomic and audited.

Money moves through qudao.finance.services, which locks the dealer's CreditAccount row:
placing an order takes that lock last, right before the credit check, so parallel orders
of one dealer queue on it and never approve more than the available credit together.
"""

import secrets
from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from qudao.agreements import queries as agreement_queries
from qudao.agreements.models import Agreement
from qudao.catalog.models import Product, ProductStatus
from qudao.core import audit
from qudao.core.numbering import number_assign, number_for
from qudao.dealers.choices import DealerStatus
from qudao.dealers.models import Dealer
from qudao.dealers.scoping import visible_dealers
from qudao.finance import services as finance_services
from qudao.orders.choices import (
    CREDIT_HOLDING_STATUSES,
    CodeKind,
    OrderChannel,
    OrderStatus,
    ReturnReason,
    ReturnStatus,
    ShipmentStatus,
)
from qudao.orders.exceptions import (
    AgreementMissing,
    DealerCannotOrder,
    OrderLinesInvalid,
    OrderNotAllowed,
    OrderSplitRequired,
    OrderStatusInvalid,
    OutsideTerritory,
    PriceMissing,
    ProductNotAuthorized,
    ReasonRequired,
    ReturnInvalid,
    ShipmentInvalid,
)
from qudao.orders.models import (
    Order,
    OrderLine,
    ProductCode,
    ReturnLine,
    ReturnRequest,
    Shipment,
    ShipmentLine,
)
from qudao.territories.models import Territory

ZERO = Decimal("0.00")
ORDERING_STATUSES = (DealerStatus.ACTIVE, DealerStatus.PROBATION)
# Unambiguous letters and digits (no 0/O, 1/I/L, U): 16 of them carry 79 bits of chance,
# so a code cannot be guessed from the ones printed next to it.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 16
MAX_CODES_PER_SHIPMENT = 200_000
# Returns still open count against what may be returned again.
OPEN_RETURN_STATUSES = (ReturnStatus.REQUESTED, ReturnStatus.APPROVED)


def _temp_number() -> str:
    return f"tmp-{secrets.token_hex(8)}"


def _check_perm(actor: Any, perm: str) -> None:
    if not actor.has_perm(perm):
        raise OrderNotAllowed(_("Your role may not do this."))


def _check_dealer(actor: Any, dealer_id: int) -> None:
    """The actor may act for the dealer: it is in his scope (a dealer user: his own)."""
    if not visible_dealers(actor).filter(pk=dealer_id).exists():
        raise OrderNotAllowed(_("You may not act for this dealer."))


def _locked_order(order: Order) -> Order:
    """Re-read the order under a row lock: two actions on one order run one after the other."""
    return (Order.objects.select_for_update(of=("self",)).select_related("agreement")
            .get(pk=order.pk))


def _reason(reason: str, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired(_("Give a reason for the %(what)s.") % {"what": what},
                             errors={"reason": _("A reason is required.")})
    return reason


def _sku_list(products: list[Product]) -> str:
    return ", ".join(sorted(p.sku for p in products))


# ---------------------------------------------------------------------------------------
# Placing an order
# ---------------------------------------------------------------------------------------

def _check_lines(lines: list[tuple[int, int]]) -> dict[int, Product]:
    """Products of the lines, after checking the lines themselves. Raises OrderLinesInvalid."""
    if not lines:
        raise OrderLinesInvalid(_("An order needs at least one line."),
                                errors={"lines": _("Add at least one product.")})
    ids = [int(product_id) for product_id, _qty in lines]
    products = Product.objects.in_bulk(ids)
    errors: dict[str, str] = {}
    unknown = [pk for pk in ids if pk not in products]
    if unknown:
        raise OrderLinesInvalid(
            _("Unknown product id(s): %(ids)s.") % {"ids": ", ".join(map(str, unknown))},
            errors={"lines": _("Unknown product.")})
    seen: set[int] = set()
    for product_id, quantity in lines:
        product = products[int(product_id)]
        key = f"lines.{product.sku}"
        if product.pk in seen:
            errors[key] = _("%(sku)s appears on more than one line; order it once.") % {
                "sku": product.sku}
        elif product.status != ProductStatus.ACTIVE:
            errors[key] = _("%(sku)s is not on sale.") % {"sku": product.sku}
        elif quantity is None or int(quantity) <= 0:
            errors[key] = _("%(sku)s: the quantity must be more than zero.") % {
                "sku": product.sku}
        elif int(quantity) % product.order_multiple:
            errors[key] = _("%(sku)s is ordered in multiples of %(multiple)d; %(quantity)d is "
                            "not one.") % {"sku": product.sku,
                                           "multiple": product.order_multiple,
                                           "quantity": int(quantity)}
        seen.add(product.pk)
    if errors:
        raise OrderLinesInvalid(" ".join(errors.values()), errors=errors)
    return products


def _choose_agreement(dealer: Dealer, products: dict[int, Product], day: date) -> Agreement:
    """The active agreement that covers every product. Raises AgreementMissing,
    ProductNotAuthorized or OrderSplitRequired."""
    agreements = list(agreement_queries.agreements_in_force(dealer_id=dealer.pk, day=day)
                      .order_by("-start_date", "-id"))
    if not agreements:
        raise AgreementMissing(
            _("%(dealer)s has no active agreement in force on %(day)s.") % {
                "dealer": dealer.name, "day": day},
            errors={"agreement": _("No active agreement on the order date.")})
    wanted = set(products)
    covered: list[tuple[Agreement, set[int]]] = []
    for agreement in agreements:
        ids = agreement_queries.covered_product_ids(agreement, wanted)
        if ids == wanted:
            return agreement
        covered.append((agreement, ids))
    union = set().union(*(ids for _a, ids in covered))
    outside = [products[pk] for pk in wanted - union]
    if outside:
        raise ProductNotAuthorized(
            _("%(skus)s not authorized for %(dealer)s by any active agreement.") % {
                "skus": _sku_list(outside), "dealer": dealer.name},
            errors={f"lines.{p.sku}": _("%(sku)s is not authorized by the dealer's "
                                        "agreement.") % {"sku": p.sku} for p in outside})
    groups = []
    for agreement, ids in covered:
        if ids:
            groups.append(_("%(skus)s under agreement %(number)s") % {
                "skus": _sku_list([products[pk] for pk in ids]), "number": agreement.number})
    raise OrderSplitRequired(
        _("No single agreement covers all these products; place separate orders: "
          "%(groups)s.") % {"groups": "; ".join(groups)},
        errors={"lines": _("Order these products separately.")})


def _check_territory(agreement: Agreement, territory: Territory) -> None:
    """The delivery region lies at or below one of the agreement's authorized regions."""
    paths = list(agreement.territories.values_list("path", flat=True))
    if not any(territory.path.startswith(path) for path in paths):
        raise OutsideTerritory(
            _("Delivery to %(region)s is outside the authorized territory of agreement "
              "%(number)s.") % {"region": territory.display_name, "number": agreement.number},
            errors={"delivery_territory": _("Outside the authorized territory.")})


@transaction.atomic
def order_place(*, actor: Any, dealer: Dealer, lines: list[tuple[int, int]],
                channel: str = OrderChannel.PORTAL, ordered_on: date | None = None,
                delivery_territory: Territory | None = None, delivery_address: str = "",
                note: str = "", external_ref: str | None = None) -> Order:
    """Place an order at the agreement's prices on the order date and check the credit.

    Refuses, writing nothing, when the actor may not act for the dealer, the dealer may not
    order (only active and probation dealers may), a line is wrong (none, repeated SKU, not
    on sale, quantity not a positive multiple of the pack), no active agreement covers the
    products (or only several together do), delivery is outside the authorized territory,
    or a product has no price that day. Then, under the dealer's credit-account lock: an
    order within the available credit and with no overdue balance is approved at once and
    reserves its total; any other waits in finance's queue (SUBMITTED with the reasons)
    and reserves nothing.
    """
    ordered_on = ordered_on or timezone.localdate()
    _check_perm(actor, "orders.add_order")
    _check_dealer(actor, dealer.pk)
    if dealer.status not in ORDERING_STATUSES:
        raise DealerCannotOrder(
            _("%(dealer)s is %(status)s and may not order.") % {
                "dealer": dealer.name, "status": dealer.get_status_display()},
            errors={"dealer": _("The dealer's status does not allow ordering.")})
    products = _check_lines(lines)
    agreement = _choose_agreement(dealer, products, ordered_on)
    territory = delivery_territory or dealer.territory
    _check_territory(agreement, territory)
    prices = agreement_queries.agreement_prices(agreement, set(products), ordered_on)
    unpriced = [products[pk] for pk in products if pk not in prices]
    if unpriced:
        raise PriceMissing(
            _("%(skus)s has no price on %(day)s.") % {"skus": _sku_list(unpriced),
                                                      "day": ordered_on},
            errors={f"lines.{p.sku}": _("%(sku)s has no price on the order date.") % {
                "sku": p.sku} for p in unpriced})

    order = Order.objects.create(
        number=_temp_number(), dealer=dealer, agreement=agreement, channel=channel,
        ordered_on=ordered_on, delivery_territory=territory,
        delivery_address=delivery_address or "", note=note or "", external_ref=external_ref,
        placed_by=actor if getattr(actor, "pk", None) else None, submitted_at=timezone.now(),
        status=OrderStatus.SUBMITTED)
    # The number comes from the id; it is written with the totals below (one UPDATE).
    order.number = number_for(prefix="SO", day=ordered_on, pk=order.pk)
    rows = []
    for product_id, quantity in lines:
        list_price, unit_price = prices[int(product_id)]
        rows.append(OrderLine(order=order, dealer=dealer, ordered_on=ordered_on,
                              product_id=int(product_id), quantity=int(quantity),
                              list_price=list_price, unit_price=unit_price,
                              amount=unit_price * int(quantity)))
    OrderLine.objects.bulk_create(rows)
    for row in rows:
        row.product = products[row.product_id]
    # The placed order carries its lines, so whoever shows it need not read them back.
    lines_read = OrderLine.objects.filter(order=order)
    lines_read._result_cache, lines_read._prefetch_done = rows, True
    order._prefetched_objects_cache = {"lines": lines_read}
    order.total_amount = sum((row.amount for row in rows), ZERO)
    order.total_quantity = sum(row.quantity for row in rows)

    # The lock comes last: parallel orders of this dealer wait here, each one seeing the
    # reserve of those approved before it.
    account = finance_services.credit_account_lock(dealer_id=dealer.pk)
    reasons = finance_services.credit_hold_reasons(account=account, amount=order.total_amount,
                                                   today=ordered_on)
    if reasons:
        order.hold_reason = " ".join(reasons)
    else:
        finance_services.credit_reserve(account=account, amount=order.total_amount)
        order.status = OrderStatus.APPROVED
        order.approved_at = timezone.now()
    order.save(update_fields=["number", "total_amount", "total_quantity", "hold_reason",
                              "status", "approved_at", "updated_at"])
    audit.record(actor=actor, target=order, event="order.placed", data={
        "dealer": dealer.code, "total": order.total_amount, "status": order.status,
        "agreement": agreement.number, "hold_reason": order.hold_reason})
    return order


# ---------------------------------------------------------------------------------------
# Finance's decision, cancellation, closing
# ---------------------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------------------
# Shipping and delivery
# ---------------------------------------------------------------------------------------

def _new_codes(count: int, taken: set[str]) -> list[str]:
    codes: list[str] = []
    while len(codes) < count:
        code = "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))
        if code not in taken:
            taken.add(code)
            codes.append(code)
    return codes


def _code_rows(shipment: Shipment, lines: list[ShipmentLine], kind: str,
               products: dict[int, Product]) -> list[ProductCode]:
    """One code per unit, or per case of `units_per_case` units (a partial case gets its own
    code with the units left over)."""
    plan: list[tuple[ShipmentLine, int]] = []
    for line in lines:
        if kind == CodeKind.UNIT:
            plan.extend((line, 1) for _i in range(line.quantity))
        else:
            per_case = max(products[line.product_id].units_per_case, 1)
            full, rest = divmod(line.quantity, per_case)
            plan.extend((line, per_case) for _i in range(full))
            if rest:
                plan.append((line, rest))
    if len(plan) > MAX_CODES_PER_SHIPMENT:
        raise ShipmentInvalid(
            _("%(count)d codes are too many for one shipment (at most %(max)d); code by case "
              "or split the shipment.") % {"count": len(plan), "max": MAX_CODES_PER_SHIPMENT},
            errors={"code_kind": _("Too many codes.")})
    codes = _new_codes(len(plan), set())
    return [ProductCode(code=code, kind=kind, units=units, shipment_line=line,
                        product_id=line.product_id, dealer_id=shipment.dealer_id)
            for code, (line, units) in zip(codes, plan, strict=True)]


@transaction.atomic
def order_ship(*, actor: Any, order: Order, lines: list[tuple[int, int, str]],
               shipped_on: date | None = None, carrier: str = "", tracking_number: str = "",
               code_kind: str = "") -> Shipment:
    """Ship part or all of an approved order and invoice it.

    Each line is (order line id, quantity, batch number); a line may appear twice for two
    batches. Refuses lines of another order, quantities beyond what is left to ship and
    missing batch numbers. The shipment's amount moves from reserved credit to open
    receivables (an invoice due after the agreement's payment terms). With `code_kind`,
    every unit or case gets a product code that traces it to this dealer.
    """
    _check_perm(actor, "orders.ship_order")
    _check_dealer(actor, order.dealer_id)
    shipped_on = shipped_on or timezone.localdate()
    order = _locked_order(order)
    if order.status not in CREDIT_HOLDING_STATUSES:
        raise OrderStatusInvalid(_("Order %(number)s is %(status)s and cannot ship.") % {
            "number": order.number, "status": order.get_status_display()})
    if code_kind and code_kind not in CodeKind.values:
        raise ShipmentInvalid(_("Unknown kind of product code."),
                              errors={"code_kind": _("Choose per unit or per case.")})
    order_lines = {line.pk: line for line in order.lines.select_related("product")}
    wanted: dict[int, int] = defaultdict(int)
    errors: dict[str, str] = {}
    clean: list[tuple[OrderLine, int, str]] = []
    for line_id, quantity, batch in lines:
        line = order_lines.get(int(line_id))
        if line is None:
            errors[f"lines.{line_id}"] = _("Line %(id)s is not a line of order %(number)s.") % {
                "id": line_id, "number": order.number}
            continue
        key = f"lines.{line.pk}"
        batch = (batch or "").strip()
        if quantity is None or int(quantity) <= 0:
            if quantity:
                errors[key] = _("%(sku)s: the quantity must be more than zero.") % {
                    "sku": line.product.sku}
            continue
        if not batch:
            errors[key] = _("%(sku)s: give the batch number.") % {"sku": line.product.sku}
            continue
        wanted[line.pk] += int(quantity)
        clean.append((line, int(quantity), batch[:32]))
    for line_id, quantity in wanted.items():
        line = order_lines[line_id]
        left = line.quantity - line.shipped_quantity
        if quantity > left:
            errors[f"lines.{line_id}"] = _("%(sku)s: %(quantity)d is more than the %(left)d "
                                           "left to ship.") % {
                "sku": line.product.sku, "quantity": quantity, "left": left}
    if not clean and not errors:
        errors["lines"] = _("Ship at least one line.")
    if errors:
        raise ShipmentInvalid(" ".join(errors.values()), errors=errors)

    shipment = Shipment.objects.create(
        number=_temp_number(), order=order, dealer_id=order.dealer_id, shipped_on=shipped_on,
        carrier=carrier or "", tracking_number=tracking_number or "", code_kind=code_kind or "",
        shipped_by=actor if getattr(actor, "pk", None) else None,
        amount=sum((line.unit_price * qty for line, qty, _b in clean), ZERO))
    number_assign(shipment, prefix="SH", day=shipped_on)
    rows = ShipmentLine.objects.bulk_create([
        ShipmentLine(shipment=shipment, order_line=line, product_id=line.product_id,
                     quantity=qty, batch_number=batch, amount=line.unit_price * qty)
        for line, qty, batch in clean])
    for line_id, quantity in wanted.items():
        OrderLine.objects.filter(pk=line_id).update(
            shipped_quantity=F("shipped_quantity") + quantity)
        order_lines[line_id].shipped_quantity += quantity
    fully = all(line.shipped_quantity >= line.quantity for line in order_lines.values())
    order.status = OrderStatus.SHIPPED if fully else OrderStatus.PARTIALLY_SHIPPED
    order.save(update_fields=["status", "updated_at"])
    if code_kind:
        products = {line.product_id: line.product for line in order_lines.values()}
        ProductCode.objects.bulk_create(_code_rows(shipment, rows, code_kind, products),
                                        batch_size=5000)
    terms = order.agreement.payment_terms_days if order.agreement_id else 30
    invoice = finance_services.receivable_raise(shipment=shipment, payment_terms_days=terms)
    audit.record(actor=actor, target=shipment, event="shipment.shipped", subject=order, data={
        "shipment_number": shipment.number, "amount": shipment.amount,
        "invoice_number": invoice.number, "code_kind": code_kind,
        "shipped_quantities": {str(k): v for k, v in wanted.items()}})
    return shipment


@transaction.atomic
def shipment_deliver(*, actor: Any, shipment: Shipment,
                     delivered_on: date | None = None) -> Shipment:
    """Record that a shipment arrived (the order desk, or the dealer confirming receipt).
    The order becomes DELIVERED once fully shipped and every shipment delivered."""
    is_own_dealer = getattr(actor, "is_dealer_user", False) and \
        actor.dealer_id == shipment.dealer_id
    if not (actor.has_perm("orders.ship_order") or is_own_dealer):
        raise OrderNotAllowed(_("Your role may not do this."))
    _check_dealer(actor, shipment.dealer_id)
    order = Order.objects.select_for_update().get(pk=shipment.order_id)
    shipment = Shipment.objects.select_for_update().get(pk=shipment.pk)
    if shipment.status == ShipmentStatus.DELIVERED:
        raise OrderStatusInvalid(_("Shipment %(number)s is already delivered.") % {
            "number": shipment.number})
    delivered_on = delivered_on or timezone.localdate()
    if delivered_on < shipment.shipped_on:
        raise ShipmentInvalid(_("A shipment cannot arrive before it was shipped."),
                              errors={"delivered_on": _("Before the shipping date.")})
    shipment.status = ShipmentStatus.DELIVERED
    shipment.delivered_on = delivered_on
    shipment.save(update_fields=["status", "delivered_on", "updated_at"])
    pending = order.shipments.exclude(status=ShipmentStatus.DELIVERED).exists()
    if order.status == OrderStatus.SHIPPED and not pending:
        order.status = OrderStatus.DELIVERED
        order.save(update_fields=["status", "updated_at"])
    audit.record(actor=actor, target=shipment, event="shipment.delivered", subject=order,
                 data={"shipment": shipment.number, "delivered_on": delivered_on})
    return shipment


# ---------------------------------------------------------------------------------------
# Returns
# ---------------------------------------------------------------------------------------

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
