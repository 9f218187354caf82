"""Trigram indexes for the dealer list's text search (PostgreSQL only).

The search matches the code at its start and the name, short name and legal name anywhere
(istartswith / icontains, which Django sends as UPPER(col::text) LIKE UPPER(...)); a GIN
trigram index on each such expression lets PostgreSQL answer the OR of them with a bitmap
of index scans instead of reading every dealer (110k rows: 420 ms -> about 100 ms).
SQLite skips this.
"""

from django.db import migrations

COLUMNS = ("code", "name", "short_name", "legal_name")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS dealers_dealer_{column}_trgm ON dealers_dealer "
            f"USING gin (UPPER({column}::text) gin_trgm_ops)")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS dealers_dealer_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [("dealers", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
