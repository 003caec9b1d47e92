"""Django settings, read entirely from the environment (see docs/configuration.md)."""

import hashlib
import hmac
import os
from pathlib import Path

import environ
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from kiosque import config

BASE_DIR = Path(__file__).resolve().parent
env = environ.Env()

KIOSQUE_ENV = config.kiosque_env(env.str("KIOSQUE_ENV", "dev"))
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
KIOSQUE_BASE_URL = env.str("KIOSQUE_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
KIOSQUE_PLATFORM_NAME = env.str("KIOSQUE_PLATFORM_NAME", "Kiosque")
KIOSQUE_ADMIN_PATH = env.str("KIOSQUE_ADMIN_PATH", "gestion/admin/").strip("/") + "/"
KIOSQUE_CAPTCHA_TEST_MODE = env.bool("KIOSQUE_CAPTCHA_TEST_MODE", default=False)
# Reverse proxies whose X-Forwarded-For is believed (addresses or networks).
KIOSQUE_TRUSTED_PROXIES = env.list("KIOSQUE_TRUSTED_PROXIES", default=[])
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
# Django's renderer, <select> and <input> written in Python (same markup): core/form_rendering.py
FORM_RENDERER = "kiosque.core.form_rendering.FormRenderer"
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

AUTH_USER_MODEL = "accounts.User"
# The one rule for "may this account authenticate now" and sign-in by login or e-mail.
AUTHENTICATION_BACKENDS = ["kiosque.accounts.backends.AccountBackend"]
# Not Django's Argon2PasswordHasher beside ours: same algorithm name, so Django would pick the
# later one to verify every argon2 hash, bypassing ours (and its hashing slot).
PASSWORD_HASHERS = [
    "kiosque.accounts.hashers.KiosqueArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
KIOSQUE_ARGON2_MEMORY_KIB = env.int("KIOSQUE_ARGON2_MEMORY_KIB", 19 * 1024)
# Password hashes computed at once per worker process (kiosque/accounts/hashers.py).
KIOSQUE_ARGON2_CONCURRENCY = env.int("KIOSQUE_ARGON2_CONCURRENCY", 1)
# The hashing threads' nice value above the process's (accounts/hashers.py); 0: same priority.
KIOSQUE_ARGON2_NICE = env.int("KIOSQUE_ARGON2_NICE", 10)
KIOSQUE_ARGON2_TIME_COST = env.int("KIOSQUE_ARGON2_TIME_COST", 2)
KIOSQUE_ARGON2_PARALLELISM = env.int("KIOSQUE_ARGON2_PARALLELISM", 1)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "kiosque.accounts.validators.PasswordPolicyValidator"},
    {"NAME": "kiosque.accounts.validators.PersonalDataValidator"},
    {"NAME": "kiosque.accounts.validators.FrenchCommonPasswordValidator"},
    {"NAME": "kiosque.accounts.validators.PasswordHistoryValidator"},
]

# Sign-in, passwords and sessions (kiosque.accounts; defaults in kiosque/accounts/conf.py)
KIOSQUE_SECOND_FACTOR_REQUIRED = env.bool("KIOSQUE_SECOND_FACTOR_REQUIRED", default=True)
KIOSQUE_PASSWORD_MIN_LENGTH = env.int("KIOSQUE_PASSWORD_MIN_LENGTH", 12)
KIOSQUE_PASSWORD_MIN_LOWER = env.int("KIOSQUE_PASSWORD_MIN_LOWER", 1)
KIOSQUE_PASSWORD_MIN_UPPER = env.int("KIOSQUE_PASSWORD_MIN_UPPER", 1)
KIOSQUE_PASSWORD_MIN_DIGITS = env.int("KIOSQUE_PASSWORD_MIN_DIGITS", 1)
KIOSQUE_PASSWORD_MIN_SPECIAL = env.int("KIOSQUE_PASSWORD_MIN_SPECIAL", 1)
KIOSQUE_PASSWORD_HISTORY = env.int("KIOSQUE_PASSWORD_HISTORY", 5)
KIOSQUE_PASSWORD_MAX_AGE_DAYS = env.int("KIOSQUE_PASSWORD_MAX_AGE_DAYS", 122)
KIOSQUE_PASSWORD_RESET_HOURS = env.int("KIOSQUE_PASSWORD_RESET_HOURS", 24)
KIOSQUE_LOGIN_DELAY_AFTER = env.int("KIOSQUE_LOGIN_DELAY_AFTER", 5)
KIOSQUE_LOGIN_DELAY_SECONDS = env.int("KIOSQUE_LOGIN_DELAY_SECONDS", 2)
KIOSQUE_LOGIN_DELAY_MAX_SECONDS = env.int("KIOSQUE_LOGIN_DELAY_MAX_SECONDS", 300)
KIOSQUE_LOGIN_LOCK_MINUTES = env.int("KIOSQUE_LOGIN_LOCK_MINUTES", 15)
KIOSQUE_LOGIN_IP_DELAY_AFTER = env.int("KIOSQUE_LOGIN_IP_DELAY_AFTER", 20)
# Rate limits by name, e.g. "registration.submit=60/1h,login.ip=200/24h" (defaults and
# names: RATES in kiosque/core/ratelimit.py and docs/configuration.md).
KIOSQUE_RATE_LIMITS = env.dict("KIOSQUE_RATE_LIMITS", default={})
KIOSQUE_SESSION_IDLE_SECONDS = env.int("KIOSQUE_SESSION_IDLE_SECONDS", 4 * 3600)
KIOSQUE_SESSION_ABSOLUTE_SECONDS = env.int("KIOSQUE_SESSION_ABSOLUTE_SECONDS", 12 * 3600)

