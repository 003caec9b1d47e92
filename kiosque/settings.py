"""Django settings, read entirely from the environment (see docs/configuration.md)."""

import hashlib
import hmac
import os
from pathlib import Path

import environ
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from kiosque import config
from kiosque.accounts.app_settings import AccountsSettings
from kiosque.core.app_settings import CoreSettings
from kiosque.mail.app_settings import MailSettings
from kiosque.mfa.app_settings import MfaSettings
from kiosque.oidc.app_settings import DemoSettings, OidcSettings, PscSettings
from kiosque.professionals.app_settings import ProfessionalsSettings
from kiosque.registration.app_settings import RegistrationSettings

BASE_DIR = Path(__file__).resolve().parent
env = environ.Env()

# Each app's settings (KIOSQUE_*): declared once, with their defaults, in <app>/app_settings.py;
# here each is read from its environment variable, the declared default filling in. Only the
# derived ones (no default of their own) are computed below. See docs/architecture.md.
APP_SETTINGS = [
    CoreSettings,
    AccountsSettings,
    MfaSettings,
    MailSettings,
    RegistrationSettings,
    ProfessionalsSettings,
    OidcSettings,
    PscSettings,
    DemoSettings,
]
for _app in APP_SETTINGS:
    globals().update(_app.from_environment(env))

KIOSQUE_ENV = config.kiosque_env(globals()["KIOSQUE_ENV"])
if KIOSQUE_ENV == "production":
    config.refuse_insecure_production(os.environ)

DATA_DIR = Path(env.str("KIOSQUE_DATA_DIR", "./var")).resolve()
DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", "") or config.generated_secret(
    DATA_DIR, "secret_key", config.new_secret_key
)
KIOSQUE_FIELD_KEYS = env.list("KIOSQUE_FIELD_KEYS", default=[]) or [
    config.generated_secret(DATA_DIR, "field_key", config.new_field_key)
]
KIOSQUE_BASE_URL = globals()["KIOSQUE_BASE_URL"]
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[KIOSQUE_BASE_URL])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "kiosque.core",
    "kiosque.accounts",
    "kiosque.mfa",
    "kiosque.professionals",
    "kiosque.audit",
    "kiosque.mail",
    "kiosque.directory",
    "kiosque.registration",
    "kiosque.portal",
    "kiosque.backoffice",
    "kiosque.oidc",
]

MIDDLEWARE = [
    "kiosque.core.proxy.TrustedProxyMiddleware",
    "kiosque.core.observability.middleware.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "kiosque.core.middleware.PermissionsPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",  # before WhiteNoise: static too
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "kiosque.accounts.middleware.SessionTimeoutMiddleware",
    "kiosque.core.middleware.DatabaseUnavailableMiddleware",
    "kiosque.core.middleware.RejectNullBytesMiddleware",
    "kiosque.core.content_types.FormContentTypeMiddleware",  # last: before CSRF and views
]

ROOT_URLCONF = "kiosque.urls"
# Django's template renderer, one project field template (core/templates/core/field.html)
FORM_RENDERER = "kiosque.core.forms_renderer.FormRenderer"
WSGI_APPLICATION = "kiosque.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kiosque.core.context_processors.platform",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'kiosque.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Tests use a file, not a shared in-memory database: concurrent transactions (race tests
    # with threads) then wait on SQLite's lock as in production instead of failing at once.
    # One file per process: parallel test runs never share it.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / f"test_kiosque_{os.getpid()}.sqlite3")}
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("KIOSQUE_DB_CONN_MAX_AGE", 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if env.bool("KIOSQUE_DB_PREPARED_STATEMENTS", True):
        # Server-side binding, and psycopg prepares a statement at its second run on a
        # connection: PostgreSQL then plans the hot statements (token lookups, grants) once per
        # connection instead of at every request (1.0 ms of planning for userinfo's one
        # statement, docs/benchmarks.md). Off behind a pooler in transaction mode (PgBouncer).
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            server_side_binding=True, prepare_threshold=2
        )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "kiosque",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The cache of `{% cache %}`: the layout's fixed parts (navigation, footer, the login page's
