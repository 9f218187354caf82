"""API of agreements: thin handlers over queries and services; every query is scoped."""

from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import PageNumberPagination, paginate

from qudao.agreements import queries, services
from qudao.agreements.exceptions import AgreementInvalid, AgreementTransitionInvalid
from qudao.agreements.models import Agreement
from qudao.agreements.schemas import (
    AgreementDetailOut,
    AgreementIn,
    AgreementOut,
    AgreementPatch,
    AgreementQuery,
    AttachmentOut,
    RenewIn,
    TargetsIn,
    TargetsOut,
    TransitionIn,
)
from qudao.api import require
from qudao.dealers.scoping import visible_dealers

router = Router(tags=["Agreements"])

ACTIONS = ("submit", "approve", "return", "sign", "activate", "terminate")


def _get(request, agreement_id: int) -> Agreement:
    return queries.agreement_get(user=request.user, pk=agreement_id)


def _scope_ids(data: dict) -> dict:
    return {name: data.pop(name, None)
            for name in ("territory_ids", "category_ids", "product_ids")}


@router.get("/agreements", response=list[AgreementOut])
@paginate(PageNumberPagination)
def agreement_list(request, filters: Query[AgreementQuery]):
    require(request, "agreements.view_agreement")
    return queries.agreement_list(user=request.user, filters=filters.dict(exclude_none=True))


@router.post("/agreements", response={201: AgreementDetailOut})
def agreement_create(request, payload: AgreementIn):
    require(request, "agreements.add_agreement")
    data = payload.dict(exclude_unset=True)
    data.update(start_date=payload.start_date, end_date=payload.end_date)
    dealer_id = data.pop("dealer_id", payload.dealer_id)
    dealer = visible_dealers(request.user).filter(pk=dealer_id).first()
    if dealer is None:
        raise AgreementInvalid({"dealer": _("Unknown dealer, or outside your scope.")})
    scope = _scope_ids(data)
    agreement = services.agreement_create(
        actor=request.user, dealer=dealer, values=data,
        territory_ids=scope["territory_ids"] or [], category_ids=scope["category_ids"] or [],
        product_ids=scope["product_ids"] or [])
    return Status(201, _get(request, agreement.pk))


@router.get("/agreements/{agreement_id}", response=AgreementDetailOut)
def agreement_detail(request, agreement_id: int):
    require(request, "agreements.view_agreement")
    return _get(request, agreement_id)


@router.patch("/agreements/{agreement_id}", response=AgreementDetailOut)
def agreement_update(request, agreement_id: int, payload: AgreementPatch):
    require(request, "agreements.change_agreement")
    agreement = _get(request, agreement_id)
    data = payload.dict(exclude_unset=True)
    scope = _scope_ids(data)
    services.agreement_update(actor=request.user, agreement=agreement, values=data, **scope)
    return _get(request, agreement_id)


@router.post("/agreements/{agreement_id}/transition", response=AgreementDetailOut)
def agreement_transition(request, agreement_id: int, payload: TransitionIn):
    """Move the agreement along its lifecycle; each action checks its own permission."""
    require(request, "agreements.view_agreement")
    agreement = _get(request, agreement_id)
    actor, action = request.user, payload.action
    if action == "submit":
        services.agreement_submit(actor=actor, agreement=agreement)
    elif action == "approve":
        services.agreement_approve(actor=actor, agreement=agreement)
    elif action == "return":
        services.agreement_return(actor=actor, agreement=agreement, reason=payload.reason)
    elif action == "sign":
        services.agreement_sign(actor=actor, agreement=agreement, signed_on=payload.signed_on)
    elif action == "activate":
        services.agreement_activate(actor=actor, agreement=agreement)
    elif action == "terminate":
        services.agreement_terminate(actor=actor, agreement=agreement, reason=payload.reason)
    else:
        raise AgreementTransitionInvalid(_("Unknown action %(action)s; use one of %(all)s.")
                                         % {"action": action or "—", "all": ", ".join(ACTIONS)})
    return _get(request, agreement_id)


@router.post("/agreements/{agreement_id}/renew", response={201: AgreementDetailOut})
def agreement_renew(request, agreement_id: int, payload: RenewIn):
    require(request, "agreements.add_agreement")
    renewal = services.agreement_renew(actor=request.user, agreement=_get(request, agreement_id),
                                       start_date=payload.start_date, end_date=payload.end_date)
    return Status(201, _get(request, renewal.pk))


def _targets(agreement: Agreement) -> dict:
    return {"agreement_id": agreement.pk, "dealer_id": agreement.dealer_id,
            "annual_target": agreement.annual_target, "months": list(agreement.targets.all())}


@router.get("/agreements/{agreement_id}/targets", response=TargetsOut)
def agreement_targets(request, agreement_id: int):
    require(request, "agreements.view_agreement")
    return _targets(_get(request, agreement_id))


@router.put("/agreements/{agreement_id}/targets", response=TargetsOut)
def agreement_targets_set(request, agreement_id: int, payload: TargetsIn):
    require(request, "agreements.change_agreement")
    agreement = _get(request, agreement_id)
    months = {}
    for row in payload.months:
        if row.month.replace(day=1) in months:
            raise AgreementInvalid({f"{row.month:%Y-%m}": _("%(month)s is given twice.")
                                    % {"month": f"{row.month:%Y-%m}"}})
        months[row.month.replace(day=1)] = row.amount
    services.agreement_targets_set(actor=request.user, agreement=agreement, months=months)
    return _targets(_get(request, agreement_id))


@router.get("/agreements/{agreement_id}/attachments", response=list[AttachmentOut])
@paginate(PageNumberPagination)
def agreement_attachments(request, agreement_id: int):
    require(request, "agreements.view_agreement")
    return _get(request, agreement_id).attachments.select_related("agreement")
