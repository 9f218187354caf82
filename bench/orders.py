"""Throughput and p99 latency of placing orders through the API, against a minimal view.

Prints: orders: clients=50 orders=N api_rps=... api_p99_ms=... minimal_rps=...
minimal_p99_ms=... ratio=...   (N: API orders placed and verified; ratio = api_rps /
minimal_rps; the target is >= 0.5 with the API's p99 under 100 ms)

How: a scratch PostgreSQL database (`qudao_bench_orders` on the configured PostgreSQL
server, or on 127.0.0.1 as user postgres when the project runs on SQLite;
BENCH_ORDERS_DATABASE_URL overrides) is created, migrated and given 50 dealers that may
order (active all-products agreement, credit limit no run reaches, a dealer admin with an
API token each) and 20 priced products. A real WSGI server (gunicorn, gthread workers,
DEBUG off, persistent database connections) serves the project with one extra URL, the
minimal view of bench/_orders_app.py: same bearer-token check, then lock the dealer's credit
account, check the credit, insert one order row, reserve its amount. 50 client threads, one
per dealer, each on a keep-alive connection, post orders of 3-5 lines as fast as answers
come (closed loop, no think time) to POST /api/orders and to the minimal view in
alternating rounds of 5 s after a warm-up; `repeat` is the seconds of load per endpoint.
Then every answer must have been 201, every order must exist with its lines adding up to
its total, and each account's reserve must equal its approved orders' totals. The
database is dropped at the end. Details (server, load average, rounds, checks, queries per
order) go to stderr. Needs gunicorn in the virtualenv.

Environment: BENCH_ORDERS_DEALERS (default 50; 1 puts every client on one dealer, so
they queue on one credit-account lock), BENCH_ORDERS_WORKERS / BENCH_ORDERS_THREADS
(gunicorn processes and threads each, default 4 and 4), BENCH_ORDERS_KEEP=1 keeps the
database, BENCH_ORDERS_PACE=R adds a round per endpoint (to stderr only) where each client
sends R orders a second on a schedule instead of as fast as answers come.
"""

import http.client
import json
import os
import random
import secrets
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings

CLIENTS = 50
DEALERS = int(os.environ.get("BENCH_ORDERS_DEALERS", "50"))
PRODUCTS = 20
ROUND_SECONDS = 5.0
WARMUP_SECONDS = 2.0
WORKERS = int(os.environ.get("BENCH_ORDERS_WORKERS", "4"))
THREADS = int(os.environ.get("BENCH_ORDERS_THREADS", "4"))
PACE = float(os.environ.get("BENCH_ORDERS_PACE", "0"))
SCRATCH_NAME = "qudao_bench_orders"
BENCH_DIR = Path(settings.BASE_DIR) / "bench"
APP = BENCH_DIR / "_orders_app.py"
ENDPOINTS = {"api": "/api/orders", "minimal": "/bench/minimal-order"}


def _log(message: str) -> None:
    print(f"[orders] {message}", file=sys.stderr, flush=True)


# --- the scratch database ----------------------------------------------------------------

