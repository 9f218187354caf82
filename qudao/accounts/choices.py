from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    HQ_ADMIN = "hq_admin", _("HQ admin")
    SALES_DIRECTOR = "sales_director", _("Sales director")
    REGIONAL_MANAGER = "regional_manager", _("Regional manager")
    SALES_REP = "sales_rep", _("Sales rep")
    FINANCE = "finance", _("Finance")
    CUSTOMER_SERVICE = "customer_service", _("Customer service")
    DEALER_ADMIN = "dealer_admin", _("Dealer admin")
    DEALER_STAFF = "dealer_staff", _("Dealer staff")


# Roles that see every dealer; the others are limited by territory or by their own dealer.
COMPANY_WIDE_ROLES = {Role.HQ_ADMIN, Role.SALES_DIRECTOR, Role.FINANCE, Role.CUSTOMER_SERVICE}
TERRITORY_ROLES = {Role.REGIONAL_MANAGER, Role.SALES_REP}
DEALER_ROLES = {Role.DEALER_ADMIN, Role.DEALER_STAFF}
