"""The needs registry (需求备案) and dealer support (输出经理人): a dealer raises a need in the
portal and confirms the outcome; staff record, own, move, group needs into common needs that
carry every dealer's need along; lists with filters, export and flat query counts; the
dealer panel; the seconded manager's monthly reports and the conditions to end; the API."""

import datetime
import io

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from qudao.core.exceptions import NotAllowed
from qudao.core.models import AuditEvent
from qudao.service import needs
from qudao.service.models import CommonNeed, DealerSupport, DealerSupportReport, Need
from tests.factories import UserFactory

JSON = "application/json"
MARCH_2 = datetime.date(2026, 3, 2)  # the clock fixture's day (Monday 2 March 2026)


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies["django_language"] = "en"


def _record(actor, dealer, title="新品铺货支持", category="new_product", **kwargs):
    return needs.need_create(actor=actor, dealer=dealer, title=title, category=category,
                             **kwargs)


def _events(record) -> list[str]:
    return list(AuditEvent.objects.filter(target_id=str(record.pk),
                                          target_type__model=record._meta.model_name)
                .order_by("id").values_list("event", flat=True))


def _numbers(page) -> list[str]:
    return [n.number for n in page.context["page"].object_list]


# -- recording and raising ------------------------------------------------------------------

@pytest.mark.django_db
def test_a_dealer_raises_a_need_in_the_portal_and_its_rep_owns_it(clock, world, north_rep,
                                                                  dealer_a_admin, login):
    world.dealer_a.assigned_rep = north_rep
    world.dealer_a.save()
    client = login(dealer_a_admin)
    form = client.get("/service/needs/new/").context["form"]
    assert sorted(form.fields) == ["category", "description", "title"]
    response = client.post("/service/needs/new/", {
        "title": "希望召开华北经销商大会", "category": "conference",
        "description": "交流新品政策"})
    need = Need.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/service/needs/{need.pk}/"
    assert (need.dealer, need.owner, need.channel, need.raised_by, need.raised_by_dealer,
            need.status, need.scope, need.benefit) == (
        world.dealer_a, north_rep, "portal", dealer_a_admin, True, "recorded", "individual",
        False)
    assert need.number == f"XQ260302{need.pk:07d}"
    page = client.get(f"/service/needs/{need.pk}/").content.decode()
    assert "希望召开华北经销商大会" in page and "河北业务员" in page
    assert 'data-testid="history"' not in page and 'data-testid="need-status-form"' not in page
    assert _numbers(client.get("/service/needs/")) == [need.number]
    assert _events(need) == ["need.recorded"]


@pytest.mark.django_db
def test_a_dealer_sees_only_its_own_needs_and_no_staff_page(clock, world, hq_admin,
                                                            dealer_a_admin, dealer_b_admin,
                                                            login):
    mine = _record(dealer_a_admin, world.dealer_a, title="我的需求")
    theirs = _record(dealer_b_admin, world.dealer_b, title="别人的需求")
    common = needs.common_need_create(actor=hq_admin, title="新品", category="new_product",
                                      needs=[theirs])
    client = login(dealer_a_admin)
    assert [n.title for n in client.get("/service/needs/?dealer="
                                        f"{world.dealer_b.pk}").context["page"].object_list
            ] == ["我的需求"]
    assert client.get(f"/service/needs/{theirs.pk}/").status_code == 404
    assert client.get(f"/service/needs/{mine.pk}/").status_code == 200
    for url in ("/service/needs/export/", "/service/needs/common/",
                f"/service/needs/common/{common.pk}/",
                f"/service/needs/support/new/?dealer={world.dealer_a.pk}"):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/service/needs/{mine.pk}/status/",
                       {"status": "declined", "reason": "x"}).status_code == 403
    assert client.get(f"/dealers/{world.dealer_a.pk}/panels/needs/").status_code == 404
    # Through the API too: the other dealer's need is not found.
    assert client.get(f"/api/needs/{theirs.pk}").status_code == 404
    assert [n["title"] for n in client.get("/api/needs").json()["items"]] == ["我的需求"]


@pytest.mark.django_db
def test_staff_record_a_need_for_a_dealer_in_their_area(clock, world, north_rep, service,
                                                        login):
    client = login(north_rep)
    assert client.get(f"/service/needs/new/?dealer={world.dealer_a.pk}").context[
        "form"].initial["dealer_code"] == "A0001"
    response = client.post("/service/needs/new/", {
        "dealer_code": "A0001", "channel": "visit", "title": "账期延长到60天",
        "category": "credit_terms", "benefit": "", "department": "财务部"})
    assert response.status_code == 302
    need = Need.objects.get()
    assert (need.owner, need.channel, need.benefit, need.department, need.raised_by_dealer
            ) == (north_rep, "visit", True, "财务部", False)
    # Another owner named; benefit said outright.
    client.post("/service/needs/new/", {
        "dealer_code": "A0002", "channel": "phone", "title": "培训导购",
        "category": "training", "benefit": "true", "owner": service.pk})
    trained = Need.objects.get(title="培训导购")
    assert (trained.owner, trained.benefit) == (service, True)
    # A dealer outside his area is "not found" in the form; nothing written.
    page = client.post("/service/needs/new/", {
        "dealer_code": "B0001", "channel": "phone", "title": "x", "category": "other"})
    assert "No dealer with this code in your scope." in page.content.decode()
    assert Need.objects.count() == 2
    with pytest.raises(NotAllowed):
        _record(north_rep, world.dealer_b)
    with pytest.raises(needs.NeedInvalid) as refused:
        _record(north_rep, world.dealer_a, title="  ", category="nonsense")
    assert set(refused.value.errors) == {"title", "category"}
    assert Need.objects.count() == 2


