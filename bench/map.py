"""Time the map page at 100 and 100,000 points, and on a point with 5,000 direct replies.

Usage: python bench/map.py [--sizes 100 100000] [--requests 20]
Runs on a new SQLite file, or on DATABASE_URL when it is set (use a scratch database: the script fills it).
The page cache is off, so every request makes the page; the map's layout is kept per content version as in
the running site ("kept"), and is also timed laid out afresh on every request ("drawn"). The sizes take turns,
request by request, so that whatever slows the machine weighs on each alike. Prints p50/p95 in seconds, the
page's size and its queries, and the ratio of p95 at the largest size to p95 at the smallest.
Not a test: the figures vary with the machine.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlmodel import select  # noqa: E402

from icsdebate import create_app, db, migrate  # noqa: E402
from icsdebate.db import count_queries  # noqa: E402
from icsdebate.generate import generate, generate_shape  # noqa: E402
from icsdebate.models import Node  # noqa: E402


def fan(session, replies: int) -> str:
    """A debate whose one point under the thesis has `replies` direct replies (generate_shape's fan); returns the
    address of that point's map."""
    debate = generate_shape(session, shape="fan", size=replies, slug=f"map-fan-{replies}-{time.time_ns()}")
    hub = session.exec(select(Node.id).where(Node.debate_id == debate.id, Node.kind != "thesis").order_by(Node.id))
    return f"/nodes/{hub.first()}/map"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 100_000])
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument(
        "--views",
        nargs="+",
        default=["", "?depth=12&breadth=20"],
        help="the maps asked for: as it opens, and the most a reader can choose",
    )
    args = parser.parse_args()
    database = os.environ.get("DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/map.db"
    app = create_app({"DATABASE_URL": database, "SECRET_KEY": "bench", "PAGE_CACHE_MB": 0})
    with app.app_context():
        migrate.upgrade(db.engine())
    cases = {}
    for size in args.sizes:
        started = time.perf_counter()
        with app.app_context(), db.write_session() as session:
            slug = generate(session, nodes=size, seed=3, slug=f"map-{size}-{time.time_ns()}").slug
            cases[f"{size:,} points"] = f"/debates/{slug}/map"
        print(f"generated {size:,} points in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    with app.app_context(), db.write_session() as session:
        cases["fan of 5,000"] = fan(session, 5000)
    client = app.test_client()
    for view in args.views:
        measure(
            app,
            client,
            {name: f"{address}{view}" for name, address in cases.items()},
            args.requests,
            len(args.sizes),
            view or "(as it opens)",
        )


def p95(times: list[float]) -> float:
    return sorted(times)[max(0, int(len(times) * 0.95) - 1)]


def measure(app, client, urls: dict[str, str], requests: int, sizes: int, view: str) -> None:
    facts = {}
    for name, url in urls.items():
        client.get(url)
        with count_queries(app.extensions["engine"]) as counter:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        facts[name] = (counter[0], len(response.data))
    kept = {name: [] for name in urls}
    drawn = {name: [] for name in urls}
    for _ in range(requests):
        for name, url in urls.items():
            started = time.perf_counter()
            client.get(url)
            kept[name].append(time.perf_counter() - started)
            app.extensions["map_layouts"][0].clear()
            started = time.perf_counter()
            client.get(url)
            drawn[name].append(time.perf_counter() - started)
    print(f"\nmap page {view}, {app.extensions['engine'].dialect.name}, {requests} requests each, page cache off")
    print(f"{'case':>16}{'queries':>9}{'KB':>7}{'kept p50':>10}{'kept p95':>10}{'drawn p50':>11}{'drawn p95':>11}")
    for name in urls:
        queries, size = facts[name]
        print(
            f"{name:>16}{queries:9}{size / 1024:7.0f}{statistics.median(kept[name]):10.3f}{p95(kept[name]):10.3f}"
            f"{statistics.median(drawn[name]):11.3f}{p95(drawn[name]):11.3f}"
        )
    first, last = list(urls)[0], list(urls)[sizes - 1]
    print(
        f"ratio p95 {last} / {first}: kept {p95(kept[last]) / p95(kept[first]):.2f}, "
        f"drawn {p95(drawn[last]) / p95(drawn[first]):.2f}",
        flush=True,
    )


if __name__ == "__main__":
    main()
