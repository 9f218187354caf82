"""Logging calls and visits: check-in and distance, photos, the rules that refuse a record
(and then write nothing), the link to an alert, corrections with their history."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from qudao.alerts.models import Alert, AlertAction, Rule
from qudao.core.exceptions import NotAllowed
from qudao.core.models import AuditEvent
from qudao.dealers.models import Dealer
from qudao.territories.models import Territory
from qudao.visits import services
from qudao.visits.exceptions import ContactInvalid, PhotoInvalid
from qudao.visits.models import Contact, ContactPhoto
from tests.factories import UserFactory
from tests.visits.factories import days_ago

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 200


def png(name="shelf.png", body=PNG):
    return SimpleUploadedFile(name, body, content_type="image/png")


@pytest.fixture
def located(world):
    """Dealer A at the 石家庄 railway station square; its city centre a little away."""
    Dealer.objects.filter(pk=world.dealer_a.pk).update(latitude=Decimal("38.010000"),
                                                       longitude=Decimal("114.480000"))
    Territory.objects.filter(pk=world.shijiazhuang.pk).update(
        latitude=Decimal("38.042000"), longitude=Decimal("114.514000"))
    return Dealer.objects.select_related("territory").get(pk=world.dealer_a.pk)


def _visit(actor, dealer, **kwargs) -> Contact:
    values = {"kind": "visit", "happened_at": days_ago(0, hour=0) + datetime.timedelta(
        minutes=1), "purpose": "inspection", "notes": "检查库存和陈列"}
    values.update(kwargs)
    return services.contact_log(actor=actor, dealer=dealer, **values)


@pytest.mark.django_db
def test_a_visit_with_check_in_measures_the_distance_to_the_dealer(located, north_rep):
    at = timezone.now() - datetime.timedelta(minutes=3)
    check_in = services.CheckIn(latitude="38.011000", longitude="114.480000",
                                accuracy="25.04", at=at)

    contact = _visit(north_rep, located, check_in=check_in, photos=[png()])

    contact.refresh_from_db()
    # 0.001 degree of latitude is 111.2 m.
    assert (contact.distance_m, contact.distance_basis) == (111, "dealer")
    assert (contact.latitude, contact.longitude, contact.accuracy_m) == (
        Decimal("38.011000"), Decimal("114.480000"), Decimal("25.0"))
    assert contact.checked_in_at == at
    assert contact.staff == north_rep
    photo = ContactPhoto.objects.get(contact=contact)
    assert photo.name == "shelf.png" and photo.size == len(PNG)
    assert photo.image.name.startswith("visits/")
    assert photo.image.storage.exists(photo.image.name)
    event = AuditEvent.objects.get(event="dealer_contact.logged")
    assert event.data["kind"] == "visit" and event.data["checked_in"] is True
    assert event.data["photos"] == 1


@pytest.mark.django_db
def test_without_dealer_coordinates_the_distance_is_to_the_city_centre(located, north_rep):
    Dealer.objects.filter(pk=located.pk).update(latitude=None, longitude=None)
    dealer = Dealer.objects.select_related("territory").get(pk=located.pk)
    contact = _visit(north_rep, dealer, check_in=services.CheckIn("38.042000", "114.515000"))
    # 0.001 degree of longitude at 38.042° N is 87.6 m.
    assert (contact.distance_m, contact.distance_basis) == (88, "territory")


@pytest.mark.django_db
def test_the_month_is_the_local_month(world, north_rep):
    # 07:00 on 1 March in Shanghai is still February in UTC.
    moment = timezone.make_aware(datetime.datetime(2026, 3, 1, 7, 0))
    assert moment.astimezone(datetime.UTC).month == 2
    contact = services.contact_log(actor=north_rep, dealer=world.dealer_a, kind="call_out",
                                   happened_at=moment, purpose="collection",
                                   notes="提醒回款", duration_minutes=6)
    assert contact.month == datetime.date(2026, 3, 1)


@pytest.mark.django_db
@pytest.mark.parametrize(("change", "field"), [
    ({"kind": "call_out", "check_in": services.CheckIn("38.0", "114.0")}, "check_in"),
    ({"happened_at": timezone.now() + datetime.timedelta(hours=1)}, "happened_at"),
    ({"notes": "  "}, "notes"),
    ({"purpose": "gossip"}, "purpose"),
    ({"kind": "fax"}, "kind"),
    ({"duration_minutes": 0}, "duration_minutes"),
    ({"next_step_due": datetime.date(2030, 1, 1)}, "next_step"),
    ({"next_step": "对账", "next_step_due": datetime.date(2020, 1, 1)}, "next_step_due"),
    ({"check_in": services.CheckIn("91.0", "114.0")}, "check_in"),
])
def test_a_broken_rule_writes_nothing(world, north_rep, change, field):
    with pytest.raises(ContactInvalid) as error:
        _visit(north_rep, world.dealer_a, photos=[png()], **change)
    assert field in error.value.errors
    assert not Contact.objects.exists()
    assert not ContactPhoto.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("upload", "why"), [
    (SimpleUploadedFile("scan.pdf", b"%PDF-1.4 ..."), "only JPG, PNG and WebP"),
    (SimpleUploadedFile("fake.jpg", PNG), "not really a .jpg"),
    (SimpleUploadedFile("empty.png", b""), "is empty"),
])
def test_only_real_photos_are_stored(world, north_rep, upload, why, settings):
    with pytest.raises(PhotoInvalid) as error:
        _visit(north_rep, world.dealer_a, photos=[png(), upload])
    assert why in error.value.message
    assert not Contact.objects.exists() and not ContactPhoto.objects.exists()


@pytest.mark.django_db
def test_photo_size_and_count_limits(world, north_rep, settings):
    settings.VISITS_PHOTO_MAX_BYTES = 1024 * 1024
    big = SimpleUploadedFile("big.jpg", JPEG + b"\x00" * (1024 * 1024))
    with pytest.raises(PhotoInvalid, match="larger than 1 MB"):
        _visit(north_rep, world.dealer_a, photos=[big])
    contact = _visit(north_rep, world.dealer_a,
                     photos=[png(f"p{n}.png") for n in range(services.MAX_PHOTOS)])
    with pytest.raises(PhotoInvalid, match="At most 9 photos"):
        services.photos_add(actor=north_rep, contact=contact, uploads=[png()])
    assert contact.photos.count() == 9


@pytest.mark.django_db
def test_dealers_outside_the_scope_and_roles_without_the_right_are_refused(
        world, north_rep, finance, dealer_a_admin):
    with pytest.raises(NotAllowed):
        _visit(north_rep, world.dealer_b)
    with pytest.raises(NotAllowed):
        _visit(finance, world.dealer_a)  # finance reads calls and visits, logs none
    with pytest.raises(NotAllowed):
        _visit(dealer_a_admin, world.dealer_a)
    assert not Contact.objects.exists()


@pytest.mark.django_db
def test_a_visit_answering_an_alert_records_the_action_on_it(world, north_rep):
    rule = Rule.objects.get(code="order-drop-mom")
    alert = Alert.objects.create(rule=rule, period=datetime.date(2026, 3, 1),
                                 subject_key=f"dealer:{world.dealer_a.pk}",
                                 dealer=world.dealer_a, territory=world.shijiazhuang,
                                 severity="critical")
    other = Alert.objects.create(rule=rule, period=datetime.date(2026, 3, 1),
                                 subject_key=f"dealer:{world.dealer_a_sub.pk}",
                                 dealer=world.dealer_a_sub, severity="warning")

    contact = _visit(north_rep, world.dealer_a, alert=alert, notes="老板说下游客户流失")

    assert contact.alert == alert
    alert.refresh_from_db()
    assert alert.status == "action_taken"
    action = AlertAction.objects.get(alert=alert)
    assert (action.kind, action.notes, action.by) == ("visit", "老板说下游客户流失", north_rep)
    with pytest.raises(ContactInvalid) as error:
        _visit(north_rep, world.dealer_a, alert=other)
    assert "alert" in error.value.errors


@pytest.mark.django_db
def test_the_author_corrects_a_record_and_the_change_is_kept(world, north_rep):
    contact = _visit(north_rep, world.dealer_a, notes="库存两周", next_step="")
    services.contact_update(actor=north_rep, contact=contact,
                            values={"notes": "库存三周", "next_step": "月底对账",
                                    "next_step_due": timezone.localdate()})
    contact.refresh_from_db()
    assert (contact.notes, contact.next_step) == ("库存三周", "月底对账")
    event = AuditEvent.objects.get(event="dealer_contact.changed")
    assert event.data["notes"] == ["库存两周", "库存三周"]
    assert event.data["next_step"] == ["", "月底对账"]
    assert set(event.data) == {"notes", "next_step", "next_step_due"}

    # Nobody else corrects it, and the dealer, the kind and the check-in stay.
    colleague = UserFactory(username="hebei_rep2", role="sales_rep")
    with pytest.raises(NotAllowed):
        services.contact_update(actor=colleague, contact=contact, values={"notes": "x"})
    with pytest.raises(ContactInvalid):
        services.contact_update(actor=north_rep, contact=contact, values={"latitude": 1})
    assert AuditEvent.objects.filter(event="dealer_contact.changed").count() == 1


@pytest.mark.django_db
def test_marking_the_next_step_done(world, north_rep, north_manager):
    contact = _visit(north_rep, world.dealer_a, next_step="补陈列物料",
                     next_step_due=timezone.localdate())
    services.next_step_done(actor=north_manager, contact=contact)
    contact.refresh_from_db()
    assert contact.next_step_done_on == timezone.localdate()
    with pytest.raises(ContactInvalid):
        services.next_step_done(actor=north_manager, contact=contact)


@pytest.mark.django_db
def test_monthly_counts_for_the_dealer_month_facts(world, north_rep):
    from qudao.visits.queries import contact_counts_by_month

    def at(day, hour=10):
        return timezone.make_aware(datetime.datetime(2026, 3, day, hour))

    for kind, moment in [("call_in", at(2)), ("call_in", at(3)), ("call_out", at(4)),
                         ("visit", at(5)), ("message", at(6)),
                         ("call_in", timezone.make_aware(datetime.datetime(2026, 4, 1, 7)))]:
        Contact.objects.create(dealer=world.dealer_a, staff=north_rep, kind=kind,
                               happened_at=moment, month=services.local_month(moment),
                               purpose="other", notes="x")
    rows = list(contact_counts_by_month(first=datetime.date(2026, 3, 1),
                                        last=datetime.date(2026, 4, 1)))
    assert rows == [
        {"dealer_id": world.dealer_a.pk, "month": datetime.date(2026, 3, 1), "calls_out": 1,
         "calls_in": 2, "visits": 1, "messages": 1},
        {"dealer_id": world.dealer_a.pk, "month": datetime.date(2026, 4, 1), "calls_out": 0,
         "calls_in": 1, "visits": 0, "messages": 0},
    ]
