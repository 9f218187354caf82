"""API of the needs registry and dealer support: list, record, read, correct, move, group and
confirm needs; common needs with their counts; who supports each dealer. Thin handlers over
qudao.service.needs; a need or a dealer outside the caller's scope is 404. The router is
added to the service router (qudao/service/api.py)."""

import datetime

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate
from pydantic import Field

from qudao.accounts.models import User
from qudao.core.exceptions import NotAllowed
from qudao.dealers.scoping import visible_dealers
from qudao.service import needs
from qudao.service.models import CommonNeed, Need

router = Router(tags=["Dealer needs"])


# -- schemas ----------------------------------------------------------------------------------

class NeedQuery(Schema):
    state: str | None = Field(None, description="open, closed or all (default: open for "
                                                "staff, all for dealers).")
    status: str | None = None
    category: str | None = None
    scope: str | None = Field(None, description="common or individual.")
    benefit: bool | None = None
    owner: int | None = None
    mine: bool | None = None
    dealer: int | None = None
    common_need: int | None = None
    overdue: bool | None = None
    q: str | None = None


class NeedOut(Schema):
    id: int
    number: str | None
    dealer_id: int
    dealer_code: str
    title: str
    category: str
    benefit: bool
    scope: str
    common_need_id: int | None
    channel: str
    raised_by_dealer: bool
    department: str
    owner_id: int | None
    owner_name: str
    status: str
    due_on: datetime.date | None
    overdue: bool
    outcome: str
    decline_reason: str
    confirmed_at: datetime.datetime | None
    created_at: datetime.datetime

    @staticmethod
    def resolve_dealer_code(obj) -> str:
        return obj.dealer.code

    @staticmethod
    def resolve_owner_name(obj) -> str:
        return str(obj.owner or "")

    @staticmethod
    def resolve_overdue(obj) -> bool:
        return obj.is_overdue


class NeedDetailOut(NeedOut):
    description: str
    confirmation_note: str
    common_need_number: str | None
    common_need_title: str | None

    @staticmethod
    def resolve_common_need_number(obj) -> str | None:
        return obj.common_need.number if obj.common_need_id else None

    @staticmethod
    def resolve_common_need_title(obj) -> str | None:
        return obj.common_need.title if obj.common_need_id else None


class NeedIn(Schema):
    dealer_id: int | None = Field(None, description="Staff: the dealer; dealers: omit.")
    title: str = ""
    category: str = Field("", description="product_renewal, new_product, training, "
                                          "conference, marketing, logistics, credit_terms "
                                          "or other.")
    description: str = ""
    benefit: bool | None = Field(None, description="Staff: a benefit need (利益需求); "
                                                   "default from the category.")
    channel: str = Field("", description="Staff: phone, visit, meeting, publication or api "
                                         "(default phone).")
    owner_id: int | None = Field(None, description="Staff: the owner (default: you).")
    department: str = ""
    due_on: datetime.date | None = None


class NeedUpdateIn(Schema):
    title: str | None = None
    description: str | None = None
    category: str | None = None
    benefit: bool | None = None
    department: str | None = None
    owner_id: int | None = Field(None, description="null removes the owner of a need "
                                                   "still only recorded.")
    due_on: datetime.date | None = None


class NeedStatusIn(Schema):
    status: str = Field("", description="under_review, planned (needs due_on), done (needs "
                                        "outcome) or declined (needs reason); done and "
                                        "declined reopen to under_review.")
    note: str = ""
    outcome: str = ""
    reason: str = ""
    due_on: datetime.date | None = None


class AttachIn(Schema):
    common_need_id: int = 0


class ConfirmIn(Schema):
    satisfied: bool = True
    note: str = Field("", description="Required when not satisfied: what is missing.")


class CommonNeedOut(Schema):
    id: int
    number: str | None
    title: str
    category: str
    action: str
    department: str
    owner_id: int | None
    status: str
    due_on: datetime.date | None
    outcome: str
    decline_reason: str
    dealer_count: int
    need_count: int
    created_at: datetime.datetime


class CommonNeedDetailOut(CommonNeedOut):
    description: str
    needs: list[NeedOut] = Field(description="The grouped needs of dealers in your scope.")

    @staticmethod
    def resolve_needs(obj) -> list:
        # The handler sets `visible` to the needs the caller may see.
        return obj.visible


