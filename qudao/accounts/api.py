"""The current user and his API tokens."""

from datetime import datetime

from django.http import Http404
from ninja import Router, Schema, Status

from qudao.accounts import services

router = Router(tags=["accounts"])


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    role: str
    dealer_id: int | None
    permissions: list[str]

    @staticmethod
    def resolve_permissions(obj) -> list[str]:
        return sorted(obj.get_all_permissions())


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreatedOut(TokenOut):
    key: str


class TokenIn(Schema):
    name: str


@router.get("/me", response=MeOut)
def me(request):
    return request.user


@router.get("/tokens", response=list[TokenOut])
def token_list(request):
    return request.user.api_tokens.all()


@router.post("/tokens", response={201: TokenCreatedOut})
def token_create(request, payload: TokenIn):
    token, key = services.token_create(user=request.user, name=payload.name)
    token.key = key
    return Status(201, token)


@router.delete("/tokens/{token_id}", response={204: None})
def token_revoke(request, token_id: int):
    try:
        services.token_revoke(user=request.user, token_id=token_id)
    except services.TokenNotFound:
        raise Http404 from None
    return Status(204, None)
