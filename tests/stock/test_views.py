"""Stock pages: list, form, Excel upload round trip, detail, position, missing, panels."""

import datetime
import io

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from openpyxl import load_workbook

from qudao.agreements import targets
from qudao.stock import queries
from qudao.stock.models import FlowLine, StockLine, StockReport
from qudao.stock.periods import add_months, month_start
from tests.factories import DealerFactory, ProductFactory
from tests.helpers import page_queries, xlsx
from tests.stock.factories import (
    FlowLineFactory,
    StockLineFactory,
    StockReportFactory,
    monthly_targets,
    sale,
    shipped,
)
from tests.trade import trading_dealer

MARCH = datetime.date(2026, 3, 1)


@pytest.fixture
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.mark.django_db
def test_list_is_scoped_filtered_and_does_not_grow_in_queries(world, north_rep, login):
    StockReportFactory(dealer=world.dealer_a, period=MARCH)
    StockReportFactory(dealer=world.dealer_b, period=MARCH)
    client = login(north_rep)
    body = client.get("/stock/").content.decode()
    assert "A0001" in body and "B0001" not in body
    few = page_queries(client, "/stock/")
    for month in range(1, 12):
        report = StockReportFactory(dealer=world.dealer_a_sub, period=datetime.date(2025, month, 1))
        StockLineFactory(report=report, product=ProductFactory())
    assert page_queries(client, "/stock/") == few
    body = client.get("/stock/?period=2025-02").content.decode()
    assert "A0002" in body and "A0001" not in body


@pytest.mark.django_db
def test_export_follows_the_filters(world, hq_admin, login):
    StockReportFactory(dealer=world.dealer_a, period=MARCH)
    StockReportFactory(dealer=world.dealer_b, period=datetime.date(2026, 4, 1))
    response = login(hq_admin).get("/stock/export/?period=2026-04")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][0] == "B0001" and rows[1][2] == "2026-04"


@pytest.mark.django_db
def test_dealer_reports_through_the_form_and_sees_line_errors(world, dealer_a_admin, login):
    tea = ProductFactory(sku="TEA-1", name="绿茶")
    client = login(dealer_a_admin)
    page = client.get("/stock/new/?period=2026-03").content.decode()
    assert 'data-testid="report-form"' in page
    search = client.get("/stock/products/?q=TEA&section=stock", HTTP_HX_REQUEST="true")
    assert "TEA-1" in search.content.decode()
    row = client.get(f"/stock/row/?section=flow&product={tea.pk}&dealer={world.dealer_a.pk}"
                     "&period=2026-03").content.decode()
    assert 'value="2026-03-01"' in row and "flow-quantity" in row
    assert "唐山丰源食品商行" in row and "北京" not in row  # sub-dealers offered as customers
    data = {"period": "2026-03", "stock-product": [tea.pk], "stock-quantity": ["30"],
            "flow-product_id": [tea.pk], "flow-sold_on": ["2026-04-09"],
            "flow-quantity": ["5"], "flow-customer_id": [""], "flow-customer_name": ["老王"],
            "flow-batch_number": ["L1"]}
    response = client.post("/stock/new/?period=2026-03", data)
    assert response.status_code == 200 and not StockReport.objects.exists()
    assert "2026-04-09" in response.content.decode()  # the line and its error shown again
    data["flow-sold_on"] = ["2026-03-09"]
    response = client.post("/stock/new/?period=2026-03", data)
    report = StockReport.objects.get()
    assert response.status_code == 302 and response.url == f"/stock/{report.pk}/"
    assert (report.source, report.dealer) == ("portal", world.dealer_a)
    assert FlowLine.objects.get().customer_name == "老王"
    again = client.get("/stock/new/?period=2026-03").content.decode()
    assert 'value="30"' in again  # the saved lines come back for correction


@pytest.mark.django_db
def test_staff_picks_a_dealer_in_scope_only(world, north_rep, login):
    client = login(north_rep)
    page = client.get("/stock/new/?period=2026-03&dealer_code=B0001").content.decode()
    assert 'data-testid="report-form"' not in page
    page = client.get(f"/stock/new/?dealer={world.dealer_b.pk}&period=2026-03").content.decode()
    assert 'data-testid="report-form"' not in page
    page = client.get(f"/stock/new/?dealer={world.dealer_a.pk}").content.decode()
    assert 'value="A0001"' in page and 'data-testid="report-form"' not in page
    page = client.get(f"/stock/new/?dealer={world.dealer_a.pk}&period=2026-03").content.decode()
    assert 'data-testid="report-form"' in page and "石家庄恒顺商贸有限公司" in page


