"""Where the CPU of the hot endpoints goes: cProfile (CPU clock) in-process on a bench database.

    .venv/bin/python bench/profile_endpoints.py --database kiosque_bench_1k [--requests 200]

Runs each endpoint sequentially through Django's test client (the whole middleware stack, no
HTTP server): the full sign-in (6 requests, argon2 included), userinfo, introspection, client
credentials, refresh. Prints, per endpoint, CPU and wall milliseconds per operation (wall minus
CPU is mostly waiting for PostgreSQL) and the share of CPU spent under a few well-known places:
the ORM's SQL compilation, the database driver, template rendering, argon2, Authlib's server,
the middleware before the view. The shares overlap where one place calls another (Authlib's
grants run Kiosque's storage methods, which run the ORM). `--top N` also prints the N
heaviest functions. `--steps`: only the sign-in, request by request (CPU and queries);
`--portal`: only GET /applications/ (`--requests` times, one signed-in bench account), its
queries listed.
"""

import argparse
import cProfile
import json
import os
import pstats
import random
import re
import secrets
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_data import (  # noqa: E402
    CC_CLIENT_ID,
    CLIENT_ID,
    CLIENT_SECRET,
    PASSWORD,
    REDIRECT_URI,
    bench_env,
    totp_secret,
    username,
)

POOL = 17  # accounts 0..16 are the load driver's signed-in pool and reviewer
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PLACES = {  # label: (path fragment, function name)
    "ORM SQL compilation": [
        ("django/db/models/sql/compiler.py", "as_sql"),
    ],
    "database driver (psycopg)": [("psycopg/cursor.py", "execute")],
    "templates": [("django/template/backends/django.py", "render")],
    "argon2": [("argon2/_password_hasher.py", "verify")],
    "Authlib server": [
        ("authlib/oauth2/rfc6749/authorization_server.py", "create_token_response"),
        ("authlib/oauth2/rfc6749/authorization_server.py", "create_endpoint_response"),
    ],
    "view (after the middleware)": [("django/core/handlers/base.py", "_get_response")],
}


