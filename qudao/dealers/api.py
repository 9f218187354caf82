"""Dealers, their contacts, lifecycle and history over the API; every query is scoped."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Status, UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from qudao.api import require
from qudao.dealers import importer, queries, services
from qudao.dealers.exceptions import DealerInvalid
from qudao.dealers.models import Contact, Dealer
from qudao.dealers.schemas import (
    ContactIn,
    ContactOut,
    ContactPatch,
    DealerDetailOut,
    DealerIn,
    DealerOut,
    DealerPatch,
    DealerQuery,
    HistoryOut,
    ImportOut,
    StatusChangeIn,
    StatusChangeOut,
)
from qudao.dealers.scoping import visible_dealers

router = Router(tags=["dealers"])


def _resolve(payload: dict) -> dict:
    """Turn *_id fields into rows; an unknown id is a field error, not a 500."""
    values = dict(payload)
    errors: dict[str, str] = {}
    found = queries.dealer_references(territory_id=values.get("territory_id"),
                                      parent_id=values.get("parent_id"),
                                      rep_id=values.get("assigned_rep_id"))
    for key, field, message in (("territory_id", "territory", _("Unknown region.")),
                                ("parent_id", "parent", _("Unknown parent dealer.")),
                                ("assigned_rep_id", "assigned_rep", _("Unknown user."))):
        if key in values:
            given = values.pop(key)
            values[field] = found[field]
            if given is not None and found[field] is None:
                errors[field] = message
    if errors:
        raise DealerInvalid(errors)
    return values


def _visible(request, dealer_id: int) -> Dealer:
    return get_object_or_404(visible_dealers(request.user), pk=dealer_id)


@router.get("/dealers", response=list[DealerOut])
@paginate(PageNumberPagination)
def dealer_list(request, filters: Query[DealerQuery]):
    require(request, "dealers.view_dealer")
    return queries.dealer_list(user=request.user, filters=filters.dict(exclude_none=True))


@router.post("/dealers", response={201: DealerDetailOut})
def dealer_create(request, payload: DealerIn):
    require(request, "dealers.add_dealer")
    data = payload.dict()
    tags = data.pop("tags", None)
    dealer = services.dealer_create(actor=request.user, values=_resolve(data), tags=tags)
    return Status(201, queries.dealer_get(user=request.user, pk=dealer.pk))


@router.post("/dealers/import", response={201: ImportOut})
def dealer_import(request, file: File[UploadedFile]):
    require(request, "dealers.import_dealer")
    created = importer.dealers_import(actor=request.user, upload=file)
    return Status(201, {"created": created})


@router.get("/dealers/{dealer_id}", response=DealerDetailOut)
def dealer_detail(request, dealer_id: int):
    require(request, "dealers.view_dealer")
    _visible(request, dealer_id)
    return queries.dealer_get(user=request.user, pk=dealer_id)


@router.patch("/dealers/{dealer_id}", response=DealerDetailOut)
def dealer_update(request, dealer_id: int, payload: DealerPatch):
    require(request, "dealers.change_dealer")
    dealer = _visible(request, dealer_id)
    data = payload.dict(exclude_unset=True)
    tags = data.pop("tags", None)
    services.dealer_update(actor=request.user, dealer=dealer, values=_resolve(data), tags=tags)
    return queries.dealer_get(user=request.user, pk=dealer_id)


@router.get("/dealers/{dealer_id}/children", response=list[DealerOut])
@paginate(PageNumberPagination)
def dealer_children(request, dealer_id: int):
    require(request, "dealers.view_dealer")
    return queries.dealer_children(user=request.user, dealer=_visible(request, dealer_id))


@router.post("/dealers/{dealer_id}/status", response=StatusChangeOut)
def dealer_status_change(request, dealer_id: int, payload: StatusChangeIn):
    require(request, "dealers.change_status")
    dealer = services.dealer_status_change(
        actor=request.user,
        dealer=_visible(request, dealer_id),
        to_status=payload.to_status,
        reason=payload.reason,
        exit_reason=payload.exit_reason,
    )
    return dealer.status_changes.first()


@router.get("/dealers/{dealer_id}/status-changes", response=list[StatusChangeOut])
@paginate(PageNumberPagination)
def dealer_status_changes(request, dealer_id: int):
    require(request, "dealers.view_dealer")
    return _visible(request, dealer_id).status_changes.all()


@router.get("/dealers/{dealer_id}/history", response=list[HistoryOut])
@paginate(PageNumberPagination)
def dealer_history(request, dealer_id: int):
    require(request, "dealers.view_dealer")
    return queries.dealer_history(dealer=_visible(request, dealer_id))


@router.get("/dealers/{dealer_id}/contacts", response=list[ContactOut])
@paginate(PageNumberPagination)
def contact_list(request, dealer_id: int):
    require(request, "dealers.view_contact")
    return _visible(request, dealer_id).contacts.all()


@router.post("/dealers/{dealer_id}/contacts", response={201: ContactOut})
def contact_create(request, dealer_id: int, payload: ContactIn):
    require(request, "dealers.add_contact")
    dealer = _visible(request, dealer_id)
    return Status(
        201, services.contact_create(actor=request.user, dealer=dealer, values=payload.dict())
    )


def _contact(request, contact_id: int) -> Contact:
    return queries.contact_get(user=request.user, pk=contact_id)


@router.get("/contacts/{contact_id}", response=ContactOut)
def contact_detail(request, contact_id: int):
    require(request, "dealers.view_contact")
    return _contact(request, contact_id)


@router.patch("/contacts/{contact_id}", response=ContactOut)
def contact_update(request, contact_id: int, payload: ContactPatch):
    require(request, "dealers.change_contact")
    return services.contact_update(
        actor=request.user,
        contact=_contact(request, contact_id),
        values=payload.dict(exclude_unset=True),
    )


@router.delete("/contacts/{contact_id}", response={204: None})
def contact_delete(request, contact_id: int):
    require(request, "dealers.delete_contact")
    services.contact_delete(actor=request.user, contact=_contact(request, contact_id))
    return Status(204, None)
