"""Login, throttling, password change and API tokens."""

import pytest
from django.test import Client

from qudao.accounts.models import ApiToken
from qudao.core.models import AuditEvent
from tests.factories import PASSWORD


@pytest.mark.django_db
def test_login_page_logs_in_and_redirects(world, north_rep):
    client = Client()
    response = client.post("/accounts/login/", {"username": "north_rep", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"


@pytest.mark.django_db
def test_pages_need_login(world):
    response = Client().get("/dealers/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_failed_logins_lock_the_name_even_with_the_right_password(world, north_rep, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    client = Client()
    for _ in range(3):
        response = client.post("/accounts/login/", {"username": "north_rep", "password": "bad"})
        assert response.status_code == 200
    response = client.post("/accounts/login/", {"username": "north_rep", "password": PASSWORD})
    assert response.status_code == 200  # still on the login page
    assert "_auth_user_id" not in client.session
    assert response.context["form"].has_error("__all__", code="locked")


@pytest.mark.django_db
def test_success_clears_earlier_failures(world, north_rep, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    client = Client()
    for _ in range(2):
        client.post("/accounts/login/", {"username": "north_rep", "password": "bad"})
    assert client.post("/accounts/login/", {"username": "north_rep", "password": PASSWORD}
                       ).status_code == 302
    client.logout()
    for _ in range(2):
        client.post("/accounts/login/", {"username": "north_rep", "password": "bad"})
    assert client.post("/accounts/login/", {"username": "north_rep", "password": PASSWORD}
                       ).status_code == 302


@pytest.mark.django_db
def test_password_change(world, north_rep, login):
    client = login(north_rep)
    response = client.post("/accounts/password/", {
        "old_password": PASSWORD, "new_password1": "Qudao-new-pass-77",
        "new_password2": "Qudao-new-pass-77"})
    assert response.status_code == 302
    north_rep.refresh_from_db()
    assert north_rep.check_password("Qudao-new-pass-77")


@pytest.mark.django_db
def test_api_token_create_use_revoke(world, north_rep, login):
    client = login(north_rep)
    response = client.post("/accounts/tokens/", {"name": "ERP 同步"})
    key = response.context["new_key"]
    assert key.startswith("qd_")
    token = ApiToken.objects.get(user=north_rep)
    assert token.key_hash != key and key not in str(ApiToken.objects.values_list())
    api = Client()
    response = api.get("/api/dealers", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    assert {d["code"] for d in response.json()["items"]} == {"A0001", "A0002", "A0003"}
    client.post(f"/accounts/tokens/{token.pk}/revoke/")
    assert api.get("/api/dealers", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401
    assert set(AuditEvent.objects.values_list("event", flat=True)) == {
        "token.created", "token.revoked"}


@pytest.mark.django_db
def test_api_token_over_the_api_and_someone_elses_token(world, north_rep, east_rep):
    client = Client()
    client.force_login(north_rep)
    created = client.post("/api/tokens", data={"name": "bot"},
                          content_type="application/json").json()
    other = Client()
    other.force_login(east_rep)
    assert other.delete(f"/api/tokens/{created['id']}").status_code == 404
    assert client.delete(f"/api/tokens/{created['id']}").status_code == 204
    assert Client().get("/api/me", HTTP_AUTHORIZATION=f"Bearer {created['key']}"
                        ).status_code == 401


@pytest.mark.django_db
def test_wrong_bearer_token_is_401(world):
    assert Client().get("/api/dealers", HTTP_AUTHORIZATION="Bearer qd_nope").status_code == 401


@pytest.mark.django_db
def test_language_switch(world, north_rep, login):
    client = login(north_rep)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert 'lang="en"' in client.get("/accounts/tokens/").content.decode()


@pytest.mark.django_db
def test_one_address_trying_many_names_is_locked_too(world, north_rep, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    client = Client()
    for n in range(8):  # 4 names x 2 failures: each name at its limit, the address at 8
        client.post("/accounts/login/", {"username": f"guess{n // 2}", "password": "bad"})
    response = client.post("/accounts/login/", {"username": "north_rep", "password": PASSWORD})
    assert response.status_code == 200
    assert response.context["form"].has_error("__all__", code="locked")
