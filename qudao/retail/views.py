"""Retailer pages: the retailer list with its export, a retailer's page (qualification,
commitments, entitlements, certificate, audits, negotiations), its store profile and
negotiation log, the audit form (made for a phone), the audit list and an audit's page.
Registration is in registration_views.py, configuration and reports in config_views.py."""

import mimetypes
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qudao.core.excel import export_response
from qudao.core.exceptions import DomainError
from qudao.core.pagination import paginate
from qudao.core.views import list_render
from qudao.dealers.choices import DealerStatus
from qudao.dealers.models import Dealer
from qudao.retail import excel, queries, services
from qudao.retail.choices import CertificateState
from qudao.retail.filters import AuditFilter, RetailerFilter
from qudao.retail.forms import AuditForm, NegotiationForm, ProfileForm, region_choices
from qudao.retail.models import StoreAudit

NAV = "retail"
EXPORT_LIMIT = 100_000
LOW_SCORE = 70


def _retailer(request, pk: int) -> Dealer:
    try:
        return queries.retailer_get(user=request.user, pk=pk)
    except Dealer.DoesNotExist:
        raise Http404 from None


def _audit(request, pk: int) -> StoreAudit:
    try:
        return queries.audit_get(user=request.user, pk=pk)
    except StoreAudit.DoesNotExist:
        raise Http404 from None


def form_errors(form: Any, exc: DomainError) -> None:
    """A service's errors on the form: on the field they name, else above the form."""
    errors = getattr(exc, "errors", None) or {}
    if not errors:
        form.add_error(None, exc.message)
    for name, why in errors.items():
        form.add_error(name if name in form.fields else None, why)


def _parents(user: Any) -> list[tuple[str, str]]:
    """Dealers supplying stores, of the user's scope (the parent filter's choices)."""
    from qudao.dealers.scoping import visible_dealers

    parents = (visible_dealers(user).filter(children__channel_level__in=("terminal",
                                                                         "key_account"))
               .distinct().order_by("code").values_list("pk", "code", "name")[:300])
    return [(str(pk), f"{code} · {name}") for pk, code, name in parents]


# -- retailers ------------------------------------------------------------------------------

@login_required
@permission_required("retail.view_retailer", raise_exception=True)
def retailer_list(request):
    """Retail stores of the user's scope with their certificate and latest audit; filters
    by type, grade, region, supplying dealer, certificate state and audit score (HTMX swaps
    the table)."""
    page = paginate(request, queries.retailer_list(user=request.user, filters=request.GET))
    for store in page.object_list:
        store.cert_state = queries.certificate_state(store.cert_until)
        store.cert_state_label = CertificateState(store.cert_state).label
    context = {
        "page": page,
        "filter_form": RetailerFilter(request.GET or None, queryset=Dealer.objects.none()).form,
        "regions": region_choices(request.user), "parents": _parents(request.user),
        "low_score": LOW_SCORE, "active_nav": NAV,
        "expiring": queries.expiring_count(user=request.user),
    }
    return list_render(request, context, template="retail/retailer_list.html",
                       partial="retail/_retailer_results.html")


@login_required
@permission_required("retail.export_retailer", raise_exception=True)
def retailer_export(request):
    """The retailer list as Excel, with the page's filters."""
    stores = queries.retailer_list(user=request.user, filters=request.GET)[:EXPORT_LIMIT]
    return export_response(filename="retailers", columns=excel.RETAILER_COLUMNS,
                           rows=(excel.retailer_row(s) for s in stores.iterator(chunk_size=500)))


@login_required
@permission_required("retail.view_retailer", raise_exception=True)
def retailer_detail(request, pk: int):
    """A store: qualification against its type and grade, commitments this month and last,
    support entitlements, certificate, audits, negotiations and applications."""
    retailer = _retailer(request, pk)
    context = queries.retailer_page(user=request.user, retailer=retailer)
    profile = context["profile"]
    context.update({
        "profile_form": ProfileForm(initial={
            "store_area": profile.store_area if profile else None,
            "management_rating": profile.management_rating if profile else None}),
        "negotiation_form": NegotiationForm(),
        "can_work": (request.user.has_perm("retail.change_retailer")
                     and not request.user.is_dealer_user),
        "can_audit": (request.user.has_perm("retail.audit_store")
                      and not request.user.is_dealer_user
                      and retailer.status != DealerStatus.TERMINATED),
        "active_nav": NAV,
    })
    return render(request, "retail/retailer_detail.html", context)


