"""The openid-client relying party (node, driver.mjs) and the clients it is registered as.

Black box: the tests reach Kiosque only over HTTP, through openid-client. Clients and users
come from the suite's factories (make_client, make_user, grant), the signed-in browser from
`signed_in`; the client identifier is chosen here (`clients.register(client_id=...)`) so
nothing reads the provider library's models.
"""

import itertools
import json
import os
import re
import selectors
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests
from django.conf import settings as django_settings
from joserfc.jwk import RSAKey

from kiosque.oidc.tests.conftest import REDIRECT_URI

RP_DIR = Path(__file__).resolve().parent
ANSWER_TIMEOUT_SECONDS = 60
_numbers = itertools.count(1)


def _ensure_node_modules() -> None:
    if not (RP_DIR / "node_modules" / "openid-client").exists():
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund"],
            cwd=RP_DIR,
            check=True,
            capture_output=True,
            timeout=300,
        )


class Failed(AssertionError):
    """openid-client refused (or Kiosque answered an error); `.error` is its description."""

    def __init__(self, answer):
        self.error = answer["error"]
        self.exchanges = answer.get("exchanges", [])
        super().__init__(json.dumps(self.error))


class Driver:
    """One node process running driver.mjs; `call(op, **request)` -> the answer (dict)."""

    def __init__(self, log_path: Path):
        self._log = open(log_path, "w")  # noqa: SIM115 (closed in close())
        self._process = subprocess.Popen(
            ["node", "driver.mjs"],
            cwd=RP_DIR,
            env={"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "")},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            text=True,
        )
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._process.stdout, selectors.EVENT_READ)
        self.log_path = log_path

    def call(self, op: str, **request) -> dict:
        self._process.stdin.write(json.dumps({"op": op, **request}) + "\n")
        self._process.stdin.flush()
        if not self._selector.select(timeout=ANSWER_TIMEOUT_SECONDS):
            raise TimeoutError(f"openid-client driver did not answer {op}; see {self.log_path}")
        line = self._process.stdout.readline()
        if not line:
            raise RuntimeError(f"openid-client driver exited; see {self.log_path}")
        return json.loads(line)

    def ok(self, op: str, **request) -> dict:
        answer = self.call(op, **request)
        if not answer["ok"]:
            raise Failed(answer)
        return answer

    def refused(self, op: str, **request) -> dict:
        """The error openid-client reports (the call is expected to fail)."""
        answer = self.call(op, **request)
        assert not answer["ok"], f"{op} unexpectedly succeeded: {answer}"
        return {**answer["error"], "exchanges": answer["exchanges"]}

    def close(self):
        self._process.stdin.close()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._log.close()


@pytest.fixture(scope="module")
def openid_client(tmp_path_factory):
    """The node relying party, one process for the whole test module."""
    _ensure_node_modules()
    driver = Driver(tmp_path_factory.mktemp("openid-client") / "driver.log")
    yield driver
    driver.close()


@dataclass
class RP:
    """A client as openid-client is configured with it (sent to the driver as `rp`)."""

    issuer: str
    client_id: str
    auth: str
    client: object  # kiosque.oidc.models.Client, for grants only
    client_secret: str | None = None
    private_jwk: dict | None = None
    id_token_alg: str | None = None
    redirect_uri: str = REDIRECT_URI
    post_logout_redirect_uri: str = ""
    extra: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        return {
            "issuer": self.issuer,
            "client_id": self.client_id,
            "auth": self.auth,
            "client_secret": self.client_secret,
            "private_jwk": self.private_jwk,
            "id_token_alg": self.id_token_alg,
            "redirect_uri": self.redirect_uri,
        }


