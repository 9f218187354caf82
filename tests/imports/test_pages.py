"""Import pages and API: permissions, upload, the polling job page, the error report."""

import io

import pytest
from openpyxl import load_workbook

from qudao.imports import services
from qudao.imports.models import ImportJob
from qudao.orders.models import Order
from tests.imports.conftest import csv_upload

GOOD = [["ERP-1", "A0001", "2024-03-05", "TEA-1", "10", "12.50", ""]]
BAD = [["ERP-1", "ZZZ", "2024-03-05", "TEA-1", "10", "12.50", ""]]


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["dealer_a_admin", "dealer_a_staff", "north_rep"])
def test_users_without_import_rights_get_403(persona, personas, client, skus):
    client.force_login(personas[persona])
    assert client.get("/imports/").status_code == 403
    assert client.get("/imports/new/").status_code == 403
    response = client.post("/imports/new/", {"kind": "orders", "file": csv_upload(GOOD)})
    assert response.status_code == 403
    response = client.post("/api/imports", {"kind": "orders", "file": csv_upload(GOOD)})
    assert response.status_code == 403
    assert client.get("/api/imports").status_code == 403
    assert not Order.objects.exists() and not ImportJob.objects.exists()


@pytest.mark.django_db
def test_finance_may_import_payments_but_not_orders(finance, client, skus):
    client.force_login(finance)
    page = client.get("/imports/new/").content.decode()
    assert 'value="payments"' in page and 'value="orders"' not in page
    response = client.post("/api/imports", {"kind": "orders", "file": csv_upload(GOOD)})
    assert response.status_code == 403
    assert not ImportJob.objects.exists()


@pytest.mark.django_db
def test_upload_page_runs_the_job_and_the_job_page_shows_the_result(
        service, client, skus, django_capture_on_commit_callbacks):
    client.force_login(service)
    page = client.get("/imports/new/?kind=orders").content.decode()
    assert "订单号" in page and "order_number" in page  # the format is documented

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/imports/new/", {"kind": "orders", "file": csv_upload(GOOD)})

    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/imports/{job.pk}/"
    page = client.get(f"/imports/{job.pk}/").content.decode()
    assert 'data-status="done"' in page
    assert "every 1s" not in page  # finished: the page stops polling
    assert Order.objects.get().external_ref == "ERP-1"


@pytest.mark.django_db
def test_a_running_job_polls_with_a_progress_bar(hq_admin, client):
    job = ImportJob.objects.create(kind="orders", created_by=hq_admin, status="running",
                                   rows_total=1000, rows_done=250, original_name="a.csv")
    client.force_login(hq_admin)

    page = client.get(f"/imports/{job.pk}/").content.decode()
    assert 'hx-trigger="every 1s"' in page
    assert '<progress value="250" max="1000"' in page

    ImportJob.objects.filter(pk=job.pk).update(rows_done=1000, phase="writing")
    partial = client.get(f"/imports/{job.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in partial and "every 1s" in partial
    assert "<progress aria-label" in partial  # indeterminate while saving


@pytest.mark.django_db
def test_failed_job_lists_errors_and_downloads_them(
        hq_admin, client, skus, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = services.import_job_create(user=hq_admin, kind="orders", upload=csv_upload(BAD))
    client.force_login(hq_admin)

    page = client.get(f"/imports/{job.pk}/").content.decode()
    assert 'data-status="failed"' in page and "ZZZ" in page

    response = client.get(f"/imports/{job.pk}/errors.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:2] == (2, "dealer_code") and "ZZZ" in rows[1][2]


@pytest.mark.django_db
def test_template_download_has_the_headers(hq_admin, client):
    client.force_login(hq_admin)
    response = client.get("/imports/template/payments/")
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    assert header == ["回款单号", "经销商编码", "到账日期", "金额", "付款方式", "银行流水号"]
    assert [c.value for c in sheet[2]][0] == "HK-2023-0042"  # an example row


@pytest.mark.django_db
def test_jobs_are_private_except_to_the_hq_admin(
        hq_admin, service, finance, client, skus, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = services.import_job_create(user=service, kind="orders", upload=csv_upload(GOOD))
    client.force_login(finance)
    assert client.get(f"/imports/{job.pk}/").status_code == 404
    assert client.get(f"/api/imports/{job.pk}").status_code == 404
    assert client.get("/api/imports").json()["count"] == 0
    client.force_login(hq_admin)
    assert client.get(f"/api/imports/{job.pk}").json()["status"] == "done"
    assert client.get("/api/imports").json()["count"] == 1
    assert f'href="/imports/{job.pk}/"' in client.get("/imports/").content.decode()


@pytest.mark.django_db
def test_api_upload_answers_201_with_the_job(service, client, skus):
    client.force_login(service)
    response = client.post("/api/imports", {"kind": "orders", "file": csv_upload(GOOD)})

    assert response.status_code == 201
    body = response.json()
    assert body["status"] in ("queued", "running", "done")
    assert body["kind"] == "orders"
    assert client.get(f"/api/imports/{body['id']}").status_code == 200


@pytest.mark.django_db
def test_api_refuses_other_file_types(service, client):
    client.force_login(service)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post("/api/imports", {
        "kind": "orders", "file": SimpleUploadedFile("orders.pdf", b"%PDF-1.4")})
    assert response.status_code == 409
    assert not ImportJob.objects.exists()


@pytest.mark.django_db
def test_job_list_queries_do_not_grow_with_jobs(hq_admin, service, client):
    from tests.helpers import page_queries

    client.force_login(hq_admin)
    ImportJob.objects.create(kind="orders", created_by=service, original_name="a.csv")
    few = page_queries(client, "/imports/")
    for n in range(10):
        ImportJob.objects.create(kind="payments", created_by=hq_admin, original_name=f"{n}.csv")
    assert page_queries(client, "/imports/") == few
    api = client.get("/api/imports?page_size=50").json()
    assert api["count"] == 11
