"""Page input for the territory tree; the rules themselves live in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from qudao.accounts.choices import Role
from qudao.dealers import scoping
from qudao.territories.models import AssignmentRole, Territory
from qudao.territories.services import EDITABLE


def _indented(territory: Territory) -> str:
    return "\u3000" * (territory.depth - 1) + f"{territory.display_name} ({territory.code})"


class TerritoryForm(forms.ModelForm):
    parent = forms.ModelChoiceField(
        label=_("Parent territory"), required=False, queryset=Territory.objects.none(),
        help_text=_("Leave empty for a top-level sales region or province."),
    )

    class Meta:
        model = Territory
        fields = ["parent", *EDITABLE]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        choices = scoping.visible_territories(user).order_by("path")
        if self.instance.pk:
            # A node cannot go under itself or its own subtree; offer only the rest.
            choices = choices.exclude(path__startswith=self.instance.path)
            self.fields["parent"].initial = Territory.objects.get_parent(self.instance)
        else:
            del self.fields["is_active"]
        self.fields["parent"].queryset = choices
        self.fields["parent"].label_from_instance = _indented

    def clean_code(self):
        return (self.cleaned_data.get("code") or "").strip()

    def service_values(self) -> dict:
        values = {f: self.cleaned_data.get(f) for f in EDITABLE if f in self.fields}
        values["name_en"] = values.get("name_en") or ""
        return values

    def validate_unique(self):
        """Uniqueness is the service's check, reported with the other rules."""


class AssignmentForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Person"), queryset=None)
    role = forms.ChoiceField(label=_("As"), choices=AssignmentRole.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from qudao.accounts.models import User

        self.fields["user"].queryset = User.objects.filter(
            is_active=True, role__in=[Role.REGIONAL_MANAGER, Role.SALES_REP],
        ).order_by("role", "username")
        self.fields["user"].label_from_instance = (
            lambda u: f"{u} · {u.get_role_display()} ({u.username})")
