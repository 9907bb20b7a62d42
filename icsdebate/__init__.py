"""ICS Debate: the argument over England's integrated care systems, as navigable pro/con trees."""

from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import auth, config, db, pagecache, params, web
from .extensions import csrf, htmx, limiter

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: configuration, database, blueprints, error pages, headers and CLI."""
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    app.url_map.converters["id"] = app.url_map.converters["int"] = params.IdConverter  # one strict reading of ids
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(config.load(app.instance_path))
    if test_config:
        app.config.from_mapping(test_config)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = config.instance_secret_key(app.instance_path)

    if app.config["PROXIES"]:  # trust X-Forwarded-For/-Proto from that many proxies, so limits see real addresses
        proxies = app.config["PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    db.init_app(app)
    htmx.init_app(app)
    app.before_request(web.refuse_oversized)  # before CSRF protection parses the body
    app.before_request(params.refuse_control)
    pagecache.init_app(app)  # a kept page is served before anything else runs
    csrf.init_app(app)
    limiter.init_app(app)
    app.before_request(auth.load_user)

    from . import cli
    from .views import auth as auth_views
    from .views import browse, catalogue, edit, export, insight

    web.init_app(app)
    for blueprint in (browse.bp, catalogue.bp, auth_views.bp, edit.bp, export.bp, insight.bp):
        app.register_blueprint(blueprint)
    cli.init_app(app)
    return app
