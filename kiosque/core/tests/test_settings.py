import pytest
from django.core.exceptions import ImproperlyConfigured

from kiosque import config
from kiosque.testing.processes import clean_env, run_kiosque

STRONG_SECRET = "x" * 64
GOOD_PRODUCTION = {
    "SECRET_KEY": STRONG_SECRET,
    "ALLOWED_HOSTS": "portail.example.fr",
    "EMAIL_URL": "smtp://127.0.0.1:2525",
    "DATABASE_URL": "postgres://kiosque@127.0.0.1:5432/kiosque",
    "KIOSQUE_FIELD_KEYS": "Z2VuZXJhdGVkLWtleS1mb3ItdGVzdHMtb25seS0xMjM0NTY=",
    "KIOSQUE_BASE_URL": "https://portail.example.fr",
}


@pytest.mark.parametrize(
    ("missing", "named"),
    [
        ("SECRET_KEY", "SECRET_KEY"),
        ("ALLOWED_HOSTS", "ALLOWED_HOSTS"),
        ("EMAIL_URL", "EMAIL_URL"),
        ("DATABASE_URL", "DATABASE_URL"),
        ("KIOSQUE_FIELD_KEYS", "KIOSQUE_FIELD_KEYS"),
    ],
)
def test_production_names_each_missing_variable(missing, named):
    env = {k: v for k, v in GOOD_PRODUCTION.items() if k != missing}
    problems = config.production_problems(env)
    assert len(problems) == 1
    assert named in problems[0]


def test_production_refuses_debug_weak_secret_sqlite_and_captcha_test_mode():
    env = dict(
        GOOD_PRODUCTION,
        DEBUG="true",
        SECRET_KEY="django-insecure-" + "a" * 50,
        DATABASE_URL="sqlite:///x.db",
        KIOSQUE_CAPTCHA_TEST_MODE="1",
    )
    joined = "\n".join(config.production_problems(env))
    for variable in ("DEBUG", "SECRET_KEY", "DATABASE_URL", "KIOSQUE_CAPTCHA_TEST_MODE"):
        assert variable in joined


def test_complete_production_configuration_is_accepted():
    assert config.production_problems(GOOD_PRODUCTION) == []
    config.refuse_insecure_production(GOOD_PRODUCTION)


def test_unknown_environment_is_refused():
    with pytest.raises(ImproperlyConfigured, match="KIOSQUE_ENV"):
        config.kiosque_env("staging")


def test_dev_secrets_are_generated_once_into_the_data_dir(tmp_path):
    first = config.generated_secret(tmp_path, "secret_key", config.new_secret_key)
    second = config.generated_secret(tmp_path, "secret_key", config.new_secret_key)
    assert first == second and len(first) >= 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


@pytest.mark.slow
def test_production_start_is_refused_with_a_message_naming_the_variable(tmp_path):
    env = clean_env(tmp_path, KIOSQUE_ENV="production", **GOOD_PRODUCTION)
    del env["EMAIL_URL"]
    result = run_kiosque("check", env=env)
    assert result.returncode != 0
    assert "KIOSQUE_ENV=production refuses to start" in result.stderr
    assert "EMAIL_URL must point to the SMTP relay in production." in result.stderr


@pytest.mark.slow
def test_environment_parsing_reaches_django_settings(tmp_path):
    env = clean_env(
        tmp_path,
        KIOSQUE_ENV="formation",
        ALLOWED_HOSTS="a.example.fr,b.example.fr",
        KIOSQUE_BASE_URL="https://formation.example.fr/",
        EMAIL_URL="smtp+tls://user:pw@relay.example.fr:587",
        REDIS_URL="redis://127.0.0.1:6379/3",
    )
    code = (
        "from django.conf import settings as s;"
        "print(s.ALLOWED_HOSTS, s.KIOSQUE_BASE_URL, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS,"
        " s.CACHES['default']['BACKEND'].rsplit('.',1)[1], s.SESSION_COOKIE_SECURE,"
        " s.DATABASES['default']['ENGINE'].rsplit('.',1)[1], s.KIOSQUE_DEV_MAILBOX)"
    )
    result = run_kiosque("shell", "--no-imports", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "['a.example.fr',",
        "'b.example.fr']",
        "https://formation.example.fr",
        "relay.example.fr",
        "587",
        "True",
        "RedisCache",
        "True",
        "sqlite3",
        "False",  # the dev mailbox: off outside dev unless KIOSQUE_DEV_MAILBOX says otherwise
    ]
    assert (tmp_path / "secret_key").exists() and (tmp_path / "field_key").exists()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("environment", "variable", "expected"),
    [
        ({"KIOSQUE_ENV": "dev"}, None, "True"),
        ({"KIOSQUE_ENV": "dev"}, "0", "False"),
        ({"KIOSQUE_ENV": "formation"}, None, "False"),
        ({"KIOSQUE_ENV": "formation"}, "1", "True"),
        ({"KIOSQUE_ENV": "production", **GOOD_PRODUCTION}, None, "False"),
    ],
)
def test_dev_mailbox_is_on_in_dev_only_unless_switched(tmp_path, environment, variable, expected):
    env = clean_env(tmp_path, **environment, KIOSQUE_DEV_MAILBOX=variable)
    code = "from django.conf import settings as s; print(s.KIOSQUE_DEV_MAILBOX)"
    result = run_kiosque("shell", "--no-imports", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == expected


def test_cookie_names_take_the_host_prefix_only_when_secure():
    assert config.cookie_name("kiosque_session", secure=True) == "__Host-kiosque_session"
    assert config.cookie_name("csrftoken", secure=False) == "csrftoken"