class CommonNeedIn(Schema):
    title: str = ""
    category: str = ""
    description: str = ""
    action: str = ""
    department: str = ""
    owner_id: int | None = Field(None, description="Default: you.")
    due_on: datetime.date | None = None
    need_ids: list[int] = Field([], description="Open needs to group at once.")


class SupportOut(Schema):
    id: int
    dealer_id: int
    dealer_code: str
    user_id: int
    user_name: str
    role: str
    started_on: datetime.date
    ended_on: datetime.date | None
    salary_paid_by_hq: bool
    dealer_superior: str
    trainee_name: str
    trainee_qualified_on: datetime.date | None
    sales_stable: bool
    notes: str

    @staticmethod
    def resolve_dealer_code(obj) -> str:
        return obj.dealer.code

    @staticmethod
    def resolve_user_name(obj) -> str:
        return str(obj.user)


class SupportIn(Schema):
    dealer_id: int = 0
    user_id: int = 0
    role: str = Field("", description="seconded_manager, business_support, trainer or "
                                      "other.")
    started_on: datetime.date | None = None
    salary_paid_by_hq: bool = True
    dealer_superior: str = ""
    trainee_name: str = ""
    notes: str = ""


class SupportQuery(Schema):
    dealer: int | None = None
    active: bool | None = None


# -- handlers ---------------------------------------------------------------------------------

def _check(allowed: bool) -> None:
    if not allowed:
        raise NotAllowed(_("Your role may not do this."))


def _staff(request, perm: str) -> None:
    _check(not request.user.is_dealer_user and request.user.has_perm(perm))


def _need(request, need_id: int) -> Need:
    try:
        return needs.need_get(user=request.user, pk=need_id)
    except Need.DoesNotExist:
        raise Http404 from None


def _owner(owner_id: int | None) -> User | None:
    if owner_id is None:
        return None
    owner = User.objects.filter(pk=owner_id).first()
    if owner is None:
        raise needs.NeedInvalid({"owner_id": _("No user with this id.")})
    return owner


def _common(request, common_need_id: int) -> CommonNeed:
    try:
        common = needs.common_need_get(pk=common_need_id)
    except CommonNeed.DoesNotExist:
        raise Http404 from None
    common.visible = needs.common_need_needs(user=request.user, common_need=common)
    return common


@router.get("/needs", response=list[NeedOut])
@paginate(PageNumberPagination)
def need_list(request, filters: Query[NeedQuery]):
    """Needs in the caller's scope (a dealer: its own), newest first."""
    _check(needs.may_view(request.user))
    return needs.need_list(user=request.user, filters=filters.dict(exclude_none=True))


@router.post("/needs", response={201: NeedDetailOut})
def need_create(request, payload: NeedIn):
    """Register a need: a dealer for itself, staff for a dealer in scope."""
    _check(needs.may_raise(request.user))
    user = request.user
    if user.is_dealer_user:
        dealer = visible_dealers(user).first()
        if dealer is None:
            raise Http404
        need = needs.need_create(actor=user, dealer=dealer, title=payload.title,
                                 category=payload.category, description=payload.description,
                                 channel="api")
    else:
        if payload.dealer_id is None:
            raise needs.NeedInvalid({"dealer_id": _("Say which dealer the need is for.")})
        dealer = visible_dealers(user).filter(pk=payload.dealer_id).first()
        if dealer is None:
            raise Http404
        need = needs.need_create(
            actor=user, dealer=dealer, title=payload.title, category=payload.category,
            description=payload.description, benefit=payload.benefit,
            channel=payload.channel or "api", owner=_owner(payload.owner_id),
            department=payload.department, due_on=payload.due_on)
    return Status(201, _need(request, need.pk))


@router.get("/needs/{need_id}", response=NeedDetailOut)
def need_detail(request, need_id: int):
    _check(needs.may_view(request.user))
    return _need(request, need_id)


@router.patch("/needs/{need_id}", response=NeedDetailOut)
def need_update(request, need_id: int, payload: NeedUpdateIn):
    """Correct a need: only the fields sent change."""
    _staff(request, "service.change_need")
    need = _need(request, need_id)
    values = payload.dict(exclude_unset=True)
    if "owner_id" in values:
        values["owner"] = _owner(values.pop("owner_id"))
    needs.need_update(actor=request.user, need=need, values=values)
    return _need(request, need.pk)


