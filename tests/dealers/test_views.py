"""Dealer pages: what people see, and that the query count does not grow with the rows."""

import pytest
from django.core.cache import cache

from qudao.dealers.models import Dealer
from tests.factories import ContactFactory, DealerFactory
from tests.helpers import page_queries


@pytest.mark.django_db
def test_list_query_count_does_not_grow_with_rows(world, hq_admin, north_rep, login):
    client = login(hq_admin)
    few = page_queries(client, "/dealers/")
    for i in range(40):
        DealerFactory(channel_level="tier2", parent=world.dealer_a, territory=world.tangshan,
                      assigned_rep=north_rep, name=f"批量{i}")
    many = page_queries(client, "/dealers/")
    assert many == few


@pytest.mark.django_db
def test_detail_query_count_does_not_grow_with_children_contacts_history(world, hq_admin,
                                                                        login):
    client = login(hq_admin)
    url = f"/dealers/{world.dealer_a.pk}/"
    few = page_queries(client, url)
    for i in range(25):
        DealerFactory(channel_level="terminal", parent=world.dealer_a,
                      territory=world.shijiazhuang, name=f"门店{i}")
        ContactFactory(dealer=world.dealer_a)
    client.post(f"/dealers/{world.dealer_a.pk}/edit/", {})  # an invalid edit writes nothing
    many = page_queries(client, url)
    assert many == few


@pytest.mark.django_db
def test_dashboard_query_count_does_not_grow(world, hq_admin, login):
    client = login(hq_admin)
    few = page_queries(client, "/")
    for i in range(30):
        DealerFactory(territory=world.hangzhou, grade="A", name=f"杭州{i}")
    cache.clear()  # the trade figures are kept a few minutes; count their queries again
    assert page_queries(client, "/") == few


@pytest.mark.django_db
def test_search_filter_and_sort(world, hq_admin, login):
    client = login(hq_admin)
    body = client.get("/dealers/?q=唐山").content.decode()
    assert "唐山丰源食品商行" in body and "杭州西湖商贸" not in body
    body = client.get(f"/dealers/?territory={world.hb.pk}&channel_level=tier1").content.decode()
    assert "北京京诚贸易" in body and "石家庄恒顺商贸" in body and "唐山丰源" not in body
    body = client.get("/dealers/?sort=-code").content.decode()
    assert body.index("BJ001") < body.index("A0001")


@pytest.mark.django_db
def test_htmx_request_gets_only_the_results_partial(world, hq_admin, login):
    client = login(hq_admin)
    response = client.get("/dealers/?q=A", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results")
    body = response.content.decode()
    assert "<html" not in body and "A0001" in body


@pytest.mark.django_db
def test_pagination(world, hq_admin, login, settings):
    settings.PAGE_SIZE = 2
    client = login(hq_admin)
    body = client.get("/dealers/?page=3").content.decode()
    assert "BJ001" in body and "A0001" not in body
    last = client.get("/dealers/?page=99").context["page"]
    assert last.number == 3  # a page past the end shows the last one


@pytest.mark.django_db
def test_rep_cannot_open_a_dealer_outside_his_scope(world, north_rep, login):
    client = login(north_rep)
    assert client.get(f"/dealers/{world.dealer_b.pk}/").status_code == 404
    assert client.get(f"/dealers/{world.dealer_b.pk}/edit/").status_code == 404
    response = client.post(f"/dealers/{world.dealer_b.pk}/status/",
                           {"to_status": "probation", "reason": "x"})
    assert response.status_code in (403, 404)
    world.dealer_b.refresh_from_db()
    assert world.dealer_b.status == "active"


@pytest.mark.django_db
def test_dealer_user_lands_on_own_company(world, dealer_a_admin, login):
    client = login(dealer_a_admin)
    response = client.get("/dealers/")
    assert response.status_code == 302
    assert response["Location"] == f"/dealers/{world.dealer_a.pk}/"
    body = client.get(response["Location"]).content.decode()
    assert "石家庄恒顺商贸有限公司" in body
    assert "唐山丰源" not in body  # its sub-dealer is another dealer's data


@pytest.mark.django_db
def test_edit_form_saves_and_shows_history(world, north_rep, login):
    client = login(north_rep)
    url = f"/dealers/{world.dealer_a_sub.pk}/edit/"
    form = client.get(url).context["form"]
    data = {name: ("" if value is None else value) for name, value in form.initial.items()
            if name in form.fields and not isinstance(value, list)}
    data.update({"name": "唐山丰源食品有限公司", "vehicles": "6", "territory": world.tangshan.pk,
                 "parent_code": "A0001", "tag_names": "核心二批, 新开发"})
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    dealer = Dealer.objects.get(pk=world.dealer_a_sub.pk)
    assert dealer.name == "唐山丰源食品有限公司" and dealer.vehicles == 6
    detail = client.get(f"/dealers/{dealer.pk}/").content.decode()
    assert "唐山丰源食品商行 → 唐山丰源食品有限公司" in detail


@pytest.mark.django_db
def test_edit_form_shows_rule_errors_on_the_field(world, north_rep, login):
    client = login(north_rep)
    response = client.post("/dealers/new/", {
        "name": "跨区商贸", "channel_level": "tier2", "distribution_mode": "dealership",
        "territory": world.shijiazhuang.pk, "parent_code": "B0001",
    })
    assert response.status_code == 200
    assert "parent_code" in response.context["form"].errors
    assert not Dealer.objects.filter(name="跨区商贸").exists()


@pytest.mark.django_db
def test_status_change_from_the_page(world, north_manager, login):
    client = login(north_manager)
    client.post(f"/dealers/{world.dealer_a.pk}/status/",
                {"to_status": "suspended", "reason": "拖欠货款"})
    world.dealer_a.refresh_from_db()
    assert world.dealer_a.status == "suspended"
    assert "拖欠货款" in client.get(f"/dealers/{world.dealer_a.pk}/").content.decode()


@pytest.mark.django_db
def test_contact_add_edit_delete(world, dealer_a_admin, login):
    client = login(dealer_a_admin)
    client.post(f"/dealers/{world.dealer_a.pk}/contacts/new/",
                {"name": "赵会计", "title": "财务", "mobile": "13900000001"})
    contact = world.dealer_a.contacts.get(name="赵会计")
    client.post(f"/dealers/{world.dealer_a.pk}/contacts/{contact.pk}/",
                {"name": "赵会计", "title": "财务主管", "mobile": "13900000001"})
    contact.refresh_from_db()
    assert contact.title == "财务主管"
    client.post(f"/dealers/{world.dealer_a.pk}/contacts/{contact.pk}/delete/")
    assert not world.dealer_a.contacts.filter(name="赵会计").exists()


@pytest.mark.django_db
def test_dealer_user_cannot_touch_another_dealers_contact(world, dealer_a_admin, login):
    other = ContactFactory(dealer=world.dealer_b)
    client = login(dealer_a_admin)
    response = client.post(f"/dealers/{world.dealer_b.pk}/contacts/{other.pk}/delete/")
    assert response.status_code == 404
    assert type(other).objects.filter(pk=other.pk).exists()


@pytest.mark.django_db
def test_import_page_lists_errors(world, hq_admin, login):
    from tests.dealers.test_import import xlsx
    client = login(hq_admin)
    response = client.post("/dealers/import/", {"file": xlsx([
        ["N001", "未知区域", "tier1", "999999", None, None, None, None]])})
    assert response.status_code == 200
    assert "999999" in response.content.decode()
    assert not Dealer.objects.filter(code="N001").exists()