def basic(client_id: str) -> dict:
    import base64

    token = base64.b64encode(f"{client_id}:{CLIENT_SECRET}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


class Endpoints:
    def __init__(self, accounts: int):
        from django.contrib.auth import get_user_model
        from django.test import Client
        from django.utils import timezone

        from kiosque.oidc import tokens
        from kiosque.oidc.models import Client as OidcClient
        from kiosque.oidc.models import Token

        self.client = Client(HTTP_HOST="127.0.0.1:8210")
        self.accounts = accounts
        # A TOTP code is single use: start somewhere else than a run a moment ago.
        self.next_account = random.randrange(POOL, max(POOL + 1, accounts - 100))
        user = get_user_model().objects.get(username=username(5))
        app = OidcClient.objects.get(client_id=CLIENT_ID)
        scope = "openid profile email rpps"
        expires = timezone.now() + timedelta(hours=2)
        self.access_token = secrets.token_urlsafe(32)
        Token.objects.create(
            client=app,
            user=user,
            access_token_hash=tokens.token_hash(self.access_token),
            expires_at=expires,
            scope=scope,
        )
        self.refresh_token = None  # from a real code flow, after a real sign-in (first use)

    def first_refresh_token(self) -> str:
        """Sign in, then an authorization request and code exchange, as the relying party."""
        from urllib.parse import parse_qs, urlsplit

        client = self.signin()
        params = {
            "response_type": "code",
            "client_id": CLIENT_ID,
            "redirect_uri": REDIRECT_URI,
            "scope": "openid profile email rpps",
            "state": secrets.token_urlsafe(8),
            "nonce": secrets.token_urlsafe(8),
        }
        answer = client.get("/oidc/authorize/", params)
        assert answer.status_code == 302, answer
        code = parse_qs(urlsplit(answer["Location"]).query)["code"][0]
        data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI}
        tokens = client.post("/oidc/token/", data, **basic(CLIENT_ID))
        assert tokens.status_code == 200, tokens.content
        return json.loads(tokens.content)["refresh_token"]

    def signin(self):
        import pyotp
        from django.test import Client

        index = self.next_account
        self.next_account = self.next_account + 1 if self.next_account + 1 < self.accounts else POOL
        client = Client(HTTP_HOST="127.0.0.1:8210")
        page = client.get("/connexion/").content.decode()
        form = {"csrfmiddlewaretoken": CSRF_RE.search(page).group(1)}
        client.post("/connexion/", {**form, "username": username(index), "password": PASSWORD})
        page = client.get("/connexion/second-facteur/").content.decode()
        form = {"csrfmiddlewaretoken": CSRF_RE.search(page).group(1)}
        page = client.post(
            "/connexion/second-facteur/", {**form, "action": "choose", "method": "totp"}
        ).content.decode()
        form = {"csrfmiddlewaretoken": CSRF_RE.search(page).group(1)}
        code = pyotp.TOTP(totp_secret(index)).now()
        done = client.post(
            "/connexion/second-facteur/",
            {**form, "action": "verify", "method": "totp", "code": code},
        )
        if done.status_code != 302 or not done["Location"].startswith("/applications/"):
            errors = re.findall(r"class=\"[^\"]*error[^\"]*\"[^>]*>([^<]+)", done.content.decode())
            raise AssertionError(f"second factor refused for {username(index)}: {errors}")
        assert client.get("/applications/").status_code == 200
        return client

    def signin_steps(self, record) -> None:
        """The same sign-in, each request timed apart: record(step, cpu_s, queries, status)."""
        import pyotp
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        index = self.next_account
        self.next_account = self.next_account + 1 if self.next_account + 1 < self.accounts else POOL
        # One client (one handler, as in a server worker), a new browser: no cookies.
        if not hasattr(self, "steps_client"):
            self.steps_client = Client(HTTP_HOST="127.0.0.1:8210")
        client = self.steps_client
        client.cookies.clear()

        def step(name, method, path, data=None):
            with CaptureQueriesContext(connection) as queries:
                cpu = time.process_time()
                response = getattr(client, method)(path, data or {})
                cpu = time.process_time() - cpu
            record(name, cpu, len(queries), response.status_code)
            return response

        def token(response) -> dict:
            return {"csrfmiddlewaretoken": CSRF_RE.search(response.content.decode()).group(1)}

        page = step("GET /connexion/", "get", "/connexion/")
        form = {**token(page), "username": username(index), "password": PASSWORD}
        step("POST /connexion/ (password)", "post", "/connexion/", form)
        page = step("GET second factor", "get", "/connexion/second-facteur/")
        form = {**token(page), "action": "choose", "method": "totp"}
        page = step("POST choose TOTP (code page)", "post", "/connexion/second-facteur/", form)
        code = pyotp.TOTP(totp_secret(index)).now()
        form = {**token(page), "action": "verify", "method": "totp", "code": code}
        done = step("POST TOTP code", "post", "/connexion/second-facteur/", form)
        assert done.status_code == 302 and done["Location"].startswith("/applications/"), done
        step("GET /applications/ (portal)", "get", "/applications/")

    def userinfo(self):
        response = self.client.get(
            "/oidc/userinfo/", HTTP_AUTHORIZATION=f"Bearer {self.access_token}"
        )
        assert response.status_code == 200, response.content

    def introspect(self):
        response = self.client.post(
            "/oidc/introspect/", {"token": self.access_token}, **basic(CLIENT_ID)
        )
        assert json.loads(response.content)["active"] is True, response.content

    def token_cc(self):
        response = self.client.post(
            "/oidc/token/",
            {"grant_type": "client_credentials", "scope": "openid"},
            **basic(CC_CLIENT_ID),
        )
        assert response.status_code == 200, response.content

    def refresh(self):
        if self.refresh_token is None:
            self.refresh_token = self.first_refresh_token()
        response = self.client.post(
            "/oidc/token/",
            {"grant_type": "refresh_token", "refresh_token": self.refresh_token},
            **basic(CLIENT_ID),
        )
        assert response.status_code == 200, response.content
        self.refresh_token = json.loads(response.content)["refresh_token"]


def shares(stats: pstats.Stats, total: float) -> dict:
    result = {}
    for label, places in PLACES.items():
        seconds = 0.0
        for (filename, _line, function), (
            _cc,
            _nc,
            _tt,
            cumulative,
            _callers,
        ) in stats.stats.items():
            if any(filename.endswith(path) and function == name for path, name in places):
                seconds += cumulative
        result[label] = round(100 * seconds / total, 1) if total else 0.0
    return result


