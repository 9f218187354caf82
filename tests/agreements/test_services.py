"""Drafting agreements: numbering, the parties' snapshot, scope rules, targets, edits."""

import datetime
from decimal import Decimal

import pytest

from qudao.agreements import services
from qudao.agreements.exceptions import AgreementInvalid, AgreementNotEditable
from qudao.agreements.models import Agreement, AgreementTarget
from qudao.core.exceptions import NotAllowed
from qudao.core.models import AuditEvent
from tests.agreements.conftest import complete_values, draft


@pytest.mark.django_db
def test_create_numbers_snapshots_parties_and_splits_the_target(world, north_rep, settings):
    dealer = world.dealer_a
    dealer.legal_name, dealer.legal_representative = "石家庄恒顺商贸有限公司", "李恒顺"
    dealer.bank_name, dealer.bank_account = "建设银行", "6227000011112222"
    dealer.save()
    agreement = services.agreement_create(
        actor=north_rep, dealer=dealer,
        values={"start_date": datetime.date(2026, 3, 10), "end_date": datetime.date(2027, 3, 9),
                "annual_target": Decimal("100000.00")},
        territory_ids=[world.shijiazhuang.pk, world.tangshan.pk], category_ids=[],
        product_ids=[])

    assert agreement.number.startswith("AG") and agreement.number.endswith(
        f"{agreement.pk:07d}")
    assert agreement.status == "draft" and agreement.version == 1
    assert agreement.created_by == north_rep
    assert agreement.manufacturer_name == settings.MANUFACTURER["name"]
    assert agreement.manufacturer_bank_account == settings.MANUFACTURER["bank_account"]
    assert agreement.dealer_legal_representative == "李恒顺"
    assert agreement.dealer_bank_account == "建设银行 6227000011112222"
    targets = list(agreement.targets.values_list("month", "amount"))
    assert len(targets) == 12
    assert targets[0] == (datetime.date(2026, 3, 1), Decimal("8333.33"))
    assert targets[-1] == (datetime.date(2027, 2, 1), Decimal("8333.37"))
    assert sum(amount for _m, amount in targets) == Decimal("100000.00")
    event = AuditEvent.objects.get(event="agreement.created")
    assert event.actor == north_rep and event.data["number"] == agreement.number


@pytest.mark.django_db
def test_dealer_name_stands_in_for_a_missing_legal_name(world, hq_admin):
    agreement = draft(hq_admin, world.dealer_b)
    assert agreement.dealer_legal_name == world.dealer_b.name


@pytest.mark.django_db
def test_authorized_territory_outside_the_reps_area_is_refused_by_name(world, north_rep):
    with pytest.raises(AgreementInvalid) as caught:
        services.agreement_create(
            actor=north_rep, dealer=world.dealer_a, values=complete_values(all_products=True),
            territory_ids=[world.shijiazhuang.pk, world.hangzhou.pk], category_ids=[],
            product_ids=[])

    assert "Hangzhou" in caught.value.errors["territories"]
    assert "outside your territories" in caught.value.message
    assert not Agreement.objects.exists() and not AgreementTarget.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_dealer_outside_the_scope_is_refused(world, east_rep):
    with pytest.raises(AgreementInvalid) as caught:
        draft(east_rep, world.dealer_a, territories=[world.hangzhou])
    assert "dealer" in caught.value.errors
    assert not Agreement.objects.exists()


@pytest.mark.django_db
def test_roles_without_the_permission_cannot_draft(world, finance, dealer_a_admin):
    for user in (finance, dealer_a_admin):
        with pytest.raises(NotAllowed):
            draft(user, world.dealer_a)
    assert not Agreement.objects.exists()


@pytest.mark.django_db
def test_bad_values_are_reported_by_field_and_nothing_is_written(world, hq_admin):
    with pytest.raises(AgreementInvalid) as caught:
        services.agreement_create(
            actor=hq_admin, dealer=world.dealer_a,
            values=complete_values(end_date=datetime.date(2025, 1, 1),
                                   credit_limit=Decimal("-1"), flow_report_day=31,
                                   settlement_method="barter", not_applicable=["number"]),
            territory_ids=[world.shijiazhuang.pk], category_ids=[], product_ids=[999999])
    assert set(caught.value.errors) >= {"end_date", "credit_limit", "flow_report_day",
                                        "settlement_method", "not_applicable", "products"}
    assert not Agreement.objects.exists()


@pytest.mark.django_db
def test_update_edits_a_draft_and_records_the_diff(world, hq_admin, catalog):
    agreement = draft(hq_admin, world.dealer_a)
    services.agreement_update(actor=hq_admin, agreement=agreement,
                              values={"dispute_venue": "北京仲裁委员会", "all_products": False,
                                      "annual_target": Decimal("120.00")},
                              category_ids=[catalog.tea.pk])
    agreement.refresh_from_db()
    assert agreement.dispute_venue == "北京仲裁委员会"
    assert list(agreement.categories.all()) == [catalog.tea]
    assert sum(agreement.targets.values_list("amount", flat=True)) == Decimal("120.00")
    event = AuditEvent.objects.get(event="agreement.updated")
    assert event.data["dispute_venue"] == ["石家庄仲裁委员会", "北京仲裁委员会"]
    assert event.data["categories"] == [[], [catalog.tea.pk]]
    assert "territories" not in event.data


@pytest.mark.django_db
def test_only_a_draft_can_be_edited(world, hq_admin, director):
    agreement = draft(hq_admin, world.dealer_a)
    services.agreement_submit(actor=hq_admin, agreement=agreement)
    with pytest.raises(AgreementNotEditable):
        services.agreement_update(actor=hq_admin, agreement=agreement,
                                  values={"dispute_venue": "x"})
    agreement.refresh_from_db()
    assert agreement.dispute_venue == "石家庄仲裁委员会"


@pytest.mark.django_db
def test_targets_set_replaces_months_and_the_annual_target_is_their_sum(world, hq_admin):
    agreement = draft(hq_admin, world.dealer_a)
    months = {datetime.date(2026, m, 1): Decimal("1000.50") for m in range(1, 7)}
    months[datetime.date(2026, 7, 15)] = Decimal("0.00")
    services.agreement_targets_set(actor=hq_admin, agreement=agreement, months=months)
    agreement.refresh_from_db()
    assert agreement.annual_target == Decimal("6003.00")
    assert agreement.targets.count() == 7
    assert agreement.targets.get(month=datetime.date(2026, 7, 1)).amount == Decimal("0.00")
    event = AuditEvent.objects.get(event="agreement.targets_set")
    assert event.data["annual_target"] == ["1200000.00", "6003.00"]


@pytest.mark.django_db
def test_targets_outside_the_term_or_more_than_12_are_refused(world, hq_admin):
    agreement = draft(hq_admin, world.dealer_a)
    before = list(agreement.targets.values_list("month", "amount"))
    with pytest.raises(AgreementInvalid) as caught:
        services.agreement_targets_set(actor=hq_admin, agreement=agreement,
                                       months={datetime.date(2027, 1, 1): Decimal("1")})
    assert "2027-01" in caught.value.errors
    thirteen = {datetime.date(2026, m, 1): Decimal("1") for m in range(1, 13)}
    thirteen[datetime.date(2025, 12, 1)] = Decimal("1")
    with pytest.raises(AgreementInvalid):
        services.agreement_targets_set(actor=hq_admin, agreement=agreement, months=thirteen)
    assert list(agreement.targets.values_list("month", "amount")) == before