if "EMAIL_URL" in os.environ and os.environ["EMAIL_URL"]:
    vars().update(env.email_url("EMAIL_URL"))
    EMAIL_TIMEOUT = env.int("KIOSQUE_EMAIL_TIMEOUT", 15)
else:
    EMAIL_BACKEND = "kiosque.mail.backends.DevMailboxBackend"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", "ne-pas-repondre@kiosque.localhost")
# The dev mailbox shows every mail "sent" (temporary passwords, codes, reset links). On in dev;
# elsewhere off unless KIOSQUE_DEV_MAILBOX=1, and then for signed-in staff only (mail/views.py).
KIOSQUE_DEV_MAILBOX = env.bool("KIOSQUE_DEV_MAILBOX", default=KIOSQUE_ENV == "dev")

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
SESSION_COOKIE_AGE = KIOSQUE_SESSION_ABSOLUTE_SECONDS
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

# Registration captcha (ALTCHA proof of work): signing key, cost (PBKDF2 iterations per attempt)
# and lifetime of a challenge. The key defaults to one derived from SECRET_KEY.
KIOSQUE_CAPTCHA_HMAC_KEY = (
    env.str("KIOSQUE_CAPTCHA_HMAC_KEY", "")
    or hmac.new(SECRET_KEY.encode(), b"kiosque.registration.captcha", hashlib.sha256).hexdigest()
)
KIOSQUE_CAPTCHA_COST = env.int("KIOSQUE_CAPTCHA_COST", 5000)
KIOSQUE_CAPTCHA_SECONDS = env.int("KIOSQUE_CAPTCHA_SECONDS", 1200)

KIOSQUE_MAIL_POLL_SECONDS = env.float("KIOSQUE_MAIL_POLL_SECONDS", 1.0)
KIOSQUE_MAIL_BATCH_SIZE = env.int("KIOSQUE_MAIL_BATCH_SIZE", 50)
# 1: each accepted message is marked sent at once, so a killed worker can resend only the
# message in flight (the boundary SMTP itself forces). Larger values mark in groups (less CPU
# per message, up to that many resent after a crash): kiosque/mail/delivery.py.
KIOSQUE_MAIL_MARK_EVERY = env.int("KIOSQUE_MAIL_MARK_EVERY", 1)
KIOSQUE_MAIL_MARK_MAX_DELAY_SECONDS = env.float("KIOSQUE_MAIL_MARK_MAX_DELAY_SECONDS", 0.2)
KIOSQUE_MAIL_LEASE_SECONDS = env.int("KIOSQUE_MAIL_LEASE_SECONDS", 300)
KIOSQUE_MAIL_MAX_ATTEMPTS = env.int("KIOSQUE_MAIL_MAX_ATTEMPTS", 30)
KIOSQUE_MAIL_RETRY_BASE_SECONDS = env.int("KIOSQUE_MAIL_RETRY_BASE_SECONDS", 30)
KIOSQUE_MAIL_RETRY_MAX_SECONDS = env.int("KIOSQUE_MAIL_RETRY_MAX_SECONDS", 3600)
KIOSQUE_MAIL_BODY_RETENTION_DAYS = env.int("KIOSQUE_MAIL_BODY_RETENTION_DAYS", 30)
KIOSQUE_DEV_MAILBOX_RETENTION_DAYS = env.int("KIOSQUE_DEV_MAILBOX_RETENTION_DAYS", 30)
# Back-office (issue 4): temporary password of a new account, "complément" link lifetime.
KIOSQUE_TEMPORARY_PASSWORD_DAYS = env.int("KIOSQUE_TEMPORARY_PASSWORD_DAYS", 7)
KIOSQUE_CORRECTION_TOKEN_DAYS = env.int("KIOSQUE_CORRECTION_TOKEN_DAYS", 14)

