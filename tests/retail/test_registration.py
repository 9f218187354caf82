"""Registration (R-RT-06): application -> rep review -> manager approval -> terminal and
authorization certificate; the approver is neither applicant nor reviewer."""

import datetime

import pytest
from django.utils import timezone

from qudao.core.exceptions import NotAllowed
from qudao.core.models import AuditEvent
from qudao.dealers.models import Dealer
from qudao.retail import services
from qudao.retail.exceptions import (
    ApplicationStatusInvalid,
    ApproverConflict,
    RetailInvalid,
)
from qudao.retail.models import Application, Certificate, RetailerProfile
from tests.factories import UserFactory
from tests.retail.factories import (
    application_make,
    application_values,
    certificate_make,
    profile_make,
)


@pytest.mark.django_db
def test_application_reviewed_and_approved_creates_the_terminal_and_its_certificate(
        world, north_rep, north_manager):
    application = services.application_submit(actor=north_rep,
                                              values=application_values(world))
    today = timezone.localdate()
    assert application.number == f"RA{today:%y%m%d}{application.pk:07d}"
    assert application.status == "submitted" and application.terms_version

    services.application_review(actor=north_rep, application=application, accept=True,
                                note="门店实地查看，条件属实")
    services.application_decide(actor=north_manager, application=application, approve=True,
                                grade="B")

    application.refresh_from_db()
    store = application.retailer
    assert application.status == "approved" and application.decided_by == north_manager
    assert (store.channel_level, store.retailer_type, store.grade, store.status) == (
        "terminal", "authorized", "B", "active")
    assert (store.parent, store.territory, store.assigned_rep) == (
        world.dealer_a, world.shijiazhuang, north_rep)
    assert (store.name, store.staff_count) == ("石家庄万家福超市", 5)
    values = application_values(world)
    assert list(store.contacts.values_list("name", "mobile", "is_primary")) == [
        (values["contact_name"], values["phone"], True)]
    profile = RetailerProfile.objects.get(retailer=store)
    assert (profile.store_area, profile.management_rating) == (90, 4)
    certificate = Certificate.objects.get(application=application)
    assert certificate.number == f"RC{today:%y%m%d}{certificate.pk:07d}"
    assert (certificate.valid_from, certificate.retailer_type, certificate.grade) == (
        today, "authorized", "B")
    assert certificate.valid_until == services.one_year_from(today)
    assert certificate.state == "valid"
    assert application.qualification["retailer_type"] == "authorized"
    assert [row["key"] for row in application.qualification["rows"]] == [
        "volume", "area", "staff", "environment", "management"]
    events = set(AuditEvent.objects.values_list("event", flat=True))
    assert {"retail.application_submitted", "retail.application_reviewed",
            "retail.application_approved", "retail.certificate_issued",
            "dealer.created", "dealer.status_changed"} <= events


def test_one_year_of_validity():
    assert services.one_year_from(datetime.date(2026, 3, 1)) == datetime.date(2027, 2, 28)
    assert services.one_year_from(datetime.date(2028, 2, 29)) == datetime.date(2029, 2, 27)


@pytest.mark.django_db
def test_the_applicant_or_reviewer_may_not_approve(world, north_rep, north_manager):
    filed_by_manager = application_make(world, applicant=north_manager, status="reviewed",
                                        reviewed_by=north_rep)
    reviewed_by_manager = application_make(world, applicant=north_rep, status="reviewed",
                                           reviewed_by=north_manager, store_name="二号店")
    for application in (filed_by_manager, reviewed_by_manager):
        with pytest.raises(ApproverConflict):
            services.application_decide(actor=north_manager, application=application,
                                        approve=True)
        application.refresh_from_db()
        assert application.status == "reviewed" and application.decided_by is None
    assert not Certificate.objects.exists()
    assert not Dealer.objects.filter(name__in=["石家庄万家福超市", "二号店"]).exists()


