"""Territory pages: browse the tree a level at a time, search it, edit it, and assign people."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qudao.core import audit
from qudao.core.pagination import paginate, query_without_page
from qudao.core.views import list_render
from qudao.dealers.scoping import visible_dealers, visible_territories
from qudao.territories import queries, services
from qudao.territories.exceptions import TerritoryInvalid
from qudao.territories.forms import AssignmentForm, TerritoryForm
from qudao.territories.models import Territory

HISTORY_SHOWN = 30


def _get(request, pk) -> Territory:
    """A node the user may see; any other id answers 404."""
    return get_object_or_404(visible_territories(request.user), pk=pk)


def _breadcrumb(user, node: Territory | None) -> list[Territory]:
    """The node's ancestors the user may see, top first, in one query (node itself excluded)."""
    if node is None or node.depth <= 1:
        return []
    step = Territory.steplen
    prefixes = [node.path[:step * depth] for depth in range(1, node.depth)]
    return list(visible_territories(user).filter(path__in=prefixes).order_by("depth"))


def _dealers_under(user, node: Territory | None) -> int | None:
    """Visible dealers filed anywhere under `node` (itself included), in one query."""
    if node is None:
        return None
    return visible_dealers(user).filter(territory__path__startswith=node.path).count()


@login_required
@permission_required("territories.view_territory", raise_exception=True)
def territory_list(request):
    """One level of the tree (the top, or `?node=`'s children), or search results for `?q=`."""
    q = (request.GET.get("q") or "").strip()
    context = {"q": q, "active_nav": "territories",
               "can_add": request.user.has_perm("territories.add_territory")}
    if q:
        page = paginate(request, queries.territory_list(user=request.user, q=q))
        context.update(page=page, query=query_without_page(request))
        return list_render(request, context, template="territories/territory_list.html",
                           partial="territories/_search_results.html")
    node = _get(request, request.GET["node"]) if request.GET.get("node", "").isdigit() else None
    children = queries.territory_children_with_counts(user=request.user, node=node)
    assignments = queries.assignments_for(children)
    for child in children:
        child.coverers = assignments[child.pk]
    context.update(node=node, children=children, breadcrumb=_breadcrumb(request.user, node),
                   dealer_count=_dealers_under(request.user, node))
    return list_render(request, context, template="territories/territory_list.html",
                       partial="territories/_children.html")


def _detail_context(request, node: Territory, assignment_form: AssignmentForm | None = None):
    children = queries.territory_children_with_counts(user=request.user, node=node)
    can_assign = request.user.has_perm("territories.assign_territory")
    return {
        "node": node,
        "breadcrumb": _breadcrumb(request.user, node),
        "children": children,
        "dealer_count": _dealers_under(request.user, node),
        "assignments": node.assignments.select_related("user").order_by("role", "user__username"),
        "assignment_form": (assignment_form or AssignmentForm()) if can_assign else None,
        "can_assign": can_assign,
        "can_edit": request.user.has_perm("territories.change_territory"),
        "can_add": request.user.has_perm("territories.add_territory"),
        "history": audit.history(node)[:HISTORY_SHOWN],
        "active_nav": "territories",
    }


@login_required
@permission_required("territories.view_territory", raise_exception=True)
def territory_detail(request, pk: int):
    """A node: where it sits, what is below it, who covers it and what changed."""
    node = _get(request, pk)
    return render(request, "territories/territory_detail.html", _detail_context(request, node))


def _save(request, form: TerritoryForm, node: Territory | None) -> Territory | None:
    parent = form.cleaned_data.get("parent")
    try:
        if node is None:
            return services.territory_create(parent=parent, actor=request.user,
                                             **form.service_values())
        return services.territory_update(territory=node, actor=request.user, parent=parent,
                                         move=True, **form.service_values())
    except TerritoryInvalid as exc:
        form.add_error(None, exc.message)
    return None


@login_required
@permission_required("territories.add_territory", raise_exception=True)
def territory_create(request):
    """Add a node; `?parent=` preselects where it goes."""
    initial = {}
    parent_id = request.GET.get("parent", "")
    if parent_id.isdigit():
        initial["parent"] = _get(request, parent_id)
    form = TerritoryForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        node = _save(request, form, None)
        if node is not None:
            messages.success(request, _("Territory %(name)s created.") % {"name": node.name})
            return redirect("territories:territory_detail", pk=node.pk)
    return render(request, "territories/territory_form.html",
                  {"form": form, "parent": initial.get("parent"), "active_nav": "territories"})


@login_required
@permission_required("territories.change_territory", raise_exception=True)
def territory_edit(request, pk: int):
    """Edit a node, or move it (with its subtree) under another parent."""
    node = _get(request, pk)
    form = TerritoryForm(request.POST or None, instance=node, user=request.user)
    if request.method == "POST" and form.is_valid():
        # Re-read: form validation wrote the posted values onto the instance.
        saved = _save(request, form, Territory.objects.get(pk=node.pk))
        if saved is not None:
            messages.success(request, _("Changes saved."))
            return redirect("territories:territory_detail", pk=saved.pk)
    return render(request, "territories/territory_form.html",
                  {"form": form, "node": Territory.objects.get(pk=node.pk),
                   "active_nav": "territories"})


@login_required
@permission_required("territories.assign_territory", raise_exception=True)
@require_POST
def assignment_add(request, pk: int):
    """Make a manager or rep cover this node and everything below it."""
    node = _get(request, pk)
    form = AssignmentForm(request.POST)
    if form.is_valid():
        try:
            services.assignment_add(territory=node, user=form.cleaned_data["user"],
                                    role=form.cleaned_data["role"], actor=request.user)
        except TerritoryInvalid as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("%(user)s now covers %(node)s.")
                             % {"user": form.cleaned_data["user"], "node": node.display_name})
            return redirect("territories:territory_detail", pk=node.pk)
    return render(request, "territories/territory_detail.html",
                  _detail_context(request, node, assignment_form=form))


@login_required
@permission_required("territories.assign_territory", raise_exception=True)
@require_POST
def assignment_remove(request, pk: int, assignment_pk: int):
    node = _get(request, pk)
    assignment = get_object_or_404(node.assignments.select_related("user", "territory"),
                                   pk=assignment_pk)
    services.assignment_remove(assignment=assignment, actor=request.user)
    messages.success(request, _("%(user)s no longer covers %(node)s.")
                     % {"user": assignment.user, "node": node.display_name})
    return redirect("territories:territory_detail", pk=node.pk)