# OpenID Connect provider and Pro Santé Connect sign-in (kiosque.oidc).
# Read through kiosque/oidc/app_settings.py (defaults there, list in docs/configuration.md).
KIOSQUE_OIDC_CODE_SECONDS = env.int("KIOSQUE_OIDC_CODE_SECONDS", 60)
KIOSQUE_OIDC_ACCESS_TOKEN_SECONDS = env.int("KIOSQUE_OIDC_ACCESS_TOKEN_SECONDS", 900)
KIOSQUE_OIDC_ID_TOKEN_SECONDS = env.int("KIOSQUE_OIDC_ID_TOKEN_SECONDS", 900)
KIOSQUE_OIDC_REFRESH_TOKEN_SECONDS = env.int("KIOSQUE_OIDC_REFRESH_TOKEN_SECONDS", 4 * 3600)
KIOSQUE_OIDC_TOKEN_HASH_KEY = env.str("KIOSQUE_OIDC_TOKEN_HASH_KEY", "")
KIOSQUE_OIDC_KEYS_DIR = Path(env.str("KIOSQUE_OIDC_KEYS_DIR", str(DATA_DIR / "oidc-keys")))
KIOSQUE_PSC_ISSUER = env.str("KIOSQUE_PSC_ISSUER", "").rstrip("/")
KIOSQUE_PSC_CLIENT_ID = env.str("KIOSQUE_PSC_CLIENT_ID", "")
KIOSQUE_PSC_CLIENT_SECRET = env.str("KIOSQUE_PSC_CLIENT_SECRET", "")
KIOSQUE_PSC_SCOPE = env.str("KIOSQUE_PSC_SCOPE", "openid scope_all")
KIOSQUE_PSC_ACR_VALUES = env.str("KIOSQUE_PSC_ACR_VALUES", "eidas1")
# Where the DCC demo relying party (examples/dcc_demo) answers: `kiosque devserver` starts it
# there, and `kiosque demo` points the DCC's tile and OpenID Connect client at it.
KIOSQUE_DCC_DEMO_URL = env.str("KIOSQUE_DCC_DEMO_URL", "http://127.0.0.1:8001").rstrip("/")

# Second factors (kiosque.mfa)
KIOSQUE_MAIL_CODE_SECONDS = env.int("KIOSQUE_MAIL_CODE_SECONDS", 1200)
KIOSQUE_STAFF_REQUIRE_TOTP = env.bool("KIOSQUE_STAFF_REQUIRE_TOTP", default=False)
# Passkeys (WebAuthn; defaults and meaning in kiosque/mfa/conf.py and docs/configuration.md)
KIOSQUE_PASSKEY_RP_ID = env.str("KIOSQUE_PASSKEY_RP_ID", "")
KIOSQUE_PASSKEY_RP_NAME = env.str("KIOSQUE_PASSKEY_RP_NAME", "Kiosque")
KIOSQUE_PASSKEY_ORIGINS = env.list("KIOSQUE_PASSKEY_ORIGINS", default=[])
KIOSQUE_PASSKEY_CHALLENGE_SECONDS = env.int("KIOSQUE_PASSKEY_CHALLENGE_SECONDS", 300)
KIOSQUE_PASSKEY_ALLOWED_AAGUIDS = env.list("KIOSQUE_PASSKEY_ALLOWED_AAGUIDS", default=[])

# Logs (kiosque.core.observability): plain text, or JSON lines with KIOSQUE_LOG_FORMAT=json;
# every record carries the request id (X-Request-ID) and path of its request.
KIOSQUE_LOG_FORMAT = env.str("KIOSQUE_LOG_FORMAT", "plain")
KIOSQUE_METRICS_TOKEN = env.str("KIOSQUE_METRICS_TOKEN", "")
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
            "formatter": "json" if KIOSQUE_LOG_FORMAT == "json" else "plain",
            "filters": ["request"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("KIOSQUE_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
