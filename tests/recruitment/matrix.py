"""Access-matrix entries of the recruitment routes (see tests/api/test_access_matrix.py).

Leads (and so candidates) are not dealers yet: they follow the region they are filed
under. The builders file one lead per world dealer in that dealer's territory, routed to
the rep covering it, so the dealers a persona sees are exactly the leads it must see: a
regional manager his territories', a rep the ones routed to him, company-wide roles all;
finance, service and dealer users have no recruitment permission (403). Lists, creation
and the comparison are checked persona by persona in tests/recruitment/test_api.py.
"""

from qudao.dealers.models import Dealer
from qudao.recruitment.models import Candidate, CriteriaSet, Lead
from qudao.territories.models import Territory, TerritoryAssignment


def _rep_for(territory: Territory):
    step = Territory.steplen
    paths = [territory.path[:end] for end in range(step, len(territory.path) + 1, step)]
    found = (TerritoryAssignment.objects.filter(territory__path__in=paths, role="rep")
             .select_related("user").first())
    return found.user if found else None


def _leads(world) -> dict:
    """A lead per world dealer, in its territory, routed to the rep covering it."""
    found = {}
    for dealer in Dealer.objects.select_related("territory"):
        lead, _created = Lead.objects.get_or_create(
            company=f"矩阵线索{dealer.code}", defaults={
                "source": "referral", "territory": dealer.territory,
                "assigned_rep": _rep_for(dealer.territory), "status": "qualified",
                "first_period": "2026-01-01", "period": "2026-01-01"})
        found[dealer.code] = lead.pk
    return found


def _candidates(world) -> dict:
    """A candidate of each of those leads, on the default set, not scored."""
    criteria_set = CriteriaSet.objects.get(code="textbook")
    found = {}
    for code, lead_id in _leads(world).items():
        lead = Lead.objects.get(pk=lead_id)
        candidate, _created = Candidate.objects.get_or_create(
            lead=lead, defaults={"name": lead.company, "criteria_set": criteria_set})
        found[code] = candidate.pk
    return found


ROUTES: dict = {
    ("get", "/api/leads"): "self",
    ("post", "/api/leads"): "create",
    ("get", "/api/leads/{lead_id}"): "lead_read",
    ("post", "/api/leads/{lead_id}/follow-ups"): "lead_write",
    ("post", "/api/leads/{lead_id}/status"): "lead_write",
    ("post", "/api/leads/{lead_id}/assign"): "lead_write",
    ("get", "/api/candidates"): "self",
    ("get", "/api/candidates/compare"): "self",
    ("get", "/api/candidates/{candidate_id}"): "candidate_read",
    ("post", "/api/candidates/{candidate_id}/scores"): "candidate_write",
    ("post", "/api/candidates/{candidate_id}/decision"): "candidate_write",
    ("get", "/api/criteria-sets"): "self",
}
RECORDS: dict = {"lead": ("lead_id", _leads), "candidate": ("candidate_id", _candidates)}
