"""Shipping (batches, product codes, the invoice) and delivery."""

import secrets
from collections import defaultdict
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from qudao.catalog.models import Product
from qudao.core import audit
from qudao.core.numbering import number_assign
from qudao.finance import services as finance_services
from qudao.orders.choices import (
    CREDIT_HOLDING_STATUSES,
    CodeKind,
    OrderStatus,
    ShipmentStatus,
)
from qudao.orders.exceptions import (
    OrderNotAllowed,
    OrderStatusInvalid,
    ShipmentInvalid,
)
from qudao.orders.models import (
    Order,
    OrderLine,
    ProductCode,
    Shipment,
    ShipmentLine,
)
from qudao.orders.services._common import (
    CODE_ALPHABET,
    CODE_LENGTH,
    MAX_CODES_PER_SHIPMENT,
    ZERO,
    _check_dealer,
    _check_perm,
    _locked_order,
    _temp_number,
)


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