# -- the life of a need ---------------------------------------------------------------------

@pytest.mark.django_db
def test_a_need_moves_with_what_each_status_requires_and_keeps_its_trail(clock, world,
                                                                         north_rep,
                                                                         dealer_a_admin):
    need = _record(dealer_a_admin, world.dealer_a)  # no rep assigned: nobody owns it yet
    assert need.owner is None
    with pytest.raises(needs.NeedInvalid) as refused:
        needs.need_status_change(actor=north_rep, need=need, to_status="under_review")
    assert list(refused.value.errors) == ["owner"]
    needs.need_update(actor=north_rep, need=need, values={"owner": north_rep,
                                                          "department": "市场部"})
    needs.need_status_change(actor=north_rep, need=need, to_status="under_review")
    with pytest.raises(needs.NeedInvalid) as refused:
        needs.need_status_change(actor=north_rep, need=need, to_status="planned")
    assert list(refused.value.errors) == ["due_on"]
    needs.need_status_change(actor=north_rep, need=need, to_status="planned",
                             due_on=datetime.date(2026, 4, 30), note="四月铺货")
    with pytest.raises(needs.NeedInvalid) as refused:
        needs.need_status_change(actor=north_rep, need=need, to_status="done")
    assert list(refused.value.errors) == ["outcome"]
    needs.need_status_change(actor=north_rep, need=need, to_status="done",
                             outcome="新品已铺货200箱")
    need.refresh_from_db()
    assert (need.status, need.outcome, need.due_on, need.closed_at) == (
        "done", "新品已铺货200箱", datetime.date(2026, 4, 30), clock.now)
    with pytest.raises(needs.NeedStatusNotAllowed):
        needs.need_status_change(actor=north_rep, need=need, to_status="planned")
    # Reopened: the old outcome no longer stands.
    needs.need_status_change(actor=north_rep, need=need, to_status="under_review")
    with pytest.raises(needs.NeedInvalid) as refused:
        needs.need_status_change(actor=north_rep, need=need, to_status="declined")
    assert list(refused.value.errors) == ["reason"]
    needs.need_status_change(actor=north_rep, need=need, to_status="declined",
                             reason="该品类暂不在本区域上市")
    need.refresh_from_db()
    assert (need.status, need.outcome, need.decline_reason) == (
        "declined", "", "该品类暂不在本区域上市")
    assert _events(need) == ["need.recorded", "need.updated", "need.status_changed",
                             "need.status_changed", "need.status_changed",
                             "need.status_changed", "need.status_changed"]
    planned = AuditEvent.objects.filter(event="need.status_changed").order_by("id")[1]
    assert planned.data == {"status": ["under_review", "planned"],
                            "due_on": [None, "2026-04-30"], "note": "四月铺货"}
    # The owner cannot be taken away from a need someone answers for... once reviewed.
    needs.need_status_change(actor=north_rep, need=need, to_status="under_review")
    with pytest.raises(needs.NeedInvalid):
        needs.need_update(actor=north_rep, need=need, values={"owner": None})


@pytest.mark.django_db
def test_the_dealer_confirms_a_done_need_or_says_what_is_missing(clock, world, north_rep,
                                                                 dealer_a_admin,
                                                                 dealer_b_admin, login):
    world.dealer_a.assigned_rep = north_rep
    world.dealer_a.save()
    met = _record(dealer_a_admin, world.dealer_a, title="导购培训", category="training")
    missing = _record(dealer_a_admin, world.dealer_a, title="促销物料", category="marketing")
    for need, outcome in ((met, "3月5日已培训12人"), (missing, "物料已发出")):
        needs.need_status_change(actor=north_rep, need=need, to_status="done",
                                 outcome=outcome)
    with pytest.raises(NotAllowed):
        needs.need_confirm(actor=dealer_b_admin, need=met, satisfied=True)

    client = login(dealer_a_admin)
    page = client.get(f"/service/needs/{met.pk}/").content.decode()
    assert 'data-testid="need-confirm-form"' in page and "3月5日已培训12人" in page
    client.post(f"/service/needs/{met.pk}/confirm/", {"satisfied": "true", "note": "很有用"})
    met.refresh_from_db()
    assert (met.status, met.confirmed_at, met.confirmed_by, met.confirmation_note) == (
        "done", clock.now, dealer_a_admin, "很有用")
    response = client.post(f"/service/needs/{met.pk}/confirm/", {"satisfied": "true"},
                           follow=True)
    assert "This need has already been confirmed." in response.content.decode()

    response = client.post(f"/service/needs/{missing.pk}/confirm/", {"satisfied": "false"},
                           follow=True)
    assert "Say what is still missing." in response.content.decode()
    client.post(f"/service/needs/{missing.pk}/confirm/", {"satisfied": "false",
                                                         "note": "海报没有收到"})
    missing.refresh_from_db()
    assert (missing.status, missing.outcome, missing.confirmed_at) == ("under_review", "",
                                                                       None)
    assert _events(missing)[-1] == "need.not_satisfied"
    assert AuditEvent.objects.get(event="need.not_satisfied").data == {
        "status": ["done", "under_review"], "note": "海报没有收到"}


