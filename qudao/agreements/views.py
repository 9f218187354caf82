"""Agreement pages: list with filters and export, detail with lifecycle actions, the draft
form, monthly targets, attachments, and the printable contract (HTML and PDF)."""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qudao.agreements import queries, services
from qudao.agreements.choices import CLAUSE_SECTIONS, AgreementStatus
from qudao.agreements.exceptions import AgreementInvalid
from qudao.agreements.filters import AgreementFilter
from qudao.agreements.forms import (
    SECTION_EXTRAS,
    SECTION_LABELS,
    AgreementForm,
    AttachmentForm,
    RenewForm,
    TargetsForm,
    TransitionForm,
)
from qudao.agreements.models import Agreement, AgreementAttachment
from qudao.agreements.services import MONEY_FIELDS, add_months
from qudao.core.excel import Column, export_response
from qudao.core.exceptions import DomainError
from qudao.core.pagination import paginate, query_without_page
from qudao.core.views import list_render
from qudao.dealers.scoping import visible_dealers

HISTORY_SHOWN = 30
PERCENT_FIELDS = {"discount_percent", "rebate_percent"}
EXPORT_COLUMNS = [
    Column("number", gettext_lazy("Agreement number")),
    Column("version", gettext_lazy("Version"), kind="int"),
    Column("dealer_code", gettext_lazy("Dealer code")),
    Column("dealer_name", gettext_lazy("Dealer")),
    Column("agreement_type", gettext_lazy("Authorization type")),
    Column("status", gettext_lazy("Status")),
    Column("start_date", gettext_lazy("Effective from"), kind="date"),
    Column("end_date", gettext_lazy("Effective until"), kind="date"),
    Column("credit_limit", gettext_lazy("Credit limit"), kind="decimal"),
    Column("payment_terms_days", gettext_lazy("Payment terms (days)"), kind="int"),
    Column("annual_target", gettext_lazy("Annual sales target"), kind="decimal"),
    Column("deposit_amount", gettext_lazy("Market deposit"), kind="decimal"),
    Column("signed_on", gettext_lazy("Signed on"), kind="date"),
    Column("ended_on", gettext_lazy("Ended on"), kind="date"),
]
# Lifecycle buttons: action -> (label, permission, status it leaves from).
ACTIONS = {
    "submit": (gettext_lazy("Submit for approval"), "agreements.change_agreement",
               {AgreementStatus.DRAFT}),
    "approve": (gettext_lazy("Approve"), "agreements.approve_agreement",
                {AgreementStatus.SUBMITTED}),
    "return": (gettext_lazy("Return to draft"), None,
               {AgreementStatus.SUBMITTED, AgreementStatus.APPROVED}),
    "sign": (gettext_lazy("Record signature"), "agreements.sign_agreement",
             {AgreementStatus.APPROVED}),
    "activate": (gettext_lazy("Activate"), "agreements.sign_agreement",
                 {AgreementStatus.SIGNED}),
    "terminate": (gettext_lazy("Terminate"), "agreements.end_agreement",
                  {AgreementStatus.DRAFT, AgreementStatus.SIGNED, AgreementStatus.ACTIVE}),
}


def _get(request, pk: int) -> Agreement:
    return queries.agreement_get(user=request.user, pk=pk)


# --- how clauses read --------------------------------------------------------------------

def clause_value(agreement: Agreement, name: str) -> str:
    """A clause as people read it: choice labels, yes/no, amounts in CNY, — when empty."""
    value = getattr(agreement, name)
    field = Agreement._meta.get_field(name)
    if field.choices:
        return str(getattr(agreement, f"get_{name}_display")())
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if value is None or value == "":
        return "—"
    if name in PERCENT_FIELDS:
        return f"{value:.2f}%"
    if name in MONEY_FIELDS and isinstance(value, Decimal):
        return f"¥{value:,.2f}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def clause_sections(agreement: Agreement) -> list[dict[str, Any]]:
    """The four clause sections with each field's label, value and whether it is N/A."""
    marked = set(agreement.not_applicable or [])
    sections = []
    for key, names in CLAUSE_SECTIONS.items():
        rows = [{"name": name, "label": Agreement._meta.get_field(name).verbose_name,
                 "value": clause_value(agreement, name), "na": False}
                for name in SECTION_EXTRAS[key]]
        rows += [{"name": name, "label": Agreement._meta.get_field(name).verbose_name,
                  "value": clause_value(agreement, name), "na": name in marked}
                 for name in names]
        sections.append({"key": key, "label": SECTION_LABELS[key], "rows": rows})
    return sections


