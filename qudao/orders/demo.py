"""Demo trade history: orders, order lines, shipments with batch numbers, invoices,
payments and credit accounts of every trading dealer, dealer by dealer.

Runs after agreements.demo (ctx["trade"]: the window, the products and the dealer plans).
Terminals buy from their parents and place no orders here. Rows are written in bulk
(COPY on PostgreSQL) with every derived value the services would keep:

- order totals = Σ lines; each line repeats its order's dealer and date;
- unit price = the agreement's level price on the order date less its discount;
  quantities are multiples of the product's order multiple;
- shipped ≤ ordered; a shipment's amount = Σ its lines; one invoice per shipment, due
  after the agreement's payment terms; payments fully allocated, oldest due first;
- an order placed while the dealer had an overdue invoice carries the hold reason and
  was approved (or still waits) by finance;
- credit account: limit of the active agreement, receivable = Σ open invoice balances,
  reserved = Σ unshipped amount of approved and partially shipped orders, deposit balance
  = the last deposit entry's balance.
"""

import bisect
import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from qudao.finance import demo as finance_demo
from qudao.finance.choices import InvoiceKind, InvoiceStatus
from qudao.finance.models import CreditAccount, DepositEntry, Invoice, Payment, PaymentAllocation
from qudao.orders import history as h
from qudao.orders.choices import CodeKind, OrderChannel, OrderStatus, ShipmentStatus
from qudao.orders.models import Order, OrderLine, ProductCode, Shipment, ShipmentLine

PORTAL_CODE = "QD-HB-0001"
CARRIERS = ["顺丰快运", "德邦物流", "安能物流", "中通快运", "自有车队", "百世快运"]
CANCEL_REASONS = ["经销商要求取消：库存仍充足", "下错规格，重新下单", "终端客户退订，取消订单",
                  "价格政策调整，重新下单"]
REJECT_REASONS = ["超出信用额度且未补缴货款，财务驳回", "逾期账款未结清，暂停接单"]
CLOSE_REASON = "部分商品缺货，余量关闭"
CHANNELS = [OrderChannel.PORTAL] * 11 + [OrderChannel.REP] * 7 + [OrderChannel.IMPORT] * 2

ORDER_COLUMNS = ["id", "number", "dealer_id", "agreement_id", "status", "channel", "ordered_on",
                 "total_amount", "total_quantity", "hold_reason", "decision_reason",
                 "delivery_address", "external_ref", "placed_by_id", "submitted_at",
                 "approved_at", "approved_by_id", "created_at", "updated_at"]
LINE_COLUMNS = ["id", "order_id", "dealer_id", "ordered_on", "product_id", "quantity",
                "list_price", "unit_price", "amount", "shipped_quantity"]
SHIPMENT_COLUMNS = ["id", "number", "order_id", "dealer_id", "status", "shipped_on",
                    "delivered_on", "carrier", "tracking_number", "amount", "code_kind",
                    "shipped_by_id", "created_at", "updated_at"]
SHIPMENT_LINE_COLUMNS = ["id", "shipment_id", "order_line_id", "product_id", "quantity",
                         "batch_number", "amount"]
INVOICE_COLUMNS = ["id", "number", "kind", "dealer_id", "shipment_id", "issued_on", "due_on",
                   "amount", "paid_amount", "status", "created_at", "updated_at"]
CODE_COLUMNS = ["code", "kind", "units", "shipment_line_id", "product_id", "dealer_id"]


def _has_field(model: Any, name: str) -> bool:
    return any(f.name == name for f in model._meta.concrete_fields)


