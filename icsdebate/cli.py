"""Flask commands: init-db, seed, db-revision, create-user, export, import, gen-debate, attach-text."""

import itertools
import os
import re
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy.exc import DBAPIError
from sqlmodel import select

from . import auth, db, fields, migrate, quotecheck, seeds
from .formats import MAX_IMPORT_BYTES, FormatError, Section, backup, gather, jsonstream, mapdoc, registry, store
from .formats.registry import EXPORTERS, IMPORTERS
from .generate import generate
from .models import ROLES, Debate, Node, Source

SLUG = re.compile(fields.KEY_PATTERN)  # the seed files' key rule, used in debate addresses


@click.command("init-db")
@with_appcontext
def init_db() -> None:
    """Create or upgrade the database schema (Alembic migrations), and say which it did."""
    engine = db.engine()
    before = migrate.current(engine)
    migrate.upgrade(engine)
    after = migrate.current(engine)
    if before is None:
        click.echo(f"Created the database schema (revision {after}).")
    elif before != after:
        click.echo(f"Upgraded the database schema from revision {before} to {after}.")
    else:
        click.echo(f"The database schema was already up to date (revision {after}); nothing changed.")


@click.command("seed")
@with_appcontext
@click.option("--check", is_flag=True, help="Only validate the seed files; write nothing.")
@click.option("--if-empty", is_flag=True, help="Only seed a database that holds no debate yet.")
@click.option("--folder", type=click.Path(file_okay=False, path_type=Path), help="Seed folder (default: seeds/).")
def seed(check: bool, if_empty: bool, folder: Path | None) -> None:
    """Load every seeds/*.yaml file in one transaction; running it again changes nothing."""
    folder = folder or Path(current_app.config["SEEDS_DIR"])
    try:
        seed_set = seeds.read(folder)
    except seeds.SeedError as exc:
        raise click.ClickException(f"The seeds in {folder} cannot be loaded:\n  " + "\n  ".join(exc.problems)) from None
    if check:
        click.echo(f"Seeds OK: {len(seed_set.debates)} debates, {len(seed_set.nodes)} nodes.")
        return
    migrate.upgrade(db.engine())
    if if_empty and db.session().exec(select(Debate.id)).first() is not None:
        click.echo("The database already holds debates: not seeding.")
        return
    with db.write_session() as session:
        loaded = seeds.load(session, seed_set)
    db.analyze()
    if loaded.unchanged:
        click.echo(f"The database already holds these seeds ({_counted(loaded.held)}): nothing changed.")
        return
    if loaded.added == loaded.held["nodes"]:
        click.echo(f"Seeded {_counted(loaded.held)}.")
        return
    done = f"{loaded.added} points added, {loaded.changed} changed"
    done += f", {loaded.merged} merged into others" if loaded.merged else ""
    if loaded.reseeded:
        done += (
            f"; {loaded.reseeded} of them had been edited on the site: each edit is kept in that point's history, "
            "with the seeded version after it"
        )
    other = loaded.links + loaded.described
    done += f"; {other} links, citations, themes, sources, voices or terms written" if other else ""
    click.echo(f"Seeded {_counted(loaded.held)}: {done}.")


def _counted(counts: dict[str, int]) -> str:
    """'1 debate, 311 nodes, …': each count with its noun, singular for one."""
    return ", ".join(f"{n} {what[:-1] if n == 1 else what}" for what, n in counts.items())


@click.command("db-revision")
@with_appcontext
@click.argument("message")
def db_revision(message: str) -> None:
    """Write a new migration from the models (for developers)."""
    migrate.revision(db.engine(), message)


@click.command("create-user")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), default="contributor", show_default=True)
@click.option(
    "--password", help="The password; asked for at a terminal, else read from the first line of standard input."
)
@with_appcontext
def create_user(name: str, role: str, password: str | None) -> None:
    """Create an account, for example the first admin."""
    password = password or _password_from_terminal_or_stdin()
    migrate.upgrade(db.engine())
    try:
        with db.write_session() as session:
            auth.create_user(session, name=name, password=password, role=role)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Created {role} {name}.")


def _password_from_terminal_or_stdin() -> str:
    """Ask twice at a terminal; otherwise take the first line piped in. Raises ClickException when none came."""
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise click.ClickException(
            "No password given: pass --password, or pipe it on standard input "
            '(echo "$PASSWORD" | flask --app app create-user NAME).'
        )
    return password


