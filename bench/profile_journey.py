# ruff: noqa: B023 - every lambda is called at once by Pages.timed, inside its loop turn
"""CPU per page of the load run's journey, in-process, one request at a time (no contention).

    .venv/bin/python bench/profile_journey.py [--journeys 40]
    .venv/bin/python bench/profile_journey.py --page "register /identite/ GET" --top 40

The same journey as `bench/load_run.py` (the registration wizard, sign-in with a mail code, the
portal, the DCC access request, SSO authorization, code exchange and userinfo, sign-out) through
Django's test client with CSRF checks on, against a fresh PostgreSQL database
(`kiosque_bench_journey`, dropped and migrated) and the local Redis (database 7). Prints per page
the CPU and wall milliseconds of one request, median over the journeys: the service time each
page asks of a core under load, without queueing. `--page` with `--top` prints the heaviest
functions of that page (cProfile, CPU clock).

The load run's p95 is the queueing of these service times on the machine's cores; this script
says which pages to make cheaper.
"""

import argparse
import base64
import collections
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))
sys.path.insert(0, str(PROJECT / "bench"))

from load_run import DCC_ANSWERS, PASSWORD, REDIRECT_URI, pkce_pair  # noqa: E402
from make_data import ADMIN_URL  # noqa: E402

from tests.resilience.mailbox import CODE_IN_MAIL, body  # noqa: E402

DATABASE = "kiosque_bench_journey"
PREFIX = "parcours"
HASHING = {"login"}


def prepare_database() -> None:
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DATABASE}"')


def configure(smtp_port: int) -> None:
    from kiosque import config

    data_dir = PROJECT / "var" / "bench" / "journey"
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "kiosque.settings",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
            "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7"),
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "KIOSQUE_DATA_DIR": str(data_dir),
            "KIOSQUE_ENV": "dev",
            "KIOSQUE_BASE_URL": "https://kiosque.example.fr",
            "KIOSQUE_CAPTCHA_TEST_MODE": "1",
            "KIOSQUE_LOGIN_DELAY_SECONDS": "0",
            "KIOSQUE_RATE_LIMITS": "login.account=20/24h",
            "KIOSQUE_ARGON2_MEMORY_KIB": str(19 * 1024),
            "KIOSQUE_ARGON2_TIME_COST": "2",
            "KIOSQUE_LOG_LEVEL": "WARNING",
            "KIOSQUE_FIELD_KEYS": config.new_field_key(),
            "SECRET_KEY": config.new_secret_key(),
        }
    )


class Pages:
    """Times each request of the journey under a label; cProfile for one label on demand."""

    def __init__(self, profiled: str | None):
        self.cpu = collections.defaultdict(list)
        self.wall = collections.defaultdict(list)
        self.profiled = profiled
        self.profiler = cProfile.Profile(time.process_time)

    def timed(self, label, call, expect=(200, 302)):
        profiling = self.profiled in (label, "all")
        if profiling:
            self.profiler.enable()
        cpu, wall = time.process_time(), time.perf_counter()
        response = call()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        if profiling:
            self.profiler.disable()
        assert response.status_code in expect, (label, response.status_code, response.content)
        self.cpu[label].append(cpu * 1000)
        self.wall[label].append(wall * 1000)
        return response


class Visitor:
    """A test client that posts the CSRF token as the browser's form would.

    Every visitor shares one handler, as the requests of a server process do: a new handler
    would load the middleware (WhiteNoise indexes the static files) on its first request.
    """

    handler = None

    def __init__(self, number: int):
        from django.test import Client
        from django.test.client import ClientHandler

        if Visitor.handler is None:
            Visitor.handler = ClientHandler(enforce_csrf_checks=True)
        self.client = Client(
            enforce_csrf_checks=True,
            HTTP_HOST="127.0.0.1:8210",
            HTTP_ACCEPT_LANGUAGE="fr",
            REMOTE_ADDR=f"127.4.{number // 250}.{number % 250 + 1}",
        )
        self.client.handler = Visitor.handler

    def get(self, path):
        return self.client.get(path)

    def post(self, path, data=None):
        token = self.client.cookies.get("__Host-csrftoken") or self.client.cookies.get("csrftoken")
        if token is None:
            self.client.get("/identifiant-oublie/")
            token = self.client.cookies.get("__Host-csrftoken") or self.client.cookies["csrftoken"]
        return self.client.post(path, {"csrfmiddlewaretoken": token.value, **(data or {})})


def mail_code(smtp, deliver, address: str) -> str:
    deliver()
    for message in reversed(smtp.messages):
        if address in message.envelope_to:
            match = CODE_IN_MAIL.search(body(message))
            if match:
                return match.group(1)
    raise AssertionError(f"no code for {address}")


