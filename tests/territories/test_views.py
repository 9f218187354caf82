"""Territory pages: browsing a level at a time, scope, editing, assignments, query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qudao.core.models import AuditEvent
from qudao.territories.models import Territory, TerritoryAssignment
from tests.factories import DealerFactory, UserFactory


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _children(response) -> dict[str, Territory]:
    return {child.code: child for child in response.context["children"]}


@pytest.mark.django_db
def test_top_level_lists_regions_with_dealer_counts(world, hq_admin, login):
    response = login(hq_admin).get("/territories/")
    assert response.status_code == 200
    children = _children(response)
    assert set(children) == {"HB", "HD"}
    assert children["HB"].dealer_count == 4 and children["HD"].dealer_count == 1
    body = response.content.decode()
    assert f'href="/dealers/?territory={world.hb.pk}"' in body


@pytest.mark.django_db
def test_a_node_shows_its_children_breadcrumb_and_coverage(world, hq_admin, north_rep, login):
    response = login(hq_admin).get(f"/territories/?node={world.hb.pk}")
    children = _children(response)
    assert set(children) == {"130000", "110000"}
    assert children["130000"].dealer_count == 3 and children["110000"].dealer_count == 1
    assert [a.user for a in children["130000"].coverers] == [north_rep]
    body = response.content.decode()
    assert "河北业务员" in body and "North China" in body

    response = login(hq_admin).get(f"/territories/?node={world.hebei.pk}")
    assert [t.code for t in response.context["breadcrumb"]] == ["HB"]
    assert set(_children(response)) == {"130100", "130200"}
    assert f'href="/dealers/?territory={world.tangshan.pk}"' in response.content.decode()


@pytest.mark.django_db
def test_all_pages_render_for_hq(world, hq_admin, login):
    client = login(hq_admin)
    for url in ["/territories/", f"/territories/?node={world.hebei.pk}", "/territories/?q=石家",
                f"/territories/{world.hebei.pk}/", f"/territories/{world.hebei.pk}/edit/",
                f"/territories/new/?parent={world.hebei.pk}", "/territories/new/"]:
        assert client.get(url).status_code == 200, url


@pytest.mark.django_db
def test_rep_sees_only_his_subtree(world, north_rep, login):
    client = login(north_rep)
    top = client.get("/territories/")
    assert set(_children(top)) == {"130000"}
    assert "华东大区" not in top.content.decode()
    assert set(_children(client.get(f"/territories/?node={world.hebei.pk}"))) == {
        "130100", "130200"}
    # Above his subtree the breadcrumb stops: 华北大区 is not his to open.
    response = client.get(f"/territories/?node={world.shijiazhuang.pk}")
    assert [t.code for t in response.context["breadcrumb"]] == ["130000"]
    for url in [f"/territories/?node={world.zhejiang.pk}", f"/territories/{world.zhejiang.pk}/",
                f"/territories/{world.hb.pk}/", f"/territories/?node={world.hb.pk}"]:
        assert client.get(url).status_code == 404, url
    found = client.get("/territories/?q=市").context["page"].object_list
    assert {t.code for t in found} == {"130100", "130200"}


@pytest.mark.django_db
def test_dealer_users_have_no_territory_pages(world, dealer_a_admin, login):
    assert login(dealer_a_admin).get("/territories/").status_code == 403


@pytest.mark.django_db
def test_search_is_paginated_and_htmx_gets_the_partial(world, hq_admin, login, settings):
    settings.PAGE_SIZE = 2
    client = login(hq_admin)
    page = client.get("/territories/?q=市").context["page"]
    assert page.paginator.count == 4 and len(page.object_list) == 2
    second = client.get("/territories/?q=市&page=2").context["page"]
    assert {t.code for t in second.object_list} == {"110000", "330100"}
    response = client.get("/territories/?q=杭州", HTTP_HX_REQUEST="true",
                          HTTP_HX_TARGET="results")
    body = response.content.decode()
    assert "<html" not in body and "330100" in body
    response = client.get(f"/territories/?node={world.hb.pk}", HTTP_HX_REQUEST="true",
                          HTTP_HX_TARGET="results")
    assert "<html" not in response.content.decode() and "130000" in response.content.decode()


@pytest.mark.django_db
def test_list_query_count_does_not_grow_with_children(world, hq_admin, login):
    client = login(hq_admin)
    parent = Territory.objects.get(pk=world.hebei.pk)
    assert parent.numchild == 2
    url = f"/territories/?node={world.hebei.pk}"
    few = _queries(client, url)
    for i in range(8):
        parent = Territory.objects.get(pk=world.hebei.pk)
        child = Territory.objects.add_child(parent, {"code": f"13{i:02d}99", "name": f"新市{i}",
                                                     "level": "city"})
        DealerFactory(territory=child)
        rep = UserFactory(username=f"rep{i}", role="sales_rep")
        TerritoryAssignment.objects.create(territory=child, user=rep, role="rep")
    response = client.get(url)
    assert len(response.context["children"]) == 10
    assert _queries(client, url) == few


@pytest.mark.django_db
def test_create_with_parent_preselected(world, hq_admin, login):
    client = login(hq_admin)
    form = client.get(f"/territories/new/?parent={world.hebei.pk}").context["form"]
    assert form.initial["parent"] == world.hebei
    response = client.post("/territories/new/", {
        "parent": world.hebei.pk, "code": "130300", "name": "秦皇岛市", "name_en": "Qinhuangdao",
        "level": "city"})
    node = Territory.objects.get(code="130300")
    assert response.status_code == 302 and response["Location"] == f"/territories/{node.pk}/"
    assert Territory.objects.get_parent(node) == world.hebei


@pytest.mark.django_db
@pytest.mark.parametrize(("parent", "level", "code", "message"), [
    ("hebei", "region", "X1", "cannot sit under"),
    (None, "city", "X1", "must be a sales region or a province"),
    ("hebei", "city", "130100", "130100 is already used"),
])
def test_create_shows_rule_errors_on_the_form(world, hq_admin, login, parent, level, code,
                                              message):
    before = Territory.objects.count()
    data = {"code": code, "name": "新节点", "level": level}
    if parent:
        data["parent"] = getattr(world, parent).pk
    response = login(hq_admin).post("/territories/new/", data)
    assert response.status_code == 200
    assert any(message in e for e in response.context["form"].non_field_errors())
    assert message in response.content.decode()
    assert Territory.objects.count() == before


@pytest.mark.django_db
def test_edit_moves_a_node_under_another_parent(world, hq_admin, login):
    response = login(hq_admin).post(f"/territories/{world.tangshan.pk}/edit/", {
        "parent": world.beijing.pk, "code": "130200", "name": "唐山市", "name_en": "Tangshan",
        "level": "city", "is_active": "on"})
    assert response.status_code == 302
    tangshan = Territory.objects.get(pk=world.tangshan.pk)
    assert Territory.objects.get_parent(tangshan) == world.beijing
    assert AuditEvent.objects.filter(event="territory.updated",
                                     target_id=str(tangshan.pk)).exists()


@pytest.mark.django_db
def test_edit_shows_a_move_against_the_level_rule(world, hq_admin, login):
    client = login(hq_admin)
    response = client.post(f"/territories/{world.hebei.pk}/edit/", {
        "parent": world.zhejiang.pk, "code": "130000", "name": "河北省", "level": "province",
        "is_active": "on"})
    assert response.status_code == 200
    assert "cannot sit under" in response.content.decode()
    hebei = Territory.objects.get(pk=world.hebei.pk)
    assert Territory.objects.get_parent(hebei) == world.hb
    # Its own subtree is not offered as a new parent.
    form = client.get(f"/territories/{world.hebei.pk}/edit/").context["form"]
    offered = {t.code for t in form.fields["parent"].queryset}
    assert "130100" not in offered and "130000" not in offered and "HD" in offered


@pytest.mark.django_db
def test_only_hq_creates_and_edits(world, north_manager, director, login):
    for user in (north_manager, director):
        client = login(user)
        assert client.get("/territories/new/").status_code == 403
        assert client.get(f"/territories/{world.hebei.pk}/edit/").status_code == 403
        assert client.post(f"/territories/{world.hebei.pk}/edit/",
                           {"code": "X", "name": "X", "level": "province"}).status_code == 403
    assert Territory.objects.get(pk=world.hebei.pk).code == "130000"


@pytest.mark.django_db
def test_assignment_add_and_remove_from_the_node_page(world, hq_admin, north_rep, east_rep,
                                                     login):
    client = login(hq_admin)
    page = client.get(f"/territories/{world.hebei.pk}/").content.decode()
    assert "data-confirm" in page and "河北业务员" in page
    response = client.post(f"/territories/{world.hebei.pk}/assignments/",
                           {"user": east_rep.pk, "role": "rep"})
    assert response.status_code == 302
    assignment = TerritoryAssignment.objects.get(territory=world.hebei, user=east_rep)
    assert AuditEvent.objects.filter(event="territory.assigned", actor=hq_admin,
                                     subject_id=str(world.hebei.pk)).exists()
    remove = f"/territories/{world.hebei.pk}/assignments/{assignment.pk}/remove/"
    assert client.get(remove).status_code == 405
    assert client.post(remove).status_code == 302
    assert not TerritoryAssignment.objects.filter(pk=assignment.pk).exists()
    assert AuditEvent.objects.filter(event="territory.unassigned", actor=hq_admin,
                                     subject_id=str(world.hebei.pk)).exists()
    history = client.get(f"/territories/{world.hebei.pk}/").content.decode()
    assert "Assignment removed" in history


@pytest.mark.django_db
def test_assignment_offers_only_active_managers_and_reps(world, hq_admin, finance, login):
    UserFactory(username="gone_rep", role="sales_rep", is_active=False)
    form = login(hq_admin).get(f"/territories/{world.hebei.pk}/").context["assignment_form"]
    offered = {u.username for u in form.fields["user"].queryset}
    assert "gone_rep" not in offered and "finance" not in offered and "hq_admin" not in offered
    response = login(hq_admin).post(f"/territories/{world.hebei.pk}/assignments/",
                                    {"user": finance.pk, "role": "rep"})
    assert response.status_code == 200 and "user" in response.context["assignment_form"].errors
    assert not TerritoryAssignment.objects.filter(user=finance).exists()


@pytest.mark.django_db
def test_assignment_needs_the_permission_and_the_scope(world, north_manager, east_rep, login):
    client = login(north_manager)
    assert "assignment-form" not in client.get(f"/territories/{world.hebei.pk}/").content.decode()
    response = client.post(f"/territories/{world.hebei.pk}/assignments/",
                           {"user": east_rep.pk, "role": "rep"})
    assert response.status_code == 403
    assignment = TerritoryAssignment.objects.get(user=east_rep)
    response = client.post(
        f"/territories/{world.zhejiang.pk}/assignments/{assignment.pk}/remove/")
    assert response.status_code == 403
    assert TerritoryAssignment.objects.filter(pk=assignment.pk).exists()


@pytest.mark.django_db
def test_remove_of_another_nodes_assignment_answers_404(world, hq_admin, east_rep, login):
    assignment = TerritoryAssignment.objects.get(user=east_rep)
    response = login(hq_admin).post(
        f"/territories/{world.hebei.pk}/assignments/{assignment.pk}/remove/")
    assert response.status_code == 404
    assert TerritoryAssignment.objects.filter(pk=assignment.pk).exists()