@pytest.mark.django_db
def test_a_rep_may_not_approve_and_only_reviewed_applications_are_decided(
        world, north_rep, director):
    application = application_make(world, applicant=north_rep)
    with pytest.raises(ApplicationStatusInvalid):
        services.application_decide(actor=director, application=application, approve=True)
    application.status = "reviewed"
    application.save()
    other_rep = UserFactory(username="other_rep", role="sales_rep")
    with pytest.raises(NotAllowed):
        services.application_decide(actor=other_rep, application=application, approve=True)
    with pytest.raises(RetailInvalid) as rejected:
        services.application_decide(actor=director, application=application, approve=False)
    assert "why" in str(rejected.value)
    services.application_decide(actor=director, application=application, approve=False,
                                note="门店面积不足")
    application.refresh_from_db()
    assert (application.status, application.decision_note) == ("rejected", "门店面积不足")
    with pytest.raises(ApplicationStatusInvalid):
        services.application_review(actor=north_rep, application=application, accept=True)


@pytest.mark.django_db
def test_terms_must_be_accepted_and_nothing_is_written_otherwise(world, north_rep):
    with pytest.raises(RetailInvalid) as refused:
        services.application_submit(actor=north_rep, values=application_values(
            world, terms_accepted=False, store_area=0))
    assert set(refused.value.errors) == {"terms_accepted", "store_area"}
    assert not Application.objects.exists()


@pytest.mark.django_db
def test_a_rep_files_only_in_his_territories(world, north_rep):
    with pytest.raises(RetailInvalid) as refused:
        services.application_submit(actor=north_rep, values=application_values(
            world, territory=world.hangzhou, parent=world.dealer_b))
    assert set(refused.value.errors) == {"territory", "parent"}


@pytest.mark.django_db
def test_a_dealer_files_for_a_store_it_supplies(world, dealer_a_admin, dealer_b_admin):
    application = services.application_submit(
        actor=dealer_a_admin, values=application_values(world, parent=world.dealer_b,
                                                        territory=None))
    # The supplying dealer is the dealer itself, whatever was sent; the region its own.
    assert (application.parent, application.territory) == (world.dealer_a,
                                                           world.shijiazhuang)
    with pytest.raises(RetailInvalid) as refused:
        services.application_submit(actor=dealer_a_admin, values=application_values(
            world, territory=world.hangzhou))
    assert set(refused.value.errors) == {"territory"}
    with pytest.raises(NotAllowed):
        services.application_submit(actor=dealer_b_admin, values=application_values(world),
                                    retailer=world.dealer_a_shop)


@pytest.mark.django_db
def test_a_renewal_updates_the_store_and_revokes_the_certificate_in_force(
        world, north_rep, north_manager):
    store = world.dealer_a_shop
    store.grade = "A"
    store.save()
    profile_make(store, area=40, management=2)
    today = timezone.localdate()
    old = certificate_make(store, valid_from=today - datetime.timedelta(days=350),
                           valid_until=today + datetime.timedelta(days=15))
    application = services.application_submit(
        actor=north_rep, retailer=store,
        values=application_values(world, store_name=store.name, retailer_type="exclusive",
                                  store_area=150))
    with pytest.raises(RetailInvalid):  # one open application per store
        services.application_submit(actor=north_rep, retailer=store,
                                    values=application_values(world))
    services.application_review(actor=north_rep, application=application, accept=True)
    services.application_decide(actor=north_manager, application=application, approve=True,
                                grade="C")

    store.refresh_from_db()
    assert (store.retailer_type, store.grade, store.status) == ("exclusive", "A", "active")
    assert RetailerProfile.objects.get(retailer=store).store_area == 150
    old.refresh_from_db()
    assert old.revoked_on == today and old.state == "expired"
    new = Certificate.objects.get(application=application)
    assert (new.retailer_type, new.grade, new.state) == ("exclusive", "A", "valid")
    assert Dealer.objects.filter(channel_level="terminal").count() == 1
