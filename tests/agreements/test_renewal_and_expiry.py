"""Renewal keeps versions; agreements past their term expire by the daily task."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from qudao.agreements import services, tasks
from qudao.agreements.exceptions import AgreementInvalid
from qudao.agreements.models import Agreement
from qudao.core.models import AuditEvent
from qudao.finance.models import CreditAccount
from tests.agreements.conftest import draft, to_active


def _fields(agreement) -> dict:
    return {name: getattr(agreement, name) for name in services.AGREEMENT_FIELDS}


@pytest.mark.django_db
def test_renewal_copies_everything_into_a_new_draft_and_leaves_the_old_intact(
        world, hq_admin, director, catalog, product_in):
    tea = product_in(catalog.tea)
    old = to_active(draft(hq_admin, world.dealer_a, territories=[world.shijiazhuang,
                                                                 world.tangshan],
                          categories=[catalog.drinks], products=[tea]), approver=director)
    snapshot = (_fields(old), old.status, old.updated_at,
                list(old.targets.values_list("month", "amount")))

    renewal = services.agreement_renew(actor=hq_admin, agreement=old)

    old.refresh_from_db()
    assert (_fields(old), old.status, old.updated_at,
            list(old.targets.values_list("month", "amount"))) == snapshot
    assert renewal.status == "draft" and renewal.version == 2 and renewal.previous == old
    assert renewal.number != old.number and renewal.number.startswith("AG")
    assert (renewal.start_date, renewal.end_date) == (datetime.date(2027, 1, 1),
                                                      datetime.date(2027, 12, 31))
    copied = _fields(renewal)
    for name in ("start_date", "end_date"):
        copied.pop(name), snapshot[0].pop(name)
    assert copied == snapshot[0]
    assert set(renewal.territories.all()) == {world.shijiazhuang, world.tangshan}
    assert list(renewal.categories.all()) == [catalog.drinks]
    assert list(renewal.products.all()) == [tea]
    months = list(renewal.targets.values_list("month", flat=True))
    assert months[0] == datetime.date(2027, 1, 1) and months[-1] == datetime.date(2027, 12, 1)
    assert sum(renewal.targets.values_list("amount", flat=True)) == old.annual_target
    assert AuditEvent.objects.filter(event="agreement.renewed", target_id=str(old.pk)).exists()


@pytest.mark.django_db
def test_activating_the_renewal_expires_the_old_version(world, hq_admin, director):
    old = to_active(draft(hq_admin, world.dealer_a), approver=director)
    renewal = services.agreement_renew(actor=hq_admin, agreement=old,
                                       start_date=datetime.date(2026, 7, 1))
    assert renewal.end_date == datetime.date(2027, 6, 30)
    services.agreement_update(actor=hq_admin, agreement=renewal,
                              values={"credit_limit": Decimal("90000.00")})
    to_active(renewal, approver=director)

    old.refresh_from_db()
    assert old.status == "expired" and old.ended_on == datetime.date(2026, 6, 30)
    assert old.end_date == datetime.date(2026, 12, 31)  # the signed term is kept as it was
    assert Agreement.objects.get(pk=renewal.pk).status == "active"
    assert CreditAccount.objects.get(dealer=world.dealer_a).limit == Decimal("90000.00")
    expired = AuditEvent.objects.get(event="agreement.expired", target_id=str(old.pk))
    assert expired.data["renewed_by"] == renewal.number


@pytest.mark.django_db
def test_an_agreement_is_renewed_once_and_never_as_a_draft(world, hq_admin, director):
    old = to_active(draft(hq_admin, world.dealer_a), approver=director)
    first = services.agreement_renew(actor=hq_admin, agreement=old)
    with pytest.raises(AgreementInvalid, match=f"already renewed by {first.number}"):
        services.agreement_renew(actor=hq_admin, agreement=old)
    with pytest.raises(AgreementInvalid, match="Only a signed, active or expired"):
        services.agreement_renew(actor=hq_admin, agreement=first)
    assert Agreement.objects.count() == 2


@pytest.mark.django_db
def test_expire_ends_agreements_past_their_term_and_their_credit(world, hq_admin, director):
    ending = to_active(draft(hq_admin, world.dealer_a, start_date=datetime.date(2025, 4, 1),
                             end_date=datetime.date(2026, 3, 31),
                             credit_limit=Decimal("30000.00")), approver=director)
    running = to_active(draft(hq_admin, world.dealer_b), approver=director)

    assert services.agreements_expire(datetime.date(2026, 3, 31)) == 0
    assert services.agreements_expire(datetime.date(2026, 4, 1)) == 1
    assert services.agreements_expire(datetime.date(2026, 4, 1)) == 0  # safe to run twice

    ending.refresh_from_db()
    assert ending.status == "expired" and ending.ended_on == datetime.date(2026, 3, 31)
    assert Agreement.objects.get(pk=running.pk).status == "active"
    assert CreditAccount.objects.get(dealer=world.dealer_a).limit == Decimal("0.00")
    assert CreditAccount.objects.get(dealer=world.dealer_b).limit == Decimal("50000.00")


@pytest.mark.django_db
def test_the_task_and_the_command_run_the_expiry(world, hq_admin, director):
    agreement = to_active(draft(hq_admin, world.dealer_a, start_date=datetime.date(2025, 4, 1),
                                end_date=datetime.date(2026, 3, 31)), approver=director)
    out = StringIO()
    call_command("expire_agreements", "--date", "2026-03-31", stdout=out)
    assert "expired: 0" in out.getvalue()
    assert tasks.agreements_expire_task.delay("2026-04-02").get() == 1
    assert Agreement.objects.get(pk=agreement.pk).status == "expired"
