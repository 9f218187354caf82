"""Raising requests, routing, deadlines, the thread and the workflow, through the services."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from qudao.core.exceptions import NotAllowed
from qudao.service import queries, services
from qudao.service.exceptions import (
    AttachmentInvalid,
    RequestClosed,
    RequestInvalid,
    StatusNotAllowed,
)
from qudao.service.models import (
    ServiceAttachment,
    ServiceMessage,
    ServiceNotification,
    ServiceRequest,
)
from tests.factories import ProductFactory
from tests.service.conftest import at, function

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _raise(actor, dealer, code="logistics", priority="normal", **kwargs):
    values = {"subject": "到货破损", "description": "3月1日到货,5箱外包装破损。"}
    values.update(kwargs)
    return services.request_create(actor=actor, dealer=dealer, function=function(code),
                                   priority=priority, **values)


@pytest.mark.django_db
def test_a_dealer_request_gets_its_deadlines_in_working_hours(clock, desk, world,
                                                              dealer_a_admin, service):
    request = _raise(dealer_a_admin, world.dealer_a)

    assert request.number.startswith("SR260302")
    assert (request.channel, request.department, request.assignee, request.status) == (
        "portal", "物流部", service, "new")
    # Normal logistics: 4 working hours to answer, 24 to solve, from Monday 10:00.
    assert (request.response_hours, request.resolution_hours) == (Decimal(4), Decimal(24))
    assert request.first_response_due == at("2026-03-02 15:30")
    assert request.resolution_due == at("2026-03-05 11:30")
    opening = ServiceMessage.objects.get(request=request)
    assert (opening.author, opening.body, opening.internal) == (
        dealer_a_admin, "3月1日到货,5箱外包装破损。", False)
    assert list(ServiceNotification.objects.values_list("user__username", "reason")) == [
        ("service", "assigned")]


@pytest.mark.django_db
def test_urgent_and_raised_at_night_before_a_holiday(clock, desk, world, dealer_a_admin):
    clock.set("2026-09-30 20:00")
    request = _raise(dealer_a_admin, world.dealer_a, code="complaint", priority="urgent")
    # Half an hour to answer, 8 to solve, counted from Thursday 8 October (after National
    # Day): a working day is 7.5 hours, so the last half hour falls on Friday.
    assert request.first_response_due == at("2026-10-08 09:30")
    assert request.resolution_due == at("2026-10-09 09:30")


@pytest.mark.django_db
def test_routing_by_type_and_region_deepest_rule_first(clock, desk, world, north_rep):
    sjz = _raise(north_rep, world.dealer_a, code="quality")  # 石家庄
    tangshan = _raise(north_rep, world.dealer_a_sub, code="quality")  # 唐山, under 华北
    hangzhou = _raise(desk["quality_head"], world.dealer_b,
                      code="quality")
    assert (sjz.assignee, tangshan.assignee, hangzhou.assignee) == (
        desk["qe_sjz"], desk["qe_north"], desk["quality_head"])
    # Nobody responsible and no rule: the request waits in the department's queue.
    assert _raise(north_rep, world.dealer_a, code="design").assignee is None


@pytest.mark.django_db
def test_staff_log_calls_for_dealers_in_their_scope_only(clock, desk, world, north_rep):
    product = ProductFactory(sku="SKU-Q1")
    request = _raise(north_rep, world.dealer_a, code="quality", channel="phone",
                     caller_name="王经理", product=product)
    assert (request.channel, request.caller_name, request.raised_by, request.product) == (
        "phone", "王经理", north_rep, product)
    with pytest.raises(NotAllowed):
        _raise(north_rep, world.dealer_b)
    with pytest.raises(RequestInvalid) as exc:
        _raise(north_rep, world.dealer_a, channel="portal")
    assert set(exc.value.errors) == {"channel"}
    assert ServiceRequest.objects.count() == 1


@pytest.mark.django_db
def test_a_dealer_raises_for_its_own_company_only(clock, desk, world, dealer_a_admin):
    with pytest.raises(NotAllowed):
        _raise(dealer_a_admin, world.dealer_b)
    with pytest.raises(RequestInvalid) as exc:
        _raise(dealer_a_admin, world.dealer_a, subject=" ", description="", priority="asap")
    assert set(exc.value.errors) == {"subject", "description", "priority"}
    assert not ServiceRequest.objects.exists()


@pytest.mark.django_db
def test_staff_first_reply_is_the_first_response_not_a_note(clock, desk, world,
                                                            dealer_a_admin, service):
    request = _raise(dealer_a_admin, world.dealer_a)
    clock.set("2026-03-02 11:00")
    services.message_add(actor=service, request=request, body="先核实一下批次。",
                         internal=True)
    services.message_add(actor=dealer_a_admin, request=request, body="请尽快处理")
    request.refresh_from_db()
    assert (request.first_response_at, request.status) == (None, "new")

    clock.set("2026-03-02 14:00")
    services.message_add(actor=service, request=request, body="已安排补发,明天到。")
    request.refresh_from_db()
    assert (request.first_response_at, request.status) == (at("2026-03-02 14:00"),
                                                           "in_progress")
    assert request.response_on_time is True
    # Only the dealer user who raised it hears of the reply; the assignee of the dealer's.
    assert list(ServiceNotification.objects.filter(user=dealer_a_admin).values_list(
        "reason", flat=True)) == ["staff_reply"]
    assert list(ServiceNotification.objects.filter(user=service).values_list(
        "reason", flat=True).order_by("id")) == ["assigned", "dealer_reply"]


@pytest.mark.django_db
def test_the_dealer_never_sees_internal_notes(clock, desk, world, dealer_a_admin, service):
    request = _raise(dealer_a_admin, world.dealer_a)
    services.message_add(actor=service, request=request, body="仓库说是运输问题", internal=True)
    services.message_add(actor=service, request=request, body="已安排补发")
    dealer_view = [m.body for m in queries.thread(user=dealer_a_admin, request=request)]
    staff_view = [m.body for m in queries.thread(user=service, request=request)]
    assert "仓库说是运输问题" not in dealer_view and "已安排补发" in dealer_view
    assert "仓库说是运输问题" in staff_view
    with pytest.raises(NotAllowed):
        services.message_add(actor=dealer_a_admin, request=request, body="x", internal=True)


@pytest.mark.django_db
def test_the_first_replier_takes_a_request_nobody_had(clock, desk, world, dealer_a_admin,
                                                      north_rep):
    request = _raise(dealer_a_admin, world.dealer_a, code="design")
    assert request.assignee is None
    services.message_add(actor=north_rep, request=request, body="设计部下周出稿")
    request.refresh_from_db()
    assert request.assignee == north_rep
    assert [m.kind for m in queries.thread(user=north_rep, request=request)] == [
        "message", "message", "assignment", "status"]


@pytest.mark.django_db
def test_waiting_for_the_dealer_stops_the_resolution_clock(clock, desk, world,
                                                           dealer_a_admin, service):
    request = _raise(dealer_a_admin, world.dealer_a)  # resolution due Thu 5 March 11:30
    clock.set("2026-03-02 14:00")
    with pytest.raises(RequestInvalid):
        services.request_status_change(actor=service, request=request,
                                       to_status="waiting_dealer")
    services.request_status_change(actor=service, request=request, to_status="waiting_dealer",
                                   note="请提供破损照片")
    request.refresh_from_db()
    # Asking the dealer is a response; 21.5 working hours were left when the wait began.
    assert (request.status, request.first_response_at, request.waiting_since) == (
        "waiting_dealer", at("2026-03-02 14:00"), at("2026-03-02 14:00"))
    assert request.overdue_deadlines(at("2026-03-09 09:00")) == []

    clock.set("2026-03-04 10:00")
    services.message_add(actor=dealer_a_admin, request=request, body="照片见附件",
                         attachments=[SimpleUploadedFile("破损.png", PNG)])
    request.refresh_from_db()
    assert (request.status, request.waiting_since) == ("in_progress", None)
    assert request.resolution_due == at("2026-03-06 18:00")


@pytest.mark.django_db
def test_resolve_confirm_and_rate(clock, desk, world, dealer_a_admin, service):
    request = _raise(dealer_a_admin, world.dealer_a)
    clock.set("2026-03-03 16:00")
    services.request_status_change(actor=service, request=request, to_status="resolved",
                                   note="已补发5箱")
    request.refresh_from_db()
    assert (request.status, request.resolved_at, request.first_response_at) == (
        "resolved", at("2026-03-03 16:00"), at("2026-03-03 16:00"))
    assert request.resolution_on_time is True
    # Closing is the dealer's: staff may not.
    with pytest.raises(NotAllowed):
        services.request_status_change(actor=service, request=request, to_status="closed")
    with pytest.raises(RequestInvalid):
        services.request_confirm(actor=dealer_a_admin, request=request, rating=6)
    request.refresh_from_db()
    assert request.status == "resolved"

    clock.set("2026-03-04 09:00")
    services.request_confirm(actor=dealer_a_admin, request=request, rating=4,
                             comment="补货及时")
    request.refresh_from_db()
    assert (request.status, request.close_kind, request.closed_at, request.rating,
            request.rating_comment) == ("closed", "confirmed", at("2026-03-04 09:00"), 4,
                                        "补货及时")
    with pytest.raises(RequestClosed):
        services.message_add(actor=service, request=request, body="还有事吗")
    # A closed request can be rated again; staff cannot rate.
    services.request_rate(actor=dealer_a_admin, request=request, rating=5)
    request.refresh_from_db()
    assert request.rating == 5
    with pytest.raises(NotAllowed):
        services.request_rate(actor=service, request=request, rating=1)


@pytest.mark.django_db
def test_status_moves_staff_may_not_make(clock, desk, world, dealer_a_admin, service):
    request = _raise(dealer_a_admin, world.dealer_a)
    with pytest.raises(StatusNotAllowed):
        services.request_status_change(actor=service, request=request, to_status="new")
    with pytest.raises(StatusNotAllowed):
        services.request_status_change(actor=dealer_a_admin, request=request,
                                       to_status="resolved")
    with pytest.raises(StatusNotAllowed):
        services.request_confirm(actor=dealer_a_admin, request=request)
    request.refresh_from_db()
    assert request.status == "new"


@pytest.mark.django_db
def test_reopen_gives_a_new_resolution_deadline(clock, desk, world, dealer_a_admin, service):
    request = _raise(dealer_a_admin, world.dealer_a)
    clock.set("2026-03-03 16:00")
    services.request_status_change(actor=service, request=request, to_status="resolved")
    clock.set("2026-03-04 09:00")
    services.request_confirm(actor=dealer_a_admin, request=request, rating=2)
    with pytest.raises(RequestInvalid):
        services.request_reopen(actor=dealer_a_admin, request=request, reason=" ")

    clock.set("2026-03-09 10:00")
    services.request_reopen(actor=dealer_a_admin, request=request, reason="补发的也破了")
    request.refresh_from_db()
    assert (request.status, request.reopened_count, request.resolved_at, request.closed_at,
            request.close_kind) == ("in_progress", 1, None, None, "")
    assert request.resolution_due == at("2026-03-12 11:30")
    assert ServiceNotification.objects.filter(user=service, reason="reopened").count() == 1

    # Closed for more than 30 days: raise a new one instead.
    services.request_status_change(actor=service, request=request, to_status="resolved")
    services.request_confirm(actor=dealer_a_admin, request=request)
    clock.set(clock.now + datetime.timedelta(days=31))
    with pytest.raises(StatusNotAllowed):
        services.request_reopen(actor=dealer_a_admin, request=request, reason="又坏了")


@pytest.mark.django_db
def test_resolved_requests_close_themselves_after_seven_days_once(clock, desk, world,
                                                                  dealer_a_admin, service):
    request = _raise(dealer_a_admin, world.dealer_a)
    clock.set("2026-03-03 16:00")
    services.request_status_change(actor=service, request=request, to_status="resolved")
    assert services.auto_close_resolved(now=at("2026-03-10 15:59")) == 0
    assert services.auto_close_resolved(now=at("2026-03-10 16:00")) == 1
    assert services.auto_close_resolved(now=at("2026-03-11 16:00")) == 0
    request.refresh_from_db()
    assert (request.status, request.close_kind, request.closed_at, request.rating) == (
        "closed", "auto", at("2026-03-10 16:00"), None)
    last = request.messages.order_by("-id").first()
    assert (last.author, last.to_status) == (None, "closed")


@pytest.mark.django_db
def test_assign_to_staff_only(clock, desk, world, dealer_a_admin, service, north_rep):
    request = _raise(dealer_a_admin, world.dealer_a)
    services.request_assign(actor=service, request=request, assignee=north_rep)
    request.refresh_from_db()
    assert request.assignee == north_rep
    assert ServiceNotification.objects.filter(user=north_rep, reason="assigned").count() == 1
    with pytest.raises(RequestInvalid):
        services.request_assign(actor=service, request=request, assignee=dealer_a_admin)
    with pytest.raises(NotAllowed):
        services.request_assign(actor=dealer_a_admin, request=request, assignee=service)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "content", "why"), [
    ("setup.exe", b"MZ" + b"\x00" * 30, "only PDF, JPG, PNG"),
    ("invoice.pdf", b"not a pdf at all", "is not really a .pdf file"),
    ("empty.png", b"", "is empty"),
    ("huge.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * (10 * 1024 * 1024), "larger than 10 MB"),
])
def test_attachments_are_checked_and_nothing_is_written_on_refusal(
        clock, desk, world, dealer_a_admin, name, content, why):
    with pytest.raises(AttachmentInvalid, match=why):
        _raise(dealer_a_admin, world.dealer_a,
               attachments=[SimpleUploadedFile("photo.png", PNG),
                            SimpleUploadedFile(name, content)])
    assert not ServiceRequest.objects.exists()
    assert not ServiceAttachment.objects.exists()


@pytest.mark.django_db
def test_attachments_are_kept_with_their_message(clock, desk, world, dealer_a_admin):
    request = _raise(dealer_a_admin, world.dealer_a,
                     attachments=[SimpleUploadedFile("破损.png", PNG),
                                  SimpleUploadedFile("单据.pdf", b"%PDF-1.4 test")])
    stored = list(ServiceAttachment.objects.filter(message__request=request).order_by("id"))
    assert [(a.name, a.size) for a in stored] == [("破损.png", 72), ("单据.pdf", 13)]
    assert stored[1].file.read() == b"%PDF-1.4 test"


@pytest.mark.django_db
def test_facts_hook_fields(clock, desk, world, dealer_a_admin):
    """The lead counts complaints per dealer and month from these columns."""
    _raise(dealer_a_admin, world.dealer_a, code="complaint")
    row = ServiceRequest.objects.values("dealer_id", "function__code", "product_id",
                                        "created_at").get()
    assert row == {"dealer_id": world.dealer_a.pk, "function__code": "complaint",
                   "product_id": None, "created_at": at("2026-03-02 10:00")}
    indexes = {tuple(i.fields) for i in ServiceRequest._meta.indexes}
    assert ("dealer", "created_at") in indexes