def _scratch_url() -> str:
    url = os.environ.get("BENCH_ORDERS_DATABASE_URL")
    if not url:
        configured = settings.DATABASES["default"]
        if "postgresql" in configured["ENGINE"]:
            url = urlunsplit(urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{SCRATCH_NAME}"))
        else:
            url = f"postgres://postgres@127.0.0.1:5432/{SCRATCH_NAME}"
    name = urlsplit(url).path.lstrip("/")
    if name == settings.DATABASES["default"]["NAME"]:
        raise SystemExit(f"the scratch database {name} is the project's own database")
    return url


def _admin_sql(url: str, *statements: str) -> None:
    """Run statements on the server's `postgres` database (creating and dropping ours)."""
    import psycopg

    parts = urlsplit(url)
    with psycopg.connect(host=parts.hostname or "127.0.0.1", port=parts.port or 5432,
                         user=parts.username or "postgres", password=parts.password,
                         dbname="postgres", autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


def _env(url: str) -> dict:
    env = dict(os.environ)
    env.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="_orders_settings", DEBUG="false",
               SECRET_KEY=secrets.token_urlsafe(40), LOG_LEVEL="WARNING",
               PYTHONPATH=os.pathsep.join([str(settings.BASE_DIR), str(BENCH_DIR)]))
    return env


def _python(env: dict, *args: str) -> dict:
    done = subprocess.run([sys.executable, *args], env=env, capture_output=True, text=True,
                          cwd=settings.BASE_DIR, check=False)
    if done.returncode:
        raise SystemExit(f"{' '.join(args[:2])} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1]) if done.stdout.strip() else {}


# --- the server ----------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_start(env: dict, port: int, log_path: Path) -> subprocess.Popen:
    gunicorn = Path(sys.executable).parent / "gunicorn"
    if not gunicorn.exists():
        raise SystemExit("gunicorn is not installed in the virtualenv (pip install gunicorn)")
    log = log_path.open("w")
    server = subprocess.Popen(
        [str(gunicorn), "qudao.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--worker-class", "gthread", "--workers", str(WORKERS), "--threads", str(THREADS),
         "--keep-alive", "30", "--backlog", "2048", "--log-level", "warning"],
        env=env, cwd=settings.BASE_DIR, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited:\n{log_path.read_text()[-3000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", ENDPOINTS["minimal"])
            conn.getresponse().read()
            conn.close()
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not answer within 60 s")


def _server_stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


# --- the clients ---------------------------------------------------------------------------

def _bodies(product_ids: list[int], seed: int, count: int = 200) -> list[bytes]:
    rng = random.Random(seed)
    bodies = []
    for _i in range(count):
        products = rng.sample(product_ids, rng.randint(3, 5))
        lines = [{"product_id": pk, "quantity": rng.randint(1, 10)} for pk in products]
        bodies.append(json.dumps({"lines": lines}).encode())
    return bodies


def _phase(port: int, path: str, tokens: list[str], bodies: list[list[bytes]],
           seconds: float, pace: float = 0.0) -> tuple[list[float], Counter, float]:
    """All clients post to `path` until `seconds` have passed; latencies (s), statuses and
    the elapsed time from the start to the last answer. With `pace`, each client sends that
    many orders a second on a fixed schedule and latency counts from the scheduled time
    (a late server is not excused by the client having waited)."""
    latencies: list[list[float]] = [[] for _c in range(CLIENTS)]
    statuses: list[Counter] = [Counter() for _c in range(CLIENTS)]
    start = threading.Barrier(CLIENTS + 1)
    window: dict[str, float] = {}

    def client(n: int) -> None:
        headers = {"Authorization": f"Bearer {tokens[n % len(tokens)]}",
                   "Content-Type": "application/json"}
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine, seen, i = latencies[n], statuses[n], n
        start.wait()
        stop_at = window["stop"]
        due = time.perf_counter() + (n / CLIENTS / pace if pace else 0.0)
        while time.perf_counter() < stop_at:
            body = bodies[n][i % len(bodies[n])]
            i += 1
            if pace:
                time.sleep(max(0.0, due - time.perf_counter()))
                began, due = due, due + 1 / pace
            else:
                began = time.perf_counter()
            try:
                conn.request("POST", path, body, headers)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (http.client.HTTPException, OSError):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                status = 0
            mine.append(time.perf_counter() - began)
            seen[status] += 1
        conn.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    window["stop"] = began + seconds
    start.wait()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    return [x for rows in latencies for x in rows], sum(statuses, Counter()), elapsed


def _p99_ms(latencies: list[float]) -> float:
    ordered = sorted(latencies)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000


# --- the run -------------------------------------------------------------------------------

def run(repeat: int = 20) -> str:
    url = _scratch_url()
    name = urlsplit(url).path.lstrip("/")
    rounds = max(1, round(repeat / ROUND_SECONDS))
    _log(f"scratch database {name}; {DEALERS} dealers, {CLIENTS} clients; gunicorn gthread "
         f"{WORKERS} workers x {THREADS} threads; {rounds} rounds of {ROUND_SECONDS:.0f} s "
         f"per endpoint; load average before {os.getloadavg()}")
    _admin_sql(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
    env = _env(url)
    server = None
    try:
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], env=env, check=True,
                       cwd=settings.BASE_DIR)
        fixture = _python(env, str(APP), "setup", str(DEALERS), str(PRODUCTS))
        tokens = fixture["tokens"]
        bodies = [_bodies(fixture["products"], seed=n) for n in range(CLIENTS)]
        port = _free_port()
        server = _server_start(env, port, Path(f"/tmp/{name}-gunicorn.log"))
        statuses = {kind: Counter() for kind in ENDPOINTS}
        latencies: dict[str, list[float]] = {kind: [] for kind in ENDPOINTS}
        elapsed = dict.fromkeys(ENDPOINTS, 0.0)
        for kind, path in ENDPOINTS.items():  # warm-up: imports, connections, caches
            _lat, seen, _s = _phase(port, path, tokens, bodies, WARMUP_SECONDS)
            statuses[kind] += seen
        for n in range(rounds):
            order = list(ENDPOINTS) if n % 2 == 0 else list(reversed(ENDPOINTS))
            for kind in order:
                lat, seen, seconds = _phase(port, ENDPOINTS[kind], tokens, bodies,
                                            ROUND_SECONDS)
                statuses[kind] += seen
                latencies[kind] += lat
                elapsed[kind] += seconds
                _log(f"round {n + 1} {kind}: {len(lat) / seconds:.1f} rps, "
                     f"p99 {_p99_ms(lat):.1f} ms, load average {os.getloadavg()[0]:.2f}")
        if PACE:
            for kind, path in ENDPOINTS.items():
                lat, seen, seconds = _phase(port, path, tokens, bodies, ROUND_SECONDS * 2,
                                            pace=PACE)
                statuses[kind] += seen
                _log(f"paced {kind} ({PACE:g}/s per client, {PACE * CLIENTS:g}/s offered): "
                     f"{len(lat) / seconds:.1f} rps, p99 {_p99_ms(lat):.1f} ms, "
                     f"median {sorted(lat)[len(lat) // 2] * 1000:.1f} ms")
        _server_stop(server)
        server = None
        check = _python(env, str(APP), "check")
        _log(f"statuses {dict(statuses)}; check {check}; load average after "
             f"{os.getloadavg()}")
        problems = []
        for kind in ENDPOINTS:
            if set(statuses[kind]) != {201}:
                problems.append(f"{kind} answered {dict(statuses[kind])}")
            if check[f"{kind}_orders"] != statuses[kind][201]:
                problems.append(f"{kind}: {statuses[kind][201]} answers 201 but "
                                f"{check[f'{kind}_orders']} orders")
        if check["api_not_approved"] or check["api_orders_with_bad_lines"]:
            problems.append("API orders not approved or with lines not adding up")
        if check["accounts_with_wrong_reserve"]:
            problems.append(f"reserve wrong for dealers {check['accounts_with_wrong_reserve']}")
        if problems:
            raise SystemExit("orders bench failed: " + "; ".join(problems))
        queries = _python(env, str(APP), "queries", tokens[0], bodies[0][0].decode())
        _log(f"queries per order (one request, steady state): {queries}")
    finally:
        if server is not None:
            _server_stop(server)
        if not os.environ.get("BENCH_ORDERS_KEEP"):
            _admin_sql(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    api_rps = len(latencies["api"]) / elapsed["api"]
    minimal_rps = len(latencies["minimal"]) / elapsed["minimal"]
    return (f"orders: clients={CLIENTS} orders={check['api_orders']} api_rps={api_rps:.1f} "
            f"api_p99_ms={_p99_ms(latencies['api']):.1f} minimal_rps={minimal_rps:.1f} "
            f"minimal_p99_ms={_p99_ms(latencies['minimal']):.1f} "
            f"ratio={api_rps / minimal_rps:.2f}")