@click.command("export")
@click.argument("debate", required=False)
@click.option(
    "--all", "every", is_flag=True, help="Every debate in one JSON file: a backup, for import into an empty database."
)
@click.option("--format", "format_", type=click.Choice(sorted(EXPORTERS)), default="json", show_default=True)
@click.option("--node", type=int, help="Export only the subtree under this node.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    default="-",
    help="File to write (default: stdout); it is replaced only once the export is whole.",
)
@with_appcontext
def export(debate: str | None, every: bool, format_: str, node: int | None, output) -> None:
    """Export a debate (or a node's subtree) in one of the interchange formats, or every debate as JSON (--all)."""
    if every:
        _export_every_debate(debate, format_, node, output)
        return
    if debate is None:
        raise click.UsageError("Name the DEBATE to export, or give --all to export every debate.")
    session = db.session()
    row = session.exec(select(Debate).where(Debate.slug == debate)).first()
    if row is None:
        raise click.ClickException(f"There is no debate called {debate!r}.")
    if node is not None:
        found = session.exec(select(Node.debate_id).where(Node.id == node, Node.status == "active")).first()
        if found is None:
            raise click.ClickException(f"There is no node numbered {node}.")
        if found != row.id:
            other = session.get(Debate, found)
            raise click.ClickException(
                f"Node {node} is a point of the debate {other.slug!r}, not of {debate!r}: "
                f"export it with `export {other.slug} --node {node}`."
            )
    with _written(output) as out:
        for chunk in registry.chunks(format_, gather.sections(session, debate=row, root_id=node)):
            out.write(chunk)


@contextmanager
def _written(path: Path) -> Iterator[TextIO]:
    """Where an export writes: standard output for "-"; otherwise a file beside `path`, moved into its place only
    once the export is whole, so an export that fails leaves what was there before. A database failure on the way
    becomes a ClickException that says nothing was written."""
    try:
        if str(path) == "-":
            yield sys.stdout
            return
        handle = tempfile.NamedTemporaryFile(  # moved into place, or removed, below
            "w", encoding="utf-8", dir=path.parent, prefix=f".{path.name}.", suffix=".partial", delete=False
        )
        try:
            with handle:
                yield handle
        except BaseException:
            Path(handle.name).unlink(missing_ok=True)
            raise
        os.replace(handle.name, path)
    except DBAPIError as exc:
        raise _export_failed(exc, path, "what went to standard output is incomplete") from None


def _export_failed(exc: DBAPIError, path: Path, on_stdout: str) -> click.ClickException:
    where = on_stdout if str(path) == "-" else f"{path} is unchanged"
    return click.ClickException(f"The database failed during the export ({exc.orig}); {where}.")


def _export_every_debate(debate: str | None, format_: str, node: int | None, output) -> None:
    """Every debate in one JSON document (a backup), read from one state of the database throughout."""
    if debate is not None or node is not None:
        raise click.UsageError("--all exports every debate: leave out DEBATE and --node.")
    if format_ != "json":
        raise click.UsageError(f"--all writes JSON only, not {format_}: leave out --format.")
    with db.snapshot() as session:
        document = gather.sections_all(session)
        try:
            first = next(document)  # the backup is checked whole before this
        except FormatError as exc:
            refused = f"No backup was written: the database holds what a map file cannot.\n{exc}"
            raise click.ClickException(refused) from None
        except DBAPIError as exc:
            raise _export_failed(exc, output, "nothing was written") from None
        counted = {"debates": 0, "nodes": 0}
        with _written(output) as out:
            for chunk in registry.chunks(format_, _counting(itertools.chain([first], document), counted)):
                out.write(chunk)
    click.echo(f"Exported {counted['debates']} debates, {counted['nodes']} nodes.", err=True)


def _counting(document, counted: dict[str, int]):
    """The (name, value) pairs of `document`, counting in `counted` the entries of the sections it names."""
    for name, value in document:
        if name in counted:
            yield name, _counted_items(value, counted, name)
        else:
            yield name, value


def _counted_items(items, counted: dict[str, int], name: str):
    for item in items:
        counted[name] += 1
        yield item


@click.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format", "format_", type=click.Choice(sorted(IMPORTERS)), help="Detected from the file when not given."
)
@with_appcontext
def import_(path: Path, format_: str | None) -> None:
    """Import a map file as new debates, or restore a backup (export --all) into an empty database; one transaction."""
    loaded = _read_map(path, format_)
    migrate.upgrade(db.engine())
    if isinstance(loaded, backup.Backup):
        try:
            with db.write_session() as session:
                counts = backup.restore(session, loaded)
        except (backup.RestoreError, FormatError) as exc:
            raise click.ClickException(f"Nothing was restored.\n{exc}") from None
        db.analyze()
        click.echo(f"Restored {_counted(counts)} from {path.name}.")
        return
    points = len(loaded.outlines)
    try:
        with db.write_session() as session:
            debates = store.load_as_new(session, loaded)
    except FormatError as exc:
        raise click.ClickException(f"Nothing was imported.\n{exc}") from None
    db.analyze()
    for debate in debates:
        click.echo(f"Imported {debate.title!r} as /debates/{debate.slug} ({points} nodes).")


