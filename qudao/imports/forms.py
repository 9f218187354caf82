"""The upload form of history imports."""

from django import forms
from django.utils.translation import gettext_lazy as _

from qudao.imports.choices import JobKind


class ImportJobForm(forms.Form):
    kind = forms.ChoiceField(label=_("The file holds"), choices=JobKind.choices)
    file = forms.FileField(label=_("File (CSV or Excel .xlsx)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}))

    def __init__(self, *args, kinds: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, label) for k, label in JobKind.choices if k in kinds]
