"""Dealer pages: list with search, filters, export and import; detail; create and edit."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qudao.core.excel import export_response
from qudao.core.exceptions import DomainError
from qudao.core.pagination import paginate, query_without_page
from qudao.core.views import import_page, list_render
from qudao.dealers import importer, panels, queries, services
from qudao.dealers.exceptions import DealerInvalid
from qudao.dealers.filters import DealerFilter
from qudao.dealers.forms import ContactForm, DealerForm, StatusChangeForm
from qudao.dealers.models import Contact, Dealer
from qudao.dealers.scoping import visible_staff, visible_territories

CHILDREN_SHOWN = 20
HISTORY_SHOWN = 30


def _get(request, pk: int) -> Dealer:
    try:
        return queries.dealer_get(user=request.user, pk=pk)
    except Dealer.DoesNotExist:
        raise Http404 from None


@login_required
@permission_required("dealers.view_dealer", raise_exception=True)
def dealer_list(request):
    """Dealers in the user's scope: search, filter, sort, paginate; HTMX swaps the table."""
    if request.user.is_dealer_user and request.user.dealer_id:
        return redirect("dealers:dealer_detail", pk=request.user.dealer_id)
    dealers = queries.dealer_list(user=request.user, filters=request.GET)
    page = paginate(request, dealers)
    form = DealerFilter(request.GET or None, queryset=Dealer.objects.none()).form
    context = {
        "page": page, "filter_form": form, "query": query_without_page(request),
        "territories": visible_territories(request.user).filter(depth__lte=2).order_by("path"),
        "reps": visible_staff(request.user).order_by("username"),
        "active_nav": "dealers",
    }
    return list_render(request, context, template="dealers/dealer_list.html",
                       partial="dealers/_results.html")


@login_required
@permission_required("dealers.export_dealer", raise_exception=True)
def dealer_export(request):
    """The list as Excel, with the same filters and order as the page."""
    dealers = (queries.dealer_list(user=request.user, filters=request.GET)
               .select_related("parent", "assigned_rep", "territory").prefetch_related("tags"))
    rows = (importer.export_row(d) for d in dealers.iterator(chunk_size=2000))
    return export_response(filename="dealers", columns=importer.COLUMNS, rows=rows)


@login_required
@permission_required("dealers.import_dealer", raise_exception=True)
def dealer_import(request):
    """Upload an Excel sheet of new dealers; all rows are saved, or none with every error shown."""
    return import_page(
        request, run=importer.dealers_import, columns=importer.COLUMNS,
        template="dealers/dealer_import.html", template_filename="dealers-template",
        done_message=_("%(n)d dealers imported."), done_url="dealers:dealer_list",
        active_nav="dealers",
    )


@login_required
@permission_required("dealers.view_dealer", raise_exception=True)
def dealer_detail(request, pk: int):
    """Profile, network position (parent and children), contacts, lifecycle and history."""
    dealer = _get(request, pk)
    children = queries.dealer_children(user=request.user, dealer=dealer)
    child_counts = dict(children.order_by().values_list("channel_level").annotate(n=Count("id")))
    context = {
        "dealer": dealer,
        "children": children[:CHILDREN_SHOWN],
        "children_total": sum(child_counts.values()),
        "child_counts": child_counts,
        "contacts": dealer.contacts.all(),
        "status_changes": dealer.status_changes.select_related("changed_by")[:10],
        "history": queries.dealer_history(dealer=dealer)[:HISTORY_SHOWN],
        "status_form": StatusChangeForm(dealer=dealer),
        "can_edit": request.user.has_perm("dealers.change_dealer"),
        "can_change_status": request.user.has_perm("dealers.change_status"),
        "can_edit_contacts": request.user.has_perm("dealers.change_contact"),
        "panels": panels.panels_for(request.user),
        "active_nav": "dealers",
    }
    return render(request, "dealers/dealer_detail.html", context)


@login_required
@permission_required("dealers.view_dealer", raise_exception=True)
def dealer_panel(request, pk: int, name: str):
    """One panel of the dealer page (loaded by the page with HTMX)."""
    dealer = _get(request, pk)
    panel = panels.PANELS.get(name)
    if panel is None or not request.user.has_perm(panel.perm):
        raise Http404
    context = panel.context(user=request.user, dealer=dealer)
    context.setdefault("dealer", dealer)
    return render(request, panel.template, context)


