"""Registration pages (R-RT-06): the application list and form, an application with its
review and decision, the certificate list (those expiring within 30 days), and the
certificate to print or download as PDF."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qudao.core.excel import export_response
from qudao.core.exceptions import DomainError
from qudao.core.pagination import paginate
from qudao.core.views import list_render
from qudao.dealers.models import Dealer
from qudao.retail import excel, qualification, queries, services
from qudao.retail.choices import ApplicationStatus
from qudao.retail.filters import ApplicationFilter, CertificateFilter
from qudao.retail.forms import ApplicationForm, DecisionForm, ReviewForm, region_choices
from qudao.retail.models import Application, Certificate
from qudao.retail.views import EXPORT_LIMIT, NAV, form_errors


def _application(request, pk: int) -> Application:
    try:
        return queries.application_get(user=request.user, pk=pk)
    except Application.DoesNotExist:
        raise Http404 from None


def _certificate(request, pk: int) -> Certificate:
    try:
        return queries.certificate_get(user=request.user, pk=pk)
    except Certificate.DoesNotExist:
        raise Http404 from None


@login_required
@permission_required("retail.view_retailer", raise_exception=True)
def application_list(request):
    page = paginate(request, queries.application_list(user=request.user, filters=request.GET))
    context = {
        "page": page,
        "filter_form": ApplicationFilter(request.GET or None,
                                         queryset=Application.objects.none()).form,
        "regions": region_choices(request.user), "active_nav": NAV,
    }
    return list_render(request, context, template="retail/application_list.html",
                       partial="retail/_application_results.html")


@login_required
@permission_required("retail.export_retailer", raise_exception=True)
def application_export(request):
    applications = queries.application_list(user=request.user,
                                            filters=request.GET)[:EXPORT_LIMIT]
    return export_response(filename="retailer-applications",
                           columns=excel.APPLICATION_COLUMNS,
                           rows=(excel.application_row(a)
                                 for a in applications.iterator(chunk_size=500)))


@login_required
@permission_required("retail.apply_retailer", raise_exception=True)
def application_add(request, pk: int | None = None):
    """File a store's application on its behalf; with `pk`, for an existing store (renewal
    or another type), its data filled in."""
    retailer = None
    initial: dict = {}
    if pk is not None:
        try:
            retailer = queries.retailer_get(user=request.user, pk=pk)
        except Dealer.DoesNotExist:
            raise Http404 from None
        profile = getattr(retailer, "retail_profile", None)
        initial = {"store_name": retailer.name, "address": retailer.address,
                   "parent": retailer.parent_id, "phone": retailer.phone,
                   "staff_count": retailer.staff_count,
                   "store_area": profile.store_area if profile else None,
                   "management_rating": profile.management_rating if profile else None,
                   "retailer_type": retailer.retailer_type,
                   "business_categories": retailer.business_categories}
    form = ApplicationForm(request.POST or None, user=request.user, retailer=retailer,
                           initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_submit(actor=request.user, retailer=retailer,
                                                      values=form.service_values())
        except DomainError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Application %(n)s filed: a rep reviews it next.")
                             % {"n": application.number})
            return redirect("retail:application_detail", pk=application.pk)
    return render(request, "retail/application_form.html",
                  {"form": form, "retailer": retailer, "active_nav": NAV})


@login_required
@permission_required("retail.view_retailer", raise_exception=True)
def application_detail(request, pk: int):
    """An application: the store data, the qualification check for the type asked, its
    review and decision, and the certificate once approved."""
    application = _application(request, pk)
    user = request.user
    staff = not user.is_dealer_user
    if application.status == ApplicationStatus.APPROVED and application.qualification:
        check = None
    else:
        grade = (application.retailer.grade if application.retailer else "") or "C"
        check = qualification.check(
            retailer_type=application.retailer_type, grade=grade,
            volume=(qualification.volumes([application.retailer_id])[application.retailer_id]
                    if application.retailer_id else None),
            area=application.store_area, staff=application.staff_count,
            audit_score=(qualification.latest_scores([application.retailer_id])
                         .get(application.retailer_id) if application.retailer_id else None),
            management=application.management_rating)
    conflict = user.pk in (application.applicant_id, application.reviewed_by_id)
    context = {
        "application": application, "check": check,
        "certificate": Certificate.objects.filter(application=application).first(),
        "can_review": (staff and user.has_perm("retail.change_retailer")
                       and application.status == ApplicationStatus.SUBMITTED),
        "can_decide": (staff and user.has_perm("retail.approve_retailer")
                       and application.status == ApplicationStatus.REVIEWED and not conflict),
        "decide_conflict": (staff and user.has_perm("retail.approve_retailer")
                            and application.status == ApplicationStatus.REVIEWED
                            and conflict),
        "review_form": ReviewForm(),
        "decision_form": DecisionForm(initial={"valid_from": timezone.localdate()}),
        "is_new_store": application.retailer_id is None, "active_nav": NAV,
    }
    return render(request, "retail/application_detail.html", context)


@login_required
@require_POST
@permission_required("retail.change_retailer", raise_exception=True)
def application_review(request, pk: int):
    application = _application(request, pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Pass the application on or reject it."))
        return redirect("retail:application_detail", pk=application.pk)
    try:
        services.application_review(actor=request.user, application=application,
                                    accept=form.cleaned_data["accept"],
                                    note=form.cleaned_data["note"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Review saved."))
    return redirect("retail:application_detail", pk=application.pk)


@login_required
@require_POST
@permission_required("retail.approve_retailer", raise_exception=True)
def application_decide(request, pk: int):
    application = _application(request, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Approve or reject the application; check the dates."))
        return redirect("retail:application_detail", pk=application.pk)
    data = form.cleaned_data
    try:
        application = services.application_decide(
            actor=request.user, application=application, approve=data["approve"],
            note=data["note"], grade=data.get("grade") or "", valid_from=data["valid_from"],
            valid_until=data["valid_until"])
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("retail:application_detail", pk=application.pk)
    if application.status == ApplicationStatus.APPROVED:
        certificate = Certificate.objects.get(application=application)
        messages.success(request, _("Approved: certificate %(n)s issued.")
                         % {"n": certificate.number})
    else:
        messages.success(request, _("Application rejected."))
    return redirect("retail:application_detail", pk=application.pk)


@login_required
@permission_required("retail.view_retailer", raise_exception=True)
def certificate_list(request):
    """Certificates of the user's stores, the soonest to expire first (?state=expiring:
    those expiring within 30 days)."""
    page = paginate(request, queries.certificate_list(user=request.user, filters=request.GET))
    context = {
        "page": page,
        "filter_form": CertificateFilter(request.GET or None,
                                         queryset=Certificate.objects.none()).form,
        "regions": region_choices(request.user), "active_nav": NAV,
    }
    return list_render(request, context, template="retail/certificate_list.html",
                       partial="retail/_certificate_results.html")


@login_required
@permission_required("retail.export_retailer", raise_exception=True)
def certificate_export(request):
    certificates = queries.certificate_list(user=request.user,
                                            filters=request.GET)[:EXPORT_LIMIT]
    return export_response(filename="retail-certificates", columns=excel.CERTIFICATE_COLUMNS,
                           rows=(excel.certificate_row(c)
                                 for c in certificates.iterator(chunk_size=500)))


def _document(certificate: Certificate) -> dict:
    return {"certificate": certificate, "retailer": certificate.retailer,
            "entitlements": queries.entitlements_for(retailer_type=certificate.retailer_type,
                                                     grade=certificate.grade),
            "printed_at": timezone.localtime()}


@login_required
@permission_required("retail.view_retailer", raise_exception=True)
def certificate_print(request, pk: int):
    """The authorization certificate as a clean A4 page for the browser's print dialog."""
    certificate = _certificate(request, pk)
    return render(request, "retail/certificate_print.html",
                  {**_document(certificate), "for_screen": True})


@login_required
@permission_required("retail.view_retailer", raise_exception=True)
def certificate_pdf(request, pk: int):
    """The same certificate rendered to PDF by WeasyPrint (CJK font embedded)."""
    from weasyprint import HTML

    certificate = _certificate(request, pk)
    html = render_to_string("retail/certificate_print.html",
                            {**_document(certificate), "for_screen": False}, request=request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{certificate.number}.pdf"'
    return response
