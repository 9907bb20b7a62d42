"""A live server on loopback and a real Chromium driven by Playwright."""

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from ..conftest import ROOT, load_seeds

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = ROOT / "test-artifacts"


@pytest.fixture
def live_server(app):
    """The app with the shipped seeds, served on a free port until the test ends."""
    load_seeds(app, Path(os.environ.get("TEST_SEEDS", ROOT / "seeds")))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # a form sent with mistakes is answered 422 by design; Chromium logs every 4xx as a failed resource
    page.on(
        "console",
        lambda message: message.type == "error" and "status of 422" not in message.text and errors.append(message.text),
    )
    yield page
    context.close()
    assert not errors, f"the page reported errors: {errors}"


def screenshot(page, name: str) -> Path:
    SHOTS.mkdir(exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
