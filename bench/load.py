"""Load test on loopback: writers and readers against gunicorn at once, then every acknowledged write checked.

Usage: python bench/load.py [--seconds 60] [--writers 8] [--readers 16] [--workers 4] [--max-requests 100000]
                            [--no-faults]
Runs on a new SQLite file, or on DATABASE_URL when it is set (use a scratch database: the script fills it).
It generates a debate of 1,000 points and one contributor per writer, and serves it with gunicorn. Each writer
signs in and adds claims under random points through the add form, as a browser without JavaScript does; each
reader opens pages anonymously. Then it reads the database: every write the server acknowledged (302) must be
there exactly once, active, under the point it was added to. Bounded by --seconds, --max-requests and a timeout
per request.

Faults, mid-run (unless --no-faults): at a third of the run one gunicorn worker is killed with SIGKILL (the
master starts another); at two thirds, on PostgreSQL, every database connection of the app is terminated
(pg_terminate_backend of the backends whose application_name the workers were given). SQLite has no server and
no connection to terminate from outside: a SQLite database is a file each worker opens itself, so the nearest
fault is the process holding the connection dying, and the script kills a second worker instead. A request
that overlaps the 0.5 s after a fault is counted "near a fault" (a request in flight on a killed worker gets no
answer; one whose connection was terminated gets a 503); anything else is "outside".
Exits non-zero on any 5xx or unanswered request outside those windows, any acknowledged write missing or
stored twice, or when no write was acknowledged at all.
Not a test: the figures vary with the machine.
"""

import argparse
import http.client
import itertools
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402
from sqlmodel import select  # noqa: E402

from icsdebate import auth, create_app, db, migrate  # noqa: E402
from icsdebate.generate import WORDS, generate  # noqa: E402
from icsdebate.models import RELATIONS, Citation, Link, Node  # noqa: E402

NODES = 1000
WINDOW = 0.5  # seconds after a fault in which errors are expected
TIMEOUT = 30  # seconds one request may take, like gunicorn's worker timeout
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
READ_PAGES = ("home", "debate", "node", "children", "outline", "search", "source", "voice")


@dataclass(frozen=True)
class Target:
    """The generated debate the clients work on."""

    slug: str
    points: list[int]
    voices: list[int]
    sources: list[int]


@dataclass(frozen=True)
class Hit:
    role: str  # "read", "form" (a writer loading the add form) or "write"
    page: str
    status: int | None  # None: no answer (timeout, connection reset)
    seconds: float
    started: float  # time.monotonic() when it was sent


@dataclass(frozen=True)
class Fault:
    at: float  # time.monotonic()
    what: str


def near(hit: Hit, faults: list[Fault]) -> bool:
    """True when the request overlapped the WINDOW seconds after a fault (it was in flight, or sent, then)."""
    return any(hit.started <= fault.at + WINDOW and hit.started + hit.seconds >= fault.at for fault in faults)


