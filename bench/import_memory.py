"""Peak memory of importing a 100,000-point map in each format, above the bare process.

Usage: python bench/import_memory.py [--nodes 100000] [--keep FOLDER]
Generates a debate with `flask gen-debate`, exports it with `flask export` in each import format, then imports each
file as `flask import` does (read, check whole, load in one transaction; without its 20 MB limit) into a new SQLite
database, in a process of its own: the figure is that process's peak
resident memory (ru_maxrss) minus its peak just before the import starts (app created, migrations run).
Not a test: figures vary with the machine.
"""

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORMATS = {"json": "json", "kialo": "txt", "argdown": "argdown", "aif": "aif.json", "sadface": "sadface.json"}

MEASURE = r"""
import resource, sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
from icsdebate import create_app, db, migrate, seeds
from icsdebate.formats import mapdoc, registry, store
app = create_app({{"DATABASE_URL": {url!r}, "SECRET_KEY": "bench"}})
with app.app_context():
    migrate.upgrade(db.engine())
    bare = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    raw = Path({path!r}).read_bytes()
    loaded = registry.read(registry.decode(raw, "bench"), "bench", {fmt!r})
    points = len(loaded.outlines)
    del raw
    with db.write_session() as session:
        store.load_as_new(session, loaded)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"{{points}} {{(peak - bare) / 1024:.1f}} {{bare / 1024:.1f}} "
          f"{{time.perf_counter() - started:.1f}}")
"""


def flask(url: str, *args: str, out=None) -> None:
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", str(ROOT / "app.py"), *args], check=True, env=env, stdout=out, cwd=ROOT
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=100_000)
    parser.add_argument("--keep", help="a folder to keep the exports in")
    args = parser.parse_args()
    folder = Path(args.keep or tempfile.mkdtemp())
    folder.mkdir(parents=True, exist_ok=True)
    source = f"sqlite:///{folder}/source.db"
    flask(source, "gen-debate", "--nodes", str(args.nodes), "--slug", "bench")
    print(f"{'format':10}{'file MB':>9}{'points':>9}{'peak MB above bare':>20}{'bare MB':>9}{'seconds':>9}")
    for fmt, extension in FORMATS.items():
        path = folder / f"bench.{extension}"
        with path.open("w") as out:
            flask(source, "export", "bench", "--format", fmt, out=out)
        target = folder / f"import-{fmt}.db"
        target.unlink(missing_ok=True)
        code = MEASURE.format(root=str(ROOT), url=f"sqlite:///{target}", path=str(path), fmt=fmt)
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
        if result.returncode:
            print(
                f"{fmt:10}{path.stat().st_size / 2**20:9.1f}  refused: {result.stderr.strip().splitlines()[-1][:200]}"
            )
            continue
        points, above, bare, seconds = result.stdout.split()
        print(f"{fmt:10}{path.stat().st_size / 2**20:9.1f}{points:>9}{above:>20}{bare:>9}{seconds:>9}")


if __name__ == "__main__":
    main()
