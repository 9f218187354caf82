"""Who sees which leads (and so which candidates): the recruitment side of scoping.

Leads are not dealers yet, so they follow the region they are filed under, through the same
territory coverage as qudao/dealers/scoping.py: company-wide roles see every lead; a
regional manager the leads of his territories; a sales rep the leads routed to him (his
own); dealer users and everyone else none.
"""

from typing import Any

from django.db.models import Q, QuerySet

from qudao.dealers.scoping import covered_paths
from qudao.recruitment.models import Candidate, Lead


def staff_user(user: Any) -> bool:
    return (user is not None and user.is_authenticated and user.is_active
            and not user.is_dealer_user)


def _under(paths: list[str], field: str) -> Q:
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(**{f"{field}__startswith": path})
    return condition


def visible_leads(user: Any) -> QuerySet[Lead]:
    """Leads the user may see; any other lead answers 404 to him."""
    leads = Lead.objects.all()
    if not staff_user(user):
        return leads.none()
    if user.sees_all_dealers:
        return leads
    if user.is_territory_user:
        if user.role == "sales_rep":
            return leads.filter(assigned_rep=user)
        return leads.filter(_under(covered_paths(user), "territory__path"))
    return leads.none()


def visible_candidates(user: Any) -> QuerySet[Candidate]:
    """Candidates of the leads the user sees."""
    candidates = Candidate.objects.all()
    if not staff_user(user):
        return candidates.none()
    if user.sees_all_dealers:
        return candidates
    return candidates.filter(lead__in=visible_leads(user))