# -- common needs ---------------------------------------------------------------------------

@pytest.fixture
def renewals(clock, world, hq_admin, dealer_a_admin, dealer_b_admin, north_rep, east_rep):
    """Product-renewal needs: two of A0001, one of BJ001 (recorded by HQ, owned by the
    north rep) and one of B0001: four needs of three dealers."""
    a1 = _record(dealer_a_admin, world.dealer_a, title="老品包装更新", category="product_renewal")
    a2 = _record(north_rep, world.dealer_a, title="口味老化", category="product_renewal")
    bj = _record(hq_admin, world.dealer_beijing, title="包装过时", category="product_renewal",
                 owner=north_rep)
    b = _record(dealer_b_admin, world.dealer_b, title="产品需要换代", category="product_renewal")
    return a1, a2, bj, b


@pytest.mark.django_db
def test_grouping_needs_into_a_common_need_on_the_list_page(renewals, world, hq_admin,
                                                            login):
    a1, a2, bj, b = renewals
    client = login(hq_admin)
    candidates = client.get("/service/needs/common/").context["candidates"]
    assert candidates == [{"category": "product_renewal", "label": "Product renewal",
                           "dealers": 3, "needs": 4}]
    response = client.post("/service/needs/group/", {
        "need": [a1.pk, a2.pk, bj.pk, b.pk], "new_title": "老品更新换代",
        "new_category": "product_renewal"})
    common = CommonNeed.objects.get()
    assert response["Location"] == f"/service/needs/common/{common.pk}/"
    assert common.number == f"GX260302{common.pk:07d}"
    assert (common.owner, common.created_by, common.status) == (hq_admin, hq_admin,
                                                                 "recorded")
    assert set(Need.objects.values_list("scope", "common_need")) == {("common", common.pk)}

    page = client.get("/service/needs/common/")
    row = page.context["common_needs"][0]
    assert (row.dealer_count, row.need_count) == (3, 4)
    assert page.context["candidates"] == []  # grouped: no longer individual
    assert 'data-testid="common-dealers">3<' in page.content.decode()
    assert _numbers(client.get("/service/needs/?scope=common")) == [
        b.number, bj.number, a2.number, a1.number]
    assert _events(a1) == ["need.recorded", "need.attached"]
    assert AuditEvent.objects.filter(event="need.attached").order_by("id").first().data == {
        "common_need": common.number}


@pytest.mark.django_db
def test_every_grouped_need_follows_its_common_need(renewals, world, hq_admin, north_rep,
                                                    dealer_a_admin):
    a1, a2, bj, b = renewals
    common = needs.common_need_create(actor=hq_admin, title="老品更新换代",
                                      category="product_renewal",
                                      action="第三季度推出新包装", needs=[a1, bj, b])
    needs.common_need_status_change(actor=hq_admin, common_need=common, to_status="planned",
                                    due_on=datetime.date(2026, 9, 30))
    assert sorted(Need.objects.filter(common_need=common).values_list(
        "status", "due_on")) == [("planned", datetime.date(2026, 9, 30))] * 3
    # A need grouped later takes the common need's state at once.
    assert needs.need_attach(actor=north_rep, needs=[a2], common_need=common) == 1
    a2.refresh_from_db()
    assert (a2.status, a2.due_on) == ("planned", datetime.date(2026, 9, 30))
    assert AuditEvent.objects.filter(event="need.attached").order_by("id").last().data == {
        "common_need": common.number, "status": ["recorded", "planned"]}
    # A grouped need is moved through its common need only.
    with pytest.raises(needs.NeedFollowsCommon):
        needs.need_status_change(actor=north_rep, need=a2, to_status="declined", reason="x")
    # A rep may not decide for dealers of other regions: the owner or head office does.
    with pytest.raises(NotAllowed):
        needs.common_need_status_change(actor=north_rep, common_need=common,
                                        to_status="declined", reason="x")
    needs.common_need_status_change(actor=hq_admin, common_need=common, to_status="done",
                                    outcome="新包装9月上市")
    assert sorted(Need.objects.values_list("status", "outcome")) == [
        ("done", "新包装9月上市")] * 4
    # Each need's trail has the moves it followed: 3 to planned (a2 came later), 4 to done.
    assert AuditEvent.objects.filter(event="need.status_changed",
                                     data__common_need=common.number).count() == 7
    # Closed: no more needs, and each dealer confirms on its own.
    late = _record(north_rep, world.dealer_a_sub, category="product_renewal")
    with pytest.raises(needs.NeedInvalid) as refused:
        needs.need_attach(actor=north_rep, needs=[late], common_need=common)
    assert list(refused.value.errors) == ["common_need"]
    needs.need_confirm(actor=dealer_a_admin, need=a1, satisfied=True)
    needs.need_confirm(actor=dealer_a_admin, need=a2, satisfied=False, note="口味没变")
    a2.refresh_from_db()
    assert (a2.status, a2.scope, a2.common_need) == ("under_review", "individual", None)
    assert CommonNeed.objects.get().needs.count() == 3
    # Reopening the common need reopens its needs and clears their confirmations.
    needs.common_need_status_change(actor=hq_admin, common_need=common,
                                    to_status="under_review", note="包装再改")
    a1.refresh_from_db()
    assert (a1.status, a1.outcome, a1.confirmed_at) == ("under_review", "", None)


