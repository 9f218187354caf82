"""History import speed against a plain bulk load of the same CSV, on the current database.

Prints: import: rows=N seconds=... rows_per_s=... copy_seconds=... ratio=...
It writes a deterministic CSV of N order lines (BENCH_IMPORT_ROWS, default 1,000,000) over
up to 2,000 active dealers and 500 products of the database (a minimal set is created when
there are none), times a plain load of that file into an ordinary scratch table with the
same columns (PostgreSQL COPY; on SQLite an executemany of the same rows), then the full
import with every check (`seconds`, the job from reading the file to commit), and finally
deletes what it imported so a second run does the same work. ratio = seconds / copy_seconds.
"""

import csv
import os
import random
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from django.core.files import File
from django.db import connection, transaction
from django.utils import timezone

from qudao.catalog.models import Brand, Category, Product
from qudao.dealers.models import Dealer
from qudao.imports import services
from qudao.imports.models import ImportJob
from qudao.territories.models import Territory

HEADER = ["order_number", "dealer_code", "order_date", "sku", "quantity", "unit_price", "status"]
SCRATCH = ("CREATE TABLE bench_import_scratch (order_number text, dealer_code text, "
           "order_date date, sku text, quantity integer, unit_price numeric(16,2), status text)")


def _minimal_world() -> tuple[list[str], list[str]]:
    """Codes of up to 2,000 active dealers and 500 products, created if there are none."""
    dealers = list(Dealer.objects.filter(status="active").order_by("id")
                   .values_list("code", flat=True)[:2000])
    if not dealers:
        territory = Territory.objects.order_by("path").first() or Territory.objects.add_root(
            {"code": "BENCH", "name": "基准大区", "level": "region"})
        Dealer.objects.bulk_create(
            [Dealer(code=f"BENCH{i:05d}", name=f"基准经销商{i:05d}", channel_level="tier1",
                    territory=territory, status="active") for i in range(2000)],
            batch_size=1000)
        dealers = [f"BENCH{i:05d}" for i in range(2000)]
    products = list(Product.objects.order_by("id").values_list("sku", flat=True)[:500])
    if not products:
        category = Category.objects.first() or Category.objects.add_root(
            {"code": "BENCH", "name": "基准品类"})
        brand = Brand.objects.first() or Brand.objects.create(code="BENCH", name="基准品牌")
        Product.objects.bulk_create(
            [Product(sku=f"BENCH-{i:04d}", name=f"基准产品{i:04d}", category=category,
                     brand=brand) for i in range(500)])
        products = [f"BENCH-{i:04d}" for i in range(500)]
    return dealers, products


def _write_csv(path: Path, rows: int, dealers: list[str], products: list[str]) -> None:
    """Orders of 1 to 9 lines over the last three years; the same file for the same N."""
    rnd = random.Random(20240601)
    prices = {sku: rnd.randint(500, 50000) for sku in products}
    last = timezone.localdate() - timedelta(days=1)
    statuses = ["closed"] * 8 + ["delivered", "cancelled"]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        written = order = 0
        while written < rows:
            order += 1
            dealer = rnd.choice(dealers)
            day = (last - timedelta(days=rnd.randrange(1095))).isoformat()
            status = rnd.choice(statuses)
            batch = []
            for _line in range(min(rnd.randint(1, 9), rows - written)):
                sku = rnd.choice(products)
                cents = prices[sku] - rnd.randrange(0, prices[sku] // 10 + 1)
                batch.append((f"BENCH-{order:08d}", dealer, day, sku, rnd.randint(1, 60),
                              f"{cents // 100}.{cents % 100:02d}", status))
            writer.writerows(batch)
            written += len(batch)


def _plain_load_seconds(path: Path) -> float:
    """The same file into a plain table of its columns: COPY, or executemany on SQLite."""
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_import_scratch")
        cursor.execute(SCRATCH)
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with open(path, "rb") as handle, cursor.cursor.copy(
                    "COPY bench_import_scratch FROM STDIN (FORMAT csv, HEADER true)") as copy:
                while block := handle.read(1 << 20):
                    copy.write(block)
        else:
            with open(path, newline="", encoding="utf-8") as handle:
                reader = csv.reader(handle)
                next(reader)
                cursor.executemany(
                    "INSERT INTO bench_import_scratch VALUES (%s, %s, %s, %s, %s, %s, %s)",
                    reader)
    seconds = time.perf_counter() - start
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_import_scratch")
    return seconds


def _remove(job: ImportJob) -> None:
    """Delete the job's orders and lines (set-based), its audit event, file and row."""
    note = f"import #{job.pk}"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM orders_orderline WHERE order_id IN (SELECT id FROM "
                       "orders_order WHERE channel = 'import' AND note = %s)", [note])
        cursor.execute("DELETE FROM orders_order WHERE channel = 'import' AND note = %s",
                       [note])
        cursor.execute("DELETE FROM core_auditevent WHERE target_id = %s AND event = %s",
                       [str(job.pk), "import.orders"])
    job.file.delete(save=False)
    job.delete()


def run(repeat: int = 1) -> str:
    rows = int(os.environ.get("BENCH_IMPORT_ROWS", "1000000"))
    dealers, products = _minimal_world()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench-orders.csv"
        _write_csv(path, rows, dealers, products)
        copy_seconds = _plain_load_seconds(path)
        job = ImportJob.objects.create(kind="orders", original_name=path.name)
        with open(path, "rb") as handle:
            job.file.save(path.name, File(handle))
    try:
        start = time.perf_counter()
        job = services.import_job_run(job_id=job.pk)
        seconds = time.perf_counter() - start
        if job.status != "done" or job.rows_created != rows:
            raise SystemExit(f"import failed: {job.status} {job.errors[:5]}")
    finally:
        _remove(job)
    return (f"import: rows={rows} seconds={seconds:.2f} rows_per_s={rows / seconds:.0f} "
            f"copy_seconds={copy_seconds:.2f} ratio={seconds / copy_seconds:.2f}")
