"""Fixtures: an app on a real database (SQLite file, or PostgreSQL when TEST_DATABASE_URL is set)."""

import os
import re
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import SQLModel

from icsdebate import create_app, db, migrate, seeds
from icsdebate.models import Source, Voice

from .factories import ids

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parent.parent
ARGDOWN = ROOT / "node_modules" / ".bin" / "argdown"  # the Argdown CLI, installed by npm ci


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        engine = db.make_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


def _empty_tables(engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("UPDATE debate SET thesis_id = NULL"))
        for table in reversed(SQLModel.metadata.sorted_tables):
            if table.name not in ("contentversion", "debateversion"):  # like a real database, versions only go up
                connection.execute(table.delete())


@pytest.fixture
def app(database_url):
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret", "PAGE_SIZE": 5})
    engine = app.extensions["engine"]
    migrate.upgrade(engine)
    yield app
    _empty_tables(engine)
    engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def load_seeds(app, folder: Path) -> seeds.SeedSet:
    """Read and load a seed folder into the app's database."""
    seed_set = seeds.read(folder)
    with app.app_context(), db.write_session() as session:
        seeds.load(session, seed_set)
    return seed_set


@pytest.fixture
def mini(app):
    """The app with the tiny test map loaded; returns node ids by seed key."""
    load_seeds(app, FIXTURES / "seeds")
    with app.app_context():
        rows = db.session().exec(text("SELECT key, id FROM node")).all()
    return dict(rows)


PASSWORD = "plover tungsten marmalade"


def make_user(app, name: str, role: str = "contributor"):
    from icsdebate import auth

    with app.app_context(), db.write_session() as session:
        return auth.create_user(session, name=name, password=PASSWORD, role=role).id


def csrf_token(client) -> str:
    """A CSRF token for the client's session, as a page would embed it."""
    html = client.get("/signin").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def sign_in(client, name: str) -> str:
    token = csrf_token(client)
    response = client.post("/signin", data={"name": name, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)
    return csrf_token(client)


@pytest.fixture
def users(app):
    return {role: make_user(app, f"{role}-user", role) for role in ("contributor", "moderator", "admin")}


@pytest.fixture
def form(app, mini):
    """A valid 'add an opposing claim' form for the mini map."""
    voice = ids(app, Voice, Voice.key == "ham")[0]
    source = ids(app, Source, Source.key == "kf")[0]
    return {
        "relation": "opposes",
        "kind": "claim",
        "title": "Boards answer to NHS England",
        "annotation": "See *the long read*.",
        "voice": str(voice),
        "source": str(source),
        "quote": "NHS organisations continue to look upwards",
        "locator": "section: Accountability",
    }