# fixed parts), the same for every visitor of a language, and fragments whose key names
# everything they show (the portal's tiles). Each process keeps its own copy, never expiring
# (the code and the translations change only with a restart), and a page never waits on Redis.
CACHES["template_fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "kiosque-template-fragments",
    "TIMEOUT": None,
    "OPTIONS": {"MAX_ENTRIES": 2000},
}

AUTH_USER_MODEL = "accounts.User"
# The one rule for "may this account authenticate now" and sign-in by login or e-mail.
AUTHENTICATION_BACKENDS = ["kiosque.accounts.backends.AccountBackend"]
# Not Django's Argon2PasswordHasher beside ours: same algorithm name, so Django would pick the
# later one to verify every argon2 hash, bypassing ours (and its hashing slot).
PASSWORD_HASHERS = [
    "kiosque.accounts.hashers.KiosqueArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "kiosque.accounts.validators.PasswordPolicyValidator"},
    {"NAME": "kiosque.accounts.validators.PersonalDataValidator"},
    {"NAME": "kiosque.accounts.validators.FrenchCommonPasswordValidator"},
    {"NAME": "kiosque.accounts.validators.PasswordHistoryValidator"},
]

if "EMAIL_URL" in os.environ and os.environ["EMAIL_URL"]:
    vars().update(env.email_url("EMAIL_URL"))
    EMAIL_TIMEOUT = env.int("KIOSQUE_EMAIL_TIMEOUT", 15)
else:
    EMAIL_BACKEND = "kiosque.mail.backends.DevMailboxBackend"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", "ne-pas-repondre@kiosque.localhost")
# The dev mailbox shows every mail "sent" (temporary passwords, codes, reset links). On in dev;
# elsewhere off unless KIOSQUE_DEV_MAILBOX=1, and then for signed-in staff only (mail/views.py).
KIOSQUE_DEV_MAILBOX = env.bool("KIOSQUE_DEV_MAILBOX", default=KIOSQUE_ENV == "dev")  # derived

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise expects it; collectstatic fills it
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"

LOGIN_URL = "/connexion/"
LOGIN_REDIRECT_URL = "/applications/"
# Django's own database sessions: they hold across nodes and without Redis.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
# The cookie ends with the browser session (no Max-Age: Django's default kept it 14 days); the
# stored session itself expires after the absolute limit, the most a sign-in lasts anyway.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = globals()["KIOSQUE_SESSION_ABSOLUTE_SECONDS"]
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_COOKIES = env.bool("KIOSQUE_SECURE_COOKIES", default=KIOSQUE_ENV != "dev")
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
# `__Host-` prefix when Secure (ASVS 3.4.4); it also needs Path=/ and no Domain, which are
# Django's defaults and are never set here (SESSION/CSRF_COOKIE_PATH, _DOMAIN).
SESSION_COOKIE_NAME = config.cookie_name("kiosque_session", secure=SECURE_COOKIES)
CSRF_COOKIE_NAME = config.cookie_name("csrftoken", secure=SECURE_COOKIES)
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "kiosque.core.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if KIOSQUE_ENV != "dev":
    SECURE_HSTS_SECONDS = env.int("KIOSQUE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

# Registration captcha (ALTCHA proof of work): the signing key defaults to one derived from
# SECRET_KEY (derived).
KIOSQUE_CAPTCHA_HMAC_KEY = (
    env.str("KIOSQUE_CAPTCHA_HMAC_KEY", "")
    or hmac.new(SECRET_KEY.encode(), b"kiosque.registration.captcha", hashlib.sha256).hexdigest()
)

# OpenID Connect provider, Pro Santé Connect and the DCC demo: kiosque/oidc/app_settings.py
# (read from the environment with the other app settings above); only the keys' folder is
# derived here, from the data dir.
KIOSQUE_OIDC_KEYS_DIR = Path(env.str("KIOSQUE_OIDC_KEYS_DIR", str(DATA_DIR / "oidc-keys")))

# Logs (kiosque.core.observability): plain text, or JSON lines with KIOSQUE_LOG_FORMAT=json;
# every record carries the request id (X-Request-ID) and path of its request.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": "kiosque.core.observability.logs.RequestContextFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "kiosque.core.observability.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if globals()["KIOSQUE_LOG_FORMAT"] == "json" else "plain",
            "filters": ["request"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("KIOSQUE_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
