"""Early-warning pages: dashboard, alert list and export, one alert with its numbers and
the response workflow, the inbox, and the rules HQ tunes."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qudao.alerts import queries, services
from qudao.alerts.excel import EXPORT_COLUMNS, export_row
from qudao.alerts.filters import AlertFilter
from qudao.alerts.forms import ActionForm, CloseForm, RuleForm, WebhookForm
from qudao.alerts.models import Alert, Rule, WebhookDelivery, WebhookEndpoint
from qudao.core import audit
from qudao.core.excel import export_response
from qudao.core.exceptions import DomainError
from qudao.core.pagination import paginate, query_without_page
from qudao.core.views import list_render

NAV = "alerts"
WEBHOOK_SHOWN = 20


@login_required
@permission_required("alerts.view_alert", raise_exception=True)
def dashboard(request):
    """Open alerts by severity, type and region, and the monthly trend; each figure links
    to the list filtered to it."""
    context = {"board": queries.dashboard(user=request.user), "active_nav": NAV}
    return render(request, "alerts/dashboard.html", context)


@login_required
@permission_required("alerts.view_alert", raise_exception=True)
def alert_list(request):
    alerts = queries.alert_list(user=request.user, filters=request.GET)
    context = {
        "page": paginate(request, alerts), "query": query_without_page(request),
        "filter_form": AlertFilter(request.GET or None, queryset=Alert.objects.none()).form,
        "active_nav": NAV,
    }
    return list_render(request, context, template="alerts/alert_list.html",
                       partial="alerts/_results.html")


@login_required
@permission_required("alerts.export_alert", raise_exception=True)
def alert_export(request):
    """The alert list as Excel, with the page's filters."""
    alerts = queries.alert_list(user=request.user, filters=request.GET)
    rows = (export_row(a) for a in alerts.iterator(chunk_size=2000))
    return export_response(filename="alerts", columns=EXPORT_COLUMNS, rows=rows)


def _alert(request, pk: int) -> Alert:
    try:
        return queries.alert_get(user=request.user, pk=pk)
    except Alert.DoesNotExist:
        raise Http404 from None


@login_required
@permission_required("alerts.view_alert", raise_exception=True)
def alert_detail(request, pk: int):
    """The alert's numbers, its trend, what was done, and the next step."""
    alert = _alert(request, pk)
    services.notifications_read(user=request.user, alert=alert)
    context: dict[str, Any] = {
        "alert": alert, "explain": queries.explanation(alert),
        "actions": queries.alert_actions(alert=alert),
        "action_form": ActionForm(), "close_form": CloseForm(),
        "history": queries.alert_history(alert=alert)[:20], "active_nav": NAV,
    }
    return render(request, "alerts/alert_detail.html", context)


def _handle(request, pk: int, step) -> Any:
    if not request.user.has_perm("alerts.handle_alert"):
        raise PermissionDenied
    alert = _alert(request, pk)
    try:
        step(alert)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("alerts:alert_detail", pk=alert.pk)


@login_required
@require_POST
def alert_acknowledge(request, pk: int):
    def step(alert):
        services.alert_acknowledge(alert=alert, actor=request.user)
        messages.success(request, _("Alert acknowledged."))
    return _handle(request, pk, step)


@login_required
@require_POST
def alert_action(request, pk: int):
    """Log a call, visit or note against the alert."""
    def step(alert):
        form = ActionForm(request.POST)
        if not form.is_valid():
            for field, errors in form.errors.items():
                label = form.fields[field].label if field in form.fields else field
                messages.error(request, f"{label}: {' '.join(errors)}")
            return
        services.alert_action_add(alert=alert, actor=request.user, **form.cleaned_data)
        messages.success(request, _("Recorded."))
    return _handle(request, pk, step)


