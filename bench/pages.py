"""Measure every page at 100 / 1,000 / 10,000 / 100,000 points, on extreme shapes, deep in long lists, writes on
each shape, and throughput under gunicorn.

Usage: python bench/pages.py [--requests 20] [--seconds 10] [--sections sizes,shapes,deep,writes,throughput]
Runs on new SQLite files, or on DATABASE_URL when it is set (a scratch database: the script empties and fills
it, and makes a second one beside it, named with the suffix _small, for the pages that read the whole site).
Page times are for making each page (page cache off). Each section is one function, printing one table:

- sizes: one generated debate of each size in one database; pages that read the whole site (who argued what,
  timeline, recent changes, search) compare the big database with a small one holding the same debates,
  voices and sources, each debate of about 100 points (those pages show a row per debate, voice or source);
- shapes: pages of a chain of 5,000, a fan of 5,000 replies, a debate whose deepest points have 2^20 paths to
  the thesis, and one voice and one source with 50,000 points;
- deep: the first page of each list against page 2,000 (or the last, when the list is shorter), reached as
  its links reach it;
- writes: adding an opposing point at the bottom of each shape, then archiving it: queries, time, and how
  long the write transaction (on SQLite, the write lock) is held;
- throughput: wrk against gunicorn -w 4: /healthz, a node page from the page cache, made fresh, and signed in.

Not a test: the figures vary with the machine (run while it is quiet, and read ratios within one run). Query
counts do not vary, and the test suite asserts them.
"""

import argparse
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, func, text
from sqlmodel import select

from icsdebate import create_app, db, edits, migrate
from icsdebate.auth import _digest, create_user
from icsdebate.db import count_queries, insert_rows
from icsdebate.generate import generate, generate_shape
from icsdebate.models import Citation, Debate, Link, Login, Node, NodeTheme, Revision, User, utcnow
from icsdebate.schemas import NodeCreate

SIZES = (100, 1_000, 10_000, 100_000)
SHAPES = {"chain": ("chain", 5_000), "fan": ("fan", 5_000), "paths": ("paths", 21)}
ONE_VOICE = 50_000  # points of the debate argued by one voice, citing one source
DEEP_PAGE = 2_000


# ---------------------------------------------------------------------------------------------- databases


def _app(database: str):
    return create_app({"DATABASE_URL": database, "SECRET_KEY": "bench", "PAGE_CACHE_PAGES": 0})


def fresh_database(url: str | None, suffix: str = "") -> str:
    """A new, empty database: a SQLite file, or the PostgreSQL database of `url` (+ suffix) dropped and made."""
    if not url:
        return f"sqlite:///{tempfile.mkdtemp()}/bench{suffix}.db"
    base, name = url.rsplit("/", 1)
    name += suffix
    admin = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return f"{base}/{name}"


SMALL_SHAPES = {"chain": 100, "fan": 100, "paths": 6}  # the shapes at about 100 points (paths: 13 points)


def build(app, *, sizes=SIZES, shapes=True, revisions: int = 0, small: bool = False) -> float:
    """Fill the database: a generated debate of each size, the shapes, and `revisions` rows of history
    (for recent changes). With `small`, the same debates, voices and sources, each debate holding about 100
    points: the site-wide pages show a row per debate, voice or source, so this is the site they are compared
    with. Returns the seconds it took."""
    started = time.perf_counter()
    with app.app_context():
        migrate.upgrade(db.engine())
        with db.write_session() as session:
            for size in sizes:
                generate(session, nodes=100 if small else size, seed=size, slug=f"bench-{size}")
        if shapes:
            with db.write_session() as session:
                for slug, (shape, size) in SHAPES.items():
                    generate_shape(session, shape=shape, size=SMALL_SHAPES[slug] if small else size, slug=slug)
                generate(session, nodes=100 if small else ONE_VOICE, seed=1, slug="one-voice", voices=1, sources=1)
        if revisions:
            with db.write_session() as session:
                ids = session.exec(
                    select(Node.id, Node.debate_id).where(Node.kind != "thesis").order_by(Node.id).limit(revisions)
                ).all()
                insert_rows(
                    session,
                    Revision,
                    [
                        {
                            "node_id": node_id,
                            "debate_id": debate_id,
                            "number": 1,
                            "action": "edited",
                            "note": "",
                            "author_id": None,
                            "created_at": utcnow(),
                            "content": "{}",
                        }
                        for node_id, debate_id in ids
                    ],
                )
        db.analyze()
    return time.perf_counter() - started