def _save_dealer(request, form: DealerForm, dealer: Dealer | None):
    try:
        if dealer is None:
            return services.dealer_create(actor=request.user, values=form.service_values(),
                                          tags=form.tag_list())
        return services.dealer_update(actor=request.user, dealer=dealer,
                                      values=form.service_values(), tags=form.tag_list())
    except DealerInvalid as exc:
        for field, why in exc.errors.items():
            target = "parent_code" if field == "parent" else field
            form.add_error(target if target in form.fields else None, why)
    return None


@login_required
@permission_required("dealers.add_dealer", raise_exception=True)
def dealer_create(request):
    form = DealerForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        dealer = _save_dealer(request, form, None)
        if dealer is not None:
            messages.success(request, _("Dealer %(name)s created.") % {"name": dealer.name})
            return redirect("dealers:dealer_detail", pk=dealer.pk)
    return render(request, "dealers/dealer_form.html", {"form": form, "active_nav": "dealers"})


@login_required
@permission_required("dealers.change_dealer", raise_exception=True)
def dealer_edit(request, pk: int):
    dealer = _get(request, pk)
    form = DealerForm(request.POST or None, instance=dealer, user=request.user)
    if request.method == "POST" and form.is_valid():
        # Re-read: form validation wrote the posted values onto the instance.
        saved = _save_dealer(request, form, _get(request, pk))
        if saved is not None:
            messages.success(request, _("Changes saved."))
            return redirect("dealers:dealer_detail", pk=dealer.pk)
    return render(request, "dealers/dealer_form.html",
                  {"form": form, "dealer": dealer, "active_nav": "dealers"})


@login_required
@permission_required("dealers.change_status", raise_exception=True)
@require_POST
def dealer_status(request, pk: int):
    dealer = _get(request, pk)
    form = StatusChangeForm(request.POST, dealer=dealer)
    if form.is_valid():
        try:
            services.dealer_status_change(actor=request.user, dealer=dealer,
                                          to_status=form.cleaned_data["to_status"],
                                          reason=form.cleaned_data["reason"],
                                          exit_reason=form.cleaned_data["exit_reason"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Status changed."))
    else:
        messages.error(request, _("Choose a new status and give a reason."))
    return redirect("dealers:dealer_detail", pk=dealer.pk)


def _contact(request, pk: int) -> Contact:
    return queries.contact_get(user=request.user, pk=pk)


@login_required
def contact_edit(request, dealer_pk: int, pk: int | None = None):
    """Add a contact to a dealer, or edit one."""
    perm = "dealers.change_contact" if pk else "dealers.add_contact"
    if not request.user.has_perm(perm):
        raise PermissionDenied
    dealer = _get(request, dealer_pk)
    contact = _contact(request, pk) if pk else None
    if contact is not None and contact.dealer_id != dealer.pk:
        raise Http404
    form = ContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        values = {f: form.cleaned_data.get(f) for f in form.Meta.fields}
        try:
            if contact is None:
                services.contact_create(actor=request.user, dealer=dealer, values=values)
            else:
                services.contact_update(actor=request.user,
                                        contact=queries.contact_get(user=request.user,
                                                                    pk=contact.pk),
                                        values=values)
        except DealerInvalid as exc:
            for field, why in exc.errors.items():
                form.add_error(field if field in form.fields else None, why)
        else:
            messages.success(request, _("Contact saved."))
            return redirect("dealers:dealer_detail", pk=dealer.pk)
    return render(request, "dealers/contact_form.html",
                  {"form": form, "dealer": dealer, "contact": contact, "active_nav": "dealers"})


@login_required
@permission_required("dealers.delete_contact", raise_exception=True)
@require_POST
def contact_delete(request, dealer_pk: int, pk: int):
    contact = _contact(request, pk)
    if contact.dealer_id != dealer_pk:
        raise Http404
    services.contact_delete(actor=request.user, contact=contact)
    messages.success(request, _("Contact deleted."))
    return redirect("dealers:dealer_detail", pk=dealer_pk)
