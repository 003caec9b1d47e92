"""Fixtures for the provider's protocol tests: a live Kiosque, clients, signed-in browsers."""

import base64
import hashlib
import itertools
import os
import secrets
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from django.conf import settings as django_settings
from django.test import Client as DjangoClient
from django.utils import timezone

from kiosque.accounts.models import User
from kiosque.oidc.flows import clients
from kiosque.oidc.models import Client
from kiosque.portal.models import AccessGrant, Application, ApplicationRole
from kiosque.testing.processes import free_port, wait_for_http

_counter = itertools.count(1)
REDIRECT_URI = "http://127.0.0.1:8765/callback"


@pytest.fixture
def provider(settings, live_server, tmp_path):
    """The live Kiosque, configured so its issuer is its own address."""
    settings.KIOSQUE_BASE_URL = live_server.url
    settings.KIOSQUE_OIDC_KEYS_DIR = tmp_path / "oidc-keys"
    return live_server.url


@pytest.fixture
def make_user(db):
    def make(**fields):
        number = next(_counter)
        fields.setdefault("username", f"pro{number}")
        fields.setdefault("email", f"pro{number}@exemple.fr")
        fields.setdefault("first_name", "Nathalie")
        fields.setdefault("last_name", f"Durand{number}")
        return User.objects.create_user(password=None, **fields)

    return make


@pytest.fixture
def make_client(db):
    """A catalogue application with its OIDC client; returns (client, secret)."""

    def make(slug=None, redirect_uris=(REDIRECT_URI,), roles=(), required_level=None, **options):
        slug = slug or f"app{next(_counter)}"
        application = Application.objects.create(
            slug=slug, name=slug.upper(), launch_url=f"https://{slug}.example.org/"
        )
        if required_level:
            application.required_level = required_level
            application.save(update_fields=["required_level"])
        for position, code in enumerate(roles):
            ApplicationRole.objects.create(
                application=application, code=code, label=code.title(), position=position
            )
        options.setdefault("post_logout_redirect_uris", [f"https://{slug}.example.org/bye"])
        return clients.register(application, redirect_uris=list(redirect_uris), **options)

    return make


@pytest.fixture
def grant():
    def make(user, client: Client, *role_codes):
        access = AccessGrant.objects.create(
            user=user, application=client.application, granted_at=timezone.now()
        )
        access.roles.set(
            ApplicationRole.objects.filter(application=client.application, code__in=role_codes)
        )
        return access

    return make


def browser_session(base_url: str, user, methods=("password", "totp")) -> requests.Session:
    """A requests session carrying a Kiosque session cookie for `user` (signed in)."""
    django_client = DjangoClient()
    django_client.force_login(user)
    session = django_client.session
    session["_kiosque_amr"] = list(methods)
    session.save()
    browser = requests.Session()
    browser.cookies.set(django_settings.SESSION_COOKIE_NAME, session.session_key)
    return browser


@pytest.fixture
def signed_in(provider):
    def make(user, methods=("password", "totp")):
        return browser_session(provider, user, methods)

    return make


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    return verifier, challenge.rstrip(b"=").decode()


def authorize(browser, base_url, client: Client, *, scope="openid", extra=None, challenge=None):
    """GET the authorization endpoint; returns the response (redirect not followed)."""
    params = {
        "response_type": "code",
        "client_id": client.client_id,
        "redirect_uri": REDIRECT_URI,
        "scope": scope,
        "state": secrets.token_urlsafe(8),
        "nonce": secrets.token_urlsafe(8),
    }
    if challenge:
        params.update(code_challenge=challenge, code_challenge_method="S256")
    params.update(extra or {})
    params = {k: v for k, v in params.items() if v is not None}
    return browser.get(
        f"{base_url}/oidc/authorize/?{urlencode(params)}", allow_redirects=False, timeout=10
    )


def in_process_code(client: Client, user, scope: str = "openid", nonce: str | None = None) -> str:
    """An authorization code for `user`, asked in-process with Django's test client (a signed-in
    session with a password + TOTP sign-in): for the tests that count queries."""
    browser = DjangoClient()
    browser.force_login(user)
    session = browser.session
    session["_kiosque_amr"] = ["password", "totp"]
    session.save()
    params = {"response_type": "code", "client_id": client.client_id, "redirect_uri": REDIRECT_URI,
              "scope": scope, "state": "s", "nonce": nonce or secrets.token_urlsafe(8)}  # fmt: skip
    answer = browser.get("/oidc/authorize/", params)
    return parse_qs(urlsplit(answer["Location"]).query)["code"][0]