@pytest.mark.django_db
def test_excel_upload_round_trip_and_error_report(world, north_rep, login, english):
    ProductFactory(sku="TEA-1")
    ProductFactory(sku="WATER-1")
    client = login(north_rep)
    template = client.get("/stock/upload/?template=flow")
    header = next(load_workbook(io.BytesIO(template.content)).active.iter_rows(values_only=True))
    assert header == ("Date", "SKU", "Quantity", "Customer dealer code", "Customer name",
                      "Region code", "Batch number")
    stock = xlsx([["TEA-1", 40], ["NOPE", 1]], ["SKU", "quantity"])
    flow = xlsx([["2026-03-05", "TEA-1", 6, "A0002", "", "130200", "L9"],
                 ["2026-04-05", "WATER-1", 2, "", "散客", "", ""]],
                ["Date", "SKU", "Quantity", "Customer dealer code", "Customer name",
                 "Region code", "Batch number"])
    response = client.post("/stock/upload/", {"dealer_code": "A0001", "period": "2026-03",
                                              "stock_file": stock, "flow_file": flow})
    errors = [(e.row, e.column) for e in response.context["errors"]]
    assert errors == [(3, "Stock · SKU")]
    assert not StockReport.objects.exists()

    stock = xlsx([["TEA-1", 40], ["WATER-1", 0]], ["SKU", "Quantity on hand"])
    flow = xlsx([["2026-03-05", "TEA-1", 6, "A0002", "", "130200", "L9"],
                 ["2026-04-05", "WATER-1", 2, "", "散客", "", ""]],
                ["Date", "SKU", "Quantity", "Customer dealer code", "Customer name",
                 "Region code", "Batch number"])
    response = client.post("/stock/upload/", {"dealer_code": "A0001", "period": "2026-03",
                                              "stock_file": stock, "flow_file": flow})
    assert [(e.row, e.column) for e in response.context["errors"]] == [(3, "Flow · Date")]
    assert not StockReport.objects.exists()

    # Column keys are accepted as headers too.
    flow = xlsx([["2026-03-05", "TEA-1", 6, "A0002", "", "130200", "L9"],
                 ["2026-03-06", "WATER-1", 2, "", "散客", "", ""]],
                ["sold_on", "sku", "quantity", "customer_code", "customer_name",
                 "territory_code", "batch_number"])
    stock = xlsx([["TEA-1", 40], ["WATER-1", 0]], ["SKU", "Quantity on hand"])
    response = client.post("/stock/upload/", {"dealer_code": "A0001", "period": "2026-03",
                                              "stock_file": stock, "flow_file": flow})
    report = StockReport.objects.get()
    assert response.status_code == 302 and report.source == "excel"
    assert sorted(StockLine.objects.values_list("product__sku", "quantity")) == [
        ("TEA-1", 40), ("WATER-1", 0)]
    line = FlowLine.objects.get(product__sku="TEA-1")
    assert (line.customer, line.territory, line.batch_number) == (
        world.dealer_a_sub, world.tangshan, "L9")


@pytest.mark.django_db
def test_detail_position_and_missing_pages(world, north_rep, login):
    tea = ProductFactory(sku="TEA-1")
    trading_dealer(world.dealer_a, safety_stock_days=30)
    report = StockReportFactory(dealer=world.dealer_a, period=add_months(
        month_start(datetime.date.today()), -1))
    StockLineFactory(report=report, product=tea, quantity=3)
    FlowLineFactory(report=report, product=tea, quantity=90)
    shipped(world.dealer_a, tea, report.period, 100, "L1")
    client = login(north_rep)
    assert "TEA-1" in client.get(f"/stock/{report.pk}/").content.decode()
    body = client.get(f"/stock/dealers/{world.dealer_a.pk}/").content.decode()
    assert 'data-testid="stock-position"' in body and "flag-stockout" in body
    assert "sell-series" in body and "L1" in body
    assert client.get(f"/stock/dealers/{world.dealer_b.pk}/").status_code == 404
    other = StockReportFactory(dealer=world.dealer_b)
    assert client.get(f"/stock/{other.pk}/").status_code == 404
    trading_dealer(world.dealer_a_sub)
    body = client.get("/stock/missing/?period=2026-01").content.decode()
    assert "A0002" in body and "A0001" in body and "B0001" not in body


@pytest.mark.django_db
def test_dealer_panels_render_flags_missing_and_targets(world, north_rep):
    tea = ProductFactory(sku="TEA-1")
    # Last month's report is due on the 1st: late from the 2nd of this month on.
    agreement = trading_dealer(world.dealer_a, max_stock_days=10, flow_report_day=1)
    monthly_targets(agreement, {m: "1000" for m in range(1, 13)})
    report = StockReportFactory(dealer=world.dealer_a, period=datetime.date(2026, 9, 1))
    StockLineFactory(report=report, product=tea, quantity=50)
    FlowLineFactory(report=report, product=tea, quantity=9)
    sale(world.dealer_a, tea, datetime.date.today(), "100")
    panel = queries.dealer_panel(user=north_rep, dealer=world.dealer_a)
    request = RequestFactory().get("/")
    request.user = north_rep
    html = render_to_string("stock/_dealer_panel.html", {"stock_panel": panel},
                            request=request)
    # Last month was never reported: flagged once the due day has passed.
    late = datetime.date.today().day > 1
    assert ('data-testid="stock-missing"' in html) == late
    assert "TEA-1" in html and "500.0" in html
    progress = targets.target_progress(dealer_id=world.dealer_a.pk, day=datetime.date.today())
    html = render_to_string("agreements/_targets_panel.html", {"target_progress": progress})
    assert html.count('class="target-row"') == 3 and "¥100.00 / ¥1,000.00" in html


@pytest.mark.django_db
def test_portal_user_cannot_report_for_another_dealer(world, dealer_b_admin, login):
    DealerFactory(parent=world.dealer_b, territory=world.hangzhou, channel_level="tier2")
    client = login(dealer_b_admin)
    page = client.get(f"/stock/new/?dealer={world.dealer_a.pk}&period=2026-03").content.decode()
    assert "杭州西湖商贸有限公司" in page and "石家庄" not in page
