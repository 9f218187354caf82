"""Writes of mobilization campaigns (经销商发动, R-DM-12): the campaign and its target list."""

import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from qudao.core import audit
from qudao.dealers.scoping import visible_territories
from qudao.recruitment.choices import CampaignMethod, CampaignStatus
from qudao.recruitment.exceptions import RecruitmentInvalid
from qudao.recruitment.models import Campaign
from qudao.recruitment.scope import visible_leads
from qudao.recruitment.services._common import require, text

CAMPAIGN_FIELDS = ["name", "method", "territory", "starts_on", "ends_on", "status", "plan"]


@transaction.atomic
def campaign_save(*, actor: Any, values: dict[str, Any],
                  campaign: Campaign | None = None) -> Campaign:
    """Create or change a campaign. Raises RecruitmentInvalid."""
    require(actor, "recruitment.change_campaign")
    if campaign is not None:
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    merged = {name: getattr(campaign, name) for name in CAMPAIGN_FIELDS} if campaign else {}
    merged.update({k: v for k, v in values.items() if k in CAMPAIGN_FIELDS})
    merged.setdefault("status", CampaignStatus.PLANNED)
    errors: dict[str, str] = {}
    merged["name"] = text(merged.get("name"), 120)
    if not merged["name"]:
        errors["name"] = _("A campaign needs a name.")
    if merged.get("method") not in CampaignMethod.values:
        errors["method"] = _("Choose the planned method.")
    if merged.get("status") not in CampaignStatus.values:
        errors["status"] = _("Choose a status.")
    starts, ends = merged.get("starts_on"), merged.get("ends_on")
    if not isinstance(starts, datetime.date):
        errors["starts_on"] = _("Give the start date.")
    if not isinstance(ends, datetime.date):
        errors["ends_on"] = _("Give the end date.")
    elif isinstance(starts, datetime.date) and ends < starts:
        errors["ends_on"] = _("The campaign cannot end before it starts.")
    territory = merged.get("territory")
    if territory is not None and not visible_territories(actor).filter(pk=territory.pk).exists():
        errors["territory"] = _("%(region)s is outside your territories.") % {
            "region": territory}
    if errors:
        raise RecruitmentInvalid(errors)
    merged["plan"] = text(merged.get("plan"), 4000)
    before = audit.snapshot(campaign, CAMPAIGN_FIELDS) if campaign else {}
    target = campaign or Campaign(owner=actor)
    for name, value in merged.items():
        setattr(target, name, value)
    target.save()
    changes = audit.diff(before, audit.snapshot(target, CAMPAIGN_FIELDS))
    audit.record(actor=actor, target=target,
                 event="campaign.changed" if campaign else "campaign.created", data=changes)
    return target


@transaction.atomic
def campaign_leads_set(*, actor: Any, campaign: Campaign, add: list[int] | None = None,
                       remove: list[int] | None = None) -> int:
    """Add leads of the actor's scope to the campaign's target list, or take them off.
    Returns the size of the list afterwards."""
    require(actor, "recruitment.change_campaign")
    scope = visible_leads(actor)
    if add:
        campaign.leads.add(*scope.filter(pk__in=add))
    if remove:
        campaign.leads.remove(*scope.filter(pk__in=remove))
    size = campaign.leads.count()
    audit.record(actor=actor, target=campaign, event="campaign.targets",
                 data={"added": sorted(add or []), "removed": sorted(remove or []),
                       "size": size})
    return size