def journey(number, pages, smtp, deliver, sso):
    from tests.resilience.test_cluster import registration_steps

    visitor = Visitor(number)
    for path, data in registration_steps(f"{PREFIX}-{number}@chu-exemple.fr"):
        label = f"register {path[12:] or '/'}"
        pages.timed(f"{label} GET", lambda: visitor.get(path))
        pages.timed(f"{label} POST", lambda: visitor.post(path, data))
    pages.timed("registration summary", lambda: visitor.get("/inscription/recapitulatif/"))
    pages.timed(
        "registration submit",
        lambda: visitor.post("/inscription/recapitulatif/", {"captcha": "PASSED"}),
        expect=(302,),
    )

    username, email = f"{PREFIX}{number}", f"{PREFIX}{number}@exemple.fr"
    pages.timed("login page", lambda: visitor.get("/connexion/"))
    pages.timed(
        "login",
        lambda: visitor.post("/connexion/", {"username": username, "password": PASSWORD}),
        expect=(302,),
    )
    pages.timed("second factor page", lambda: visitor.get("/connexion/second-facteur/"))
    code = mail_code(smtp, deliver, email)
    pages.timed(
        "second factor code",
        lambda: visitor.post(
            "/connexion/second-facteur/", {"action": "verify", "code": code, "method": "mail_code"}
        ),
        expect=(302,),
    )
    pages.timed("portal", lambda: visitor.get("/applications/"))
    pages.timed("access request form", lambda: visitor.get("/applications/dcc/demande/"))
    pages.timed(
        "access request",
        lambda: visitor.post(
            "/applications/dcc/demande/",
            DCC_ANSWERS,
        ),
        expect=(302,),
    )

    verifier, challenge = pkce_pair()
    query = urlencode(
        {
            "response_type": "code", "client_id": sso["client_id"], "redirect_uri": REDIRECT_URI,
            "scope": "openid profile email", "state": "s", "nonce": "n",
            "code_challenge": challenge, "code_challenge_method": "S256",
        }
    )  # fmt: skip
    answer = pages.timed(
        "sso authorize", lambda: visitor.get(f"/oidc/authorize/?{query}"), expect=(302,)
    )
    code = parse_qs(urlsplit(answer["Location"]).query)["code"][0]
    relying_party = Visitor(number).client
    basic = base64.b64encode(f"{sso['client_id']}:{sso['secret']}".encode()).decode()
    tokens = pages.timed(
        "sso token",
        lambda: relying_party.post(
            "/oidc/token/",
            {
                "grant_type": "authorization_code", "code": code,
                "redirect_uri": REDIRECT_URI, "code_verifier": verifier,
            },
            HTTP_AUTHORIZATION=f"Basic {basic}",
        ),
        expect=(200,),
    ).json()  # fmt: skip
    pages.timed(
        "sso userinfo",
        lambda: relying_party.get(
            "/oidc/userinfo/", HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}"
        ),
        expect=(200,),
    )
    pages.timed("logout", lambda: visitor.post("/deconnexion/"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--journeys", type=int, default=40)
    parser.add_argument("--warm-up", type=int, default=3, help="journeys not counted")
    parser.add_argument(
        "--page", help='label of the page to profile with cProfile ("all": every page)'
    )
    parser.add_argument("--sort", default="cumulative", help="cProfile order (tottime...)")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()

    from kiosque.testing.smtp import SMTPTestServer, smtp_settings

    smtp = SMTPTestServer()
    smtp.start()
    prepare_database()
    configure(smtp.port)
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import override_settings

    from kiosque.mail.delivery import deliver_due
    from tests.resilience import seed

    call_command("migrate", verbosity=0, skip_checks=True)
    seed.registration_ready()
    total = args.journeys + args.warm_up
    seed.bench_users(PREFIX, total, PASSWORD)
    sso = seed.bench_sso(PREFIX, "bench-rp", REDIRECT_URI)

    def deliver():
        with override_settings(**smtp_settings(smtp)):
            return deliver_due().sent

    warm = Pages(None)
    for number in range(args.warm_up):
        journey(number, warm, smtp, deliver, sso)
    pages = Pages(args.page)
    for number in range(args.warm_up, total):
        journey(number, pages, smtp, deliver, sso)
    smtp.stop()

    print(f"\n{args.journeys} journeys, one request at a time; median per request")
    print(f"{'page':34} {'CPU ms':>8} {'wall ms':>8}")
    light_cpu = []
    for label in pages.cpu:
        cpu, wall = statistics.median(pages.cpu[label]), statistics.median(pages.wall[label])
        if label not in HASHING:
            light_cpu.extend(pages.cpu[label])
        marker = " [hashing]" if label in HASHING else ""
        print(f"{label + marker:34} {cpu:8.1f} {wall:8.1f}")
    print(
        f"non-hashing pages: mean CPU {statistics.mean(light_cpu):.1f} ms per request, "
        f"{sum(light_cpu) / args.journeys:.0f} ms per journey"
    )
    if args.page:
        pstats.Stats(pages.profiler).sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
