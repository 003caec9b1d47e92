"""Reading the configuration contract (DESIGN.md) from the environment.

Kept apart from settings.py so that the rules (generated dev secrets, what production
refuses) are plain functions the tests can call with any environment.
"""

import copy
import secrets
from pathlib import Path

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

ENVIRONMENTS = ("dev", "formation", "production")
INSECURE_SECRET_PREFIXES = ("django-insecure", "changeme", "dev-")


def kiosque_env(value: str) -> str:
    if value not in ENVIRONMENTS:
        raise ImproperlyConfigured(
            f"KIOSQUE_ENV={value!r} is not valid: choose one of {', '.join(ENVIRONMENTS)}."
        )
    return value


def generated_secret(data_dir: Path, name: str, factory) -> str:
    """A secret kept in the data dir so it survives restarts of a dev or training instance."""
    path = data_dir / name
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    value = factory()
    path.write_text(value + "\n")
    path.chmod(0o600)
    return value


def new_secret_key() -> str:
    return secrets.token_urlsafe(50)


def new_field_key() -> str:
    return Fernet.generate_key().decode()


def cookie_name(name: str, *, secure: bool) -> str:
    """`__Host-<name>` for a Secure cookie (ASVS 3.4.4), the plain name otherwise.

    Browsers accept a `__Host-` cookie only when it is Secure, has Path=/ and no Domain: the
    prefix pins the cookie to this very host (a sibling sub-domain cannot plant or overwrite
    it). Over plain-http dev the cookie cannot be Secure, so the prefix would make browsers
    drop it: dev keeps the plain name.
    """
    return f"__Host-{name}" if secure else name


def production_problems(env: dict) -> list[str]:
    """Every reason a production start must be refused, each naming its variable."""
    problems = []
    secret = env.get("SECRET_KEY", "")
    if not secret:
        problems.append("SECRET_KEY must be set in production.")
    elif len(secret) < 50 or secret.startswith(INSECURE_SECRET_PREFIXES):
        problems.append("SECRET_KEY is too weak for production: use 50 random characters or more.")
    if not env.get("ALLOWED_HOSTS"):
        problems.append("ALLOWED_HOSTS must list the public host names in production.")
    if not env.get("EMAIL_URL"):
        problems.append("EMAIL_URL must point to the SMTP relay in production.")
    if not env.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        problems.append("DATABASE_URL must be a PostgreSQL URL in production.")
    if not env.get("KIOSQUE_FIELD_KEYS"):
        problems.append("KIOSQUE_FIELD_KEYS must be set in production (keys for secrets at rest).")
    if not env.get("KIOSQUE_BASE_URL", "").startswith("https://"):
        problems.append("KIOSQUE_BASE_URL must be an https:// URL in production.")
    if env.get("DEBUG", "").lower() in ("1", "true", "yes", "on"):
        problems.append("DEBUG must be off in production.")
    if env.get("KIOSQUE_CAPTCHA_TEST_MODE", "").lower() in ("1", "true", "yes", "on"):
        problems.append("KIOSQUE_CAPTCHA_TEST_MODE must not be set in production.")
    return problems


def refuse_insecure_production(env: dict) -> None:
    problems = production_problems(env)
    if problems:
        raise ImproperlyConfigured(
            "KIOSQUE_ENV=production refuses to start:\n- " + "\n- ".join(problems)
        )


# Typed app settings (the pattern of django-allauth's `app_settings`): each app declares its
# settings once, with their defaults, in `<app>/app_settings.py`; code reads them there, and the
# value is looked up in Django's settings at each read, so a test's `settings` fixture is seen.

DERIVED = object()  # no default of its own: settings.py computes it (see docs/architecture.md)


class Setting:
    """One app setting: `KIOSQUE_<NAME>`, its default and how the environment spells it.

    `item` casts the items of a list read from the environment; `clean` normalizes a value
    read from the environment (e.g. a trailing slash).
    """

    def __init__(self, default=DERIVED, *, item=str, clean=None):
        self.default = default
        self.item = item
        self.clean = clean
        self.name = ""

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        key = instance.prefix + self.name
        if self.default is DERIVED:
            return getattr(settings, key)
        return getattr(settings, key, self.default)

    def read(self, env, key: str):
        """The value of `key` in the environment `env` (django-environ), else the default."""
        if not env.str(key, ""):
            return copy.copy(self.default)  # a list or dict of its own, not the declaration's
        kind = type(self.default)
        if kind is bool:
            value = env.bool(key)
        elif kind is int:
            value = env.int(key)
        elif kind is float:
            value = env.float(key)
        elif kind in (list, tuple):
            value = env.list(key, cast=self.item)
        elif kind is dict:
            value = env.dict(key)
        else:
            value = env.str(key)
        return self.clean(value) if self.clean else value


class AppSettings:
    """An app's settings: `Setting` attributes, read live from Django's settings."""

    prefix = "KIOSQUE_"

    @classmethod
    def declared(cls) -> dict[str, Setting]:
        """Every setting of the class, by its full name (`KIOSQUE_…`)."""
        found = {}
        for klass in reversed(cls.__mro__):
            for value in vars(klass).values():
                if isinstance(value, Setting):
                    found[cls.prefix + value.name] = value
        return found

    @classmethod
    def from_environment(cls, env) -> dict:
        """The Django settings of this app read from the environment, defaults filled in.

        Derived settings (no default of their own) are left to settings.py.
        """
        return {
            key: setting.read(env, key)
            for key, setting in cls.declared().items()
            if setting.default is not DERIVED
        }