@router.post("/needs/{need_id}/status", response=NeedDetailOut)
def need_status(request, need_id: int, payload: NeedStatusIn):
    _staff(request, "service.change_need")
    need = _need(request, need_id)
    needs.need_status_change(actor=request.user, need=need, to_status=payload.status,
                             note=payload.note, outcome=payload.outcome,
                             reason=payload.reason, due_on=payload.due_on)
    return _need(request, need.pk)


@router.post("/needs/{need_id}/attach", response=NeedDetailOut)
def need_attach(request, need_id: int, payload: AttachIn):
    """Group the need into an open common need; it then follows it."""
    _staff(request, "service.change_need")
    need = _need(request, need_id)
    common = CommonNeed.objects.filter(pk=payload.common_need_id).first()
    if common is None:
        raise Http404
    needs.need_attach(actor=request.user, needs=[need], common_need=common)
    return _need(request, need.pk)


@router.post("/needs/{need_id}/detach", response=NeedDetailOut)
def need_detach(request, need_id: int):
    _staff(request, "service.change_need")
    need = _need(request, need_id)
    needs.need_detach(actor=request.user, need=need)
    return _need(request, need.pk)


@router.post("/needs/{need_id}/confirm", response=NeedDetailOut)
def need_confirm(request, need_id: int, payload: ConfirmIn):
    """The dealer confirms a done need is met, or says what is missing (it reopens)."""
    _check(needs.may_confirm(request.user))
    need = _need(request, need_id)
    needs.need_confirm(actor=request.user, need=need, satisfied=payload.satisfied,
                       note=payload.note)
    return _need(request, need.pk)


@router.get("/common-needs", response=list[CommonNeedOut])
@paginate(PageNumberPagination)
def common_need_list(request, state: str | None = None, status: str | None = None,
                     category: str | None = None):
    """Common needs (company actions) with how many dealers and needs each groups."""
    _staff(request, "service.view_need")
    return needs.common_need_list(filters={"state": state, "status": status,
                                           "category": category})


@router.post("/common-needs", response={201: CommonNeedDetailOut})
def common_need_create(request, payload: CommonNeedIn):
    """Start a common need, grouping open needs in the caller's scope at once."""
    _staff(request, "service.change_need")
    chosen = list(needs.visible_needs(request.user).filter(pk__in=payload.need_ids))
    if len(chosen) != len(set(payload.need_ids)):
        raise Http404
    common = needs.common_need_create(
        actor=request.user, title=payload.title, category=payload.category,
        description=payload.description, action=payload.action,
        department=payload.department, owner=_owner(payload.owner_id), due_on=payload.due_on,
        needs=chosen)
    return Status(201, _common(request, common.pk))


@router.get("/common-needs/{common_need_id}", response=CommonNeedDetailOut)
def common_need_detail(request, common_need_id: int):
    _staff(request, "service.view_need")
    return _common(request, common_need_id)


@router.post("/common-needs/{common_need_id}/status", response=CommonNeedDetailOut)
def common_need_status(request, common_need_id: int, payload: NeedStatusIn):
    """Move a common need; every need grouped in it follows (owner or head office only)."""
    _staff(request, "service.change_need")
    common = _common(request, common_need_id)
    needs.common_need_status_change(actor=request.user, common_need=common,
                                    to_status=payload.status, note=payload.note,
                                    outcome=payload.outcome, reason=payload.reason,
                                    due_on=payload.due_on)
    return _common(request, common.pk)


@router.get("/dealer-supports", response=list[SupportOut])
@paginate(PageNumberPagination)
def support_list(request, filters: Query[SupportQuery]):
    """Who supports the dealers in the caller's scope (seconded managers and others)."""
    _staff(request, "service.view_need")
    return needs.support_list(user=request.user, dealer_id=filters.dealer,
                              active=filters.active)


@router.post("/dealer-supports", response={201: SupportOut})
def support_create(request, payload: SupportIn):
    _staff(request, "service.change_need")
    dealer = visible_dealers(request.user).filter(pk=payload.dealer_id).first()
    if dealer is None:
        raise Http404
    user = User.objects.filter(pk=payload.user_id).first()
    support = needs.support_add(
        actor=request.user, dealer=dealer, user=user, role=payload.role,
        started_on=payload.started_on, salary_paid_by_hq=payload.salary_paid_by_hq,
        dealer_superior=payload.dealer_superior, trainee_name=payload.trainee_name,
        notes=payload.notes)
    return Status(201, needs.support_get(user=request.user, pk=support.pk))