@pytest.mark.django_db
def test_detaching_and_what_cannot_be_grouped(renewals, hq_admin, north_rep, login):
    a1, a2, bj, b = renewals
    needs.need_status_change(actor=north_rep, need=a2, to_status="declined", reason="重复")
    with pytest.raises(needs.NeedInvalid):
        needs.common_need_create(actor=hq_admin, title="更新", category="product_renewal",
                                 needs=[a1, a2])
    assert not CommonNeed.objects.exists()
    assert set(Need.objects.values_list("scope", flat=True)) == {"individual"}
    # A rep groups only needs in his area.
    with pytest.raises(NotAllowed):
        needs.common_need_create(actor=north_rep, title="更新", category="product_renewal",
                                 needs=[a1, b])
    assert not CommonNeed.objects.exists()

    common = needs.common_need_create(actor=north_rep, title="更新",
                                      category="product_renewal", needs=[a1, bj])
    client = login(north_rep)
    page = client.get(f"/service/needs/{a1.pk}/").content.decode()
    assert 'data-testid="need-follows"' in page and 'data-testid="need-status-form"' not in page
    client.post(f"/service/needs/{a1.pk}/detach/")
    a1.refresh_from_db()
    assert (a1.scope, a1.common_need, a1.status) == ("individual", None, "recorded")
    assert AuditEvent.objects.get(event="need.detached").data == {
        "common_need": common.number}
    # Attached on the need's own page, to the open common need chosen.
    client.post(f"/service/needs/{a1.pk}/attach/", {"common_need": common.pk})
    a1.refresh_from_db()
    assert a1.common_need == common


@pytest.mark.django_db
def test_a_common_need_lists_only_the_needs_in_the_users_area(renewals, hq_admin, east_rep,
                                                              login):
    common = needs.common_need_create(actor=hq_admin, title="老品更新换代",
                                      category="product_renewal", needs=list(renewals))
    page = login(east_rep).get(f"/service/needs/common/{common.pk}/")
    assert [n.dealer.code for n in page.context["needs"]] == ["B0001"]
    text = page.content.decode()
    assert "and 3 needs of dealers outside your area" in text
    assert "A0001" not in text and "BJ001" not in text
    api = login(east_rep).get(f"/api/common-needs/{common.pk}").json()
    assert ([n["dealer_code"] for n in api["needs"]], api["dealer_count"],
            api["need_count"]) == (["B0001"], 3, 4)


@pytest.mark.django_db
def test_the_common_need_page_moves_it_and_everyone_follows(renewals, hq_admin, login):
    common = needs.common_need_create(actor=hq_admin, title="老品更新换代",
                                      category="product_renewal", needs=list(renewals[:2]))
    client = login(hq_admin)
    response = client.post(f"/service/needs/common/{common.pk}/status/",
                           {"status": "planned"}, follow=True)
    assert "Say by when the plan will be carried out." in response.content.decode()
    client.post(f"/service/needs/common/{common.pk}/status/",
                {"status": "declined", "reason": "本年度不再调整配方"})
    assert sorted(Need.objects.filter(common_need=common).values_list(
        "status", "decline_reason")) == [("declined", "本年度不再调整配方")] * 2
    page = client.get(f"/service/needs/common/{common.pk}/").content.decode()
    assert 'data-status="declined"' in page and "Common need status changed" in page


# -- lists, export, query counts ------------------------------------------------------------