@login_required
@require_POST
def alert_close(request, pk: int, outcome: str):
    """Resolve the alert, or dismiss it as a false alarm (with a reason)."""
    def step(alert):
        reason = CloseForm(request.POST).data.get("reason", "")
        if outcome == "dismiss":
            services.alert_dismiss(alert=alert, actor=request.user, reason=reason)
            messages.success(request, _("Alert dismissed as a false alarm."))
        else:
            services.alert_resolve(alert=alert, actor=request.user, reason=reason)
            messages.success(request, _("Alert resolved."))
    return _handle(request, pk, step)


@login_required
@permission_required("alerts.view_alert", raise_exception=True)
def inbox(request):
    notifications = queries.inbox(user=request.user)
    context = {"page": paginate(request, notifications), "active_nav": NAV}
    return render(request, "alerts/inbox.html", context)


@login_required
@permission_required("alerts.view_alert", raise_exception=True)
def rule_list(request):
    return render(request, "alerts/rule_list.html",
                  {"rules": queries.rule_list(), "active_nav": NAV})


def _rule(pk: int) -> Rule:
    try:
        return queries.rule_get(pk=pk)
    except Rule.DoesNotExist:
        raise Http404 from None


@login_required
@permission_required("alerts.change_rule", raise_exception=True)
def rule_edit(request, pk: int):
    """Edit a rule; "Preview" shows what the edited rule would have raised month by month
    over the last year, without saving it."""
    rule = _rule(pk)
    form = RuleForm(request.POST or None, rule=rule)
    preview = None
    if request.method == "POST" and form.is_valid():
        values = form.service_values()
        if "preview" in request.POST:
            trial = Rule(pk=rule.pk, code=rule.code, signal=rule.signal,
                         **{k: v for k, v in values.items()
                            if k not in ("channel_levels", "grades")},
                         channel_levels=values["channel_levels"], grades=values["grades"])
            preview = services.rule_preview(rule=trial,
                                            territories=list(form.cleaned_data["territories"]))
        else:
            try:
                services.rule_update(rule=rule, actor=request.user, values=values,
                                     territories=list(form.cleaned_data["territories"]))
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Rule saved."))
                return redirect(reverse("alerts:rule_list"))
    context = {"rule": rule, "form": form, "preview": preview,
               "history": audit.history(rule)[:20], "active_nav": NAV}
    if request.htmx and preview is not None:
        return render(request, "alerts/_preview.html", context)
    return render(request, "alerts/rule_form.html", context)


@login_required
@permission_required("alerts.change_rule", raise_exception=True)
def webhook_list(request):
    """Webhooks and their latest deliveries."""
    return render(request, "alerts/webhook_list.html", {
        "endpoints": WebhookEndpoint.objects.select_related("territory").order_by("name"),
        "deliveries": WebhookDelivery.objects.select_related(
            "endpoint", "alert", "alert__rule").order_by("-created_at")[:WEBHOOK_SHOWN],
        "active_nav": NAV})


@login_required
@permission_required("alerts.change_rule", raise_exception=True)
def webhook_form(request, pk: int | None = None):
    """Add or change a webhook; deleting asks for confirmation in the page."""
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk) if pk else None
    if request.method == "POST" and "delete" in request.POST and endpoint is not None:
        audit.record(actor=request.user, target=endpoint, event="alert_webhook.deleted",
                     data={"name": endpoint.name, "url": endpoint.url})
        endpoint.delete()
        messages.success(request, _("Webhook deleted."))
        return redirect("alerts:webhook_list")
    form = WebhookForm(request.POST or None, instance=endpoint)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        audit.record(actor=request.user, target=saved,
                     event="alert_webhook.changed" if endpoint else "alert_webhook.added",
                     data={"name": saved.name, "url": saved.url, "format": saved.format})
        messages.success(request, _("Webhook saved."))
        return redirect("alerts:webhook_list")
    return render(request, "alerts/webhook_form.html",
                  {"form": form, "endpoint": endpoint, "active_nav": NAV})
