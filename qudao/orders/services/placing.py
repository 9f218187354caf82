"""Placing an order: prices from the agreement, every check, the credit decision."""

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qudao.agreements import queries as agreement_queries
from qudao.agreements.models import Agreement
from qudao.catalog.models import Product, ProductStatus
from qudao.core import audit
from qudao.core.numbering import number_for
from qudao.dealers.models import Dealer
from qudao.finance import services as finance_services
from qudao.orders.choices import (
    OrderChannel,
    OrderStatus,
)
from qudao.orders.exceptions import (
    AgreementMissing,
    DealerCannotOrder,
    OrderLinesInvalid,
    OrderSplitRequired,
    OutsideTerritory,
    PriceMissing,
    ProductNotAuthorized,
)
from qudao.orders.models import (
    Order,
    OrderLine,
)
from qudao.orders.services._common import (
    ORDERING_STATUSES,
    ZERO,
    _check_dealer,
    _check_perm,
    _sku_list,
    _temp_number,
)
from qudao.territories.models import Territory


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
