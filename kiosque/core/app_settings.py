"""The project-wide settings, with their defaults (docs/configuration.md lists them all).

Read them here: `from kiosque.core import app_settings; app_settings.BASE_URL`.
"""

from kiosque.config import AppSettings, Setting


class CoreSettings(AppSettings):
    # dev, formation (training base) or production: kiosque.config.kiosque_env checks it.
    ENV = Setting("dev")
    # Absolute links in e-mails and the OpenID Connect issuer (never the request's Host).
    BASE_URL = Setting("http://127.0.0.1:8000", clean=lambda url: url.rstrip("/"))
    PLATFORM_NAME = Setting("Kiosque")
    ADMIN_PATH = Setting("gestion/admin/", clean=lambda path: path.strip("/") + "/")
    # Reverse proxies whose X-Forwarded-For is believed (addresses or networks).
    TRUSTED_PROXIES = Setting([])
    # Fernet keys of the secrets at rest, newest first; settings.py generates one in dev.
    FIELD_KEYS = Setting()
    # Rate limits by name, e.g. {"registration.submit": "60/1h"} (RATES in core/ratelimit.py).
    RATE_LIMITS = Setting({})
    # plain, or json: one JSON object per log line (settings.py builds LOGGING with it).
    LOG_FORMAT = Setting("plain")
    # Bearer token of /metrics; empty: /metrics answers 403 to everyone.
    METRICS_TOKEN = Setting("")


_settings = CoreSettings()


def __getattr__(name: str):
    return getattr(_settings, name)
