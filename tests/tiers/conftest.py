import pytest

from tests.tiers.factories import rules_make


@pytest.fixture
def rules(db):
    """The tier rules of every level (tier-1: A from 3,000,000 and 80, B from 1,000,000 and
    60), whatever an earlier transactional test left."""
    return rules_make()
