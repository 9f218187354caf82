"""Head office's retail configuration (qualification conditions, support entitlements, the
audit checklist) and the retail reports: commitment breaches and terminal control."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qudao.core.excel import export_response
from qudao.core.exceptions import DomainError
from qudao.core.pagination import query_without_page
from qudao.core.views import list_render
from qudao.dealers.choices import Grade, RetailerType
from qudao.retail import excel, queries, reports, services
from qudao.retail.choices import Commitment
from qudao.retail.forms import (
    ChecklistItemForm,
    ConditionForm,
    EntitlementForm,
    region_choices,
    territory_get,
)
from qudao.retail.models import ChecklistItem, Entitlement, QualificationCondition
from qudao.retail.views import NAV
from qudao.stock.periods import add_months, period_parse

DEPTHS = [(1, "region"), (2, "province"), (3, "city"), (4, "district")]


def _config_allowed(request) -> None:
    if not request.user.sees_all_dealers:
        raise Http404


@login_required
@permission_required("retail.change_config", raise_exception=True)
def config(request):
    """Conditions per type and grade, entitlements, and the audit checklist (head office)."""
    _config_allowed(request)
    found = {(c.retailer_type, c.grade): c for c in QualificationCondition.objects.all()}
    condition_rows = []
    for retailer_type, type_label in RetailerType.choices:
        for grade in Grade.values:
            c = found.get((retailer_type, grade))
            initial = {"retailer_type": retailer_type, "grade": grade}
            if c is not None:
                initial.update({key: getattr(c, key) for key in services.config.CONDITION_FIELDS})
            condition_rows.append((type_label, grade,
                                   ConditionForm(initial=initial,
                                                 prefix=f"{retailer_type}-{grade}")))
    context = {
        "condition_rows": condition_rows,
        "entitlements": list(Entitlement.objects.order_by("retailer_type", "grade", "kind",
                                                          "id")),
        "entitlement_form": EntitlementForm(),
        "items": list(ChecklistItem.objects.order_by("-is_active", "position", "id")),
        "item_form": ChecklistItemForm(initial={"max_score": 10, "is_active": True}),
        "active_nav": NAV,
    }
    return render(request, "retail/config.html", context)


@login_required
@require_POST
@permission_required("retail.change_config", raise_exception=True)
def condition_save(request):
    _config_allowed(request)
    prefix = request.POST.get("prefix", "")
    form = ConditionForm(request.POST, prefix=prefix)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.condition_save(actor=request.user, retailer_type=data["retailer_type"],
                                    grade=data["grade"], values=data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Conditions of %(type)s %(grade)s saved.") % {
                "type": RetailerType(data["retailer_type"]).label, "grade": data["grade"]})
    else:
        messages.error(request, _("Check the thresholds: numbers of zero or more."))
    return redirect("retail:config")


@login_required
@require_POST
@permission_required("retail.change_config", raise_exception=True)
def entitlement_save(request, pk: int | None = None):
    _config_allowed(request)
    entitlement = Entitlement.objects.filter(pk=pk).first() if pk else None
    if pk and entitlement is None:
        raise Http404
    form = EntitlementForm(request.POST)
    if form.is_valid():
        try:
            services.entitlement_save(actor=request.user, values=form.cleaned_data,
                                      entitlement=entitlement)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Support entitlement saved."))
    else:
        messages.error(request, _("Choose type, grade and support, and say what it is."))
    return redirect("retail:config")


@login_required
@require_POST
@permission_required("retail.change_config", raise_exception=True)
def entitlement_delete(request, pk: int):
    _config_allowed(request)
    entitlement = Entitlement.objects.filter(pk=pk).first()
    if entitlement is None:
        raise Http404
    services.entitlement_delete(actor=request.user, entitlement=entitlement)
    messages.success(request, _("Support entitlement removed."))
    return redirect("retail:config")


@login_required
@require_POST
@permission_required("retail.change_config", raise_exception=True)
def checklist_item_save(request, pk: int | None = None):
    _config_allowed(request)
    item = ChecklistItem.objects.filter(pk=pk).first() if pk else None
    if pk and item is None:
        raise Http404
    form = ChecklistItemForm(request.POST)
    if form.is_valid():
        try:
            services.checklist_item_save(actor=request.user, values=form.cleaned_data,
                                         item=item)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Checklist item saved."))
    else:
        messages.error(request, _("Name the item and give its maximum score (1-100)."))
    return redirect("retail:config")


# -- reports ------------------------------------------------------------------------------

def _month(request, default: datetime.date) -> datetime.date:
    try:
        return period_parse(request.GET.get("month") or default).replace(day=1)
    except ValueError:
        return default


@login_required
@permission_required("retail.view_retailer", raise_exception=True)
def breach_list(request):
    """Commitments the certified stores of the user's scope breached in a month (default:
    last month, the latest complete one)."""
    last_month = add_months(timezone.localdate(), -1)
    month = _month(request, last_month)
    commitment = request.GET.get("commitment") or ""
    rows = reports.breaches(retailers=queries.visible_retailers(request.user), month=month,
                            commitment=commitment if commitment in Commitment.values else "")
    if request.GET.get("export") and request.user.has_perm("retail.export_retailer"):
        return export_response(filename="retail-breaches", columns=excel.BREACH_COLUMNS,
                               rows=(excel.breach_row(row) for row in rows))
    paginator = Paginator(rows, 50)
    page = paginator.get_page(request.GET.get("page"))
    context = {"page": page, "month": month, "commitment": commitment,
               "commitments": Commitment.choices, "query": query_without_page(request),
               "active_nav": NAV}
    return list_render(request, context, template="retail/breach_list.html",
                       partial="retail/_breach_results.html")


@login_required
@permission_required("retail.view_report", raise_exception=True)
def terminal_control(request):
    """Terminal control (R-RT-11): per region, the share of trading terminals audited or
    visited in a month, split into those reached directly and via a dealer."""
    month = _month(request, timezone.localdate().replace(day=1))
    region = territory_get(request.user, request.GET.get("region"))
    try:
        depth = int(request.GET.get("depth") or 0) or None
    except ValueError:
        depth = None
    report = reports.terminal_control(retailers=queries.visible_retailers(request.user),
                                      month=month, region=region, depth=depth)
    if request.GET.get("export") and request.user.has_perm("retail.export_retailer"):
        rows = [excel.control_row(row, str(row["territory"] or row["key"]))
                for row in report["rows"]]
        rows.append(excel.control_row(report["total"], _("Total")))
        return export_response(filename="terminal-control", columns=excel.CONTROL_COLUMNS,
                               rows=rows)
    chart = {"regions": [str(r["territory"] or r["key"]) for r in report["rows"]],
             "direct": [float(r["share_direct"] or 0) for r in report["rows"]],
             "via": [float(r["share_via"] or 0) for r in report["rows"]]}
    context = {"report": report, "regions": region_choices(request.user),
               "depths": DEPTHS, "chart": chart, "query": query_without_page(request),
               "active_nav": NAV}
    return render(request, "retail/control.html", context)