@pytest.fixture
def registry(clock, world, north_rep, service, hq_admin):
    """Five needs across the world, in different states."""
    made = {
        "a": _record(north_rep, world.dealer_a, title="账期延长", category="credit_terms"),
        "sub": _record(north_rep, world.dealer_a_sub, title="物流时效", category="logistics",
                       owner=service),
        "bj": _record(hq_admin, world.dealer_beijing, title="培训", category="training",
                      owner=north_rep),
        "b": _record(hq_admin, world.dealer_b, title="市场支持", category="marketing"),
        "shop": _record(north_rep, world.dealer_a_shop, title="陈列", category="marketing"),
    }
    needs.need_status_change(actor=north_rep, need=made["bj"], to_status="planned",
                             due_on=datetime.date(2026, 2, 27))  # passed: overdue
    needs.need_status_change(actor=hq_admin, need=made["b"], to_status="declined",
                             reason="预算已用完")
    return made


@pytest.mark.django_db
def test_list_filters_and_export_with_the_same_filters(registry, world, hq_admin, north_rep,
                                                       login):
    client = login(hq_admin)

    def dealers(query=""):
        return sorted(n.dealer.code for n in client.get(f"/service/needs/?{query}")
                      .context["page"].object_list)

    assert dealers() == ["A0001", "A0002", "A0003", "BJ001"]  # open ones
    assert dealers("state=all") == ["A0001", "A0002", "A0003", "B0001", "BJ001"]
    assert dealers("state=closed") == ["B0001"]
    assert dealers("status=declined") == ["B0001"]
    assert dealers("category=marketing&state=all") == ["A0003", "B0001"]
    assert dealers("scope=individual") == ["A0001", "A0002", "A0003", "BJ001"]
    assert dealers("scope=common") == []
    assert dealers(f"owner={north_rep.pk}") == ["A0001", "A0003", "BJ001"]
    assert dealers("mine=true&state=all") == ["B0001"]
    assert dealers("overdue=true") == ["BJ001"]
    assert dealers("benefit=true") == ["A0001"]
    assert dealers("q=北京") == ["BJ001"]
    assert dealers("q=A000") == ["A0001", "A0002", "A0003"]
    assert dealers(f"q={registry['sub'].number}") == ["A0002"]
    assert dealers(f"dealer={world.dealer_a.pk}") == ["A0001"]
    assert 'data-testid="need-overdue"' in client.get("/service/needs/").content.decode()

    response = client.get("/service/needs/export/?state=all&category=marketing")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    header = rows[0]
    assert len(rows) == 3
    by_dealer = {row[header.index("Dealer code")]: row for row in rows[1:]}
    assert by_dealer["B0001"][header.index("Status")] == "Declined"
    assert by_dealer["B0001"][header.index("Reason declined")] == "预算已用完"
    assert by_dealer["A0003"][header.index("Category")] == "Marketing support"
    assert by_dealer["A0003"][header.index("Owner")] == "河北业务员"
    assert by_dealer["A0003"][header.index("Raised by the dealer")] == "no"

    # The rep sees his area (河北) and the Beijing need he owns.
    rep = login(north_rep)
    assert sorted(n.dealer.code for n in rep.get("/service/needs/?state=all")
                  .context["page"].object_list) == ["A0001", "A0002", "A0003", "BJ001"]


@pytest.mark.django_db
def test_list_queries_do_not_grow_with_rows(clock, world, hq_admin, north_rep, login):
    client = login(hq_admin)
    common = needs.common_need_create(actor=hq_admin, title="大会", category="conference")
    first = _record(hq_admin, world.dealer_a, owner=north_rep)
    needs.need_attach(actor=hq_admin, needs=[first], common_need=common)
    for url in ("/service/needs/", "/service/needs/common/", "/api/needs"):
        client.get(url)
    few = {}
    for url in ("/service/needs/", "/service/needs/common/", "/api/needs"):
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        few[url] = len(queries)
    for dealer in (world.dealer_b, world.dealer_beijing, world.dealer_a_sub):
        need = _record(hq_admin, dealer, owner=north_rep)
        needs.need_attach(actor=hq_admin, needs=[need], common_need=common)
        other = needs.common_need_create(actor=hq_admin, title=f"培训{dealer.code}",
                                         category="training")
        needs.need_attach(actor=hq_admin, needs=[_record(hq_admin, dealer)],
                          common_need=other)
    for url in ("/service/needs/", "/service/needs/common/", "/api/needs"):
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        assert len(queries) == few[url], url
    assert len(client.get("/service/needs/").context["page"].object_list) == 7
    assert len(client.get("/service/needs/common/").context["common_needs"]) == 4