class Budget:
    """The bounds every client shares: a deadline and a number of requests."""

    def __init__(self, seconds: float, requests: int):
        self.deadline, self.left, self.lock = time.monotonic() + seconds, requests, threading.Lock()

    def take(self) -> bool:
        with self.lock:
            if self.left <= 0 or time.monotonic() >= self.deadline:
                return False
            self.left -= 1
            return True


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Redirects are answers to record, not to follow: a 302 is how the add form says it saved."""

    def redirect_request(self, *_args):
        return None


class Client:
    """One browser: its own cookie jar, redirects not followed, every request timed and kept."""

    def __init__(self, base: str):
        self.base, self.hits = base, []
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()), _NoRedirect)

    def request(self, role: str, page: str, path: str, form: dict | None = None) -> tuple[int | None, str, str]:
        """GET `path`, or POST `form` to it: the status (None when no answer came), the body and any Location."""
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        sent, started = time.monotonic(), time.perf_counter()
        try:
            try:
                response = self.opener.open(self.base + path, data, timeout=TIMEOUT)
            except urllib.error.HTTPError as exc:  # 3xx, 4xx and 5xx: an answer all the same
                response = exc
            with response:
                status, body = response.status, response.read().decode("utf-8", "replace")
                location = response.headers.get("Location", "")
        except (OSError, http.client.HTTPException):
            status, body, location = None, "", ""
        self.hits.append(Hit(role, page, status, time.perf_counter() - started, sent))
        return status, body, location


def sign_in(client: Client, name: str, password: str) -> None:
    """Sign in through the form; not counted in the figures."""
    status, page, _ = client.request("form", "sign in", "/signin")
    if token := CSRF_FIELD.search(page):
        form = {"csrf_token": token.group(1), "name": name, "password": password}
        status, _, _ = client.request("write", "sign in", "/signin", form)
    if status != 302:
        raise SystemExit(f"{name} could not sign in: HTTP {status} (sign-in allows 10 per minute per address)")
    client.hits.clear()


def write(client: Client, budget: Budget, target: Target, number: int, run: str, acknowledged: list) -> None:
    """Load the add form under a random point and send a new claim, until the budget runs out.

    Each claim the server acknowledges (a redirect to its parent) goes into `acknowledged` as
    (title, parent id, relation).
    """
    rng = random.Random(number)
    for claim in itertools.count():
        if not budget.take():
            return
        parent, relation = rng.choice(target.points), rng.choice(RELATIONS)
        status, page, _ = client.request("form", "add form", f"/nodes/{parent}/add?kind=claim&relation={relation}")
        token = CSRF_FIELD.search(page)
        if status != 200 or token is None:
            continue
        if not budget.take():
            return
        title = f"Load {run} writer {number} claim {claim}"
        form = {
            "csrf_token": token.group(1),
            "relation": relation,
            "kind": "claim",
            "title": title,
            "annotation": "Added by *bench/load.py*.",
            "voice": rng.choice(target.voices),
            "argued_on": "2024",
            "source": rng.choice(target.sources),
            "quote": "Quoted words for the load test.",
            "locator": "page 1",
        }
        status, _, location = client.request("write", "add", f"/nodes/{parent}/add", form)
        if status == 302 and location.endswith(f"/nodes/{parent}"):  # saved: back to the point, post/redirect/get
            acknowledged.append((title, parent, relation))


def read(client: Client, budget: Budget, target: Target, number: int) -> None:
    """Open random pages of the debate, until the budget runs out."""
    rng = random.Random(-1 - number)
    while budget.take():
        page = rng.choice(READ_PAGES)
        path = {
            "home": "/",
            "debate": f"/debates/{target.slug}",
            "outline": f"/debates/{target.slug}/outline",
            "node": f"/nodes/{rng.choice(target.points)}",
            "children": f"/nodes/{rng.choice(target.points)}/children/{rng.choice(RELATIONS)}",
            "search": "/search?q=" + "+".join(rng.sample(WORDS, 2)),
            "source": f"/sources/{rng.choice(target.sources)}",
            "voice": f"/voices/{rng.choice(target.voices)}",
        }[page]
        client.request("read", page, path)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serve(database: str, workers: int, log_path: Path, app_name: str):
    """gunicorn on a free loopback port, its output in `log_path`; yields the base address and the master's
    process once it answers. The workers' PostgreSQL connections carry `app_name` as their application_name."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "SECRET_KEY": "load",
        "WRITE_LIMIT": "1000000 per minute",
        "PGAPPNAME": app_name,
    }
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-w",
                str(workers),
                "-b",
                f"127.0.0.1:{port}",
                "--timeout",
                str(TIMEOUT),
                "app:app",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=log,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1).close()
                break
            except OSError:
                if server.poll() is not None:
                    raise SystemExit(f"gunicorn stopped at start; see {log_path}") from None
                time.sleep(0.2)
        else:
            raise SystemExit(f"gunicorn did not answer within 20 s; see {log_path}")
        yield base, server
    finally:
        server.terminate()
        server.wait(timeout=30)


