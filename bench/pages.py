"""Measure every page at 100, 1,000 and 10,000 points, search over 100,000, and throughput under gunicorn.

Usage: python bench/pages.py [--total 100000] [--requests 20] [--seconds 10]
Runs on a new SQLite file, or on DATABASE_URL when it is set (use a scratch database: the script fills it).
The page times are for making each page (page cache off); throughput is measured with the cache on and off.
Not a test: the figures vary with the machine. Query counts do not, and the test suite asserts them.
"""
import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func  # noqa: E402
from sqlmodel import select  # noqa: E402

from icsdebate import create_app, db, migrate, search  # noqa: E402
from icsdebate.db import count_queries  # noqa: E402
from icsdebate.generate import generate  # noqa: E402
from icsdebate.models import Citation, Debate, Link, Node  # noqa: E402

SIZES = (100, 1_000, 10_000)
PAGES = ("home", "debate", "node", "outline", "source", "voice", "search", "history")


def urls(app, slug: str) -> dict[str, str]:
    """The pages of one generated debate, opened on its busiest non-thesis point."""
    with app.app_context():
        session = db.session()
        debate = session.exec(select(Debate).where(Debate.slug == slug)).one()
        node_id = session.exec(select(Link.parent_id).join(Node, Node.id == Link.parent_id)
                               .where(Node.debate_id == debate.id, Node.kind != "thesis").group_by(Link.parent_id)
                               .order_by(func.count().desc(), Link.parent_id)).first()
        source_id = session.exec(select(Citation.source_id).where(Citation.node_id == node_id)).first()
        voice_id = session.get(Node, node_id).voice_id
    return {"home": "/", "debate": f"/debates/{slug}", "node": f"/nodes/{node_id}",
            "outline": f"/debates/{slug}/outline", "source": f"/sources/{source_id}", "voice": f"/voices/{voice_id}",
            "search": "/search?q=integrated+care", "history": f"/nodes/{node_id}/history"}


def measure(app, urls_by_size: dict[int, str], requests: int) -> dict[int, tuple[int, float, float, int]]:
    """Queries, p50 and p95 seconds, and bytes of one page at each size. The sizes take turns, request by
    request, so that whatever slows the machine during the run weighs on each of them alike."""
    client = app.test_client()
    queries, times, sizes = {}, {size: [] for size in urls_by_size}, {}
    for size, url in urls_by_size.items():
        client.get(url)  # warm caches
        with count_queries(app.extensions["engine"]) as counter:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        queries[size], sizes[size] = counter[0], len(response.data)
    for _ in range(requests):
        for size, url in urls_by_size.items():
            started = time.perf_counter()
            client.get(url)
            times[size].append(time.perf_counter() - started)
    return {size: (queries[size], statistics.median(taken), sorted(taken)[int(len(taken) * .95) - 1], sizes[size])
            for size, taken in times.items()}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def throughput(database: str, path: str, seconds: int, cache_pages: int = 2000) -> float:
    """Requests per second that wrk gets from gunicorn (4 workers) on loopback, bounded in time."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database, "SECRET_KEY": "bench", "PAGE_CACHE_PAGES": str(cache_pages)}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "4", "-b", f"127.0.0.1:{port}", "app:app"],
                              cwd=Path(__file__).resolve().parent.parent, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(50):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(.2)
        out = subprocess.run(["wrk", "-t2", "-c16", f"-d{seconds}s", f"http://127.0.0.1:{port}{path}"],
                             capture_output=True, text=True, timeout=seconds + 30).stdout
        return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--total", type=int, default=100_000, help="points in the whole database")
    parser.add_argument("--requests", type=int, default=20, help="timed requests per page")
    parser.add_argument("--seconds", type=int, default=10, help="length of each throughput run")
    args = parser.parse_args()
    database = os.environ.get("DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    # the page cache is off here: these figures are what making each page costs
    app = create_app({"DATABASE_URL": database, "SECRET_KEY": "bench", "PAGE_CACHE_PAGES": 0})
    with app.app_context():
        migrate.upgrade(db.engine())
        with db.write_session() as session:
            for size in SIZES:
                generate(session, nodes=size, seed=size, slug=f"bench-{size}")
            rest = args.total - sum(SIZES)
            if rest > 1:
                generate(session, nodes=rest, seed=7, slug="bench-rest")
        db.analyze()
        dialect = db.engine().dialect.name
    print(f"Database: {dialect}, {args.total} points in all; {args.requests} timed requests per page\n")
    pages = {size: urls(app, f"bench-{size}") for size in SIZES}
    measured = {page: measure(app, {size: pages[size][page] for size in SIZES}, args.requests) for page in PAGES}
    results = {size: {page: measured[page][size] for page in PAGES} for size in SIZES}
    print(f"{'page':10}" + "".join(f"{f'queries@{s}':>14}" for s in SIZES)
          + "".join(f"{f'p50 ms@{s}':>13}{f'p95 ms@{s}':>13}" for s in SIZES)
          + "".join(f"{f'KB@{s}':>10}" for s in SIZES) + f"{'p95 10k/100':>13}")
    for page in PAGES:
        row = f"{page:10}" + "".join(f"{results[s][page][0]:14}" for s in SIZES)
        row += "".join(f"{results[s][page][1] * 1000:13.1f}{results[s][page][2] * 1000:13.1f}" for s in SIZES)
        row += "".join(f"{results[s][page][3] / 1024:10.1f}" for s in SIZES)
        row += f"{results[10_000][page][2] / results[100][page][2]:13.2f}"
        print(row)
    with app.app_context():
        times = []
        for words in ("integrated", "care budgets", "point 4711", "prevention data", "boards contracts"):
            for _ in range(10):
                started = time.perf_counter()
                search.search(db.session(), words=words)
                times.append(time.perf_counter() - started)
        times.sort()
        print(f"\nsearch over {args.total} points: p50 {statistics.median(times) * 1000:.1f} ms, "
              f"p95 {times[int(len(times) * .95) - 1] * 1000:.1f} ms")
    if shutil.which("wrk") and not database.startswith("sqlite:///:memory:"):
        node_url = urls(app, "bench-10000")["node"]
        trivial = throughput(database, "/healthz", args.seconds)
        kept = throughput(database, node_url, args.seconds)
        made = throughput(database, node_url, args.seconds, cache_pages=0)
        print(f"throughput under gunicorn -w 4 (wrk -t2 -c16, {args.seconds} s each): /healthz {trivial:.0f} req/s; "
              f"node page {kept:.0f} req/s (ratio {kept / trivial:.2f}) with the page cache, "
              f"{made:.0f} req/s (ratio {made / trivial:.2f}) without")
    else:
        print("throughput: wrk is not installed (apt-get install wrk)")


if __name__ == "__main__":
    main()