@pytest.mark.django_db
def test_pages_open_for_every_role_that_has_them(registry, personas, client):
    need = registry["a"]
    for name, user in personas.items():
        client.force_login(user)
        dealer_side = user.is_dealer_user
        staff_view = not dealer_side and user.has_perm("service.view_need")
        want = 200 if (staff_view or dealer_side) else 403
        assert client.get("/service/needs/").status_code == want, name
        assert client.get("/service/needs/new/").status_code == want, name
        assert client.get("/service/needs/common/").status_code == (
            200 if staff_view else 403), name
        assert client.get("/service/needs/export/").status_code == (
            200 if staff_view else 403), name
        visible = staff_view and user.sees_all_dealers or name in ("north_manager",
                                                                   "north_rep")
        mine = dealer_side and user.dealer_id == need.dealer_id
        assert client.get(f"/service/needs/{need.pk}/").status_code == (
            200 if visible or mine else 403 if want == 403 else 404), name


# -- the dealer panel and dealer support ----------------------------------------------------

@pytest.mark.django_db
def test_the_dealer_panel_shows_needs_and_support_staff(clock, world, north_rep, hq_admin,
                                                        login):
    _record(north_rep, world.dealer_a, title="账期延长", category="credit_terms")
    done = _record(north_rep, world.dealer_a, title="培训", category="training")
    needs.need_status_change(actor=north_rep, need=done, to_status="done", outcome="已培训")
    manager = UserFactory(username="seconded", role="sales_rep", full_name="派驻经理")
    support = needs.support_add(actor=hq_admin, dealer=world.dealer_a, user=manager,
                                role="seconded_manager", started_on=datetime.date(2026, 1, 5),
                                dealer_superior="恒顺老板", trainee_name="小王")
    client = login(north_rep)
    panel = client.get(f"/dealers/{world.dealer_a.pk}/panels/needs/").content.decode()
    assert "账期延长" in panel and done.number not in panel  # open needs only
    assert "1 open need · 1 done, 0 declined" in panel
    assert "派驻经理" in panel and 'data-testid="panel-report-missing"' in panel
    assert 'data-testid="panel-add-support"' in panel
    # February's report filed: nothing owed in March.
    needs.support_report_add(actor=manager, support=support,
                             month=datetime.date(2026, 2, 1), summary="二月：新开终端8家")
    panel = client.get(f"/dealers/{world.dealer_a.pk}/panels/needs/").content.decode()
    assert 'data-testid="panel-report-missing"' not in panel
    # A manager who came in March owes nothing yet either.
    newcomer = needs.support_add(actor=hq_admin, dealer=world.dealer_b, user=manager,
                                 role="seconded_manager", started_on=MARCH_2)
    assert [s.report_missing for s in needs.supports_of(dealer=world.dealer_b)] == [False]
    assert newcomer.is_active


@pytest.mark.django_db
def test_a_seconded_manager_reports_monthly_and_leaves_only_when_his_work_is_done(
        clock, world, hq_admin, north_rep, login):
    manager = UserFactory(username="seconded", role="sales_rep", full_name="派驻经理")
    client = login(north_rep)
    response = client.post(f"/service/needs/support/new/?dealer={world.dealer_a.pk}", {
        "dealer": world.dealer_a.pk, "user": manager.pk, "role": "seconded_manager",
        "started_on": "2026-01-05", "salary_paid_by_hq": "on", "dealer_superior": "恒顺老板",
        "trainee_name": "小王"})
    support = DealerSupport.objects.get()
    assert response["Location"] == f"/service/needs/support/{support.pk}/"
    assert (support.dealer, support.user, support.salary_paid_by_hq, support.created_by) == (
        world.dealer_a, manager, True, north_rep)
    # One seconded manager at a time per dealer.
    page = client.post(f"/service/needs/support/new/?dealer={world.dealer_a.pk}", {
        "dealer": world.dealer_a.pk, "user": north_rep.pk, "role": "seconded_manager",
        "started_on": "2026-02-01"})
    assert "already has a seconded manager" in page.content.decode()
    with pytest.raises(IntegrityError), transaction.atomic():
        DealerSupport.objects.create(dealer=world.dealer_a, user=north_rep,
                                     role="seconded_manager", started_on=MARCH_2)
    # Business support beside him is fine; a dealer outside the rep's area is not found.
    needs.support_add(actor=north_rep, dealer=world.dealer_a, user=north_rep,
                      role="business_support", started_on=MARCH_2)
    assert client.get(f"/service/needs/support/new/?dealer={world.dealer_b.pk}"
                      ).status_code == 404

    # Monthly reports: one per month, none for a month to come.
    client.post(f"/service/needs/support/{support.pk}/report/",
                {"month": "2026-02", "summary": "二月：新开终端8家"})
    response = client.post(f"/service/needs/support/{support.pk}/report/",
                           {"month": "2026-02", "summary": "再报"}, follow=True)
    assert "That month has been reported already." in response.content.decode()
    with pytest.raises(needs.SupportInvalid) as refused:
        needs.support_report_add(actor=manager, support=support,
                                 month=datetime.date(2026, 4, 1), summary="x")
    assert refused.value.errors == {"month": "A month to come cannot be reported yet."}
    assert list(DealerSupportReport.objects.values_list("month", "submitted_by")) == [
        (datetime.date(2026, 2, 1), north_rep.pk)]

    # He leaves only once the business manager is qualified and sales are stable.
    response = client.post(f"/service/needs/support/{support.pk}/end/",
                           {"ended_on": "2026-03-02", "note": "完成"}, follow=True)
    assert ("The seconded manager cannot leave yet: the business manager he develops is not "
            "qualified yet; the dealer&#x27;s sales are not marked stable.") in (
        response.content.decode())
    client.post(f"/service/needs/support/{support.pk}/edit/", {
        "dealer_superior": "恒顺老板", "trainee_name": "小王",
        "trainee_qualified_on": "2026-02-28", "sales_stable": "on",
        "salary_paid_by_hq": "on", "notes": ""})
    support.refresh_from_db()
    assert (support.trainee_qualified_on, support.sales_stable) == (
        datetime.date(2026, 2, 28), True)
    with pytest.raises(needs.SupportInvalid) as refused:
        needs.support_end(actor=north_rep, support=support, ended_on=MARCH_2)
    assert list(refused.value.errors) == ["note"]
    client.post(f"/service/needs/support/{support.pk}/end/",
                {"ended_on": "2026-03-02", "note": "小王已能独立带队，销售稳定"})
    support.refresh_from_db()
    assert (support.ended_on, support.end_note) == (MARCH_2, "小王已能独立带队，销售稳定")
    assert list(AuditEvent.objects.filter(subject_id=str(world.dealer_a.pk),
                                          event__startswith="dealer_support")
                .order_by("id").values_list("event", flat=True)) == [
        "dealer_support.added", "dealer_support.added", "dealer_support.reported",
        "dealer_support.updated", "dealer_support.ended"]
    # Now another may be seconded.
    needs.support_add(actor=hq_admin, dealer=world.dealer_a, user=north_rep,
                      role="seconded_manager", started_on=MARCH_2)