@pytest.fixture
def register(provider, make_client):
    """register(auth=..., id_token_alg=..., **make_client options) -> RP."""

    def make(auth="client_secret_basic", id_token_alg=None, **options):
        number = next(_numbers)
        slug = options.pop("slug", f"rp{number}")
        client_id = f"openid-client-{slug}"
        private_jwk = None
        if auth == "private_key_jwt":
            key = RSAKey.generate_key(2048, parameters={"kid": f"{slug}-1", "alg": "RS256"})
            options["jwks"] = {"keys": [key.as_dict(private=False)]}
            private_jwk = key.as_dict(private=True)
        if id_token_alg:
            options["id_token_alg"] = id_token_alg
        client, secret = make_client(
            slug=slug,
            client_id=client_id,
            auth_method="none" if auth == "none" else auth,
            **options,
        )
        return RP(
            issuer=provider,
            client_id=client_id,
            auth=auth,
            client=client,
            client_secret=secret,
            private_jwk=private_jwk,
            id_token_alg=id_token_alg,
            post_logout_redirect_uri=f"https://{slug}.example.org/bye",
        )

    return make


def cookie_of(browser) -> str:
    """The Cookie header of a signed-in browser (a requests session from `signed_in`)."""
    name = django_settings.SESSION_COOKIE_NAME
    return f"{name}={browser.cookies.get(name)}"


@pytest.fixture
def session(signed_in, make_user, grant):
    """session(*rps, methods=...) -> (user, Cookie header): a user granted access to every rp,
    signed in to Kiosque (password + TOTP unless told)."""

    def make(*rps, methods=("password", "totp"), **user_fields):
        user = make_user(**user_fields)
        for rp in rps:
            grant(user, rp.client)
        return user, cookie_of(signed_in(user, methods))

    return make


def header(exchange: dict, name: str) -> str:
    return exchange["headers"].get(name.lower(), "")


def exchange_to(answer_or_error, endpoint_suffix: str) -> dict:
    """The last recorded HTTP exchange with the URL ending in endpoint_suffix."""
    exchanges = getattr(answer_or_error, "exchanges", None) or answer_or_error["exchanges"]
    matching = [e for e in exchanges if e["url"].split("?")[0].endswith(endpoint_suffix)]
    assert matching, [e["url"] for e in exchanges]
    return matching[-1]


PASSWORD = "Conformite-Kiosque-2026"


@pytest.fixture
def password_account(settings, register, make_user, grant):
    """(rp, user) for a sign-in through Kiosque's real pages: an application whose level is
    the password alone, a user with a password, second factor not required."""
    settings.KIOSQUE_SECOND_FACTOR_REQUIRED = False
    settings.KIOSQUE_ARGON2_MEMORY_KIB = 64  # cheap hashing for the test
    settings.KIOSQUE_ARGON2_TIME_COST = 1

    def make(**options):
        rp = register(required_level="pwd", **options)
        user = make_user()
        user.set_password(PASSWORD)
        user.save()
        grant(user, rp.client)
        return rp, user

    return make


def sign_in_through_the_pages(
    base_url: str, location: str, user, browser: requests.Session | None = None
) -> tuple[str, str]:
    """Follow Kiosque's redirect to its sign-in page, fill in the form as a person would,
    and follow the redirects back to the authorization endpoint until it answers the
    application. Returns (the callback URL, the browser's Cookie header)."""
    browser = browser or requests.Session()
    url = urljoin(base_url, location)
    page = browser.get(url, allow_redirects=False, timeout=10)
    assert page.status_code == 200, (page.status_code, page.headers.get("Location"))
    fields = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page.text))
    fields.update(username=user.username, password=PASSWORD)
    response = browser.post(
        page.url, data=fields, headers={"Referer": page.url}, allow_redirects=False, timeout=15
    )
    for _ in range(10):
        assert response.status_code == 302, (response.status_code, response.text[:500])
        target = urljoin(base_url, response.headers["Location"])
        if target.startswith(REDIRECT_URI):
            return target, cookie_of(browser)
        response = browser.get(target, allow_redirects=False, timeout=10)
    raise AssertionError(f"no way back to the application from {target}")