def busiest(session, slug: str) -> int:
    debate = session.exec(select(Debate).where(Debate.slug == slug)).one()
    return session.exec(
        select(Link.parent_id)
        .join(Node, Node.id == Link.parent_id)
        .where(Node.debate_id == debate.id, Node.kind != "thesis")
        .group_by(Link.parent_id)
        .order_by(func.count().desc(), Link.parent_id)
    ).first()


def deepest(session, slug: str) -> int:
    debate = session.exec(select(Debate).where(Debate.slug == slug)).one()
    return session.exec(select(func.max(Node.id)).where(Node.debate_id == debate.id)).one()


def shape_targets(session) -> dict[str, int]:
    """The point of each extreme shape that the sections work on: the bottom of the chain, the hub of the fan,
    the deepest point of the paths."""
    return {"chain": deepest(session, "chain"), "fan": busiest(session, "fan"), "paths": deepest(session, "paths")}


def debate_pages(app, slug: str, node_id: int | None = None) -> dict[str, str]:
    """The pages of one debate, opened on `node_id` (its busiest point, when not given)."""
    with app.app_context():
        session = db.session()
        node_id = node_id or busiest(session, slug)
        source_id = session.exec(select(Citation.source_id).where(Citation.node_id == node_id)).first()
        theme_id = session.exec(select(NodeTheme.theme_id).where(NodeTheme.node_id == node_id)).first()
        voice_id = session.get(Node, node_id).voice_id
    pages = {
        "home": "/",
        "debate": f"/debates/{slug}",
        "node": f"/nodes/{node_id}",
        "outline": f"/debates/{slug}/outline",
        "source": f"/sources/{source_id}",
        "voice": f"/voices/{voice_id}",
        "history": f"/nodes/{node_id}/history",
        "timeline": f"/debates/{slug}/timeline",
        "changes": f"/debates/{slug}/changes",
    }
    if theme_id:
        pages["theme"] = f"/themes/{theme_id}"
    return pages


SITE_PAGES = {
    "who-argued-what": "/who-argued-what",
    "timeline (all)": "/timeline",
    "changes (all)": "/changes",
    "search": "/search?q=integrated+care",
    "sources": "/sources",
    "voices": "/voices",
}


# ---------------------------------------------------------------------------------------------- measuring


def measure(apps_urls: dict, requests: int) -> dict:
    """Queries, p50 and p95 seconds, and bytes of one page at each size: {size: (app, url)}. The sizes take
    turns, request by request, so that whatever slows the machine weighs on each alike."""
    clients = {size: app.test_client() for size, (app, _url) in apps_urls.items()}
    queries_, times, sizes = {}, {size: [] for size in apps_urls}, {}
    for size, (app, url) in apps_urls.items():
        clients[size].get(url)  # warm caches
        with count_queries(app.extensions["engine"]) as counter:
            response = clients[size].get(url)
        assert response.status_code == 200, (url, response.status_code)
        queries_[size], sizes[size] = counter[0], len(response.data)
    for _ in range(requests):
        for size, (_app, url) in apps_urls.items():
            started = time.perf_counter()
            clients[size].get(url)
            times[size].append(time.perf_counter() - started)
    return {
        size: (queries_[size], statistics.median(taken), sorted(taken)[max(int(len(taken) * 0.95) - 1, 0)], sizes[size])
        for size, taken in times.items()
    }


def table(title: str, columns: list[str], rows: list[list]) -> None:
    """A Markdown table, so that it can be pasted into a note as it is."""
    print(f"\n{title}\n")
    print("| " + " | ".join(columns) + " |")
    print("|" + "|".join("---" for _ in columns) + "|")
    for row in rows:
        print("| " + " | ".join(f"{cell:.1f}" if isinstance(cell, float) else str(cell) for cell in row) + " |")