# -- the API --------------------------------------------------------------------------------

@pytest.mark.django_db
def test_api_raise_move_group_and_confirm(clock, world, north_rep, hq_admin, dealer_a_admin,
                                          client):
    world.dealer_a.assigned_rep = north_rep
    world.dealer_a.save()
    client.force_login(dealer_a_admin)
    response = client.post("/api/needs", {"title": "希望增加返利", "category": "credit_terms",
                                          "dealer_id": world.dealer_b.pk}, content_type=JSON)
    assert response.status_code == 201
    body = response.json()
    assert (body["dealer_code"], body["channel"], body["owner_id"], body["benefit"],
            body["raised_by_dealer"], body["status"]) == (
        "A0001", "api", north_rep.pk, True, True, "recorded")
    need_id = body["id"]
    refused = client.post("/api/needs", {"title": "", "category": "x"}, content_type=JSON)
    assert (refused.status_code, refused.json()["code"]) == (409, "need_invalid")
    assert set(refused.json()["errors"]) == {"title", "category"}
    assert client.post(f"/api/needs/{need_id}/status", {"status": "declined"},
                       content_type=JSON).status_code == 403

    client.force_login(north_rep)
    assert client.post("/api/needs", {"dealer_id": world.dealer_b.pk, "title": "x",
                                      "category": "other"}, content_type=JSON
                       ).status_code == 404
    patched = client.patch(f"/api/needs/{need_id}", {"department": "财务部",
                                                     "due_on": "2026-03-31"},
                           content_type=JSON).json()
    assert (patched["department"], patched["due_on"], patched["title"]) == (
        "财务部", "2026-03-31", "希望增加返利")
    moved = client.post(f"/api/needs/{need_id}/status", {"status": "planned"},
                        content_type=JSON).json()
    assert (moved["status"], moved["overdue"]) == ("planned", False)
    bad = client.post(f"/api/needs/{need_id}/status", {"status": "recorded"},
                      content_type=JSON)
    assert (bad.status_code, bad.json()["code"]) == (409, "need_status_not_allowed")

    client.force_login(hq_admin)
    created = client.post("/api/common-needs", {
        "title": "返利政策调整", "category": "credit_terms", "need_ids": [need_id],
        "action": "下季度统一调整"}, content_type=JSON)
    assert created.status_code == 201
    common = created.json()
    assert (common["dealer_count"], common["need_count"],
            [n["id"] for n in common["needs"]]) == (1, 1, [need_id])
    assert client.post("/api/common-needs", {"title": "x", "category": "other",
                                             "need_ids": [999999]},
                       content_type=JSON).status_code == 404
    done = client.post(f"/api/common-needs/{common['id']}/status",
                       {"status": "done", "outcome": "返利上调0.5%"}, content_type=JSON)
    assert done.json()["needs"][0]["status"] == "done"
    listed = client.get("/api/common-needs?state=all").json()
    assert [(c["number"], c["dealer_count"]) for c in listed["items"]] == [
        (common["number"], 1)]

    client.force_login(dealer_a_admin)
    confirmed = client.post(f"/api/needs/{need_id}/confirm", {"satisfied": True,
                                                             "note": "满意"},
                            content_type=JSON).json()
    assert (confirmed["outcome"], confirmed["confirmation_note"],
            confirmed["common_need_title"]) == ("返利上调0.5%", "满意", "返利政策调整")
    assert client.get("/api/common-needs").status_code == 403