def redirect_params(response) -> dict:
    assert response.status_code == 302, response.text[:500]
    query = parse_qs(urlsplit(response.headers["Location"]).query)
    return {key: values[0] for key, values in query.items()}


def token_request(base_url, data, auth=None):
    return requests.post(f"{base_url}/oidc/token/", data=data, auth=auth, timeout=10)


def redeem(base_url, client: Client, secret, code, verifier=None, redirect_uri=REDIRECT_URI):
    """POST an authorization code to the token endpoint (HTTP Basic); returns the response."""
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
    if verifier:
        data["code_verifier"] = verifier
    return token_request(base_url, data, auth=(client.client_id, secret))


def exchange_code(base_url, client: Client, secret, answer, verifier=None) -> dict:
    """The token response (JSON) for the code in `answer`, the authorization endpoint's
    redirect to the client."""
    params = redirect_params(answer)
    assert "code" in params, params
    reply = redeem(base_url, client, secret, params["code"], verifier)
    assert reply.status_code == 200, reply.text
    return reply.json()


@pytest.fixture
def code_flow(provider):
    """Run the code flow for a signed-in browser; returns the token response JSON."""

    def run(browser, client, secret, *, scope="openid", extra=None):
        verifier, challenge = pkce_pair()
        response = authorize(
            browser, provider, client, scope=scope, extra=extra, challenge=challenge
        )
        return exchange_code(provider, client, secret, response, verifier)

    return run


DEMO_APP = Path(__file__).resolve().parents[3] / "examples" / "dcc_demo" / "app.py"


@contextmanager
def demo_rp(issuer: str, client_id: str, secret: str, port: int, log_path: Path):
    """The DCC demo relying party running in its own process."""
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                str(DEMO_APP),
                "--bind",
                f"127.0.0.1:{port}",
                "--issuer",
                issuer,
                # "=" form: a random secret may begin with "-", which argparse would take
                # for an option (seen: "--client-secret: expected one argument").
                f"--client-id={client_id}",
                f"--client-secret={secret}",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for_http(
                f"http://127.0.0.1:{port}/", timeout=90, process=process, log_path=log_path
            )
            yield f"http://127.0.0.1:{port}"
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def dcc_demo(provider, make_client, tmp_path):
    """(base URL of the running demo RP, its oidc.Client)."""
    port = free_port()
    rp = f"http://127.0.0.1:{port}"
    client, secret = make_client(
        slug="dcc",
        redirect_uris=[f"{rp}/callback"],
        post_logout_redirect_uris=[f"{rp}/"],
        backchannel_logout_uri=f"{rp}/backchannel-logout",
        roles=("medecin-rcp", "secretariat-3c"),
    )
    with demo_rp(provider, client.client_id, secret, port, tmp_path / "dcc-demo.log") as base:
        yield base, client


PSC_PROVIDER_DIR = Path(__file__).resolve().parent / "psc_provider"


def _ensure_node_modules() -> None:
    if not (PSC_PROVIDER_DIR / "node_modules" / "oidc-provider").exists():
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund"],
            cwd=PSC_PROVIDER_DIR,
            check=True,
            capture_output=True,
            timeout=300,
        )


@pytest.fixture
def psc_provider(provider, settings, tmp_path):
    """A real OpenID Connect provider shaped like Pro Santé Connect, on loopback (node)."""
    _ensure_node_modules()
    port = free_port()
    issuer = f"http://127.0.0.1:{port}"
    client_id, secret = "kiosque-test", secrets.token_urlsafe(24)
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", ""),
        "PORT": str(port),
        "CLIENT_ID": client_id,
        "CLIENT_SECRET": secret,
        "REDIRECT_URI": f"{provider}/connexion/psc/retour/",
        "POST_LOGOUT_REDIRECT_URI": f"{provider}/connexion/",
        # By address: node may resolve "localhost" to ::1, where the live server is not.
        "BACKCHANNEL_LOGOUT_URI": provider.replace("://localhost:", "://127.0.0.1:")
        + "/connexion/psc/deconnexion-backchannel/",
    }
    log_path = tmp_path / "psc-provider.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            ["node", "server.mjs"],
            cwd=PSC_PROVIDER_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for_http(
                f"{issuer}/.well-known/openid-configuration",
                timeout=90,
                process=process,
                log_path=log_path,
            )
            settings.KIOSQUE_PSC_ISSUER = issuer
            settings.KIOSQUE_PSC_CLIENT_ID = client_id
            settings.KIOSQUE_PSC_CLIENT_SECRET = secret
            yield issuer
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
