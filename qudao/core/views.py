"""Page pieces every app's lists share."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from qudao.core.excel import Column, ImportFailed, template_response
from qudao.core.pagination import query_without_page


def list_render(request: HttpRequest, context: dict[str, Any], *, template: str,
                partial: str) -> HttpResponse:
    """A list page, or only its results table when HTMX asks for #results (the filters and
    the pager swap the table, not the page)."""
    context.setdefault("query", query_without_page(request))
    if request.htmx and request.htmx.target == "results":
        return render(request, partial, context)
    return render(request, template, context)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))


def import_page(
    request: HttpRequest, *, run: Callable[..., int], columns: list[Column], template: str,
    template_filename: str, done_message: str, done_url: str, active_nav: str,
) -> HttpResponse:
    """An Excel import page: the template to download, the upload, and every error on failure.

    `run(actor=..., upload=...)` saves all rows or raises ImportFailed; `done_message` takes
    the number of rows created as %(n)d.
    """
    if request.GET.get("template"):
        return template_response(filename=template_filename, columns=columns)
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[Any] = []
    if request.method == "POST" and form.is_valid():
        try:
            created = run(actor=request.user, upload=form.files["file"])
        except ImportFailed as exc:
            errors = exc.errors
            messages.error(request, exc.message)
        else:
            messages.success(request, done_message % {"n": created})
            return redirect(done_url)
    return render(request, template, {"form": form, "errors": errors, "active_nav": active_nav})