@pytest.mark.django_db
def test_api_detach_attach_and_support_lists_are_scoped(clock, world, hq_admin, north_rep,
                                                        east_rep, client):
    a = _record(north_rep, world.dealer_a, category="training")
    b = _record(hq_admin, world.dealer_b, category="training")
    common = needs.common_need_create(actor=hq_admin, title="培训", category="training")
    client.force_login(north_rep)
    attached = client.post(f"/api/needs/{a.pk}/attach", {"common_need_id": common.pk},
                           content_type=JSON).json()
    assert (attached["scope"], attached["common_need_id"]) == ("common", common.pk)
    assert client.post(f"/api/needs/{b.pk}/attach", {"common_need_id": common.pk},
                       content_type=JSON).status_code == 404
    detached = client.post(f"/api/needs/{a.pk}/detach", content_type=JSON).json()
    assert (detached["scope"], detached["common_need_id"]) == ("individual", None)
    again = client.post(f"/api/needs/{a.pk}/detach", content_type=JSON)
    assert (again.status_code, again.json()["code"]) == (409, "need_invalid")

    manager = UserFactory(username="seconded", role="sales_rep", full_name="派驻经理")
    client.force_login(hq_admin)
    for dealer in (world.dealer_a, world.dealer_b):
        assert client.post("/api/dealer-supports", {
            "dealer_id": dealer.pk, "user_id": manager.pk, "role": "trainer",
            "started_on": "2026-03-01"}, content_type=JSON).status_code == 201
    refused = client.post("/api/dealer-supports", {
        "dealer_id": world.dealer_a.pk, "user_id": manager.pk, "role": "boss",
        "started_on": None}, content_type=JSON)
    assert (refused.status_code, sorted(refused.json()["errors"])) == (
        409, ["role", "started_on"])
    client.force_login(east_rep)
    assert [s["dealer_code"] for s in client.get("/api/dealer-supports").json()["items"]
            ] == ["B0001"]
    assert client.post("/api/dealer-supports", {
        "dealer_id": world.dealer_a.pk, "user_id": manager.pk, "role": "trainer",
        "started_on": "2026-03-01"}, content_type=JSON).status_code == 404
    assert DealerSupport.objects.count() == 2


@pytest.mark.django_db
def test_scope_and_common_link_agree_in_the_database(clock, world, hq_admin):
    need = _record(hq_admin, world.dealer_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Need.objects.filter(pk=need.pk).update(scope="common")
    with pytest.raises(IntegrityError), transaction.atomic():
        Need.objects.filter(pk=need.pk).update(status="declined")


# -- demo -----------------------------------------------------------------------------------

@pytest.mark.django_db
def test_the_demo_records_groups_answers_and_seconds(clock, world, hq_admin, north_rep,
                                                     east_rep, dealer_a_admin):
    import random

    from qudao.service import needs_demo

    clock.set("2026-11-23 15:00")
    world.dealer_a.assigned_rep = north_rep
    world.dealer_a.save()
    ctx = {"admin": hq_admin}
    needs_demo.run(scale="small", rng=random.Random("2026:needs"), ctx=ctx)
    assert Need.objects.count() == ctx["needs"] == 80
    assert Need.objects.filter(owner__isnull=True).count() == 0
    assert set(Need.objects.filter(dealer=world.dealer_a).values_list(
        "channel", flat=True)) == {"portal"}
    statuses = set(Need.objects.values_list("status", flat=True))
    assert {"recorded", "done", "declined", "planned"} <= statuses
    assert Need.objects.filter(confirmed_at__isnull=False).exists()
    for common in needs.common_need_list(filters={"state": "all"}):
        assert common.dealer_count >= 2
        assert set(common.needs.values_list("status", flat=True)) == {common.status}
    assert DealerSupport.objects.filter(role="seconded_manager").count() == 2
    dealers = [s.dealer for s in DealerSupport.objects.select_related("dealer")]
    missing = [s.report_missing for d in dealers for s in needs.supports_of(dealer=d)]
    assert sorted(missing) == [False, True]
    assert not Need.objects.filter(created_at__gt=clock.now).exists()


@pytest.mark.django_db
def test_the_state_filter_shows_the_state_applied(clock, world, north_rep, dealer_a_admin,
                                                  login):
    _record(dealer_a_admin, world.dealer_a)
    assert login(dealer_a_admin).get("/service/needs/").context[
        "filter_form"]["state"].value() == "all"
    staff = login(north_rep)
    assert staff.get("/service/needs/").context["filter_form"]["state"].value() == "open"
    assert staff.get("/service/needs/?status=done").context["filter_form"][
        "state"].value() == "all"
