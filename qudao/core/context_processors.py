"""Template context every page needs: the navigation the user's role allows."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = [(_("Dashboard"), reverse("dashboard:home"), "home")]
    extra = {}
    if user.has_perm("alerts.view_alert"):
        from django.utils.functional import SimpleLazyObject

        from qudao.alerts.queries import unread_count

        items.append((_("Early warning"), reverse("alerts:dashboard"), "alerts"))
        # Counted only when a page shows it (full pages, not HTMX partials): one query.
        extra["alerts_unread"] = SimpleLazyObject(lambda: unread_count(user))
    if user.has_perm("dealers.view_dealer"):
        label = _("My company") if user.is_dealer_user else _("Dealers")
        items.append((label, reverse("dealers:dealer_list"), "dealers"))
    if user.has_perm("recruitment.view_lead"):
        items.append((_("Recruitment"), reverse("recruitment:lead_list"), "recruitment"))
    if user.has_perm("evaluation.view_scorecard"):
        items.append((_("Dealer scorecards"), reverse("evaluation:scorecard_list"), "evaluation"))
    if user.has_perm("tiers.view_tier"):
        items.append((_("Tiers"), reverse("tiers:review_list"), "tiers"))
    if user.has_perm("performance.view_performance"):
        items.append((_("Channel performance"), reverse("performance:report"), "performance"))
    if user.has_perm("performance.rate_rep"):
        items.append((_("Rate my sales rep"), reverse("performance:rate_rep"), "rate_rep"))
    if user.has_perm("agreements.view_agreement"):
        items.append((_("Agreements"), reverse("agreements:agreement_list"), "agreements"))
    if user.has_perm("orders.view_order"):
        label = _("My orders") if user.is_dealer_user else _("Orders")
        items.append((label, reverse("orders:order_list"), "orders"))
    if user.has_perm("orders.approve_credit"):
        items.append((_("Credit approvals"), reverse("orders:approval_queue"), "approvals"))
    if user.has_perm("orders.ship_order"):
        items.append((_("Shipments"), reverse("orders:shipment_list"), "shipments"))
    if user.has_perm("finance.view_finance"):
        if user.is_dealer_user:
            items.append((_("My statement"), reverse("finance:my_statement"), "finance"))
        else:
            items.append((_("Finance"), reverse("finance:credit_list"), "finance"))
    if user.has_perm("service.view_request"):
        from django.utils.functional import SimpleLazyObject

        from qudao.service.queries import unread_count as service_unread

        label = _("My requests") if user.is_dealer_user else _("Service requests")
        items.append((label, reverse("service:request_list"), "service"))
        extra["service_unread"] = SimpleLazyObject(lambda: service_unread(user))
    if user.has_perm("service.view_need") or (user.is_dealer_user
                                              and user.has_perm("service.view_request")):
        label = _("My needs") if user.is_dealer_user else _("Dealer needs")
        items.append((label, reverse("service:need_list"), "needs"))
    if user.has_perm("events.view_event"):
        label = _("My events") if user.is_dealer_user else _("Meetings and trainings")
        items.append((label, reverse("events:event_list"), "events"))
    if user.has_perm("visits.view_visit"):
        items.append((_("Calls and visits"), reverse("visits:contact_list"), "visits"))
        items.append((_("Weekly and monthly reports"), reverse("visits:report_list"), "reports"))
    if user.has_perm("retail.view_retailer"):
        label = _("My stores") if user.is_dealer_user else _("Retailers")
        items.append((label, reverse("retail:retailer_list"), "retail"))
    if user.has_perm("stock.view_stock"):
        items.append((_("Stock reports"), reverse("stock:report_list"), "stock"))
    if user.has_perm("orders.import_order") or user.has_perm("finance.import_finance"):
        items.append((_("History imports"), reverse("imports:job_list"), "imports"))
    if user.has_perm("territories.view_territory"):
        items.append((_("Territories"), reverse("territories:territory_list"), "territories"))
    if user.has_perm("catalog.view_product"):
        items.append((_("Products"), reverse("catalog:product_list"), "catalog"))
    return {"nav_items": items, "nav_menu": _menu(items, grouped=not user.is_dealer_user),
            **extra}


# Staff see many pages: the menu groups them by area (a dealer's few pages stay in one row).
_GROUPS = [
    ("dealers", _("Dealer management"), ("dealers", "recruitment", "evaluation", "tiers", "retail",
                               "territories")),
    ("trade", _("Trade"), ("agreements", "orders", "approvals", "shipments", "finance",
                           "stock", "imports", "catalog")),
    ("service", _("Service and visits"), ("service", "needs", "events", "visits", "reports")),
]


def _menu(items: list[tuple], *, grouped: bool) -> list[dict]:
    """The navigation as shown: single links, and groups of links (a dropdown each, in the
    place of the group's first link)."""
    if not grouped:
        return [{"label": label, "href": href, "key": key} for label, href, key in items]
    group_of = {key: group for group, _label, keys in _GROUPS for key in keys}
    labels = {group: label for group, label, _keys in _GROUPS}
    menu: list[dict] = []
    placed: dict[str, dict] = {}
    for label, href, key in items:
        group = group_of.get(key)
        link = {"label": label, "href": href, "key": key}
        if group is None:
            menu.append(link)
        elif group in placed:
            placed[group]["links"].append(link)
        else:
            placed[group] = {"label": labels[group], "key": group, "links": [link]}
            menu.append(placed[group])
    # A group of one is just its link.
    return [entry["links"][0] if len(entry.get("links", [None, None])) == 1 else entry
            for entry in menu]