def _ms(value: float) -> str:
    return f"{value * 1000:.1f}"


# ---------------------------------------------------------------------------------------------- sections


def section_sizes(app, small_app, requests: int) -> None:
    """Each page of a debate at each size, in one database; the site-wide pages, small database against big."""
    pages = {size: debate_pages(app, f"bench-{size}") for size in SIZES}
    rows = []
    for page in pages[SIZES[0]]:
        if not all(page in pages[size] for size in SIZES):
            continue
        result = measure({size: (app, pages[size][page]) for size in SIZES}, requests)
        rows.append(
            [
                page,
                " / ".join(str(result[s][0]) for s in SIZES),
                " / ".join(_ms(result[s][2]) for s in SIZES),
                f"{result[SIZES[-1]][2] / result[SIZES[0]][2]:.2f}",
                " / ".join(f"{result[s][3] / 1024:.1f}" for s in SIZES),
            ]
        )
    table(
        "Pages of one debate at " + " / ".join(f"{s:,}" for s in SIZES) + " points (page cache off)",
        ["page", "queries", "p95 ms", f"p95 ratio {SIZES[-1]:,}/{SIZES[0]}", "KB"],
        rows,
    )
    rows = []
    for page, url in SITE_PAGES.items():
        result = measure({"small": (small_app, url), "big": (app, url)}, requests)
        rows.append(
            [
                page,
                f"{result['small'][0]} / {result['big'][0]}",
                f"{_ms(result['small'][2])} / {_ms(result['big'][2])}",
                f"{result['big'][2] / result['small'][2]:.2f}",
                f"{result['big'][3] / 1024:.1f}",
            ]
        )
    table(
        "Pages of the whole site: the same debates, voices and sources with about 100 points each, against the big"
        " database",
        ["page", "queries", "p95 ms small / big", "p95 ratio big/small", "KB big"],
        rows,
    )


def section_shapes(app, requests: int) -> None:
    """The pages of the deepest point of each shape (the hub of the fan), against the same pages at 100 points."""
    with app.app_context():
        session = db.session()
        targets = {**shape_targets(session), "one-voice": busiest(session, "one-voice")}
    small = debate_pages(app, "bench-100")
    rows = []
    for slug, node_id in targets.items():
        pages = debate_pages(app, slug, node_id)
        for page in ("node", "outline", "source", "voice", "timeline", "history"):
            result = measure({"small": (app, small[page]), "shape": (app, pages[page])}, requests)
            rows.append(
                [
                    slug,
                    page,
                    result["shape"][0],
                    _ms(result["small"][2]),
                    _ms(result["shape"][2]),
                    f"{result['shape'][2] / result['small'][2]:.2f}",
                    f"{result['shape'][3] / 1024:.1f}",
                ]
            )
    table(
        "Shapes: the deepest point of a chain of 5,000, the hub of a fan of 5,000, a point with 2^20 paths, "
        "one voice and one source with 50,000 points (against the 100-point debate)",
        ["shape", "page", "queries", "p95 ms at 100", "p95 ms on the shape", "ratio", "KB"],
        rows,
    )


def _page_address(app, url: str, page: int) -> str:
    """The address of page `page` as a reader reaches it: the 'next' link of the page before, which carries
    the key where that page ended (the page before is opened once, by number)."""
    html = app.test_client().get(f"{url}?page={page - 1}").get_data(as_text=True)
    found = re.search(r'<a href="([^"]+)"[^>]*rel="next"', html)
    assert found, (url, page)
    return found.group(1).replace("&amp;", "&")


