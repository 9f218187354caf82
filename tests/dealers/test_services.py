from decimal import Decimal

import pytest

from qudao.core.models import AuditEvent
from qudao.dealers import services
from qudao.dealers.exceptions import DealerInvalid, DealerTransitionInvalid
from qudao.dealers.models import Dealer, DealerStatusChange
from qudao.dealers.validators import credit_code_check_char
from tests.factories import credit_code


def _values(world, **overrides):
    values = {"name": "保定新达商贸有限公司", "channel_level": "tier2",
              "territory": world.shijiazhuang, "parent": world.dealer_a}
    values.update(overrides)
    return values


@pytest.mark.django_db
def test_create_numbers_the_dealer_and_records_history(world, north_rep):
    dealer = services.dealer_create(actor=north_rep, values=_values(world), tags=["新开发"])
    assert dealer.code == f"QD{dealer.pk:07d}"
    assert dealer.status == "prospect"
    assert list(dealer.tags.values_list("name", flat=True)) == ["新开发"]
    event = AuditEvent.objects.get(event="dealer.created")
    assert event.actor == north_rep and event.target_id == str(dealer.pk)


@pytest.mark.django_db
@pytest.mark.parametrize(("overrides", "field"), [
    ({"code": "A0001"}, "code"),
    ({"name": "  "}, "name"),
    ({"credit_code": "91130100MA0000001X"}, "credit_code"),
    ({"credit_code": "123"}, "credit_code"),
    ({"channel_level": "tier1"}, "parent"),  # a tier-1 has no parent dealer
    ({"retailer_type": "exclusive"}, "retailer_type"),
    ({"latitude": Decimal("91")}, "latitude"),
])
def test_invalid_dealer_is_refused_with_the_field_and_nothing_written(world, north_rep,
                                                                      overrides, field):
    before = Dealer.objects.count()
    with pytest.raises(DealerInvalid) as caught:
        services.dealer_create(actor=north_rep, values=_values(world, **overrides))
    assert field in caught.value.errors
    assert Dealer.objects.count() == before
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_credit_code_check_character():
    body = "91110108MA01ABCD1"
    good = body + credit_code_check_char(body)
    wrong = body + ("0" if good[-1] != "0" else "1")
    from django.core.exceptions import ValidationError

    from qudao.dealers.validators import validate_credit_code
    validate_credit_code(good)
    with pytest.raises(ValidationError):
        validate_credit_code(wrong)
    with pytest.raises(ValidationError):
        validate_credit_code(body + "I")  # I is not in the alphabet


@pytest.mark.django_db
def test_rep_cannot_file_a_dealer_outside_his_territory(world, north_rep):
    with pytest.raises(DealerInvalid) as caught:
        services.dealer_create(actor=north_rep, values=_values(
            world, territory=world.hangzhou, parent=None, channel_level="tier1"))
    assert "territory" in caught.value.errors


@pytest.mark.django_db
def test_parent_must_not_be_own_descendant(world, hq_admin):
    with pytest.raises(DealerInvalid) as caught:
        services.dealer_update(actor=hq_admin, dealer=world.dealer_a,
                               values={"channel_level": "tier2", "parent": world.dealer_a_sub})
    assert "parent" in caught.value.errors


@pytest.mark.django_db
def test_update_logs_each_changed_field(world, hq_admin):
    services.dealer_update(actor=hq_admin, dealer=world.dealer_a,
                           values={"name": "石家庄恒顺商贸集团", "vehicles": 12},
                           tags=["重点客户"])
    event = AuditEvent.objects.get(event="dealer.updated")
    assert event.data["name"] == ["石家庄恒顺商贸有限公司", "石家庄恒顺商贸集团"]
    assert event.data["vehicles"] == [None, 12]
    assert event.data["tags"] == ["", "重点客户"]


@pytest.mark.django_db
def test_lifecycle_moves_log_who_when_why(world, north_manager):
    dealer = services.dealer_status_change(actor=north_manager, dealer=world.dealer_a,
                                           to_status="probation", reason="连续三月未达标")
    assert dealer.status == "probation"
    change = DealerStatusChange.objects.get(dealer=dealer)
    assert (change.from_status, change.to_status, change.changed_by) == (
        "active", "probation", north_manager)
    assert change.reason == "连续三月未达标"


@pytest.mark.django_db
@pytest.mark.parametrize(("start", "to", "reason", "exit_reason"), [
    ("active", "prospect", "x", ""),  # not an allowed move
    ("prospect", "active", "x", ""),  # must go through onboarding
    ("active", "probation", " ", ""),  # no reason
    ("active", "terminated", "窜货", ""),  # termination needs an exit reason
    ("terminated", "active", "x", ""),  # comes back only as a prospect
])
def test_disallowed_moves_are_refused(world, hq_admin, start, to, reason, exit_reason):
    Dealer.objects.filter(pk=world.dealer_a.pk).update(status=start)
    with pytest.raises(DealerTransitionInvalid):
        services.dealer_status_change(actor=hq_admin, dealer=world.dealer_a, to_status=to,
                                      reason=reason, exit_reason=exit_reason)
    world.dealer_a.refresh_from_db()
    assert world.dealer_a.status == start
    assert not DealerStatusChange.objects.exists()


@pytest.mark.django_db
def test_termination_keeps_the_exit_reason_and_way_back_is_prospect(world, hq_admin):
    services.dealer_status_change(actor=hq_admin, dealer=world.dealer_b, to_status="terminated",
                                  reason="多次窜货", exit_reason="cross_region")
    world.dealer_b.refresh_from_db()
    assert world.dealer_b.exit_reason == "cross_region"
    services.dealer_status_change(actor=hq_admin, dealer=world.dealer_b, to_status="prospect",
                                  reason="重新洽谈")
    world.dealer_b.refresh_from_db()
    assert (world.dealer_b.status, world.dealer_b.exit_reason) == ("prospect", "")


@pytest.mark.django_db
def test_one_primary_contact(world, hq_admin):
    first = services.contact_create(actor=hq_admin, dealer=world.dealer_a,
                                    values={"name": "王总", "is_primary": True})
    second = services.contact_create(actor=hq_admin, dealer=world.dealer_a,
                                     values={"name": "李经理", "is_primary": True})
    first.refresh_from_db()
    assert not first.is_primary and second.is_primary
    assert AuditEvent.objects.filter(event="contact.created",
                                     subject_id=str(world.dealer_a.pk)).count() == 2


def test_factory_credit_codes_are_valid():
    from qudao.dealers.validators import validate_credit_code
    validate_credit_code(credit_code(7))
