"""The JSON API: one NinjaAPI, a router per app, session or bearer-token auth."""

from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError
from ninja.security import APIKeyCookie, HttpBearer

from qudao.accounts.services import token_authenticate
from qudao.core.excel import ImportFailed
from qudao.core.exceptions import DomainError, NotAllowed


class BearerToken(HttpBearer):
    """`Authorization: Bearer qd_...` with a token the user created on the tokens page."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class Session(APIKeyCookie):
    """The browser's login session (CSRF-checked for writes)."""

    from django.conf import settings as _settings

    param_name = _settings.SESSION_COOKIE_NAME

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        return user if user is not None and user.is_authenticated else None


api = NinjaAPI(
    title="Qudao API",
    version="1",
    description="Dealer management: territories, dealers, contacts, products and prices, "
                "agreements, orders, shipments, money, stock and product flow.",
    auth=[BearerToken(), Session()],
    urls_namespace="api",
)


@api.exception_handler(ImportFailed)
def import_failed(request: HttpRequest, exc: ImportFailed):
    return api.create_response(
        request,
        {"code": exc.code, "message": exc.message, "errors": [e.as_dict() for e in exc.errors]},
        status=400,
    )


@api.exception_handler(NotAllowed)
def not_allowed(request: HttpRequest, exc: NotAllowed):
    return api.create_response(request, {"code": exc.code, "message": exc.message}, status=403)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError):
    body: dict[str, Any] = {"code": exc.code, "message": exc.message}
    if getattr(exc, "errors", None):
        body["errors"] = exc.errors
    return api.create_response(request, body, status=409)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404):
    return api.create_response(request, {"code": "not_found", "message": _("Not found.")},
                               status=404)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError):
    return api.create_response(
        request, {"code": "unauthenticated", "message": _("Log in or send a valid API token.")},
        status=401)


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError):
    return api.create_response(request, {"code": "invalid", "message": _("Invalid input."),
                                         "errors": exc.errors}, status=422)


def require(request: HttpRequest, perm: str) -> None:
    """Refuse with 403 unless the user's role has `perm`."""
    if not request.user.has_perm(perm):
        raise NotAllowed(_("Your role may not do this."))


def _routers() -> None:
    from qudao.accounts.api import router as accounts_router
    from qudao.agreements.api import router as agreements_router
    from qudao.alerts.api import router as alerts_router
    from qudao.catalog.api import router as catalog_router
    from qudao.dashboard.api import router as dashboard_router
    from qudao.dealers.api import router as dealers_router
    from qudao.evaluation.api import router as evaluation_router
    from qudao.events.api import router as events_router
    from qudao.finance.api import router as finance_router
    from qudao.imports.api import router as imports_router
    from qudao.orders.api import router as orders_router
    from qudao.performance.api import router as performance_router
    from qudao.recruitment.api import router as recruitment_router
    from qudao.retail.api import router as retail_router
    from qudao.service.api import router as service_router
    from qudao.stock.api import router as stock_router
    from qudao.territories.api import router as territories_router
    from qudao.tiers.api import router as tiers_router
    from qudao.visits.api import router as visits_router

    api.add_router("", accounts_router)
    api.add_router("", dashboard_router)
    api.add_router("", territories_router)
    api.add_router("", dealers_router)
    api.add_router("", catalog_router)
    api.add_router("", agreements_router)
    api.add_router("", orders_router)
    api.add_router("", finance_router)
    api.add_router("", stock_router)
    api.add_router("", imports_router)
    api.add_router("", alerts_router)
    api.add_router("", service_router)
    api.add_router("", visits_router)
    api.add_router("", events_router)
    api.add_router("", recruitment_router)
    api.add_router("", evaluation_router)
    api.add_router("", tiers_router)
    api.add_router("", performance_router)
    api.add_router("", retail_router)


_routers()
