"""Template context every page needs: the navigation the user's role allows."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = [(_("Dashboard"), reverse("dashboard:home"), "home")]
    if user.has_perm("dealers.view_dealer"):
        label = _("My company") if user.is_dealer_user else _("Dealers")
        items.append((label, reverse("dealers:dealer_list"), "dealers"))
    if user.has_perm("territories.view_territory"):
        items.append((_("Territories"), reverse("territories:territory_list"), "territories"))
    if user.has_perm("catalog.view_product"):
        items.append((_("Products"), reverse("catalog:product_list"), "catalog"))
    return {"nav_items": items}