def section_deep(app, requests: int) -> None:
    """Page 1 of each long list against page 2,000 (or the last page of a shorter list)."""
    list_size, changes_size, timeline_size = app.config["LIST_SIZE"], 50, 100
    with app.app_context():
        session = db.session()
        node_id = busiest(session, "one-voice")
        voice_id = session.get(Node, node_id).voice_id
        source_id = session.exec(select(Citation.source_id).where(Citation.node_id == node_id)).first()
        theme_id = session.exec(select(NodeTheme.theme_id).where(NodeTheme.node_id == node_id)).first()
        points = {
            name: session.exec(select(func.count()).select_from(model).where(where)).one()
            for name, model, where in (
                ("voice", Node, Node.voice_id == voice_id),
                ("source", Citation, Citation.source_id == source_id),
                ("theme", NodeTheme, NodeTheme.theme_id == theme_id),
                ("timeline", Node, Node.kind != "thesis"),
                ("changes", Revision, Revision.action != "original"),
            )
        }
    lists = {
        "voice": (f"/voices/{voice_id}", list_size),
        "source": (f"/sources/{source_id}", list_size),
        "theme": (f"/themes/{theme_id}", list_size),
        "timeline": ("/timeline", timeline_size),
        "changes": ("/changes", changes_size),
    }
    rows = []
    for name, (url, size) in lists.items():
        last = min(DEEP_PAGE, (points[name] - 1) // size)  # the last page may be short
        deep_url = _page_address(app, url, last)
        result = measure({"first": (app, url), "deep": (app, deep_url)}, requests)
        rows.append(
            [
                name,
                f"{points[name]:,}",
                last,
                f"{result['first'][0]} / {result['deep'][0]}",
                _ms(result["first"][2]),
                _ms(result["deep"][2]),
                f"{result['deep'][2] / result['first'][2]:.2f}",
            ]
        )
    table(
        f"Deep pages: page 1 against page {DEEP_PAGE:,} (or the last but one of a shorter list), by its links",
        ["list", "rows", "deep page", "queries", "p95 ms page 1", "p95 ms deep", "ratio"],
        rows,
    )


def section_writes(app) -> None:
    """Add an opposing point at the bottom of each shape (and under the busiest point at 100,000), then archive
    it: queries, seconds, and how long the write transaction (the write lock, on SQLite) was open."""
    rows = []
    with app.app_context():
        session = db.session()
        names = {"chain": "chain of 5,000 (bottom)", "fan": "fan of 5,000 (hub)", "paths": "2^20 paths (deepest)"}
        targets = {names[shape]: node_id for shape, node_id in shape_targets(session).items()}
        targets[f"{SIZES[-1]:,} points (busiest)"] = busiest(session, f"bench-{SIZES[-1]}")
        with db.write_session() as session:
            author = create_user(
                session, name=f"bench{secrets.token_hex(3)}", password="bench-password-1", role="moderator"
            )
            author_id = author.id
    engine = app.extensions["engine"]
    for name, node_id in targets.items():
        with app.app_context():
            started = time.perf_counter()
            with count_queries(engine) as counter, db.write_session() as session:
                opened = time.perf_counter()
                added = edits.create_node(
                    session,
                    parent=session.get(Node, node_id),
                    author=session.get(User, author_id),
                    data=NodeCreate(
                        kind="claim",
                        title="An answer",
                        relation="opposes",
                        voice="new",
                        voice_name="A reader",
                        voice_group="Commenters",
                        source="new",
                        source_title="A comment",
                        source_kind="comment",
                        quote="an answer",
                    ),
                )
                added_id = added.id
            add = (counter[0], time.perf_counter() - started, time.perf_counter() - opened)
            started = time.perf_counter()
            with count_queries(engine) as counter, db.write_session() as session:
                opened = time.perf_counter()
                edits.set_status(
                    session, node=session.get(Node, added_id), status="archived", author=session.get(User, author_id)
                )
            archive = (counter[0], time.perf_counter() - started, time.perf_counter() - opened)
        rows.append(
            [name, add[0], f"{add[1]:.3f}", f"{add[2]:.3f}", archive[0], f"{archive[1]:.3f}", f"{archive[2]:.3f}"]
        )
    table(
        "Writes on each shape (lock held: from the transaction's first statement to its commit)",
        [
            "under",
            "add: queries",
            "add: s",
            "add: lock held s",
            "archive: queries",
            "archive: s",
            "archive: lock held s",
        ],
        rows,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def throughput(database: str, path: str, seconds: int, cache_pages: int = 2000, cookie: str | None = None) -> float:
    """Requests per second that wrk gets from gunicorn (4 workers) on loopback, bounded in time."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database, "SECRET_KEY": "bench", "PAGE_CACHE_PAGES": str(cache_pages)}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "4", "-b", f"127.0.0.1:{port}", "app:app"],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120  # four workers start slowly on a busy machine
        while True:  # until the app itself answers, not only the socket
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError(f"gunicorn did not answer /healthz on port {port}")
            time.sleep(0.5)
        headers = ["-H", f"Cookie: {cookie}"] if cookie else []
        out = subprocess.run(
            ["wrk", "-t2", "-c16", f"-d{seconds}s", *headers, f"http://127.0.0.1:{port}{path}"],
            capture_output=True,
            text=True,
            timeout=seconds + 30,
            check=True,
        ).stdout
        return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    finally:
        server.terminate()
        server.wait(timeout=30)


def signed_in_cookie(app) -> str:
    """A session cookie of a signed-in contributor, as the site sets it."""
    token = secrets.token_urlsafe(32)
    with app.app_context():
        with db.write_session() as session:
            user = create_user(session, name=f"reader{secrets.token_hex(3)}", password="bench-password-1")
            session.add(Login(token_hash=_digest(token), user_id=user.id))
        value = app.session_interface.get_signing_serializer(app).dumps({"login": token})
    return f"{app.config.get('SESSION_COOKIE_NAME', 'session')}={value}"


def section_throughput(app, database: str, seconds: int) -> None:
    if not shutil.which("wrk"):
        print("\nthroughput: wrk is not installed (apt-get install wrk)")
        return
    size = 10_000 if 10_000 in SIZES else SIZES[-1]
    node_url = debate_pages(app, f"bench-{size}")["node"]
    trivial = throughput(database, "/healthz", seconds)
    results = {
        "node page, page cache on": throughput(database, node_url, seconds),
        "node page, page cache off": throughput(database, node_url, seconds, cache_pages=0),
        "node page, signed in": throughput(database, node_url, seconds, cookie=signed_in_cookie(app)),
    }
    table(
        f"Throughput under gunicorn -w 4 (wrk -t2 -c16, {seconds} s each; {node_url} at {size:,} points)",
        ["path", "req/s", "ratio to /healthz"],
        [["/healthz", f"{trivial:.0f}", "1.00"]]
        + [[name, f"{rate:.0f}", f"{rate / trivial:.2f}"] for name, rate in results.items()],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20, help="timed requests per page and size")
    parser.add_argument("--seconds", type=int, default=10, help="length of each throughput run")
    parser.add_argument(
        "--sizes", default="100,1000,10000,100000", help="debate sizes, comma-separated (fewer for a quick run)"
    )
    parser.add_argument(
        "--sections", default="sizes,shapes,deep,writes,throughput", help="which tables, comma-separated"
    )
    args = parser.parse_args()
    sections = set(args.sections.split(","))
    global SIZES
    SIZES = tuple(int(size) for size in args.sizes.split(","))
    url = os.environ.get("DATABASE_URL")
    database, small = fresh_database(url), fresh_database(url, "_small")
    app, small_app = _app(database), _app(small)
    took = build(app, sizes=SIZES, shapes=bool(sections & {"shapes", "deep", "writes"}), revisions=100_000)
    build(small_app, sizes=SIZES, shapes=bool(sections & {"shapes", "deep", "writes"}), revisions=50, small=True)
    with app.app_context():
        dialect = db.engine().dialect.name
        total = db.session().exec(select(func.count()).select_from(Node)).one()
    print(
        f"# make bench on {dialect}: {total:,} points in all (made in {took:.0f} s); "
        f"{args.requests} timed requests per page"
    )
    if "sizes" in sections:
        section_sizes(app, small_app, args.requests)
    if "shapes" in sections:
        section_shapes(app, args.requests)
    if "deep" in sections:
        section_deep(app, args.requests)
    if "writes" in sections:
        section_writes(app)
    if "throughput" in sections:
        section_throughput(app, database, args.seconds)


if __name__ == "__main__":
    main()
