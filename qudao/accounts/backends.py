"""Authentication with permissions that come from the user's role."""

from typing import Any

from django.contrib.auth.backends import ModelBackend

from qudao.accounts.permissions import ROLE_PERMISSIONS


class RoleBackend(ModelBackend):
    """Django's password check; a user's permissions are those of the role, plus any granted."""

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if user_obj.is_superuser:
            return super().get_all_permissions(user_obj, obj)
        granted = super().get_all_permissions(user_obj, obj)
        return granted | ROLE_PERMISSIONS.get(user_obj.role, set())
