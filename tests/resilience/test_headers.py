"""Security headers on every response (issue 10, item 9), whoever asks and whatever the status."""

import json
import subprocess
import sys
import tempfile

import pytest
from django.test import Client

from kiosque import config
from tests.resilience.harness import REPO

PAGES = {
    "anonymous": [
        "/",
        "/connexion/",
        "/inscription/",
        "/mot-de-passe-oublie/",
        "/identifiant-oublie/",
        "/healthz",
        "/readyz",
        "/.well-known/openid-configuration",
        "/static/core/css/kiosque.css",
        "/page-qui-n-existe-pas/",
        "/gestion/",
    ],
    "user": ["/applications/", "/compte/sessions/", "/compte/second-facteur/", "/gestion/"],
    "referent": ["/applications/referent/"],
    "reviewer": ["/gestion/", "/gestion/comptes/", "/gestion/tableau-de-bord/"],
}


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def assert_security_headers(response, path):
    csp = response.headers.get("Content-Security-Policy", "")
    assert csp, path
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, (path, csp)
    directives = csp_directives(csp)
    assert directives["default-src"] == ["'self'"], (path, csp)
    assert directives["frame-ancestors"] == ["'none'"], (path, csp)
    assert directives["object-src"] == ["'none'"], (path, csp)
    assert directives["base-uri"] == ["'none'"], (path, csp)
    assert response.headers.get("X-Frame-Options") == "DENY", path
    assert response.headers.get("X-Content-Type-Options") == "nosniff", path
    assert response.headers.get("Referrer-Policy") == "same-origin", path
    assert response.headers.get("Permissions-Policy") == (
        "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
    ), path


@pytest.mark.django_db
def test_every_page_carries_the_security_headers(people):
    clients = people.clients()
    for role, paths in PAGES.items():
        for path in paths:
            response = clients[role].get(path)
            assert response.status_code < 500, (role, path, response.status_code)
            assert_security_headers(response, f"{role} {path} ({response.status_code})")


@pytest.mark.django_db
def test_error_answers_and_posts_carry_them_too(people):
    enforcing = Client(enforce_csrf_checks=True)
    responses = {
        "csrf refusal": enforcing.post("/connexion/", {"username": "x", "password": "y"}),
        "method not allowed": Client().put("/connexion/"),
        "wrong login": Client().post("/connexion/", {"username": "x", "password": "y"}),
        "forbidden": people.clients()["user"].get("/gestion/comptes/"),
    }
    for name, response in responses.items():
        assert_security_headers(response, name)


@pytest.mark.django_db
def test_session_and_csrf_cookies_are_httponly_and_samesite(make_user):
    from tests.resilience.actors import PASSWORD

    user = make_user()
    client = Client()
    client.get("/connexion/")
    response = client.post("/connexion/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    session_cookie = response.cookies["kiosque_session"]
    assert session_cookie["httponly"] and session_cookie["samesite"] == "Lax"
    csrf_cookie = client.cookies["csrftoken"]
    assert csrf_cookie["httponly"] and csrf_cookie["samesite"] == "Lax"


def settings_outside_dev(kiosque_env: str) -> dict:
    """Settings as a formation or production process computes them from its environment."""
    env = {
        "PATH": "/usr/bin:/bin",
        "KIOSQUE_ENV": kiosque_env,
        "DJANGO_SETTINGS_MODULE": "kiosque.settings",
        "SECRET_KEY": config.new_secret_key() + config.new_secret_key(),
        "ALLOWED_HOSTS": "kiosque.example.fr",
        "EMAIL_URL": "smtp://127.0.0.1:25",
        "DATABASE_URL": "postgres://kiosque@127.0.0.1:1/kiosque",
        "KIOSQUE_FIELD_KEYS": config.new_field_key(),
        "KIOSQUE_BASE_URL": "https://kiosque.example.fr",
        "KIOSQUE_DATA_DIR": tempfile.mkdtemp(prefix="kiosque-settings-"),
    }
    names = [
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "CSRF_COOKIE_HTTPONLY",
        "SESSION_COOKIE_SAMESITE",
        "SECURE_PROXY_SSL_HEADER",
        "SESSION_COOKIE_NAME",
        "CSRF_COOKIE_NAME",
        "SESSION_COOKIE_PATH",
        "CSRF_COOKIE_PATH",
        "SESSION_COOKIE_DOMAIN",
        "CSRF_COOKIE_DOMAIN",
    ]
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {names!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=REPO, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("kiosque_env", ["formation", "production"])
def test_hsts_and_secure_cookies_outside_dev(kiosque_env):
    values = settings_outside_dev(kiosque_env)
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SESSION_COOKIE_SECURE"] is True and values["CSRF_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True and values["CSRF_COOKIE_HTTPONLY"] is True
    assert values["SESSION_COOKIE_SAMESITE"] == "Lax"
    # ASVS 3.4.4: `__Host-` names, which browsers accept only with Secure, Path=/ and no Domain
    assert values["SESSION_COOKIE_NAME"] == "__Host-kiosque_session"
    assert values["CSRF_COOKIE_NAME"] == "__Host-csrftoken"
    assert values["SESSION_COOKIE_PATH"] == "/" and values["CSRF_COOKIE_PATH"] == "/"
    assert values["SESSION_COOKIE_DOMAIN"] is None and values["CSRF_COOKIE_DOMAIN"] is None


def test_dev_over_http_keeps_plain_cookie_names():
    """Without Secure (dev on http) a `__Host-` cookie would be dropped by browsers."""
    from django.conf import settings as django_settings

    assert django_settings.SESSION_COOKIE_SECURE is False
    assert django_settings.SESSION_COOKIE_NAME == "kiosque_session"
    assert django_settings.CSRF_COOKIE_NAME == "csrftoken"


@pytest.mark.django_db
def test_host_prefixed_cookies_carry_a_whole_sign_in_over_https(settings, make_user):
    """With the production cookie settings, the `__Host-` cookies are sent as the prefix
    requires (Secure, Path=/, no Domain) and the staged sign-in goes through with them."""
    from tests.resilience.actors import PASSWORD

    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    settings.SESSION_COOKIE_NAME = "__Host-kiosque_session"
    settings.CSRF_COOKIE_NAME = "__Host-csrftoken"
    user = make_user()
    client = Client(enforce_csrf_checks=True)
    client.get("/connexion/", secure=True)
    csrf = client.cookies["__Host-csrftoken"]
    response = client.post(
        "/connexion/",
        {"username": user.username, "password": PASSWORD, "csrfmiddlewaretoken": csrf.value},
        secure=True,
        headers={"Referer": "https://testserver/connexion/"},
    )
    assert response.status_code == 302, response.content[:500]
    session = response.cookies["__Host-kiosque_session"]
    for cookie in (session, csrf):
        assert cookie["secure"] is True and cookie["path"] == "/" and not cookie["domain"]
        assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert "kiosque_session" not in response.cookies and "csrftoken" not in client.cookies
    assert client.get(response["Location"], secure=True).status_code == 200


@pytest.mark.django_db
def test_hsts_header_is_sent_over_https(settings, client):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get("/connexion/", secure=True)
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
