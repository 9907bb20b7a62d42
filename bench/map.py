"""Time the map page of generated debates (100 and 1,000 points, every level drawn).

Usage: python bench/map.py. Not a test: figures vary with the machine.
"""
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from icsdebate import create_app, db, migrate  # noqa: E402
from icsdebate.generate import generate  # noqa: E402


def main() -> None:
    app = create_app({"DATABASE_URL": f"sqlite:///{tempfile.mkdtemp()}/map.db", "SECRET_KEY": "bench"})
    with app.app_context():
        migrate.upgrade(db.engine())
    client = app.test_client()
    print(f"{'points':>7}{'median s':>10}{'max s':>8}{'svg KB':>8}")
    for size in (100, 1000):
        with app.app_context(), db.write_session() as session:
            slug = generate(session, nodes=size, seed=3, slug=f"map-{size}").slug
        times, length = [], 0
        for _ in range(5):
            started = time.perf_counter()
            response = client.get(f"/debates/{slug}/map?depth=12")
            times.append(time.perf_counter() - started)
            length = len(response.data)
        print(f"{size:7}{statistics.median(times):10.2f}{max(times):8.2f}{length / 1024:8.0f}")


if __name__ == "__main__":
    main()
