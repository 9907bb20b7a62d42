"""Flask commands: init-db, seed, db-revision."""
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from sqlmodel import select

from . import auth, db, migrate, seeds
from .models import ROLES, Debate


@click.command("init-db")
@with_appcontext
def init_db() -> None:
    """Create or upgrade the database schema (Alembic migrations)."""
    migrate.upgrade(db.engine())
    click.echo("Database schema is up to date.")


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
        raise click.ClickException(f"The seeds in {folder} cannot be loaded:\n  " + "\n  ".join(exc.problems))
    if check:
        click.echo(f"Seeds OK: {len(seed_set.debates)} debates, {len(seed_set.nodes)} nodes.")
        return
    migrate.upgrade(db.engine())
    if if_empty and db.session().exec(select(Debate.id)).first() is not None:
        click.echo("The database already holds debates: not seeding.")
        return
    with db.write_session() as session:
        counts = seeds.load(session, seed_set)
    click.echo("Seeded " + ", ".join(f"{n} {what}" for what, n in counts.items()) + ".")


@click.command("db-revision")
@with_appcontext
@click.argument("message")
def db_revision(message: str) -> None:
    """Write a new migration from the models (for developers)."""
    migrate.revision(db.engine(), message)


@click.command("create-user")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), default="contributor", show_default=True)
@click.password_option(help="The password (asked for when not given).")
@with_appcontext
def create_user(name: str, role: str, password: str) -> None:
    """Create an account, for example the first admin."""
    migrate.upgrade(db.engine())
    try:
        with db.write_session() as session:
            auth.create_user(session, name=name, password=password, role=role)
    except ValueError as exc:
        raise click.ClickException(str(exc))
    click.echo(f"Created {role} {name}.")


def init_app(app: Flask) -> None:
    for command in (init_db, seed, db_revision, create_user):
        app.cli.add_command(command)