def _actions(user: Any, agreement: Agreement, has_renewal: bool) -> list[dict[str, Any]]:
    """The lifecycle buttons this user may press on this agreement now."""
    is_author = agreement.created_by_id == user.pk
    shown = []
    for action, (label, perm, sources) in ACTIONS.items():
        if agreement.status not in sources:
            continue
        if action == "return":
            allowed = (user.has_perm("agreements.approve_agreement")
                       or (is_author and user.has_perm("agreements.change_agreement")))
        elif action == "approve":
            allowed = user.has_perm(perm) and not is_author
        else:
            allowed = user.has_perm(perm)
        if allowed:
            shown.append({"action": action, "label": label,
                          "needs_reason": action in ("return", "terminate"),
                          "needs_date": action == "sign"})
    return shown


# --- list and export ---------------------------------------------------------------------

@login_required
@permission_required("agreements.view_agreement", raise_exception=True)
def agreement_list(request):
    """Agreements in the user's scope: search, filter, sort, paginate; HTMX swaps the table."""
    agreements = queries.agreement_list(user=request.user, filters=request.GET)
    page = paginate(request, agreements)
    context = {
        "page": page,
        "filter_form": AgreementFilter(request.GET or None, queryset=Agreement.objects.none()
                                       ).form,
        "query": query_without_page(request),
        "expiring_count": queries.expiring_soon(user=request.user).count(),
        "expiring_days": queries.EXPIRING_DAYS,
        "today": timezone.localdate(),
        "soon": timezone.localdate() + timedelta(days=queries.EXPIRING_DAYS),
        "active_nav": "agreements",
    }
    return list_render(request, context, template="agreements/agreement_list.html",
                       partial="agreements/_results.html")


@login_required
@permission_required("agreements.export_agreement", raise_exception=True)
def agreement_export(request):
    """The list as Excel, with the same filters and order as the page."""
    agreements = queries.agreement_list(user=request.user, filters=request.GET)
    rows = ([a.number, a.version, a.dealer.code, a.dealer.name, a.get_agreement_type_display(),
             a.get_status_display(), a.start_date, a.end_date, a.credit_limit,
             a.payment_terms_days, a.annual_target, a.deposit_amount, a.signed_on, a.ended_on]
            for a in agreements.iterator(chunk_size=2000))
    return export_response(filename="agreements", columns=EXPORT_COLUMNS, rows=rows)


# --- detail and lifecycle ----------------------------------------------------------------

@login_required
@permission_required("agreements.view_agreement", raise_exception=True)
def agreement_detail(request, pk: int):
    """Every clause by section, scope, targets, attachments, versions, history, actions."""
    agreement = _get(request, pk)
    versions = queries.agreement_versions(user=request.user, agreement=agreement)
    has_renewal = any(v.previous_id == agreement.pk for v in versions)
    can_change = (request.user.has_perm("agreements.change_agreement")
                  and not request.user.is_dealer_user)
    today = timezone.localdate()
    context = {
        "agreement": agreement,
        "sections": clause_sections(agreement),
        "targets": agreement.targets.all(),
        "attachments": agreement.attachments.all(),
        "versions": versions,
        "history": queries.agreement_history(agreement=agreement)[:HISTORY_SHOWN],
        "actions": _actions(request.user, agreement, has_renewal),
        "can_edit": can_change and agreement.status == AgreementStatus.DRAFT,
        "can_attach": can_change and agreement.status not in (AgreementStatus.EXPIRED,
                                                              AgreementStatus.TERMINATED),
        "can_renew": (request.user.has_perm("agreements.add_agreement") and not has_renewal
                      and not request.user.is_dealer_user
                      and agreement.status in (AgreementStatus.SIGNED, AgreementStatus.ACTIVE,
                                               AgreementStatus.EXPIRED)),
        "missing": (services.missing_clauses(agreement)
                    if agreement.status == AgreementStatus.DRAFT else {}),
        "days_left": (agreement.end_date - today).days,
        "expiring": (agreement.status == AgreementStatus.ACTIVE
                     and 0 <= (agreement.end_date - today).days <= queries.EXPIRING_DAYS),
        "attachment_form": AttachmentForm(),
        "renew_form": RenewForm(),
        "today": today,
        "active_nav": "agreements",
    }
    return render(request, "agreements/agreement_detail.html", context)


