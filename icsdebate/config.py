"""Configuration defaults, overridden from the environment."""

import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def instance_secret_key(instance_path: str) -> str:
    """A random key kept in instance/, for when SECRET_KEY is not set."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def load(instance_path: str) -> dict:
    """Defaults for an app whose instance folder is `instance_path`."""
    database = Path(instance_path) / "icsdebate.db"
    return {
        "SECRET_KEY": os.environ.get("SECRET_KEY"),
        "DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite:///{database}"),
        "SEEDS_DIR": os.environ.get("SEEDS_DIR", str(ROOT / "seeds")),
        "PAGE_SIZE": int(os.environ.get("PAGE_SIZE", "10")),  # cards per column before "Show more"
        "PAGE_CACHE_PAGES": int(os.environ.get("PAGE_CACHE_PAGES", "2000")),  # kept per process; 0: off
        # seconds a worker trusts a debate's content version before reading it again (0: read it every request);
        # a write in this process is seen at once, a write in another worker or machine within this time
        "PAGE_CACHE_RECHECK_SECONDS": float(os.environ.get("PAGE_CACHE_RECHECK_SECONDS", "1")),
        "CACHE_REDIS_URL": os.environ.get("CACHE_REDIS_URL", ""),  # redis://host:6379/1: one page cache for all
        "LIST_SIZE": int(os.environ.get("LIST_SIZE", "20")),  # points per page of a source, voice, theme or group
        "MAX_CONTENT_LENGTH": 5 * 1024 * 1024,  # imports; ordinary form fields stop at MAX_FORM_MEMORY_SIZE
        "MAX_FORM_MEMORY_SIZE": 500 * 1024,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": os.environ.get("SESSION_COOKIE_SECURE") == "1",
        "SQL_ECHO": False,
        "SIGNUP_OPEN": os.environ.get("SIGNUP_OPEN", "1") == "1",
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_ENABLED": True,  # stated, not left to the shared limiter, which keeps the last app's setting
        "RATELIMIT_HEADERS_ENABLED": True,
        "WRITE_LIMIT": os.environ.get("WRITE_LIMIT", "60 per minute"),
        "WTF_CSRF_TIME_LIMIT": None,
        "WTF_CSRF_HEADERS": ["X-CSRFToken"],
        "PERMANENT_SESSION_LIFETIME": 60 * 60 * 24 * 14,
        "PROXIES": int(os.environ.get("PROXIES", "0")),  # reverse proxies in front that set X-Forwarded-*
    }