def _read_map(path: Path, format_: str | None) -> seeds.SeedSet | backup.Backup:
    """The map in `path`, checked whole: seeds to import as new debates, or a backup to restore. A backup is read
    whatever its size: it holds the whole site. The project's JSON is read as a stream, an entry at a time, twice
    (checked, then written: `mapdoc.validate_passes`), so that memory holds neither the file's text, nor its parsed
    whole, nor its points' seeds. Raises ClickException saying what is wrong and where."""
    with path.open(encoding="utf-8", errors="replace") as handle:
        head = handle.read(5000)
    if path.stat().st_size > MAX_IMPORT_BYTES and not mapdoc.looks_like_backup(head[:1000]):
        raise click.ClickException(f"{path.name} is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB.")

    def passes() -> Iterator[Section]:
        with path.open("rb") as handle:
            yield from jsonstream.sections(handle, path.name)

    try:
        if not _is_json_map(head, path.name, format_):
            return registry.read(registry.decode(path.read_bytes(), path.name), path.name, format_)
        seed_set, metadata = mapdoc.validate_passes(passes, path.name)
        if mapdoc.is_backup(metadata):
            return backup.with_state(seed_set, metadata.get(mapdoc.STATE, []), path.name)
        return seed_set
    except FormatError as exc:
        raise click.ClickException(f"Nothing was imported.\n{exc}") from None


def _is_json_map(head: str, name: str, format_: str | None) -> bool:
    """Whether a file starting with `head` is to be read as the project's JSON (told, or detected as registry does)."""
    if format_:
        return format_ == "json"
    try:
        return head.strip() != "" and registry.detect(head, name) == "json"
    except FormatError:
        return False


@click.command("gen-debate")
@click.option("--nodes", type=click.IntRange(2, 1_000_000), default=1000, show_default=True)
@click.option("--seed", "seed_", type=int, default=1, show_default=True, help="The same seed gives the same debate.")
@click.option("--slug", help="Lower-case letters, digits and hyphens. Default: generated-NODES-SEED.")
@with_appcontext
def gen_debate(nodes: int, seed_: int, slug: str | None) -> None:
    """Build a synthetic debate (varied depth and fan-out, ~3% cross-links, cited and themed) for measuring speed."""
    migrate.upgrade(db.engine())
    slug = slug or f"generated-{nodes}-{seed_}"
    if not SLUG.fullmatch(slug) or len(slug) > fields.KEY:
        raise click.BadParameter(
            f"{slug!r} is not a usable address: use lower-case letters, digits and hyphens, "
            f"starting with a letter or digit, at most {fields.KEY} characters.",
            param_hint="--slug",
        )
    if db.session().exec(select(Debate.id).where(Debate.slug == slug)).first() is not None:
        raise click.ClickException(f"A debate called {slug!r} exists already; choose another --slug or --seed.")
    with db.write_session() as session:
        debate = generate(session, nodes=nodes, seed=seed_, slug=slug)
    db.analyze()
    click.echo(f"Generated /debates/{debate.slug} with {nodes} points.")


@click.command("attach-text")
@click.argument("source_key")
@click.argument("path", type=click.Path(path_type=Path))
@with_appcontext
def attach_text(source_key: str, path: Path) -> None:
    """Attach a copy of a source's text (UTF-8, at most 5 MB), or replace the one attached, and check every quote
    citing the source against it. The copy is kept in the database and never shown whole."""
    migrate.upgrade(db.engine())
    source = db.session().exec(select(Source).where(Source.key == source_key)).first()
    if source is None:
        known = db.session().exec(select(Source.key).where(Source.key.is_not(None)).order_by(Source.key)).all()
        hint = (
            f" Known keys: {', '.join(known[:12])}{', …' if len(known) > 12 else ''}."
            if known
            else " There are no sources yet."
        )
        raise click.ClickException(f"There is no source with the key {source_key!r}.{hint}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise click.ClickException(f"{path} cannot be read: {exc.strerror or exc}.") from None
    try:
        text = quotecheck.read_text(data, path.name)
    except quotecheck.TextError as exc:
        raise click.ClickException(f"Nothing was attached. {exc}") from None
    with db.write_session() as session:
        done = quotecheck.attach(session, source=session.get(Source, source.id), text=text, name=path.name)
    verb = "Replaced the copy of" if done.replaced else "Attached a copy to"
    total = done.found + len(done.not_found)
    same = " (the same text as the copy it replaces)" if done.same_text else ""
    click.echo(f"{verb} {source_key!r} ({source.title}): {len(text):,} characters from {path.name}{same}.")
    click.echo(
        f"{done.found} of {total} {'quote' if total == 1 else 'quotes'} citing it "
        f"{'is' if done.found == 1 else 'are'} found word for word in the copy."
    )
    for citation in done.not_found:
        click.echo(f"  not found (point {citation.node_id}): {citation.quote[:160]!r}")


def init_app(app: Flask) -> None:
    for command in (init_db, seed, db_revision, create_user, export, import_, gen_debate, attach_text):
        app.cli.add_command(command)
