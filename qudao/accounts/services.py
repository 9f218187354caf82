"""Writes for people and their API tokens."""

from django.db import transaction
from django.utils import timezone

from qudao.accounts.models import ApiToken, User
from qudao.core import audit
from qudao.core.exceptions import DomainError


class TokenNotFound(DomainError):
    """Not one of the user's tokens (answers 404 through the API)."""

    code = "token_not_found"


@transaction.atomic
def token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create an API token for `user`; returns the token and its key, shown only this once."""
    key = ApiToken.new_key()
    token = ApiToken.objects.create(
        user=user, name=name.strip()[:80] or "API", prefix=key[:10],
        key_hash=ApiToken.hash_key(key),
    )
    audit.record(actor=user, target=token, subject=user, event="token.created",
                 data={"name": token.name, "prefix": token.prefix})
    return token, key


@transaction.atomic
def token_revoke(*, user: User, token_id: int) -> ApiToken:
    """Revoke one of the user's own tokens; it stops working at once."""
    token = ApiToken.objects.select_for_update().filter(user=user, pk=token_id).first()
    if token is None:
        raise TokenNotFound("No such token.")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor=user, target=token, subject=user, event="token.revoked",
                     data={"prefix": token.prefix})
    return token


def token_authenticate(key: str) -> User | None:
    """The active user behind a bearer key, or None."""
    if not key:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=ApiToken.hash_key(key), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    token.mark_used()
    return token.user
