from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from qudao.accounts import throttle


def client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


class ThrottledLoginForm(AuthenticationForm):
    """The login form, refusing to check passwords while a name or address is locked."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": _("Too many failed attempts. Please wait a few minutes and try again."),
    }

    def clean(self):
        username = self.data.get("username", "")
        address = client_address(self.request)
        if throttle.is_locked(username=username, address=address):
            raise forms.ValidationError(self.error_messages["locked"], code="locked")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            throttle.failure_record(username=username, address=address)
            raise
        throttle.failures_clear(username=username, address=address)
        return cleaned


class TokenCreateForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=80,
                           help_text=_("What the token is for, e.g. “ERP sync”."))