@login_required
@require_POST
@permission_required("retail.change_retailer", raise_exception=True)
def profile_edit(request, pk: int):
    retailer = _retailer(request, pk)
    form = ProfileForm(request.POST)
    if form.is_valid():
        try:
            services.profile_save(actor=request.user, retailer=retailer,
                                  store_area=form.cleaned_data["store_area"],
                                  management_rating=form.cleaned_data["management_rating"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Store profile saved."))
    else:
        messages.error(request, _("Check the store area and the management rating."))
    return redirect("retail:retailer_detail", pk=retailer.pk)


@login_required
@permission_required("retail.change_retailer", raise_exception=True)
def negotiation_add(request, pk: int):
    """Log a round of store-entry negotiation (the form sits on the store's page)."""
    retailer = _retailer(request, pk)
    form = NegotiationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.negotiation_add(actor=request.user, retailer=retailer,
                                     values=form.cleaned_data)
        except DomainError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Negotiation round logged."))
            return redirect("retail:retailer_detail", pk=retailer.pk)
    return render(request, "retail/negotiation_form.html",
                  {"retailer": retailer, "form": form, "active_nav": NAV})


# -- audits ---------------------------------------------------------------------------------

@login_required
@permission_required("retail.audit_store", raise_exception=True)
def audit_add(request, pk: int):
    """Audit a store on the checklist in use, on a phone: a score per item, findings,
    counterfeits, photos from the camera."""
    retailer = _retailer(request, pk)
    if request.user.is_dealer_user:
        raise Http404
    items = queries.checklist()
    form = AuditForm(request.POST or None, request.FILES or None, items=items)
    if request.method == "POST" and form.is_valid():
        try:
            store_audit = services.audit_create(
                actor=request.user, retailer=retailer,
                audited_on=form.cleaned_data["audited_on"], scores=form.scores(),
                notes=form.cleaned_data["notes"],
                counterfeit_found=form.cleaned_data["counterfeit_found"],
                photos=form.cleaned_data["photos"])
        except DomainError as exc:
            if exc.code == "retail_photo_invalid":
                form.add_error("photos", exc.message)
            else:
                form_errors(form, exc)
        else:
            messages.success(request, _("Audit saved: %(score)s points of 100.")
                             % {"score": store_audit.total_score})
            return redirect("retail:audit_detail", pk=store_audit.pk)
    return render(request, "retail/audit_form.html",
                  {"retailer": retailer, "form": form, "items": items, "active_nav": NAV})


@login_required
@permission_required("retail.view_retailer", raise_exception=True)
def audit_list(request):
    """Store audits of the user's scope, filtered (by score: the stores below a threshold)."""
    page = paginate(request, queries.audit_list(user=request.user, filters=request.GET))
    context = {
        "page": page,
        "filter_form": AuditFilter(request.GET or None,
                                   queryset=StoreAudit.objects.none()).form,
        "regions": region_choices(request.user), "active_nav": NAV,
    }
    return list_render(request, context, template="retail/audit_list.html",
                       partial="retail/_audit_results.html")


@login_required
@permission_required("retail.export_retailer", raise_exception=True)
def audit_export(request):
    audits = queries.audit_list(user=request.user, filters=request.GET)[:EXPORT_LIMIT]
    return export_response(filename="store-audits", columns=excel.AUDIT_COLUMNS,
                           rows=(excel.audit_row(a) for a in audits.iterator(chunk_size=500)))


@login_required
@permission_required("retail.view_retailer", raise_exception=True)
def audit_detail(request, pk: int):
    store_audit = _audit(request, pk)
    return render(request, "retail/audit_detail.html",
                  {"audit": store_audit, "scores": list(store_audit.scores.all()),
                   "photos": list(store_audit.photos.all()), "active_nav": NAV})


@login_required
@permission_required("retail.view_retailer", raise_exception=True)
def audit_photo(request, pk: int, photo_pk: int):
    """A photo of an audit the user may see (never served from a public address)."""
    store_audit = _audit(request, pk)
    photo = store_audit.photos.filter(pk=photo_pk).first()
    if photo is None:
        raise Http404
    try:
        handle = photo.image.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    kind = mimetypes.guess_type(photo.image.name)[0] or "application/octet-stream"
    return FileResponse(handle, content_type=kind, filename=photo.name)
