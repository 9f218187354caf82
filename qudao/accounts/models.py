"""People who use Qudao, with the role that decides what they may do and see."""

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qudao.accounts.choices import COMPANY_WIDE_ROLES, DEALER_ROLES, TERRITORY_ROLES, Role


class User(AbstractUser):
    """A person: manufacturer staff with a role, or a dealer's own user tied to its dealer."""

    full_name = models.CharField(_("full name"), max_length=80, blank=True)
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.SALES_REP)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    dealer = models.ForeignKey(
        "dealers.Dealer", verbose_name=_("dealer"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="users",
        help_text=_("For dealer admins and dealer staff: the dealer they work for."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                name="dealer_user_has_dealer",
                condition=~models.Q(role__in=sorted(r.value for r in DEALER_ROLES))
                | models.Q(dealer__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def sees_all_dealers(self) -> bool:
        return self.is_superuser or self.role in COMPANY_WIDE_ROLES

    @property
    def is_territory_user(self) -> bool:
        return not self.is_superuser and self.role in TERRITORY_ROLES

    @property
    def is_dealer_user(self) -> bool:
        return not self.is_superuser and self.role in DEALER_ROLES


class ApiToken(models.Model):
    """A bearer token for the API. Only its hash is stored; the key is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(_("prefix"), max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @staticmethod
    def new_key() -> str:
        return "qd_" + secrets.token_urlsafe(32)

    def mark_used(self) -> None:
        now = timezone.now()
        # Write at most once a minute per token: the API must not write on every read.
        if self.last_used_at is None or (now - self.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=self.pk).update(last_used_at=now)
