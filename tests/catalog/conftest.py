import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english(settings):
    """Messages are asserted in their English source text, whatever translations ship."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
