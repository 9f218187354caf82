"""In-store audits (R-RT-08, -09): the score, its checks, photos; commitments from audits
and the facts (R-RT-04)."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from qudao.core.exceptions import NotAllowed
from qudao.retail import reports, services
from qudao.retail.exceptions import PhotoInvalid, RetailInvalid
from qudao.retail.models import AuditPhoto, StoreAudit
from qudao.retail.services import ItemScore
from qudao.stock.periods import add_months
from tests.retail.factories import (
    audit_make,
    certificate_make,
    checklist_make,
    month_make,
    store_make,
)

JPEG = b"\xff\xd8\xff\xe0" + b"0" * 200


def _scores(items, *values):
    return [ItemScore(item_id=item.pk, score=value) for item, value in zip(items, values,
                                                                            strict=True)]


@pytest.mark.django_db
def test_the_total_is_the_points_as_a_share_of_the_maximum(world, north_rep):
    items = checklist_make(20, 20, 10)
    today = timezone.localdate()
    store_audit = services.audit_create(
        actor=north_rep, retailer=world.dealer_a_shop, audited_on=today,
        scores=_scores(items, 15, 10, 10), notes="陈列偏少",
        photos=[SimpleUploadedFile("货架.jpg", JPEG)])
    assert (store_audit.points, store_audit.max_points, store_audit.total_score) == (
        35, 50, Decimal("70.00"))
    assert store_audit.month == today.replace(day=1)
    assert [(s.name, s.score, s.passed) for s in store_audit.scores.all()] == [
        ("检查项1", 15, True), ("检查项2", 10, False), ("检查项3", 10, True)]
    assert AuditPhoto.objects.get(audit=store_audit).name == "货架.jpg"

    other = services.audit_create(actor=north_rep, retailer=world.dealer_a_shop,
                                  audited_on=today, scores=_scores(items, 7, 6, 0))
    assert other.total_score == Decimal("26.00")
    assert services.total_score(1, 3) == Decimal("33.33")
    assert services.total_score(2, 3) == Decimal("66.67")


@pytest.mark.django_db
def test_every_item_scored_within_its_maximum_or_nothing_is_saved(world, north_rep):
    items = checklist_make(20, 10)
    today = timezone.localdate()
    with pytest.raises(RetailInvalid) as refused:
        services.audit_create(actor=north_rep, retailer=world.dealer_a_shop,
                              audited_on=today + datetime.timedelta(days=1),
                              scores=[ItemScore(item_id=items[0].pk, score=21)])
    assert set(refused.value.errors) == {"audited_on", f"score_{items[0].pk}",
                                         f"score_{items[1].pk}"}
    with pytest.raises(PhotoInvalid):
        services.audit_create(actor=north_rep, retailer=world.dealer_a_shop, audited_on=today,
                              scores=_scores(items, 10, 5),
                              photos=[SimpleUploadedFile("假照片.jpg", b"%PDF-1.4 not a photo")])
    assert not StoreAudit.objects.exists()


@pytest.mark.django_db
def test_only_reps_of_the_stores_scope_audit_retail_stores(world, east_rep, north_rep,
                                                          dealer_a_admin):
    items = checklist_make(10)
    today = timezone.localdate()
    for actor in (east_rep, dealer_a_admin):
        with pytest.raises(NotAllowed):
            services.audit_create(actor=actor, retailer=world.dealer_a_shop, audited_on=today,
                                  scores=_scores(items, 5))
    with pytest.raises(NotAllowed):  # a tier-1 distributor is no retail store
        services.audit_create(actor=north_rep, retailer=world.dealer_a, audited_on=today,
                              scores=_scores(items, 5))
    assert not StoreAudit.objects.exists()


@pytest.mark.django_db
def test_commitments_of_a_month_from_the_latest_audit_and_the_stock_reports(world):
    store = world.dealer_a_shop
    last = add_months(timezone.localdate(), -1)
    audit_make(store, day=last, score="50.00", failed=("display", "no_dumping"),
               counterfeit=True)
    audit_make(store, day=last + datetime.timedelta(days=5), score="80.00",
               failed=("no_dumping",), passed=("display", "service"))
    month_make(store, last, stock_reports=0)

    rows = {r["commitment"]: (r["state"], r["detail"])
            for r in reports.commitments(retailer_ids=[store.pk], month=last)[store.pk]}

    day = f"{last + datetime.timedelta(days=5):%Y-%m-%d}"
    assert rows == {
        "display": ("met", f"Audit of {day}."),
        "promotion": ("unknown", "No checklist item evidences it."),
        "service": ("met", f"Audit of {day}."),
        "reporting": ("breached", "No stock report filed."),
        "no_counterfeits": ("met", f"Audit of {day}."),
        "no_dumping": ("breached", "no_dumping 3/10"),
    }
    this_month = {r["commitment"]: r["state"] for r in reports.commitments(
        retailer_ids=[store.pk], month=timezone.localdate())[store.pk]}
    assert set(this_month.values()) == {"unknown"}  # no audit yet, the month still running


@pytest.mark.django_db
def test_breaches_list_only_certified_stores(world):
    last = add_months(timezone.localdate(), -1)
    certified = world.dealer_a_shop
    certificate_make(certified, valid_from=last - datetime.timedelta(days=100),
                     valid_until=last + datetime.timedelta(days=200))
    uncertified = store_make(parent=world.dealer_a)
    for store in (certified, uncertified):
        audit_make(store, day=last, score="60.00", counterfeit=True, passed=("display",))
        month_make(store, last, stock_reports=1)

    from qudao.dealers.models import Dealer
    rows = reports.breaches(retailers=Dealer.objects.all(), month=last)

    assert [(r["retailer"].code, r["commitment"]) for r in rows] == [
        (certified.code, "no_counterfeits")]
