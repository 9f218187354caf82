"""The dealer page's trade panels: each loads on its own request, within the user's scope."""

import pytest

from tests.trade import trading_dealer


@pytest.mark.django_db
def test_dealer_page_loads_the_panels_the_role_may_see(world, finance, dealer_a_staff, login):
    trading_dealer(world.dealer_a, credit_limit="50000.00")
    page = login(finance).get(f"/dealers/{world.dealer_a.pk}/").content.decode()
    for name in ("agreements", "targets", "trend", "orders", "finance", "stock"):
        assert f"/dealers/{world.dealer_a.pk}/panels/{name}/" in page
    panel = login(finance).get(f"/dealers/{world.dealer_a.pk}/panels/finance/")
    assert panel.status_code == 200
    assert "50,000.00" in panel.content.decode() or "50000.00" in panel.content.decode()

    # Dealer staff see their orders and stock, never the money panel.
    staff_page = login(dealer_a_staff).get(f"/dealers/{world.dealer_a.pk}/").content.decode()
    assert "/panels/orders/" in staff_page and "/panels/finance/" not in staff_page
    assert login(dealer_a_staff).get(
        f"/dealers/{world.dealer_a.pk}/panels/finance/").status_code == 404


@pytest.mark.django_db
def test_a_panel_of_another_dealer_is_not_found(world, dealer_b_admin, login):
    client = login(dealer_b_admin)
    for name in ("agreements", "orders", "finance", "stock", "targets"):
        response = client.get(f"/dealers/{world.dealer_a.pk}/panels/{name}/")
        assert response.status_code == 404, name
    assert client.get(f"/dealers/{world.dealer_b.pk}/panels/nonsense/").status_code == 404
