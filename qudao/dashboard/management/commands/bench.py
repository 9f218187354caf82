"""`qudao bench NAME`: run bench/NAME.py against the configured database; it prints one line."""

import runpy
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

BENCH_DIR = Path(settings.BASE_DIR) / "bench"


class Command(BaseCommand):
    help = "Run a benchmark from bench/ and print its figure line."

    def add_arguments(self, parser):
        parser.add_argument("name", nargs="?", help="benchmark name (file in bench/)")
        parser.add_argument("--repeat", type=int, default=20)

    def handle(self, *args, name=None, repeat=20, **options):
        available = sorted(p.stem for p in BENCH_DIR.glob("*.py") if not p.stem.startswith("_"))
        if not name or name not in available:
            raise CommandError(f"choose a benchmark: {', '.join(available)}")
        module = runpy.run_path(str(BENCH_DIR / f"{name}.py"))
        line = module["run"](repeat=repeat)
        self.stdout.write(line)
