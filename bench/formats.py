"""Export a generated debate in every format and import it back, printing time and peak memory.

Usage: python bench/formats.py [--nodes 10000] [--database URL] [--formats md,html] [--no-import]
(database: DATABASE_URL, else a new SQLite file)
Not a test: figures vary with the machine. Each step runs twice: once timed, once under tracemalloc for
its peak memory (Python's own allocation). An export is measured whole, as `flask export` and a download make it:
gathered from the database and written to a file, a chunk at a time for a format that streams. The JSON file is
also read back as `flask import` reads it (a stream, checked whole, not written); and a backup of the whole
database (`export --all`) is restored as `flask import` restores it, into a new database of the same kind.
"""

import argparse
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pages import fresh_database  # noqa: E402

from icsdebate import create_app, db, migrate  # noqa: E402
from icsdebate.cli import _read_map  # noqa: E402
from icsdebate.formats import backup, gather, jsonstream, mapdoc, registry, store  # noqa: E402
from icsdebate.generate import generate  # noqa: E402


def measure(action):
    """Run `action` twice: timed on its own, then under tracemalloc for its peak memory (which slows it)."""
    started = time.perf_counter()
    action()
    seconds = time.perf_counter() - started
    tracemalloc.start()
    result = action()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return result, seconds, peak / 1024 / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=10_000)
    parser.add_argument("--database", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--formats", default=",".join(registry.EXPORTERS), help="which formats, comma-separated")
    parser.add_argument("--no-import", action="store_true", help="measure the exports only")
    args = parser.parse_args()
    chosen = args.formats.split(",")
    folder = tempfile.mkdtemp()
    url = args.database or f"sqlite:///{folder}/bench.db"
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
    with app.app_context():
        migrate.upgrade(db.engine())
        started = time.perf_counter()
        debate = _generate(args.nodes)
        seconds = time.perf_counter() - started
        print(f"generated {args.nodes} nodes in {seconds:.2f} s on {db.engine().dialect.name}\n")
        backup = Path(folder) / "backup.json"  # of the generated debate alone, before the imports add theirs
        with backup.open("w", encoding="utf-8") as out:
            for chunk in registry.chunks("json", gather.sections_all(db.session())):
                out.write(chunk)
        print(f"{'format':12}{'export s':>10}{'MB':>8}{'size MB':>9}{'import s':>10}{'MB':>8}{'nodes back':>12}")
        for name, exporter in registry.EXPORTERS.items():
            if name not in chosen:
                continue
            path = Path(folder) / f"bench.{exporter.extension}"
            size, export_s, export_mb = measure(lambda: _export(name, debate, path))
            line = f"{name:12}{export_s:10.2f}{export_mb:8.1f}{size / 1024 / 1024:9.2f}"
            if name in registry.IMPORTERS and not args.no_import:
                text = path.read_text(encoding="utf-8")
                (count, import_s, import_mb) = measure(lambda: _import(text, path.name, name))
                del text
                line += f"{import_s:10.2f}{import_mb:8.1f}{count:12}"
            print(line, flush=True)
        if "json" not in chosen:
            return
        count, seconds, peak = measure(lambda: _read_as_the_cli_does(Path(folder) / "bench.json"))
        print(f"{'json read as flask import reads it (a stream, checked whole)':60} {seconds:8.2f} s {peak:7.1f} MB")
    restored = args.database and args.database + "_restore"
    count, seconds, peak = measure(lambda: _restore_as_the_cli_does(backup, restored))
    print(f"{'backup (export --all) restored as flask import restores it':60} {seconds:8.2f} s {peak:7.1f} MB")


def _export(name: str, debate, path: Path) -> int:
    """Export the debate in format `name` to `path` as `flask export` does; the file's size in bytes."""
    with path.open("w", encoding="utf-8") as out:
        for chunk in registry.chunks(name, gather.sections(db.session(), debate=debate)):
            out.write(chunk)
    return path.stat().st_size


def _read_as_the_cli_does(path: Path) -> int:
    with path.open("rb") as handle:
        return len(mapdoc.validate_sections(jsonstream.sections(handle, path.name), path.name)[0].outlines)


def _restore_as_the_cli_does(path: Path, url: str | None) -> int:
    """Restore the backup at `path` into a new, empty database (a SQLite file, or `url` made anew), read and
    written as `flask import` does; how many points it holds."""
    app = create_app({"DATABASE_URL": fresh_database(url), "SECRET_KEY": "bench"})
    with app.app_context():
        migrate.upgrade(db.engine())
        loaded = _read_map(path, None)
        with db.write_session() as session:
            counts = backup.restore(session, loaded)
        db.engine().dispose()
    return counts["nodes"]


def _generate(nodes: int):
    with db.write_session() as session:
        return generate(session, nodes=nodes, seed=1, slug="bench")


def _import(text: str, name: str, fmt: str) -> int:
    seed_set = registry.read(text, name, fmt)
    points = len(seed_set.outlines)
    with db.write_session() as session:
        store.load_as_new(session, seed_set)
    return points


if __name__ == "__main__":
    main()
