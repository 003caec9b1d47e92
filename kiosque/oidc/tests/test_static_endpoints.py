"""Discovery and JWKS replayed from memory by the WSGI layer (kiosque/oidc/static_endpoints.py)."""

import io
import json
import time

import pytest
from django.core.handlers.wsgi import WSGIHandler

from kiosque.oidc import keys
from kiosque.oidc.static_endpoints import StaticEndpoints
from kiosque.testing.processes import clean_env, http_get, run_kiosque, serving

DISCOVERY = "/.well-known/openid-configuration"
JWKS = "/oidc/jwks/"


class Counting:
    """The Django handler, counting the requests that reached it."""

    def __init__(self, app):
        self.app, self.calls = app, 0

    def __call__(self, environ, start_response):
        self.calls += 1
        return self.app(environ, start_response)


def environ(path, method="GET", query="", **headers):
    env = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SCRIPT_NAME": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1:8000",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": io.StringIO(),
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }
    env.update({f"HTTP_{name.upper()}": value for name, value in headers.items()})
    return env


def call(app, env) -> tuple[str, list, bytes]:
    captured = {}

    def start_response(status, headers, exc_info=None):
        captured.update(status=status, headers=list(headers))

    result = app(env, start_response)
    try:
        body = b"".join(result)
    finally:
        if hasattr(result, "close"):
            result.close()
    return captured["status"], captured["headers"], body


@pytest.fixture
def stack(settings, tmp_path):
    """(fast layer, Django handler counting its requests), built after the settings fixture."""
    settings.KIOSQUE_OIDC_KEYS_DIR = tmp_path / "oidc-keys"
    keys.all_keys()  # the dev keys, created before the first recording

    def make(**options):
        django = Counting(WSGIHandler())
        return StaticEndpoints(django, **options), django

    return make


@pytest.mark.parametrize("path", [DISCOVERY, DISCOVERY + "/", JWKS])
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_a_replay_is_what_django_sends(stack, path, method):
    fast, django = stack()
    request = {"x_request_id": "request-0001", "accept_language": "fr"}

    first = call(fast, environ(path, method, **request))
    replayed = call(fast, environ(path, method, **request))
    direct = call(django.app, environ(path, method, **request))

    assert django.calls == 1  # the second request never reached Django
    assert replayed == first == direct
    assert replayed[0] == "200 OK"
    names = {name for name, _ in replayed[1]}
    for header in (
        "Content-Type",
        "Content-Security-Policy",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Permissions-Policy",
        "X-Frame-Options",
        "Cross-Origin-Opener-Policy",
        "Access-Control-Allow-Origin",
    ):
        assert header in names


def test_each_replay_has_its_own_request_id(stack):
    fast, _django = stack()
    call(fast, environ(JWKS))
    ids = {dict(call(fast, environ(JWKS))[1])["X-Request-ID"] for _ in range(3)}
    assert len(ids) == 3
    assert dict(call(fast, environ(JWKS, x_request_id="from-the-proxy-1"))[1])["X-Request-ID"] == (
        "from-the-proxy-1"
    )


def test_hsts_behind_a_tls_proxy_as_django_sends_it(stack, settings):
    settings.SECURE_HSTS_SECONDS = 3600
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    fast, django = stack()
    behind_tls = environ(DISCOVERY, x_forwarded_proto="https", x_request_id="request-0002")
    plain = environ(DISCOVERY, x_request_id="request-0002")

    call(fast, dict(behind_tls))
    secure = call(fast, dict(behind_tls))
    call(fast, dict(plain))
    insecure = call(fast, dict(plain))

    assert django.calls == 2  # one recording per variant
    assert secure == call(django.app, dict(behind_tls))
    assert insecure == call(django.app, dict(plain))
    assert "Strict-Transport-Security" in dict(secure[1])
    assert "Strict-Transport-Security" not in dict(insecure[1])


def test_content_language_follows_accept_language(stack):
    fast, django = stack()
    for language in ("fr", "en", "fr", "en"):
        env = environ(DISCOVERY, accept_language=language, x_request_id="request-0003")
        replay = call(fast, env)
        assert replay == call(django.app, environ(DISCOVERY, accept_language=language,
                                                  x_request_id="request-0003"))  # fmt: skip
        assert dict(replay[1])["Content-Language"] == language
    assert django.calls == 2  # one recording per language


def test_a_disallowed_host_is_left_to_django(stack):
    fast, django = stack()
    for _ in range(2):
        status, _headers, _body = call(fast, environ(DISCOVERY, host="evil.example"))
        assert status.startswith("400")
    assert django.calls == 2


@pytest.mark.parametrize(
    "env",
    [
        environ(DISCOVERY, method="POST"),
        environ(JWKS, method="OPTIONS"),
        environ(DISCOVERY, query="x=1"),
        environ(JWKS, cookie="sessionid=abc"),
        environ("/oidc/jwks"),
        environ("/healthz"),
    ],
    ids=["post", "options", "query", "cookie", "no-slash", "other-path"],
)
def test_anything_else_goes_to_django(stack, env):
    fast, django = stack()
    for _ in range(2):
        call(fast, {**env, "wsgi.input": io.BytesIO(b"")})
    assert django.calls == 2


def test_a_key_rotation_shows_within_the_recheck_delay(stack):
    fast, django = stack(keys_recheck_seconds=0.2)
    before = json.loads(call(fast, environ(JWKS))[2])
    call(fast, environ(JWKS))
    calls = django.calls

    new_key = keys.write_new_key("ES256")
    time.sleep(0.25)
    after = json.loads(call(fast, environ(JWKS))[2])

    assert django.calls == calls + 1
    assert new_key.kid in {key["kid"] for key in after["keys"]}
    assert new_key.kid not in {key["kid"] for key in before["keys"]}
    assert json.loads(call(fast, environ(JWKS))[2]) == after
    assert django.calls == calls + 1


@pytest.mark.slow
def test_served_by_gunicorn_as_django_serves_them(tmp_path):
    env = clean_env(tmp_path)
    assert run_kiosque("migrate", "--no-input", env=env).returncode == 0
    with serving(env, tmp_path / "serve.log") as (base, _process):
        for path in (DISCOVERY, JWKS):
            http_get(base + path)
            status, headers, body = http_get(base + path)  # replayed
            # A query string is ignored by both views but sends the request through Django.
            d_status, d_headers, d_body = http_get(base + path + "?through=django")
            assert (status, body) == (d_status, d_body) == (200, d_body)
            ignored = {"Date", "X-Request-ID"}
            assert {k: v for k, v in headers.items() if k not in ignored} == {
                k: v for k, v in d_headers.items() if k not in ignored
            }
            assert headers["X-Request-ID"] != d_headers["X-Request-ID"]
