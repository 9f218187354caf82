"""Page numbers for list pages."""

from typing import Any

from django.conf import settings
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import QueryDict


def paginate(request: Any, queryset: Any, per_page: int | None = None) -> Any:
    """The requested page of `queryset` (first page for a bad number, last for one too high)."""
    paginator = Paginator(queryset, per_page or settings.PAGE_SIZE)
    number = request.GET.get("page") or 1
    try:
        return paginator.page(number)
    except PageNotAnInteger:
        return paginator.page(1)
    except EmptyPage:
        return paginator.page(paginator.num_pages)


def query_without_page(request: Any) -> str:
    """The current query string without `page`, for page links and the export link."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def filters_copy(filters: Any) -> Any:
    """A mutable copy of list filters: a request's QueryDict stays one (one value per key)."""
    if filters is None:
        return {}
    if isinstance(filters, QueryDict):
        return filters.copy()
    return dict(filters)
