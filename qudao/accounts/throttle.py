"""Failed-login throttling: too many failures for a name or an address lock it for a while."""

from django.conf import settings
from django.core.cache import cache


def _keys(username: str, address: str) -> list[str]:
    return [f"login-fail:user:{username.strip().lower()}", f"login-fail:addr:{address}"]


# One address may try several names (an office behind one gateway), so it gets more room.
ADDRESS_FACTOR = 4


def is_locked(*, username: str, address: str) -> bool:
    """True when the name or the address has reached its failure limit within the window."""
    user_key, address_key = _keys(username, address)
    counts = cache.get_many([user_key, address_key])
    limit = settings.LOGIN_FAILURE_LIMIT
    return (counts.get(user_key, 0) >= limit
            or counts.get(address_key, 0) >= limit * ADDRESS_FACTOR)


def failure_record(*, username: str, address: str) -> None:
    for key in _keys(username, address):
        if cache.add(key, 1, timeout=settings.LOGIN_FAILURE_WINDOW_SECONDS):
            continue
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=settings.LOGIN_FAILURE_WINDOW_SECONDS)


def failures_clear(*, username: str, address: str) -> None:
    cache.delete(_keys(username, address)[0])
