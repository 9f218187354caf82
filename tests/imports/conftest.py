"""Products and helpers shared by the import tests: files are built in memory."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import ProductFactory

ORDER_HEADER = ["order_number", "dealer_code", "order_date", "sku", "quantity", "unit_price",
                "status"]
PAYMENT_HEADER = ["payment_ref", "dealer_code", "received_on", "amount", "method", "reference"]


@pytest.fixture
def skus(world):
    """Two products: TEA-1 and TEA-2."""
    return [ProductFactory(sku="TEA-1").sku, ProductFactory(sku="TEA-2").sku]


def csv_upload(rows, header=ORDER_HEADER, name="orders.csv", encoding="utf-8"):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode(encoding), content_type="text/csv")


def run_import(user, kind, upload, django_capture_on_commit_callbacks):
    """Upload as `user` and run the job the way the page does (eager task on commit)."""
    from qudao.imports import services
    from qudao.imports.models import ImportJob

    with django_capture_on_commit_callbacks(execute=True):
        job = services.import_job_create(user=user, kind=kind, upload=upload)
    return ImportJob.objects.get(pk=job.pk)
