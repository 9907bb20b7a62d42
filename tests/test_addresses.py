"""Addresses built for templates are remembered (web.remembered_url_for), and a remembered address is always the
one url_for builds."""

from flask import render_template_string, url_for
from markupsafe import Markup

from icsdebate import create_app
from icsdebate.web import _LONGEST


def remembered_url_for(endpoint: str, **values) -> str:
    """The address a template builds for `endpoint` with `values`, through the url_for pages call."""
    built = render_template_string("{{ url_for(endpoint, **values) }}", endpoint=endpoint, values=values)
    return Markup(built).unescape()


def test_a_remembered_address_is_the_one_url_for_builds_whatever_the_values_type(app):
    calls = [
        ("browse.children", {"node_id": 3, "relation": "supports", "page": 1}),
        ("browse.children", {"node_id": 3, "relation": "supports", "page": True}),
        ("browse.children", {"node_id": 3, "relation": "supports", "page": 2}),
        ("browse.children", {"node_id": 3, "relation": "supports", "page": 2.0}),
        ("browse.children", {"node_id": 3, "relation": "supports", "page": 2, "still": None}),
        ("browse.children", {"node_id": 3, "relation": "supports", "still": 1, "page": 2}),
        ("catalogue.sources", {}),
        ("static", {"filename": "css/site.css"}),
    ]
    with app.test_request_context("/"):
        for _ in range(2):  # built, then remembered
            for endpoint, values in calls:
                assert remembered_url_for(endpoint, **values) == url_for(endpoint, **values), (endpoint, values)


def test_long_values_are_not_remembered_and_each_app_remembers_its_own(app):
    remembered = app.extensions["addresses"]
    with app.test_request_context("/"):
        before = remembered.cache_info().currsize
        for n in range(50):
            address = remembered_url_for("auth.signin", next="/" + str(n) * (_LONGEST + 1))
            assert address.startswith("/signin?next=")
        assert remembered.cache_info().currsize == before
        remembered_url_for("auth.signin", next="/sources")
        assert remembered.cache_info().currsize == before + 1
    other = create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": "other"})
    assert other.extensions["addresses"] is not remembered
