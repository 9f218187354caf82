"""API of finance: thin handlers over queries and services, every read scoped."""

from datetime import date, timedelta

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import PageNumberPagination, paginate

from qudao.api import require
from qudao.dealers.models import Dealer
from qudao.dealers.scoping import visible_dealers
from qudao.finance import queries, services
from qudao.finance.choices import AGING_BUCKETS, DepositKind
from qudao.finance.exceptions import DepositInvalid
from qudao.finance.schemas import (
    AgingOut,
    AgingQuery,
    CreditAccountOut,
    CreditLimitIn,
    CreditQuery,
    DepositEntryOut,
    DepositIn,
    InvoiceDetailOut,
    InvoiceOut,
    InvoiceQuery,
    PaymentDetailOut,
    PaymentIn,
    PaymentOut,
    PaymentQuery,
    StatementOut,
    StatementQuery,
    VoidIn,
)

router = Router(tags=["Finance"])
VIEW = "finance.view_finance"


def _visible(request, dealer_id: int) -> Dealer:
    return get_object_or_404(visible_dealers(request.user), pk=dealer_id)


@router.get("/credit-accounts", response=list[CreditAccountOut])
@paginate(PageNumberPagination)
def credit_account_list(request, filters: Query[CreditQuery]):
    require(request, VIEW)
    return queries.credit_status_list(user=request.user,
                                      filters=filters.dict(exclude_none=True))


@router.get("/credit-accounts/{dealer_id}", response=CreditAccountOut)
def credit_account_detail(request, dealer_id: int):
    require(request, VIEW)
    return queries.credit_status_get(user=request.user, dealer=_visible(request, dealer_id))


@router.patch("/credit-accounts/{dealer_id}", response=CreditAccountOut)
def credit_account_update(request, dealer_id: int, payload: CreditLimitIn):
    require(request, "finance.change_credit")
    dealer = _visible(request, dealer_id)
    services.credit_limit_adjust(actor=request.user, dealer=dealer, limit=payload.limit,
                                 reason=payload.reason)
    return queries.credit_status_get(user=request.user, dealer=dealer)


@router.get("/invoices", response=list[InvoiceOut])
@paginate(PageNumberPagination)
def invoice_list(request, filters: Query[InvoiceQuery]):
    require(request, VIEW)
    return queries.invoice_list(user=request.user, filters=filters.dict(exclude_none=True))


@router.get("/invoices/{invoice_id}", response=InvoiceDetailOut)
def invoice_detail(request, invoice_id: int):
    require(request, VIEW)
    return queries.invoice_get(user=request.user, pk=invoice_id)


@router.get("/payments", response=list[PaymentOut])
@paginate(PageNumberPagination)
def payment_list(request, filters: Query[PaymentQuery]):
    require(request, VIEW)
    return queries.payment_list(user=request.user, filters=filters.dict(exclude_none=True))


@router.post("/payments", response={201: PaymentDetailOut})
def payment_create(request, payload: PaymentIn):
    require(request, "finance.add_payment")
    dealer = _visible(request, payload.dealer_id)
    allocations = (None if payload.allocations is None else
                   [(a.invoice_id, a.amount) for a in payload.allocations])
    payment = services.payment_record(
        actor=request.user, dealer=dealer, amount=payload.amount,
        received_on=payload.received_on, method=payload.method, reference=payload.reference,
        allocations=allocations, external_ref=payload.external_ref, note=payload.note)
    return Status(201, queries.payment_get(user=request.user, pk=payment.pk))


@router.get("/payments/{payment_id}", response=PaymentDetailOut)
def payment_detail(request, payment_id: int):
    require(request, VIEW)
    return queries.payment_get(user=request.user, pk=payment_id)


@router.post("/payments/{payment_id}/void", response=PaymentDetailOut)
def payment_void(request, payment_id: int, payload: VoidIn):
    require(request, "finance.add_payment")
    payment = queries.payment_get(user=request.user, pk=payment_id)
    services.payment_void(actor=request.user, payment=payment, reason=payload.reason)
    return queries.payment_get(user=request.user, pk=payment_id)


def _bucket_row(row: dict) -> dict:
    return {"buckets": {key: row[key] for key, *_rest in AGING_BUCKETS},
            "credits": row["credits"], "total": row["total"]}


@router.get("/aging", response=AgingOut)
def aging(request, params: Query[AgingQuery]):
    require(request, VIEW)
    report = queries.aging(user=request.user, as_of=params.as_of,
                           filters=params.dict(include={"q", "region"}, exclude_none=True))
    page = Paginator(report["rows"], params.page_size).get_page(params.page)
    items = [{"dealer_id": row["dealer_id"], "dealer_code": row["dealer__code"],
              "dealer_name": row["dealer__name"], **_bucket_row(row)} for row in page]
    return {"as_of": report["as_of"], "count": page.paginator.count, "items": items,
            "totals": _bucket_row(report["totals"])}


@router.get("/dealers/{dealer_id}/statement", response=StatementOut)
def dealer_statement(request, dealer_id: int, params: Query[StatementQuery]):
    require(request, VIEW)
    dealer = _visible(request, dealer_id)
    date_to = params.date_to or timezone.localdate()
    date_from = params.date_from or (date_to - timedelta(days=90))
    report = queries.statement(user=request.user, dealer=dealer, date_from=date_from,
                               date_to=date_to)
    page = Paginator(report["entries"], params.page_size).get_page(params.page)
    return {"dealer_id": dealer.pk, "date_from": date_from, "date_to": date_to,
            "opening_balance": report["opening_balance"],
            "closing_balance": report["closing_balance"],
            "total_debit": report["total_debit"], "total_credit": report["total_credit"],
            "count": page.paginator.count, "items": list(page)}


@router.get("/dealers/{dealer_id}/deposits", response=list[DepositEntryOut])
@paginate(PageNumberPagination)
def deposit_list(request, dealer_id: int):
    require(request, VIEW)
    return queries.deposit_ledger(user=request.user, dealer=_visible(request, dealer_id))


DEPOSIT_MOVES = {DepositKind.RECEIVED: services.deposit_receive,
                 DepositKind.DEDUCTED: services.deposit_deduct,
                 DepositKind.REFUNDED: services.deposit_refund}


@router.post("/dealers/{dealer_id}/deposits", response={201: DepositEntryOut})
def deposit_create(request, dealer_id: int, payload: DepositIn):
    require(request, "finance.change_deposit")
    dealer = _visible(request, dealer_id)
    move = DEPOSIT_MOVES.get(payload.kind)
    if move is None:
        raise DepositInvalid(_("Say what the deposit movement is: received, deducted or "
                               "refunded."), {"kind": _("Choose a kind.")})
    if payload.amount is None:
        raise DepositInvalid(_("Give the amount."), {"amount": _("This field is required.")})
    occurred_on: date | None = payload.occurred_on
    entry = move(actor=request.user, dealer=dealer, amount=payload.amount,
                 reason=payload.reason, occurred_on=occurred_on)
    return Status(201, entry)