def workers_of(master: subprocess.Popen) -> list[int]:
    """The process ids of the gunicorn master's workers (Linux: /proc)."""
    children = Path(f"/proc/{master.pid}/task/{master.pid}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def kill_a_worker(master: subprocess.Popen, rng: random.Random) -> str:
    """SIGKILL one worker, as the kernel's OOM killer or a crash would; the master starts a new one."""
    pids = workers_of(master)
    if not pids:
        return "kill -9 of a worker: no worker found"
    pid = rng.choice(pids)
    os.kill(pid, signal.SIGKILL)
    return f"kill -9 of worker {pid}"


def terminate_connections(database: str, app_name: str) -> str:
    """pg_terminate_backend of every backend the app's workers hold (by application_name)."""
    engine = db.make_engine(database)
    try:
        with engine.begin() as connection:
            ended = connection.execute(
                text(
                    "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND application_name = :name AND pid <> pg_backend_pid()"
                ),
                {"name": app_name},
            ).scalar()
    finally:
        engine.dispose()
    return f"pg_terminate_backend of the app's {ended} connections"


def inject(
    faults: list[Fault],
    plan: list[tuple[float, str]],
    master,
    database: str,
    app_name: str,
    budget: "Budget",
    stop: threading.Event,
) -> None:
    """Run each planned fault at its time (seconds from now), unless the run ends first."""
    rng, start = random.Random(7), time.monotonic()
    for offset, kind in plan:
        if stop.wait(max(0.0, start + offset - time.monotonic())) or time.monotonic() >= budget.deadline:
            return
        at = time.monotonic()
        what = kill_a_worker(master, rng) if kind == "kill" else terminate_connections(database, app_name)
        faults.append(Fault(at, what))


def prepare(app, run: str, writers: int, password: str) -> Target:
    """Schema, a generated debate and one contributor per writer."""
    with app.app_context():
        migrate.upgrade(db.engine())
        with db.write_session() as session:
            debate = generate(session, nodes=NODES, seed=1, slug=f"load-{run}")
            for number in range(writers):
                auth.create_user(session, name=f"load-{run}-{number}", password=password)
            in_debate = Node.debate_id == debate.id
            points = session.exec(select(Node.id).where(in_debate)).all()
            voices = session.exec(select(Node.voice_id).where(in_debate).distinct()).all()
            sources = session.exec(select(Citation.source_id).join(Node).where(in_debate).distinct()).all()
        db.analyze()
        return Target(debate.slug, list(points), sorted(voices), sorted(sources))


def check(app, run: str, acknowledged: list) -> tuple[list[str], int, list[str]]:
    """The acknowledged writes not stored exactly once, active, under their parent; how many stored writes were
    never acknowledged (their answer was lost); and the titles stored more than once."""
    with app.app_context():
        rows = (
            db.session()
            .exec(
                select(Node.title, Node.status, Link.parent_id, Link.relation)
                .join(Link, Link.child_id == Node.id)
                .where(Node.title.like(f"Load {run} %"))
            )
            .all()
        )
    stored = defaultdict(list)
    for title, *place in rows:
        stored[title].append(tuple(place))
    missing = [title for title, parent, relation in acknowledged if stored.get(title) != [("active", parent, relation)]]
    duplicates = [title for title, places in stored.items() if len(places) > 1]
    return missing, len(stored.keys() - {title for title, _, _ in acknowledged}), duplicates


def ms(seconds: list[float], fraction: float) -> str:
    """The `fraction` percentile of `seconds`, in milliseconds."""
    if not seconds:
        return "-"
    ordered = sorted(seconds)
    return f"{ordered[min(len(ordered) - 1, int(len(ordered) * fraction))] * 1000:.1f}"


def spread(hits: list[Hit]) -> str:
    seconds = [hit.seconds for hit in hits]
    return f"p50 {ms(seconds, 0.5)} ms, p95 {ms(seconds, 0.95)} ms"


def statuses(hits: list[Hit]) -> str:
    counts = Counter("no answer" if hit.status is None else str(hit.status) for hit in hits)
    return ", ".join(f"{status}: {n}" for status, n in sorted(counts.items())) or "none"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60, help="length of the run")
    parser.add_argument("--writers", type=int, default=8, help="signed-in clients adding claims")
    parser.add_argument("--readers", type=int, default=16, help="anonymous clients opening pages")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--max-requests", type=int, default=100_000, help="requests in all, readers and writers")
    parser.add_argument(
        "--no-faults", dest="faults", action="store_false", help="no worker killed, no connection terminated"
    )
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="icsdebate-load-"))
    database = os.environ.get("DATABASE_URL") or f"sqlite:///{scratch}/load.db"
    run, password = secrets.token_hex(3), secrets.token_urlsafe(18)
    app = create_app({"DATABASE_URL": database, "SECRET_KEY": "load"})
    target = prepare(app, run, args.writers, password)
    dialect = app.extensions["engine"].dialect.name
    app_name = f"icsdebate-load-{run}"
    plan = []
    if args.faults:
        plan = [(args.seconds / 3, "kill"), (args.seconds * 2 / 3, "terminate" if dialect == "postgresql" else "kill")]

    acknowledged, faults, log_path = [], [], scratch / "gunicorn.log"
    with serve(database, args.workers, log_path, app_name) as (base, master):
        writers, readers = [Client(base) for _ in range(args.writers)], [Client(base) for _ in range(args.readers)]
        for number, client in enumerate(writers):
            sign_in(client, f"load-{run}-{number}", password)
        budget = Budget(args.seconds, args.max_requests)
        threads = [
            threading.Thread(target=write, args=(c, budget, target, n, run, acknowledged), daemon=True)
            for n, c in enumerate(writers)
        ] + [threading.Thread(target=read, args=(c, budget, target, n), daemon=True) for n, c in enumerate(readers)]
        stop_faults = threading.Event()
        injector = threading.Thread(
            target=inject, args=(faults, plan, master, database, app_name, budget, stop_faults), daemon=True
        )
        started = time.monotonic()
        for thread in threads:
            thread.start()
        injector.start()
        for thread in threads:
            thread.join(timeout=max(0.0, budget.deadline + TIMEOUT + 5 - time.monotonic()))
        stop_faults.set()
        injector.join(timeout=10)
        elapsed = time.monotonic() - started
        still_running = sum(thread.is_alive() for thread in threads)
    missing, unacknowledged, duplicates = check(app, run, list(acknowledged))

    hits = [hit for client in writers + readers for hit in client.hits]
    reads, forms, writes = ([hit for hit in hits if hit.role == role] for role in ("read", "form", "write"))
    refused = [hit for hit in writes if hit.status not in (302, None)]
    errors = [hit for hit in hits if hit.status is not None and hit.status >= 500]
    silent = [hit for hit in hits if hit.status is None]
    errors_near, silent_near = sum(near(hit, faults) for hit in errors), sum(near(hit, faults) for hit in silent)
    server_errors, unanswered = len(errors) - errors_near, len(silent) - silent_near  # outside the windows
    stop = "request cap reached" if budget.left <= 0 else "deadline"
    rows = [
        ("database", f"{dialect}, debate of {NODES} points"),
        ("duration", f"{elapsed:.1f} s (stopped by {stop}), gunicorn -w {args.workers}"),
        ("clients", f"{args.writers} writers, {args.readers} readers"),
        ("writes acknowledged", f"{len(acknowledged)} ({len(acknowledged) / elapsed:.1f}/s), {spread(writes)}"),
        ("writes refused", statuses(refused)),
        ("writes unanswered", str(sum(hit.status is None for hit in writes))),
        (
            "add forms loaded",
            f"{len(forms)}, {spread(forms)}; not 200: {statuses([hit for hit in forms if hit.status != 200])}",
        ),
        ("reads", f"{len(reads)} ({len(reads) / elapsed:.1f}/s), {spread(reads)}"),
        ("reads not 200", statuses([hit for hit in reads if hit.status != 200])),
        ("faults", "; ".join(f"{fault.at - started:.1f} s: {fault.what}" for fault in faults) or "none"),
        (
            "5xx",
            f"{len(errors)}: {errors_near} within {WINDOW} s after a fault, {server_errors} outside"
            + (f" ({statuses(errors)})" if errors else ""),
        ),
        (
            "no answer",
            f"{len(silent)} requests: {silent_near} within {WINDOW} s after a fault, {unanswered} outside"
            + (f"; {still_running} clients still running" if still_running else ""),
        ),
        (
            "missing writes",
            f"{len(missing)} of {len(acknowledged)} acknowledged ({unacknowledged} stored whose answer was lost)",
        ),
        ("duplicates", f"{len(duplicates)} writes stored more than once"),
        ("server log", str(log_path)),
    ]
    if dialect == "sqlite" and args.faults:
        rows.insert(-1, ("note", "SQLite has no server connections to terminate: a second worker kill instead"))
    print("\n".join(f"{label:21}{value}" for label, value in rows))
    print(f"\n{'page':10}{'reads':>8}{'p50 ms':>9}{'p95 ms':>9}")
    for page in READ_PAGES:
        seconds = [hit.seconds for hit in reads if hit.page == page]
        print(f"{page:10}{len(seconds):8}{ms(seconds, 0.5):>9}{ms(seconds, 0.95):>9}")
    for title in missing[:20]:
        print(f"missing: {title}")
    for title in duplicates[:20]:
        print(f"stored twice: {title}")
    for hit in sorted(errors + silent, key=lambda hit: hit.started)[:30]:
        place = "near a fault" if near(hit, faults) else "OUTSIDE"
        print(f"{hit.started - started:7.2f} s  {hit.status or 'no answer'}  {hit.role} {hit.page}  ({place})")
    if server_errors or unanswered or still_running or missing or duplicates or not acknowledged:
        sys.exit(1)


if __name__ == "__main__":
    main()