def profile(name: str, operation, count: int, top: int) -> dict:
    for _ in range(5):  # warm up: caches, connections, compiled templates
        operation()
    profiler = cProfile.Profile(time.process_time)
    cpu, wall = time.process_time(), time.perf_counter()
    profiler.enable()
    for _ in range(count):
        operation()
    profiler.disable()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    # The same loop without the profiler, for undistorted per-operation figures.
    plain_cpu, plain_wall = time.process_time(), time.perf_counter()
    for _ in range(count):
        operation()
    plain_cpu = (time.process_time() - plain_cpu) / count * 1000
    plain_wall = (time.perf_counter() - plain_wall) / count * 1000
    stats = pstats.Stats(profiler)
    result = {
        "endpoint": name,
        "operations": count,
        "cpu_ms_per_op": round(plain_cpu, 2),
        "wall_ms_per_op": round(plain_wall, 2),
        "profiled_cpu_ms_per_op": round(cpu / count * 1000, 2),
        "cpu_share_percent": shares(stats, cpu),
    }
    print(
        f"\n{name}: {plain_cpu:.1f} ms CPU, {plain_wall:.1f} ms wall per operation "
        f"(unprofiled, {count} operations); share of CPU under:"
    )
    for label, percent in result["cpu_share_percent"].items():
        print(f"  {label:32s} {percent:5.1f} %")
    if top:
        stats.sort_stats("cumulative").print_stats(top)
    return result


def steps(endpoints, count: int, show_queries: bool = False) -> list[dict]:
    """CPU milliseconds (median) and queries of each request of the sign-in."""
    figures = {}

    def record(name, cpu, queries, status):
        figures.setdefault(name, []).append((cpu * 1000, queries, status))

    for _ in range(5):
        endpoints.signin_steps(lambda *args: None)
    for _ in range(count):
        endpoints.signin_steps(record)
    results = []
    print(f"\nsign-in, request by request (median CPU over {count} sign-ins):")
    for name, runs in figures.items():
        cpu = statistics.median(r[0] for r in runs)
        queries = max(r[1] for r in runs)
        results.append({"step": name, "cpu_ms": round(cpu, 2), "queries": queries,
                        "status": runs[0][2]})  # fmt: skip
        print(f"  {name:32s} {cpu:7.2f} ms CPU  {queries:3d} queries  -> {runs[0][2]}")
    total = sum(r["cpu_ms"] for r in results)
    print(f"  {'total':32s} {total:7.2f} ms CPU")
    return results


def portal(endpoints, count: int, top: int) -> dict:
    """GET /applications/ only, `count` times, for one signed-in bench account."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = endpoints.signin()

    def page():
        response = client.get("/applications/")
        assert response.status_code == 200, response

    with CaptureQueriesContext(connection) as queries:
        page()
    print(f"\nGET /applications/: {len(queries)} queries")
    for query in queries:
        print(f"  {query['sql'][:160]}")
    result = profile("GET /applications/ (portal)", page, count, top)
    result["queries"] = len(queries)
    # On a shared machine a mean swings with the neighbours: the median of ten batches too.
    batches = []
    for _ in range(10):
        cpu = time.process_time()
        for _ in range(max(1, count // 10)):
            page()
        batches.append((time.process_time() - cpu) / max(1, count // 10) * 1000)
    result["cpu_ms_median_of_batches"] = round(statistics.median(batches), 2)
    print(f"  median of 10 batches: {statistics.median(batches):.1f} ms CPU per operation")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="kiosque_bench_1k")
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--signins", type=int, default=40)
    parser.add_argument("--top", type=int, default=0)
    parser.add_argument("--steps", action="store_true", help="only the sign-in, request by request")
    parser.add_argument(
        "--portal", action="store_true", help="only GET /applications/, --requests times"
    )
    parser.add_argument("--out")
    args = parser.parse_args()
    os.environ.update(bench_env(args.database))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench_settings",
            "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7"),
            "KIOSQUE_BASE_URL": "http://127.0.0.1:8210",
        }
    )
    import django

    django.setup()
    endpoints = Endpoints(args.accounts)
    if args.portal:
        results = [portal(endpoints, args.requests, args.top)]
    elif args.steps:
        results = steps(endpoints, args.signins)
    if args.portal or args.steps:
        if args.out:
            Path(args.out).parent.mkdir(parents=True, exist_ok=True)
            Path(args.out).write_text(json.dumps(results, indent=1))
        return
    results = [profile("signin (6 requests)", endpoints.signin, args.signins, args.top)]
    for name in ("userinfo", "introspect", "token_cc", "refresh"):
        results.append(profile(name, getattr(endpoints, name), args.requests, args.top))
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
