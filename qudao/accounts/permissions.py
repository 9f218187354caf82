"""What each role may do. Which records it may do it to is the scoping function's job."""

from qudao.accounts.choices import Role

_STAFF_READ = {
    "dealers.view_dealer", "catalog.view_product", "territories.view_territory",
    "dealers.view_contact",
}
_DEALER_EDIT = {
    "dealers.add_dealer", "dealers.change_dealer", "dealers.add_contact",
    "dealers.change_contact", "dealers.delete_contact",
}

ROLE_PERMISSIONS: dict[str, set[str]] = {
    Role.HQ_ADMIN: _STAFF_READ | _DEALER_EDIT | {
        "dealers.change_status", "dealers.import_dealer", "dealers.export_dealer",
        "catalog.add_product", "catalog.change_product", "catalog.import_product",
        "catalog.export_product", "catalog.change_price",
        "territories.add_territory", "territories.change_territory",
        "territories.assign_territory", "accounts.view_user",
    },
    Role.SALES_DIRECTOR: _STAFF_READ | _DEALER_EDIT | {
        "dealers.change_status", "dealers.import_dealer", "dealers.export_dealer",
        "catalog.export_product", "catalog.change_price", "territories.assign_territory",
        "accounts.view_user",
    },
    Role.REGIONAL_MANAGER: _STAFF_READ | _DEALER_EDIT | {
        "dealers.change_status", "dealers.import_dealer", "dealers.export_dealer",
        "catalog.export_product", "accounts.view_user",
    },
    Role.SALES_REP: _STAFF_READ | _DEALER_EDIT | {"dealers.export_dealer"},
    Role.FINANCE: _STAFF_READ | {"dealers.export_dealer", "catalog.export_product"},
    Role.CUSTOMER_SERVICE: _STAFF_READ | {"dealers.export_dealer"},
    Role.DEALER_ADMIN: {
        "dealers.view_dealer", "dealers.view_contact", "catalog.view_product",
        "dealers.add_contact", "dealers.change_contact", "dealers.delete_contact",
    },
    Role.DEALER_STAFF: {"dealers.view_dealer", "dealers.view_contact", "catalog.view_product"},
}


def role_has_perm(role: str, perm: str) -> bool:
    return perm in ROLE_PERMISSIONS.get(role, set())
