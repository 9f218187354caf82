"""The `qudao` command: a few verbs of its own, everything else passed to manage.py.

  qudao demo                       migrate, load the small demo data, print logins, serve
  qudao serve                      serve pages and API on 127.0.0.1:$PORT (default 8000)
  qudao demo-data --scale small|large
  qudao bench NAME                 run bench/NAME.py and print its figure line
  qudao scan-alerts [--from YYYY-MM --to YYYY-MM] [--dealer CODE] [--changed] [--escalate]
  qudao <any manage.py command>
"""

import os
import sys


def _manage(argv: list[str]) -> None:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["qudao", *argv])


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qudao.settings")
    port = os.environ.get("PORT", "8000")
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(__doc__)
        return
    verb, rest = argv[0], argv[1:]
    if verb == "demo":
        _manage(["migrate", "--noinput", "-v", "0"])
        _manage(["demo_data", "--scale", "small"])  # prints one login per role
        print(f"\nQudao is starting on http://127.0.0.1:{port}/  "
              f"(API docs: http://127.0.0.1:{port}/api/docs)\n", flush=True)
        _manage(["runserver", f"127.0.0.1:{port}", "--noreload", *rest])
    elif verb == "serve":
        _manage(["runserver", f"127.0.0.1:{port}", *rest])
    elif verb == "demo-data":
        _manage(["demo_data", *rest])
    else:
        _manage([verb.replace("-", "_") if verb in {"scan-alerts"} else verb, *rest])


if __name__ == "__main__":
    main()
