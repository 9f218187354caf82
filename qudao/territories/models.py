"""The sales territory tree: 大区 -> province -> prefecture city -> district/county."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

from qudao.core.models import BilingualName, TimeStampedModel


class TerritoryLevel(models.TextChoices):
    REGION = "region", _("Sales region (大区)")
    PROVINCE = "province", _("Province")
    CITY = "city", _("Prefecture city")
    DISTRICT = "district", _("District / county")


LEVEL_ORDER = [TerritoryLevel.REGION, TerritoryLevel.PROVINCE, TerritoryLevel.CITY,
               TerritoryLevel.DISTRICT]


class Territory(BilingualName, MP_Node, TimeStampedModel):
    """One node of the territory tree; a dealer belongs to one node, a user covers subtrees.

    The materialized path (treebeard) makes "everything below this node" one indexed
    prefix match, which is how the scoping function limits managers and reps.
    """

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=80)
    name_en = models.CharField(_("English name"), max_length=80, blank=True)
    level = models.CharField(_("level"), max_length=16, choices=TerritoryLevel.choices)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True,
                                   blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True,
                                    blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("territory")
        verbose_name_plural = _("territories")

    def __str__(self) -> str:
        return self.display_name


class AssignmentRole(models.TextChoices):
    MANAGER = "manager", _("Manager")
    REP = "rep", _("Sales rep")


class TerritoryAssignment(TimeStampedModel):
    """A person of the sales organization covering a territory node and everything below it."""

    territory = models.ForeignKey(Territory, verbose_name=_("territory"),
                                  on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("person"),
                             on_delete=models.CASCADE, related_name="territory_assignments")
    role = models.CharField(_("as"), max_length=16, choices=AssignmentRole.choices)

    class Meta:
        verbose_name = _("territory assignment")
        verbose_name_plural = _("territory assignments")
        constraints = [
            models.UniqueConstraint(fields=["territory", "user"], name="one_assignment_per_node"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.territory}"