@login_required
@permission_required("agreements.view_agreement", raise_exception=True)
@require_POST
def agreement_transition(request, pk: int):
    """One lifecycle step from the detail page's buttons; the service checks role and rules."""
    agreement = _get(request, pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid action."))
        return redirect("agreements:agreement_detail", pk=pk)
    action, reason = form.cleaned_data["action"], form.cleaned_data["reason"]
    actor = request.user
    try:
        if action == "submit":
            services.agreement_submit(actor=actor, agreement=agreement)
        elif action == "approve":
            services.agreement_approve(actor=actor, agreement=agreement)
        elif action == "return":
            services.agreement_return(actor=actor, agreement=agreement, reason=reason)
        elif action == "sign":
            services.agreement_sign(actor=actor, agreement=agreement,
                                    signed_on=form.cleaned_data["signed_on"])
        elif action == "activate":
            services.agreement_activate(actor=actor, agreement=agreement)
        else:
            services.agreement_terminate(actor=actor, agreement=agreement, reason=reason)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        agreement.refresh_from_db(fields=["status"])
        messages.success(request, _("Agreement %(number)s is now %(status)s.") % {
            "number": agreement.number, "status": agreement.get_status_display()})
    return redirect("agreements:agreement_detail", pk=pk)


@login_required
@permission_required("agreements.add_agreement", raise_exception=True)
@require_POST
def agreement_renew(request, pk: int):
    """Draft the next version and open it for editing."""
    agreement = _get(request, pk)
    form = RenewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give valid dates for the new term."))
        return redirect("agreements:agreement_detail", pk=pk)
    try:
        renewal = services.agreement_renew(actor=request.user, agreement=agreement,
                                           start_date=form.cleaned_data["start_date"],
                                           end_date=form.cleaned_data["end_date"])
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("agreements:agreement_detail", pk=pk)
    messages.success(request, _("Renewal %(number)s drafted; review it and submit it for "
                                "approval.") % {"number": renewal.number})
    return redirect("agreements:agreement_detail", pk=renewal.pk)


# --- create and edit ---------------------------------------------------------------------

def _form_errors(form: AgreementForm, exc: AgreementInvalid) -> None:
    aliases = {"dealer": "dealer_code"}
    for field, why in exc.errors.items():
        target = aliases.get(field, field)
        form.add_error(target if target in form.fields else None, why)


@login_required
@permission_required("agreements.add_agreement", raise_exception=True)
def agreement_create(request):
    """Draft a new agreement; ?dealer=<id> fills in the dealer and its authorized region."""
    dealer = None
    if request.GET.get("dealer", "").isdigit():
        dealer = get_object_or_404(visible_dealers(request.user), pk=request.GET["dealer"])
    # The parties' details as they stand, so the author sees what the contract will say.
    initial: dict[str, Any] = services.party_defaults(dealer)
    if dealer is not None and dealer.territory_id:
        initial["territories"] = [dealer.territory_id]
    form = AgreementForm(request.POST or None, user=request.user, dealer=dealer,
                         initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            agreement = services.agreement_create(
                actor=request.user, dealer=form.cleaned_data["dealer_code"],
                values=form.service_values(), **form.scope_ids())
        except AgreementInvalid as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Agreement %(number)s drafted.")
                             % {"number": agreement.number})
            return redirect("agreements:agreement_detail", pk=agreement.pk)
    return render(request, "agreements/agreement_form.html",
                  {"form": form, "dealer": dealer, "active_nav": "agreements"})


@login_required
@permission_required("agreements.change_agreement", raise_exception=True)
def agreement_edit(request, pk: int):
    """Edit a draft's clauses and scope."""
    agreement = _get(request, pk)
    if agreement.status != AgreementStatus.DRAFT:
        messages.error(request, _("Only a draft can be edited; return it to draft first."))
        return redirect("agreements:agreement_detail", pk=pk)
    form = AgreementForm(request.POST or None, instance=agreement, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_update(actor=request.user, agreement=_get(request, pk),
                                      values=form.service_values(), **form.scope_ids())
        except AgreementInvalid as exc:
            _form_errors(form, exc)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("agreements:agreement_detail", pk=pk)
    return render(request, "agreements/agreement_form.html",
                  {"form": form, "agreement": agreement, "active_nav": "agreements"})


@login_required
@permission_required("agreements.change_agreement", raise_exception=True)
def agreement_targets(request, pk: int):
    """The monthly breakdown of a draft's annual target, one amount per month of the term."""
    agreement = _get(request, pk)
    if agreement.status != AgreementStatus.DRAFT:
        messages.error(request, _("Only a draft's targets can be changed."))
        return redirect("agreements:agreement_detail", pk=pk)
    first = agreement.start_date.replace(day=1)
    months = [add_months(first, i) for i in range(services.MONTHS_IN_TARGET)
              if add_months(first, i) <= agreement.end_date]
    current = {t.month: t.amount for t in agreement.targets.all()}
    form = TargetsForm(request.POST or None, months=months, initial_amounts=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_targets_set(actor=request.user, agreement=agreement,
                                           months=form.amounts())
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Monthly targets saved."))
            return redirect("agreements:agreement_detail", pk=pk)
    return render(request, "agreements/agreement_targets.html",
                  {"form": form, "agreement": agreement, "active_nav": "agreements"})


# --- attachments -------------------------------------------------------------------------

@login_required
@permission_required("agreements.change_agreement", raise_exception=True)
@require_POST
def attachment_upload(request, pk: int):
    agreement = _get(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file and its kind."))
    else:
        try:
            services.attachment_add(actor=request.user, agreement=agreement,
                                    upload=form.cleaned_data["file"],
                                    kind=form.cleaned_data["kind"],
                                    name=form.cleaned_data["name"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Attachment added."))
    return redirect("agreements:agreement_detail", pk=pk)


def _attachment(request, pk: int, attachment_pk: int) -> AgreementAttachment:
    agreement = _get(request, pk)
    return get_object_or_404(agreement.attachments.select_related("agreement"),
                             pk=attachment_pk)


@login_required
@permission_required("agreements.view_agreement", raise_exception=True)
def attachment_download(request, pk: int, attachment_pk: int):
    """The stored file, only to users who may see the agreement."""
    attachment = _attachment(request, pk, attachment_pk)
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    extension = attachment.file.name.rsplit(".", 1)[-1]
    filename = attachment.name if attachment.name.lower().endswith(f".{extension}") else (
        f"{attachment.name}.{extension}")
    return FileResponse(handle, as_attachment=True, filename=filename)


@login_required
@permission_required("agreements.change_agreement", raise_exception=True)
@require_POST
def attachment_delete(request, pk: int, attachment_pk: int):
    attachment = _attachment(request, pk, attachment_pk)
    try:
        services.attachment_delete(actor=request.user, attachment=attachment)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Attachment deleted."))
    return redirect("agreements:agreement_detail", pk=pk)


# --- the contract document ---------------------------------------------------------------

def _document_context(request, agreement: Agreement) -> dict[str, Any]:
    return {
        "agreement": agreement,
        "sections": clause_sections(agreement),
        "targets": agreement.targets.all(),
        "price_rows": queries.agreement_price_table(agreement=agreement),
        "printed_at": timezone.localtime(),
    }


@login_required
@permission_required("agreements.view_agreement", raise_exception=True)
def agreement_print(request, pk: int):
    """The contract as a clean A4 page for the browser's print dialog."""
    agreement = _get(request, pk)
    context = {**_document_context(request, agreement), "for_screen": True}
    return render(request, "agreements/agreement_print.html", context)


@login_required
@permission_required("agreements.view_agreement", raise_exception=True)
def agreement_pdf(request, pk: int):
    """The same contract document rendered to PDF by WeasyPrint (CJK font embedded)."""
    from weasyprint import HTML

    agreement = _get(request, pk)
    html = render_to_string("agreements/agreement_print.html",
                            {**_document_context(request, agreement), "for_screen": False},
                            request=request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{agreement.number}.pdf"'
    return response