class DealerHistory:
    """Generates one dealer's orders and everything that follows from them."""

    def __init__(self, *, plan: h.DealerPlan, rng: random.Random, window: h.Window,
                 products: dict[int, h.ProductInfo], ids: h.Ids, users: dict[str, int | None],
                 with_codes: bool, territory_column: bool) -> None:
        self.plan, self.rng, self.window, self.products = plan, rng, window, products
        self.ids, self.users = ids, users
        self.with_codes, self.territory_column = with_codes, territory_column
        self.today = window.today
        self.prices: dict[tuple[Decimal, Decimal], tuple[Decimal, float]] = {}
        self.orders: list[list] = []  # rows in ORDER_COLUMNS order (mutable until written)
        self.lines: list[tuple] = []
        self.shipments: list[list] = []
        self.shipment_lines: list[tuple] = []
        self.invoices: list[finance_demo.InvoiceDraft] = []
        self.invoice_shipment: dict[int, tuple[int, date]] = {}
        self.unshipped: list[tuple[list, Decimal]] = []  # (order row, unshipped amount)
        self.reserved = h.ZERO

    # -- orders -------------------------------------------------------------------------
    def month_plan(self) -> list[tuple[date, int, float]]:
        """(month, number of orders, amount to spread over its lines) of every month."""
        plan, rng, window = self.plan, self.rng, self.window
        months = []
        for index, month in enumerate(window.months):
            if month < plan.joined or (plan.stop and month >= plan.stop):
                continue
            share = 1.0
            if month == window.current:
                share = (self.today.day - 1) / h.month_days(month)
                if share <= 0:
                    continue
            season = h.SEASON[month.month - 1]
            factor = plan.growth ** (index / 12)
            before = window.months_before_current(month)
            if plan.pattern == h.DECLINING and before <= h.DECLINE_MONTHS:
                factor *= h.DECLINE_STEP * h.DECLINE_RATE ** (h.DECLINE_MONTHS - before)
            amount = plan.base * season * factor * rng.uniform(0.95, 1.05) * share
            # A trading dealer orders every month: a month without orders is news.
            count = max(1, int(plan.orders_per_month * season * share + rng.random()))
            if plan.pattern == h.ONE_ORDER:
                months.append((month, 1, amount / max(1, plan.orders_per_month)))
                break
            if count:
                months.append((month, count, amount))
        return months

    def unit_price(self, price: Decimal, discount: Decimal) -> tuple[Decimal, float]:
        key = (price, discount)
        cached = self.prices.get(key)
        if cached is None:
            unit = h.unit_price(price, discount)
            cached = self.prices[key] = (unit, float(unit))
        return cached

    def run(self) -> None:
        for month, count, amount in self.month_plan():
            last_day = (self.today.day - 1 if month == self.window.current
                        else h.month_days(month))
            days = sorted(self.rng.randint(1, last_day) for _n in range(count))
            sizes = [min(len(self.plan.assortment), self.rng.randint(*self.plan.lines))
                     for _n in range(count)]
            per_line = amount / max(1, sum(sizes))
            for day, size in zip(days, sizes, strict=True):
                self.order(month.replace(day=day), size, per_line)
            # Now and then an order more that is cancelled or rejected: the dealer orders
            # what it needs all the same, so these do not lessen the month's sales.
            if self.rng.random() < 0.025 * count:
                self.order(month.replace(day=self.rng.randint(1, last_day)), sizes[0],
                           per_line, void=True)
        self.money()

    def order(self, day: date, size: int, per_line: float, *, void: bool = False) -> None:
        plan, rng, ids = self.plan, self.rng, self.ids
        version = plan.version_on(day)
        if version is None or size == 0:
            return
        ordinal = day.toordinal()
        summer = h.SUMMER_DRINKS.get(day.month, 1.0)
        order_id = ids.take(Order)
        lines = []
        total, quantity = h.ZERO, 0
        for product_id in rng.sample(plan.assortment, size):
            info = self.products[product_id]
            price = info.price_on(plan.level, ordinal)
            if price is None:
                continue
            unit, unit_float = self.unit_price(price, version.discount)
            target = per_line * (summer if info.root == h.DRINKS_ROOT else 1.0)
            cases = int(target * rng.uniform(0.8, 1.2) / (unit_float * info.multiple) + 0.5)
            qty = max(1, cases) * info.multiple
            amount = unit * qty
            lines.append([ids.take(OrderLine), order_id, plan.pk, day, product_id, qty, price,
                          unit, amount, 0])
            total += amount
            quantity += qty
        if not lines:
            return
        submitted = h.at(day, rng.randint(8, 20), rng.randint(0, 59))
        channel = rng.choice(CHANNELS)
        placed_by = (plan.rep_id if channel == OrderChannel.REP
                     else self.users["dealer_admin"] if plan.code == PORTAL_CODE
                     and channel == OrderChannel.PORTAL else None)
        row = [order_id, h.doc_number("SO", day, order_id), plan.pk, version.pk, None, channel,
               day, total, quantity, "", "", plan.address,
               f"ERP{order_id:09d}" if channel == OrderChannel.IMPORT else None, placed_by,
               submitted, None, None, submitted, submitted]
        if self.territory_column:
            row.append(plan.territory_id)
        self.orders.append(row)
        self.ship(row, lines, version, void=void)
        self.lines.extend(tuple(line) for line in lines)

    def ship(self, order: list, lines: list[list], version: h.VersionPlan, *,
             void: bool) -> None:
        """Decide the order's fate from its age and write its shipments and invoices; a
        `void` order is cancelled or rejected."""
        rng, today = self.rng, self.today
        day = order[6]
        roll = rng.random() * 0.025 if void else 1.0
        if roll < 0.015:
            order[4] = OrderStatus.CANCELLED
            order[10] = rng.choice(CANCEL_REASONS)
            return
        if roll < 0.025:
            order[4] = OrderStatus.REJECTED
            order[9] = _("Order amount %(amount)s exceeds the available credit.") % {
                "amount": order[7]}
            order[10] = rng.choice(REJECT_REASONS)
            return
        first = day + timedelta(days=rng.randint(1, 4))
        if first >= today:
            order[4] = OrderStatus.APPROVED  # may become "submitted" once overdue is known
            self.unshipped.append((order, order[7]))
            return
        split = len(lines) > 1 and rng.random() < 0.1
        parts = [(first, lines)]
        if split:
            cut = rng.randint(1, len(lines) - 1)
            second = first + timedelta(days=rng.randint(3, 10))
            parts = [(first, lines[:cut]), (second, lines[cut:])]
            if second >= today:
                parts = parts[:1]
        delivered_all = True
        for shipped_on, part in parts:
            delivered = shipped_on + timedelta(days=rng.randint(1, 3))
            delivered_all &= delivered < today
            self.shipment(order, part, shipped_on, delivered if delivered < today else None,
                          version)
        if len(parts) < (2 if split else 1):
            order[4] = OrderStatus.PARTIALLY_SHIPPED
            left = sum((line[8] for line in lines if line[9] < line[5]), h.ZERO)
            self.unshipped.append((order, left))
        elif not delivered_all:
            order[4] = OrderStatus.SHIPPED
        else:
            order[4] = OrderStatus.DELIVERED
            short = [line for line in lines if line[9] > self.products[line[4]].multiple]
            if short and rng.random() < 0.04:
                # The last shipment left part of a line behind; the rest was closed.
                line = rng.choice(short)
                order[4] = OrderStatus.CLOSED
                order[10] = CLOSE_REASON
                self.short_ship(line)

    def shipment(self, order: list, lines: list[list], shipped_on: date,
                 delivered_on: date | None, version: h.VersionPlan) -> None:
        rng, ids = self.rng, self.ids
        shipment_id = ids.take(Shipment)
        amount = h.ZERO
        production = shipped_on.toordinal() - rng.randint(5, 40)
        for line in lines:
            line[9] = line[5]
            made = date.fromordinal(production - rng.randint(0, 20))
            batch = f"{made:%Y%m%d}L{rng.randint(1, 12):02d}"
            self.shipment_lines.append((ids.take(ShipmentLine), shipment_id, line[0], line[4],
                                        line[5], batch, line[8]))
            amount += line[8]
        moment = h.at(shipped_on, rng.randint(8, 18))
        self.shipments.append([
            shipment_id, h.doc_number("SH", shipped_on, shipment_id), order[0], self.plan.pk,
            ShipmentStatus.DELIVERED if delivered_on else ShipmentStatus.SHIPPED, shipped_on,
            delivered_on, rng.choice(CARRIERS), f"{rng.randrange(10**11, 10**12)}", amount, "",
            self.users["admin"], moment, moment])
        invoice_id = self.ids.take(Invoice)
        self.invoices.append(finance_demo.InvoiceDraft(
            pk=invoice_id, issued=shipped_on, due=shipped_on + timedelta(days=version.terms),
            amount=amount))
        self.invoice_shipment[invoice_id] = (shipment_id, shipped_on)

    def short_ship(self, line: list) -> None:
        """Ship only part of `line` (whole multiples): fix its shipment line, shipment and
        invoice amounts."""
        multiple = self.products[line[4]].multiple
        shipped = max(multiple, (line[5] // multiple // 2) * multiple)
        cut = line[7] * (line[5] - shipped)
        line[9] = shipped
        for index in range(len(self.shipment_lines) - 1, -1, -1):
            row = self.shipment_lines[index]
            if row[2] == line[0]:
                self.shipment_lines[index] = (*row[:4], shipped, row[5], line[7] * shipped)
                shipment_id = row[1]
                break
        for shipment in reversed(self.shipments):
            if shipment[0] == shipment_id:
                shipment[9] -= cut
                break
        for invoice in reversed(self.invoices):
            if self.invoice_shipment[invoice.pk][0] == shipment_id:
                invoice.amount -= cut
                break

    # -- money --------------------------------------------------------------------------
    def money(self) -> None:
        """Payments for the invoices, then hold reasons and the credit reservation."""
        plan, rng = self.plan, self.rng
        self.payments, self.allocations = finance_demo.payments_make(
            rng, self.invoices, late_days=plan.late_days, today=self.today, ids=self.ids,
            dealer_id=plan.pk, recorded_by=self.users["finance"],
            method=rng.choice(finance_demo.METHODS))
        # Overdue balance on each day: an invoice is overdue from the day after its due date
        # until the day it is settled.
        events = []
        for invoice in self.invoices:
            start = invoice.due.toordinal() + 1
            end = invoice.settled.toordinal() if invoice.settled else None
            if end is None or end > start:
                events.append((start, invoice.amount))
                if end is not None:
                    events.append((end, -invoice.amount))
        events.sort(key=lambda event: event[0])
        days = [event[0] for event in events]
        running, sums = h.ZERO, []
        for _day, amount in events:
            running += amount
            sums.append(running)
        for order in self.orders:
            status = order[4]
            if status in (OrderStatus.CANCELLED, OrderStatus.REJECTED):
                continue
            submitted = order[14]
            position = bisect.bisect_right(days, order[6].toordinal()) - 1
            overdue = sums[position] if position >= 0 else h.ZERO
            if overdue > 0:
                order[9] = _("The dealer has an overdue balance of %(overdue)s past its "
                             "payment terms.") % {"overdue": overdue}
                if status == OrderStatus.APPROVED:
                    order[4] = OrderStatus.SUBMITTED  # not shipped yet: waits for finance
                    continue
                order[15] = submitted + timedelta(hours=rng.randint(3, 30))
                order[16] = self.users["finance"]
            else:
                order[15] = submitted + timedelta(minutes=1)  # approved automatically
            order[18] = order[15]
        for order, left in self.unshipped:
            if order[4] in (OrderStatus.APPROVED, OrderStatus.PARTIALLY_SHIPPED):
                self.reserved += left

    def write(self, sink: h.RowSink) -> tuple[Decimal, int]:
        """Hand the rows to the sink; returns the open receivable and the rows written."""
        if self.with_codes:
            self.product_codes(sink)
        sink.extend(Order, (tuple(row) for row in self.orders))
        sink.extend(OrderLine, self.lines)
        sink.extend(Shipment, (tuple(row) for row in self.shipments))
        sink.extend(ShipmentLine, self.shipment_lines)
        receivable = h.ZERO
        rows = []
        for invoice in self.invoices:
            shipment_id, _day = self.invoice_shipment[invoice.pk]
            moment = h.at(invoice.issued, 18)
            status = InvoiceStatus.PAID if invoice.paid >= invoice.amount else InvoiceStatus.OPEN
            receivable += invoice.amount - invoice.paid
            rows.append((invoice.pk, h.doc_number("IV", invoice.issued, invoice.pk),
                         InvoiceKind.INVOICE, self.plan.pk, shipment_id, invoice.issued,
                         invoice.due, invoice.amount, invoice.paid, status, moment, moment))
        sink.extend(Invoice, rows)
        sink.extend(Payment, self.payments)
        sink.extend(PaymentAllocation, self.allocations)
        return receivable, len(self.lines)

    def product_codes(self, sink: h.RowSink) -> None:
        """One code per case on the dealer's two latest shipments (small scale only)."""
        latest = sorted(self.shipments, key=lambda row: (row[5], row[0]))[-2:]
        chosen = {row[0] for row in latest}
        for row in latest:
            row[10] = CodeKind.CASE
        for line_id, shipment_id, _order_line, product_id, qty, _batch, _amount in \
                self.shipment_lines:
            if shipment_id not in chosen:
                continue
            multiple = self.products[product_id].multiple
            for n in range(qty // multiple):
                sink.add(ProductCode, (f"QD{line_id:09d}{n + 1:05d}", CodeKind.CASE, multiple,
                                       line_id, product_id, self.plan.pk))


def run(*, scale: str, rng: random.Random, ctx: dict[str, Any]) -> None:
    """Write the trade history of every trading dealer planned by agreements.demo."""
    trade = ctx["trade"]
    window: h.Window = trade["window"]
    users = ctx.get("users", {})

    def user_id(name: str) -> int | None:
        user = users.get(name) or ctx["admin"]
        return user.pk

    user_ids = {name: user_id(name) for name in ("admin", "finance", "dealer_admin")}
    territory_column = _has_field(Order, "delivery_territory")
    ids = ctx.setdefault("trade_ids", h.Ids())
    sink = h.RowSink([
        (Order, ORDER_COLUMNS + (["delivery_territory_id"] if territory_column else [])),
        (OrderLine, LINE_COLUMNS), (Shipment, SHIPMENT_COLUMNS),
        (ShipmentLine, SHIPMENT_LINE_COLUMNS), (ProductCode, CODE_COLUMNS),
        (Invoice, INVOICE_COLUMNS), (Payment, finance_demo.PAYMENT_COLUMNS),
        (PaymentAllocation, ["id", "payment_id", "invoice_id", "amount"]),
        (DepositEntry, finance_demo.DEPOSIT_COLUMNS), (CreditAccount, finance_demo.CREDIT_COLUMNS),
    ])
    salt = rng.getrandbits(64)
    plans: list[h.DealerPlan] = trade["plans"]
    bar = h.progress(len(plans), "orders", "dealer", enabled=scale == "large")
    lines = 0
    now = timezone.now()
    for plan in plans:
        # One generator per dealer: the same dealer gets the same history whatever the others.
        dealer_rng = random.Random(f"{salt}:{plan.code}")  # codes, not ids: ids shift
        history = DealerHistory(plan=plan, rng=dealer_rng, window=window,
                                products=trade["products"], ids=ids, users=user_ids,
                                with_codes=scale == "small" and plan.code == PORTAL_CODE,
                                territory_column=territory_column)
        history.run()
        receivable, written = history.write(sink)
        deposits, balance = finance_demo.deposit_entries(
            dealer_rng, plan, today=window.today, ids=ids, recorded_by=user_ids["finance"])
        sink.extend(DepositEntry, deposits)
        active = plan.version_on(window.today) or plan.versions[-1]
        sink.add(CreditAccount, (ids.take(CreditAccount), plan.pk, active.credit_limit,
                                 receivable, history.reserved, balance, now, now))
        lines += written
        bar.update()
        bar.set_postfix(lines=lines, refresh=False)
        sink.maybe_flush()
    bar.close()
    ctx["trade_written"].update(sink.finish())
