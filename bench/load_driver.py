"""Load driver: a closed-loop asyncio client (aiohttp) against a real `kiosque serve` (gunicorn).

    .venv/bin/python bench/load_driver.py --database kiosque_bench_1k --accounts 1000 \
        --scenarios signin,portal,history,queue,autocomplete,discovery,jwks,userinfo,\
introspect,token_cc,refresh,code --concurrency 2,8 --duration 15 --repeats 3 \
        --out var/bench/results/1k.json

Starts gunicorn (`kiosque serve --workers N`, bench/bench_settings.py) and the mail worker on
the bench database made by bench/make_data.py, signs a pool of accounts in (full sign-in),
then runs each scenario for `--duration` seconds with C virtual users, `--repeats` times, and
reports per scenario: operations/s, HTTP requests/s, median/p95/p99 latency of an operation,
errors, server CPU (cores used by the gunicorn master + workers) and RSS. `--hash-rate`
also measures argon2 verifications/s with the same parameters in N processes (the ceiling of
sign-ins/s). `--tokens FILE` writes access and refresh tokens for the wrk scripts. Everything
it started is stopped at the end.

Why our own client rather than locust: the sign-in is a 6-request flow with a TOTP computed
client-side, and locust's gevent workers cost more CPU per request on a 2-core machine where
the load generator competes with the server; wrk (bench/peer_compare.sh) covers the simple
endpoints side by side with LemonLDAP::NG.
"""

import argparse
import asyncio
import base64
import hashlib
import json
import os
import random
import re
import secrets
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import aiohttp
import psutil
import pyotp

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_data import (  # noqa: E402
    CC_CLIENT_ID,
    CLIENT_ID,
    CLIENT_SECRET,
    PASSWORD,
    PROJECT,
    REDIRECT_URI,
    bench_env,
    totp_secret,
    username,
)

CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
QUERIES = ["dre", "dreux", "chu tours", "hopital", "bretonneau", "tours", "pharmacie",
           "pharmacie gare", "ehpad", "labo", "clinique", "centre hosp", "37000", "28100",
           "2805", "maison de sante", "radio", "saint", "chartres", "bourges", "paris",
           "lyon", "marseille pharmacie", "les", "de la", "ehpad les", "vierzon"]  # fmt: skip
# One PKCE pair (S256) for every authorization request of the bench: a core that requires PKCE
# (RFC 9700) and one that does not both accept it.
CODE_VERIFIER = "kiosque-bench-pkce-code-verifier-0123456789-abcdef"
CODE_CHALLENGE = (
    base64.urlsafe_b64encode(hashlib.sha256(CODE_VERIFIER.encode()).digest()).decode().rstrip("=")
)
POOL = 16  # signed-in accounts 1..POOL (bench0 is the reviewer); sign-ins use the others
SCOPE = "openid profile email rpps"


class Failure(Exception):
    pass


def basic(client_id: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{CLIENT_SECRET}".encode()).decode()


class Driver:
    def __init__(self, base: str, accounts: int):
        self.base = base
        self.accounts = accounts
        self.next_account = POOL + 1 + random.randrange(max(1, accounts - POOL - 1))
        self.sessions: list[aiohttp.ClientSession] = []
        self.reviewer: aiohttp.ClientSession | None = None
        self.access_tokens: list[str] = []
        self.refresh_tokens: list[str] = []
        self.requests = 0

    def new_session(self, connections: int = 1) -> aiohttp.ClientSession:
        return aiohttp.ClientSession(
            cookie_jar=aiohttp.CookieJar(unsafe=True),
            connector=aiohttp.TCPConnector(limit=connections),
            timeout=aiohttp.ClientTimeout(total=30),
        )

    async def call(self, session, method, path, expect=200, **kwargs) -> aiohttp.ClientResponse:
        kwargs.setdefault("allow_redirects", False)
        async with session.request(method, self.base + path, **kwargs) as response:
            self.requests += 1
            body = await response.text()
            if response.status != expect:
                raise Failure(f"{method} {path} -> {response.status}")
            response.body = body
            return response

    # --- the full sign-in ----------------------------------------------------------------

    async def sign_in(self, session, index: int) -> None:
        page = await self.call(session, "GET", "/connexion/")
        token = CSRF_RE.search(page.body).group(1)
        form = {"csrfmiddlewaretoken": token, "username": username(index), "password": PASSWORD}
        await self.call(session, "POST", "/connexion/", 302, data=form)
        page = await self.call(session, "GET", "/connexion/second-facteur/")
        token = CSRF_RE.search(page.body).group(1)
        form = {"csrfmiddlewaretoken": token, "action": "choose", "method": "totp"}
        page = await self.call(session, "POST", "/connexion/second-facteur/", data=form)
        totp = pyotp.TOTP(totp_secret(index))
        for attempt in range(2):
            token = CSRF_RE.search(page.body).group(1)
            form = {"csrfmiddlewaretoken": token, "action": "verify", "method": "totp",
                    "code": totp.now()}  # fmt: skip
            try:
                done = await self.call(session, "POST", "/connexion/second-facteur/", 302,
                                       data=form)  # fmt: skip
                break
            except Failure:
                # A code is accepted once: an account signed in during this 30-s step (by an
                # earlier run) must wait for the next code.
                if attempt:
                    raise
                await asyncio.sleep(totp.interval - time.time() % totp.interval + 0.5)
                page = await self.call(session, "GET", "/connexion/second-facteur/")
        if not done.headers["Location"].startswith("/applications/"):
            raise Failure(f"second factor refused ({done.headers['Location']})")
        await self.call(session, "GET", "/applications/")

    async def op_signin(self, vu: int) -> None:
        index = self.next_account
        self.next_account = self.next_account + 1
        if self.next_account >= self.accounts:
            self.next_account = POOL + 1
        async with self.new_session() as session:
            await self.sign_in(session, index)

    # --- pages of a signed-in user --------------------------------------------------------

    async def op_portal(self, vu):
        await self.call(self.sessions[vu % POOL], "GET", "/applications/")

    async def op_history(self, vu):
        await self.call(self.sessions[vu % POOL], "GET", "/compte/historique/")

    async def op_queue(self, vu):
        await self.call(self.reviewer, "GET", "/gestion/")

    async def op_autocomplete(self, vu):
        query = random.choice(QUERIES)
        await self.call(self.sessions[vu % POOL], "GET", "/annuaire/etablissements/",
                        params={"q": query})  # fmt: skip

    # --- OpenID Connect -------------------------------------------------------------------

    async def op_discovery(self, vu):
        await self.call(self.sessions[vu % POOL], "GET", "/.well-known/openid-configuration")

    async def op_jwks(self, vu):
        await self.call(self.sessions[vu % POOL], "GET", "/oidc/jwks/")

    async def authorize(self, vu) -> str:
        """Authorization request of a signed-in browser (PKCE S256): the code it redirects with."""
        session = self.sessions[vu % POOL]
        params = {"response_type": "code", "client_id": CLIENT_ID, "redirect_uri": REDIRECT_URI,
                  "scope": SCOPE, "state": secrets.token_urlsafe(8),
                  "nonce": secrets.token_urlsafe(8), "code_challenge": CODE_CHALLENGE,
                  "code_challenge_method": "S256"}  # fmt: skip
        answer = await self.call(session, "GET", "/oidc/authorize/", 302, params=params)
        return parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0]

    async def op_code(self, vu) -> dict:
        """Authorization request (signed-in browser) + authorization code exchange."""
        code = await self.authorize(vu)
        data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI,
                "code_verifier": CODE_VERIFIER}  # fmt: skip
        tokens = await self.call(self.sessions[vu % POOL], "POST", "/oidc/token/", data=data,
                                 headers={"Authorization": basic(CLIENT_ID)})  # fmt: skip
        return json.loads(tokens.body)

    async def op_token_cc(self, vu):
        await self.call(self.sessions[vu % POOL], "POST", "/oidc/token/",
                        data={"grant_type": "client_credentials", "scope": "openid"},
                        headers={"Authorization": basic(CC_CLIENT_ID)})  # fmt: skip

    async def op_refresh(self, vu):
        """Each virtual user refreshes its own token chain (rotation: each token once)."""
        old = self.refresh_tokens[vu]
        answer = await self.call(self.sessions[vu % POOL], "POST", "/oidc/token/",
                                 data={"grant_type": "refresh_token", "refresh_token": old},
                                 headers={"Authorization": basic(CLIENT_ID)})  # fmt: skip
        tokens = json.loads(answer.body)
        self.refresh_tokens[vu] = tokens["refresh_token"]
        self.access_tokens[vu] = tokens["access_token"]  # the old one is revoked with it

    async def op_userinfo(self, vu):
        token = self.access_tokens[vu % len(self.access_tokens)]
        await self.call(self.sessions[vu % POOL], "GET", "/oidc/userinfo/",
                        headers={"Authorization": f"Bearer {token}"})  # fmt: skip

    async def op_introspect(self, vu):
        token = self.access_tokens[vu % len(self.access_tokens)]
        answer = await self.call(self.sessions[vu % POOL], "POST", "/oidc/introspect/",
                                 data={"token": token},
                                 headers={"Authorization": basic(CLIENT_ID)})  # fmt: skip
        if '"active": true' not in answer.body:
            raise Failure("introspection: token inactive")

    # --- set-up ---------------------------------------------------------------------------

    async def prepare(self, need_tokens: int) -> None:
        self.sessions = [self.new_session() for _ in range(POOL)]
        for index, session in enumerate(self.sessions, start=1):
            await self.sign_in(session, index)
        # One reviewer, C tabs: as many connections as virtual users, or the queue scenario
        # would measure the client's own queue rather than the server.
        self.reviewer = self.new_session(connections=need_tokens)
        await self.sign_in(self.reviewer, 0)
        for vu in range(max(POOL, need_tokens)):
            tokens = await self.op_code(vu)
            self.access_tokens.append(tokens["access_token"])
            self.refresh_tokens.append(tokens["refresh_token"])

    async def close(self):
        for session in [*self.sessions, self.reviewer]:
            if session is not None:
                await session.close()


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def tree_cpu_seconds(master: "psutil.Process") -> float:
    """User + system CPU seconds of a process and its children (gunicorn's master and workers)."""
    return _cpu([master, *master.children(recursive=True)])


class Server:
    """gunicorn (`kiosque serve`) + the mail worker, on the bench database."""

    def __init__(self, database: str, port: int, workers: int, mail_worker: bool, threads: int = 1):
        # This checkout first (a worktree's kiosque, not the one the virtualenv installed).
        path = [str(PROJECT), str(PROJECT / "bench"), os.environ.get("PYTHONPATH", "")]
        self.env = {**os.environ, **bench_env(database), "PYTHONPATH": os.pathsep.join(path),
                    "DJANGO_SETTINGS_MODULE": "bench_settings",
                    "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7"),
                    "KIOSQUE_BASE_URL": f"http://127.0.0.1:{port}"}  # fmt: skip
        self.database = database
        kiosque = [sys.executable, "-m", "kiosque"]  # this checkout (PYTHONPATH), this venv
        subprocess.run([*kiosque, "migrate", "--no-input", "-v0"], env=self.env, check=True)
        self.web = subprocess.Popen(
            [*kiosque, "serve", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
             "--threads", str(threads), "--access-log", "", "--max-requests", "0"],
            env=self.env, start_new_session=True,
        )  # fmt: skip
        self.mail = (
            subprocess.Popen([*kiosque, "worker"], env=self.env, start_new_session=True)
            if mail_worker
            else None
        )
        self.base = f"http://127.0.0.1:{port}"

    def wait(self):
        import urllib.request

        for _ in range(120):
            try:
                urllib.request.urlopen(self.base + "/.well-known/openid-configuration", timeout=2)
                return
            except OSError:
                time.sleep(0.5)
        raise SystemExit("server did not start")

    def processes(self) -> list[psutil.Process]:
        master = psutil.Process(self.web.pid)
        return [master, *master.children(recursive=True)]

    def cpu_seconds(self) -> float:
        return tree_cpu_seconds(psutil.Process(self.web.pid))

    def database_cpu(self) -> dict[int, float]:
        """CPU seconds of each PostgreSQL backend serving the bench database (same machine)."""
        name = self.env["DATABASE_URL"].rsplit("/", 1)[-1]
        seconds = {}
        for process in psutil.process_iter(["cmdline"]):
            try:
                title = " ".join(process.info["cmdline"] or [])
                if title.startswith("postgres: ") and f" {name} " in title:
                    times = process.cpu_times()
                    seconds[process.pid] = times.user + times.system
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                pass
        return seconds

    @staticmethod
    def database_cpu_since(before: dict[int, float], after: dict[int, float]) -> float:
        """The backends' CPU between two readings (a backend that exited meanwhile, its
        connection older than CONN_MAX_AGE, is not counted: a lower bound)."""
        return sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())

    def memory(self) -> dict:
        procs = self.processes()
        data = {"master_mb": procs[0].memory_info().rss / 2**20,
                "workers_mb": [p.memory_info().rss / 2**20 for p in procs[1:]]}  # fmt: skip
        if self.mail is not None:
            data["mail_worker_mb"] = psutil.Process(self.mail.pid).memory_info().rss / 2**20
        data["total_mb"] = (
            data["master_mb"] + sum(data["workers_mb"]) + data.get("mail_worker_mb", 0)
        )
        return data

    def stop(self):
        for process in (self.web, self.mail):
            if process is not None and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)


async def run_scenario(driver, server, name, concurrency, duration) -> dict:
    operation = getattr(driver, f"op_{name}")
    latencies, errors = [], []
    requests_before = driver.requests
    deadline = time.perf_counter() + duration

    async def virtual_user(vu):
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                await operation(vu)
                latencies.append(time.perf_counter() - started)
            except (TimeoutError, Failure, aiohttp.ClientError, KeyError) as error:
                errors.append(repr(error))

    cpu_before = server.cpu_seconds() if server else 0.0
    db_before = server.database_cpu() if server else {}
    started = time.perf_counter()
    await asyncio.gather(*(virtual_user(vu) for vu in range(concurrency)))
    wall = time.perf_counter() - started
    cpu = (server.cpu_seconds() - cpu_before) / wall if server else 0.0
    db_cpu = server.database_cpu_since(db_before, server.database_cpu()) if server else 0.0
    result = {
        "scenario": name, "concurrency": concurrency, "ops": len(latencies),
        "ops_per_s": len(latencies) / wall,
        "http_per_s": (driver.requests - requests_before) / wall,
        "p50_ms": percentile(latencies, 0.5) * 1000 if latencies else None,
        "p95_ms": percentile(latencies, 0.95) * 1000 if latencies else None,
        "p99_ms": percentile(latencies, 0.99) * 1000 if latencies else None,
        "errors": len(errors), "first_errors": errors[:3], "server_cores": cpu,
        "server_cpu_ms_per_op": cpu * wall * 1000 / max(1, len(latencies)),
        "database_cpu_ms_per_op": db_cpu * 1000 / max(1, len(latencies)),
    }  # fmt: skip
    print(
        f"{name:13s} c={concurrency} ops/s={result['ops_per_s']:8.1f} "
        f"http/s={result['http_per_s']:8.1f} p50={result['p50_ms'] or 0:7.1f} "
        f"p95={result['p95_ms'] or 0:7.1f} p99={result['p99_ms'] or 0:7.1f} ms "
        f"err={len(errors)} cpu={cpu:.2f} cores ({result['server_cpu_ms_per_op']:.1f} ms/op, "
        f"PostgreSQL {result['database_cpu_ms_per_op']:.1f} ms/op) "
        f"{errors[:1] if errors else ''}",
        flush=True,
    )
    return result


def _hash_worker(args):
    database, seconds = args
    os.environ.update(bench_env(database))
    import django

    django.setup()
    from django.contrib.auth.hashers import check_password, make_password

    encoded = make_password(PASSWORD)
    count, deadline, cpu = 0, time.perf_counter() + seconds, time.process_time()
    while time.perf_counter() < deadline:
        check_password(PASSWORD, encoded)
        count += 1
    return count, time.process_time() - cpu


def hash_rate(database: str, processes: int, seconds: float) -> dict:
    """argon2 verifications/s with the configured parameters, in `processes` processes, and
    the CPU milliseconds one verification costs."""
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(processes) as pool:
        results = list(pool.map(_hash_worker, [(database, seconds)] * processes))
    count = sum(r[0] for r in results)
    return {"per_s": count / seconds, "cpu_ms": sum(r[1] for r in results) * 1000 / count}


WRK_DIR = Path(__file__).resolve().parent / "wrk"
LLNG = {"base": "http://127.0.0.1:80", "host": "auth.example.com", "discovery":
        "/.well-known/openid-configuration", "jwks": "/oauth2/jwks", "token": "/oauth2/token",
        "userinfo": "/oauth2/userinfo", "introspect": "/oauth2/introspect",
        "authorize": "/oauth2/authorize", "user": "dwho", "password": "dwho",
        "scope": "openid profile email"}  # fmt: skip
KIOSQUE_PATHS = {"discovery": "/.well-known/openid-configuration", "jwks": "/oidc/jwks/",
                 "token": "/oidc/token/", "userinfo": "/oidc/userinfo/",
                 "introspect": "/oidc/introspect/"}  # fmt: skip
COMPARED = ["discovery", "jwks", "userinfo", "introspect", "token_cc", "refresh", "code"]
LISTED = ("refresh", "code")  # each request consumes one pre-minted, single-use item
LABELS = {"discovery": "discovery", "jwks": "JWKS", "userinfo": "userinfo",
          "introspect": "introspection", "token_cc": "token (client credentials)",
          "refresh": "token (refresh, rotation)", "code": "token (code exchange)"}  # fmt: skip
CODE_BODY = (
    "grant_type=authorization_code&code={item}&redirect_uri="
    + REDIRECT_URI.replace(":", "%3A").replace("/", "%2F")
    + "&code_verifier=" + CODE_VERIFIER
)  # fmt: skip
REFRESH_BODY = "grant_type=refresh_token&refresh_token={item}"


async def mint_parallel(count: int, mint_one, parallel: int, seconds: float) -> list[str]:
    """`count` items from `mint_one()` (an HTTP flow), `parallel` at a time, for at most
    `seconds`: codes and refresh tokens are minted right before the run that consumes them
    (codes live 60 s on both servers)."""
    items, failures, deadline = [], [], time.perf_counter() + seconds

    async def worker():
        while len(items) < count and time.perf_counter() < deadline:
            try:
                items.append(await mint_one())
            except (Failure, aiohttp.ClientError, KeyError, TimeoutError) as error:
                failures.append(repr(error))
                if len(failures) > 20:
                    raise Failure(f"minting fails: {failures[:3]}") from error

    await asyncio.gather(*(worker() for _ in range(parallel)))
    return items[:count]


class KiosqueMinter:
    """Kiosque's single-use items, minted core-agnostically over HTTP: a real authorization-code
    flow (PKCE) of the bench users that `Driver.prepare` signed in (password + TOTP), then the
    code exchange for a refresh token. Nothing is written to the provider's tables."""

    def __init__(self, driver: Driver):
        self.driver = driver
        self.turn = 0

    def _vu(self) -> int:
        self.turn += 1
        return self.turn

    async def code(self) -> str:
        return await self.driver.authorize(self._vu())

    async def refresh(self) -> str:
        return (await self.driver.op_code(self._vu()))["refresh_token"]


class LlngMinter:
    """LemonLDAP::NG's items, minted the same way: codes from an authorization request (PKCE)
    of a portal session of its Demo user (one sign-in), refresh tokens from their exchange.
    LLNG 2.16 does not rotate refresh tokens, but each request still gets one never used, like
    Kiosque's. Its access tokens (userinfo, introspection) come from the password grant."""

    def __init__(self):
        self.http = aiohttp.ClientSession(
            cookie_jar=aiohttp.DummyCookieJar(), connector=aiohttp.TCPConnector(limit=16),
            timeout=aiohttp.ClientTimeout(total=30),
        )  # fmt: skip
        self.cookie = ""

    async def _call(self, method, path, expect, signed_in=False, **kwargs):
        headers = {"Host": LLNG["host"], **kwargs.pop("headers", {})}
        if signed_in:  # the portal session; the token endpoint answers 400 to a cookie
            headers["Cookie"] = self.cookie
        async with self.http.request(method, LLNG["base"] + path, headers=headers,
                                     allow_redirects=False, **kwargs) as answer:  # fmt: skip
            body = await answer.text()
            if answer.status != expect:
                raise Failure(f"LLNG {method} {path} -> {answer.status}")
            return answer, body

    async def sign_in(self) -> None:
        _, page = await self._call("GET", "/", 200, headers={"Accept": "text/html"})
        token = re.search(r'name="token" value="([^"]+)"', page).group(1)
        form = {"user": LLNG["user"], "password": LLNG["password"], "token": token,
                "timezone": "1", "skin": "bootstrap", "url": ""}  # fmt: skip
        answer, _ = await self._call("POST", "/", 302, data=form, headers={"Accept": "text/html"})
        cookie = answer.headers.get("Set-Cookie", "")
        self.cookie = re.search(r"(lemonldap=[^;]+)", cookie).group(1)

    async def code(self) -> str:
        params = {"response_type": "code", "client_id": "bench-client",
                  "redirect_uri": REDIRECT_URI, "scope": LLNG["scope"],
                  "state": secrets.token_urlsafe(8), "nonce": secrets.token_urlsafe(8),
                  "code_challenge": CODE_CHALLENGE, "code_challenge_method": "S256"}  # fmt: skip
        answer, _ = await self._call("GET", LLNG["authorize"], 302, True, params=params)
        return parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0]

    async def refresh(self) -> str:
        data = {"grant_type": "authorization_code", "code": await self.code(),
                "redirect_uri": REDIRECT_URI, "code_verifier": CODE_VERIFIER}  # fmt: skip
        _, body = await self._call("POST", LLNG["token"], 200, data=data,
                                   headers={"Authorization": basic("bench-client")})  # fmt: skip
        return json.loads(body)["refresh_token"]

    async def access_tokens(self, count: int) -> list[str]:
        data = {"grant_type": "password", "username": LLNG["user"],
                "password": LLNG["password"], "scope": LLNG["scope"]}  # fmt: skip
        tokens = []
        for _ in range(count):
            auth = {"Authorization": basic("bench-client")}
            _, body = await self._call("POST", LLNG["token"], 200, data=data, headers=auth)
            tokens.append(json.loads(body)["access_token"])
        return tokens

    async def close(self):
        await self.http.close()


def llng_processes() -> list[psutil.Process]:
    procs = []
    for pidfile in ("/run/llng-fastcgi-server/llng-fastcgi-server.pid", "/run/nginx.pid"):
        master = psutil.Process(int(Path(pidfile).read_text().split()[0]))
        procs += [master, *master.children(recursive=True)]
    return procs


def _cpu(procs) -> float:
    total = 0.0
    for process in procs:
        try:
            times = process.cpu_times()
            total += times.user + times.system
        except psutil.NoSuchProcess:
            pass
    return total


def _is_postgres(pid: int) -> bool:
    try:
        return psutil.Process(pid).name() == "postgres"
    except psutil.Error:
        return False


class DatabaseBackends:
    """CPU seconds of the PostgreSQL backends serving one database: Kiosque's share of
    PostgreSQL. Backends are found by their process title (`postgres: ... USER DATABASE
    HOST(PORT) ...`) among the postmaster's children, sampled every 0.2 s by a thread, so a
    backend that ends during a run (Django closes connections older than CONN_MAX_AGE) counts
    up to its last sample, and one born during a run counts from its fork. Other databases of
    the same cluster (other users of the machine) are not counted."""

    def __init__(self, database: str, interval: float = 0.2):
        self.tag = f" {database} "
        self.interval = interval
        postmasters = [
            p for p in psutil.process_iter(["name", "ppid"])
            if p.info["name"] == "postgres" and not _is_postgres(p.info["ppid"])
        ]  # fmt: skip
        if len(postmasters) != 1:
            raise SystemExit(
                "Kiosque's CPU counts its PostgreSQL backends: run the bench on the machine of "
                f"its PostgreSQL server (one local postmaster; found {len(postmasters)})"
            )
        self.postmaster = postmasters[0]
        self.seen: dict[int, float] = {}
        self.lock = threading.Lock()
        self.running = True
        self.sample()
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def sample(self) -> None:
        for child in self.postmaster.children():
            try:
                if self.tag not in " ".join(child.cmdline()) + " ":
                    continue
                times = child.cpu_times()
            except psutil.Error:
                continue
            with self.lock:
                self.seen[child.pid] = times.user + times.system

    def _loop(self) -> None:
        while self.running:
            time.sleep(self.interval)
            self.sample()

    def snapshot(self) -> dict[int, float]:
        self.sample()
        with self.lock:
            return dict(self.seen)

    def since(self, snapshot: dict[int, float]) -> float:
        self.sample()
        with self.lock:
            return sum(cpu - snapshot.get(pid, 0.0) for pid, cpu in self.seen.items())

    def stop(self) -> None:
        self.running = False


def wrk(target: dict, endpoint: str, concurrency: int, duration: float, procs, work: Path,
        backends=None, items: list[str] | None = None) -> dict:  # fmt: skip
    """One wrk run (1 thread) of `endpoint` against `target`; parsed figures. `items`: the
    pre-minted codes or refresh tokens that a `LISTED` endpoint consumes, one per request."""
    env = {**os.environ, "WRKDIR": str(WRK_DIR), "WRK_HOST": target["host"]}
    script = "request.lua"
    if endpoint in ("discovery", "jwks"):
        env["WRK_PATH"] = target["paths"][endpoint]
    elif endpoint == "userinfo":
        env.update(WRK_PATH=target["paths"]["userinfo"], WRK_AUTH=f"Bearer {target['access'][0]}")
    elif endpoint == "introspect":
        env.update(
            WRK_PATH=target["paths"]["introspect"],
            WRK_METHOD="POST",
            WRK_AUTH=basic(target["client"]),
            WRK_BODY=f"token={target['access'][0]}",
        )
    elif endpoint == "token_cc":
        env.update(
            WRK_PATH=target["paths"]["token"],
            WRK_METHOD="POST",
            WRK_AUTH=basic(target["cc_client"]),
            WRK_BODY="grant_type=client_credentials&scope=openid",
        )
    elif endpoint in LISTED:
        listing = work / f"{endpoint}-{target['name']}.txt"
        listing.write_text("\n".join(items or []) + "\n")
        env.update(
            WRK_PATH=target["paths"]["token"],
            WRK_AUTH=basic(target["client"]),
            WRK_LIST=str(listing),
            WRK_BODY=CODE_BODY if endpoint == "code" else REFRESH_BODY,
        )
        script = "list.lua"
    db_before = backends.snapshot() if backends else None
    cpu_before, started = _cpu(procs), time.perf_counter()
    out = subprocess.run(
        ["wrk", "-t1", f"-c{concurrency}", f"-d{int(duration)}s", "--timeout", "10s", "-s",
         str(WRK_DIR / script), target["base"]],
        env=env, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    wall = time.perf_counter() - started
    app_cpu = _cpu(procs) - cpu_before
    db_cpu = backends.since(db_before) if backends else 0.0
    lat = dict(kv.split("=") for kv in re.search(r"LAT_US (.*)", out).group(1).split())
    reqs = re.search(r"REQS (\d+) DURATION_S ([\d.]+) RPS ([\d.]+)", out)
    span = re.search(r"SPAN_S ([\d.]+) EXHAUSTED (\d)", out)
    statuses = dict(kv.split("=") for kv in re.search(r"STATUS_COUNTS(.*)", out).group(1).split())
    ok = int(statuses.get("200", 0))
    counted = sum(int(v) for v in statuses.values())
    seconds = float(span.group(1)) or float(reqs.group(2))
    result = {"target": target["name"], "endpoint": endpoint, "concurrency": concurrency,
              "rps": ok / seconds, "seconds": seconds, "exhausted": span.group(2) == "1",
              "listed": len(items or []), "requests": counted, "ok": ok,
              "errors": counted - ok, "statuses": statuses,
              "p50_ms": int(lat["p50"]) / 1000,
              "p90_ms": int(lat["p90"]) / 1000, "p99_ms": int(lat["p99"]) / 1000,
              "server_cores": (app_cpu + db_cpu) / wall,
              "cpu_ms_per_req": (app_cpu + db_cpu) * 1000 / max(1, ok),
              "db_cpu_ms_per_req": db_cpu * 1000 / max(1, ok)}  # fmt: skip
    note = f" list {len(items)} {'used up' if result['exhausted'] else ''}" if items else ""
    print(
        f"  {target['name']:8s} {endpoint:10s} c={concurrency} ok/s={result['rps']:8.1f} "
        f"p50={result['p50_ms']:6.1f} p99={result['p99_ms']:6.1f} ms err={result['errors']} "
        f"cpu={result['server_cores']:.2f} ({result['cpu_ms_per_req']:.2f} ms/req, "
        f"db {result['db_cpu_ms_per_req']:.2f}) {seconds:.1f}s{note}",
        flush=True,
    )
    return result


async def compare(driver: Driver, server: Server, args, work: Path) -> list[dict]:
    """wrk against Kiosque and LemonLDAP::NG, endpoint by endpoint, alternating the order.

    Codes and refresh tokens are minted right before the run that consumes them, as many as
    that run should need: the rate the previous run of the same endpoint and server reached
    (a short probe at the first concurrency before the first) times the duration, x1.3, and
    x1.5 when the concurrency goes up; at most --list-max, and no longer than --mint-seconds
    of minting. A run that uses its list up stops there and is counted over its own span."""
    work.mkdir(parents=True, exist_ok=True)
    backends = DatabaseBackends(server.database)
    llng_minter = LlngMinter()
    kiosque_minter = KiosqueMinter(driver)
    try:
        await llng_minter.sign_in()
        kiosque = {"name": "kiosque", "base": server.base,
                   "host": urlsplit(server.base).netloc, "paths": KIOSQUE_PATHS,
                   "access": driver.access_tokens, "client": CLIENT_ID,
                   "cc_client": CC_CLIENT_ID, "minter": kiosque_minter}  # fmt: skip
        llng = {"name": "llng", "base": LLNG["base"], "host": LLNG["host"], "paths": LLNG,
                "access": await llng_minter.access_tokens(4), "client": "bench-client",
                "cc_client": "bench-client", "minter": llng_minter}  # fmt: skip
        rates: dict[tuple, tuple[int, float]] = {}
        concurrencies = [int(c) for c in args.concurrency.split(",")]
        endpoints = [e for e in args.compare.split(",") if e]

        async def items_for(target, endpoint, concurrency) -> list[str]:
            known = rates.get((target["name"], endpoint))
            if known is None:  # probe: a short run on a small list gives the rate
                probe = await mint_parallel(args.list_probe, getattr(target["minter"], endpoint),
                                            args.mint_parallel, args.mint_seconds)  # fmt: skip
                procs = server.processes() if target is kiosque else llng_processes()
                run = wrk(target, endpoint, concurrency, 3, procs, work, None, probe)
                known = rates[(target["name"], endpoint)] = (concurrency, run["rps"])
            scale = 1.5 if concurrency > known[0] else 1.0
            wanted = int(min(args.list_max, max(50, known[1] * scale * args.duration * 1.3)))
            started = time.perf_counter()
            items = await mint_parallel(wanted, getattr(target["minter"], endpoint),
                                        args.mint_parallel, args.mint_seconds)  # fmt: skip
            print(f"  minted {len(items)} {endpoint} items for {target['name']} in "
                  f"{time.perf_counter() - started:.1f} s", flush=True)  # fmt: skip
            return items

        runs = []
        for repeat in range(args.repeats):
            for concurrency in concurrencies:
                for endpoint in endpoints:
                    pair = [kiosque, llng] if repeat % 2 == 0 else [llng, kiosque]
                    for target in pair:
                        items = None
                        if endpoint in LISTED:
                            items = await items_for(target, endpoint, concurrency)
                        is_kiosque = target is kiosque
                        procs = server.processes() if is_kiosque else llng_processes()
                        run = wrk(target, endpoint, concurrency, args.duration, procs, work,
                                  backends if is_kiosque else None, items)  # fmt: skip
                        run["repeat"] = repeat
                        runs.append(run)
                        if endpoint in LISTED:
                            rates[(target["name"], endpoint)] = (concurrency, run["rps"])
        return runs
    finally:
        backends.stop()
        await llng_minter.close()


def compare_summary(runs: list[dict]) -> dict:
    """Per (endpoint, concurrency): medians for each target and the ratios of the medians."""
    table = {}
    for run in runs:
        key = f"{run['endpoint']}@c{run['concurrency']}"
        table.setdefault(key, {}).setdefault(run["target"], []).append(run)
    out = {}
    for key, targets in table.items():
        row = {}
        for name, rs in targets.items():
            row[name] = {
                k: statistics.median(r[k] for r in rs)
                for k in ("rps", "p50_ms", "p99_ms", "server_cores", "cpu_ms_per_req",
                          "db_cpu_ms_per_req", "seconds")
            }  # fmt: skip
            row[name]["errors"] = sum(r["errors"] for r in rs)
            row[name]["exhausted"] = any(r["exhausted"] for r in rs)
        if "kiosque" in row and "llng" in row and row["llng"]["rps"]:
            row["rps_ratio"] = row["kiosque"]["rps"] / row["llng"]["rps"]
            row["p99_ratio"] = row["kiosque"]["p99_ms"] / max(row["llng"]["p99_ms"], 0.001)
        out[key] = row
    return out


def compare_table(summary: dict) -> str:
    """The side-by-side table (Markdown), one row per endpoint and concurrency."""
    lines = [
        "| endpoint | conc | Kiosque req/s | LLNG req/s | ratio | Kiosque p50 / p99 ms "
        "| LLNG p50 / p99 ms | Kiosque CPU ms/req (of which PostgreSQL) | LLNG CPU ms/req "
        "| errors K/L |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for key, row in summary.items():
        endpoint, concurrency = key.split("@c")
        k, peer = row.get("kiosque"), row.get("llng")
        if not k or not peer:
            continue
        mark = " †" if k["exhausted"] or peer["exhausted"] else ""  # a list was used up
        lines.append(
            f"| {LABELS.get(endpoint, endpoint)}{mark} | {concurrency} | {k['rps']:,.0f} "
            f"| {peer['rps']:,.0f} | **{row.get('rps_ratio', 0):.2f}** "
            f"| {k['p50_ms']:.1f} / {k['p99_ms']:.1f} "
            f"| {peer['p50_ms']:.1f} / {peer['p99_ms']:.1f} "
            f"| {k['cpu_ms_per_req']:.2f} ({k['db_cpu_ms_per_req']:.2f}) "
            f"| {peer['cpu_ms_per_req']:.2f} | {k['errors']}/{peer['errors']} |"
        )
    lines.append(
        "\nratio: Kiosque ÷ LLNG requests/s (successful answers only). †: a pre-minted list was "
        "used up before the end of the run, which is then counted over its own span."
    )
    return "\n".join(lines) + "\n"


def summarize(runs: list[dict]) -> dict:
    """Median of each figure over the repeats of one (scenario, concurrency)."""
    keys = ["ops_per_s", "http_per_s", "p50_ms", "p95_ms", "p99_ms", "server_cores",
            "server_cpu_ms_per_op", "database_cpu_ms_per_op"]  # fmt: skip
    summary = {k: statistics.median([r[k] for r in runs if r[k] is not None] or [0]) for k in keys}
    summary["errors"] = sum(r["errors"] for r in runs)
    summary["repeats"] = len(runs)
    return summary


async def main_async(args) -> dict:
    server = None
    base = args.base_url
    if base is None:
        server = Server(args.database, args.port, args.workers, args.mail_worker, args.threads)
        base = server.base
    driver = Driver(base, args.accounts)
    results = {"args": vars(args), "started": time.strftime("%Y-%m-%d %H:%M:%S"), "runs": []}
    try:
        if server:
            server.wait()
        scenarios = [s for s in args.scenarios.split(",") if s]
        concurrencies = [int(c) for c in args.concurrency.split(",")]
        await driver.prepare(max(concurrencies))
        if args.tokens:
            Path(args.tokens).write_text(
                json.dumps({"access": driver.access_tokens, "refresh": driver.refresh_tokens})
            )
        if args.hash_rate:
            results["argon2_verify_per_s_before"] = hash_rate(
                args.database, args.workers, args.duration
            )
            print(f"argon2 ({args.workers} processes): "
                  f"{results['argon2_verify_per_s_before']}", flush=True)  # fmt: skip
        if args.compare:
            results["compare"] = await compare(driver, server, args, Path(args.out or "x").parent)
        for repeat in range(args.repeats):
            for concurrency in concurrencies:
                for name in scenarios:
                    run = await run_scenario(driver, server, name, concurrency, args.duration)
                    run["repeat"] = repeat
                    results["runs"].append(run)
        if args.hash_rate:
            results["argon2_verify_per_s_after"] = hash_rate(
                args.database, args.workers, args.duration
            )
            print(f"argon2 after: {results['argon2_verify_per_s_after']}")
        if server:
            results["memory_after"] = server.memory()
            print("memory after the runs (MB):", json.dumps(results["memory_after"]))
    finally:
        await driver.close()
        if server:
            server.stop()
    grouped = {}
    for run in results["runs"]:
        grouped.setdefault(f"{run['scenario']}@c{run['concurrency']}", []).append(run)
    results["summary"] = {key: summarize(runs) for key, runs in grouped.items()}
    if results.get("compare"):
        results["compare_summary"] = compare_summary(results["compare"])
        results["compare_table"] = compare_table(results["compare_summary"])
        print("\nKiosque vs LemonLDAP::NG (medians over repeats):\n" + results["compare_table"])
    if results["summary"]:
        print("\nmedians over repeats:")
    for key, s in results["summary"].items():
        print(f"  {key:18s} ops/s={s['ops_per_s']:8.1f} p50={s['p50_ms']:7.1f} "
              f"p95={s['p95_ms']:7.1f} p99={s['p99_ms']:7.1f} ms errors={s['errors']} "
              f"cpu={s['server_cores']:.2f} ({s['server_cpu_ms_per_op']:.1f} ms/op)")  # fmt: skip
    signin = results["summary"].get(f"signin@c{max(int(c) for c in args.concurrency.split(','))}")
    if args.hash_rate and signin:
        rates = [results["argon2_verify_per_s_before"], results["argon2_verify_per_s_after"]]
        per_s = statistics.mean(r["per_s"] for r in rates)
        cpu_ms = statistics.mean(r["cpu_ms"] for r in rates)
        results["signin_vs_argon2"] = {
            "signins_per_verification": signin["ops_per_s"] / per_s,
            "signin_cpu_ms": signin["server_cpu_ms_per_op"],
            "verification_cpu_ms": cpu_ms,
            "cpu_ratio": signin["server_cpu_ms_per_op"] / cpu_ms,
        }
        print("sign-in vs argon2 (same run):", json.dumps(results["signin_vs_argon2"]))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="kiosque_bench_1k")
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--scenarios", default="signin,portal,history,queue,autocomplete,"
                        "discovery,jwks,userinfo,introspect,token_cc,refresh,code")  # fmt: skip
    parser.add_argument("--concurrency", default="2,8")
    parser.add_argument("--duration", type=float, default=15)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker")
    parser.add_argument("--port", type=int, default=8210)
    parser.add_argument("--base-url", help="an already running server (no CPU/RSS figures)")
    parser.add_argument("--mail-worker", action="store_true", help="also run `kiosque worker`")
    parser.add_argument("--hash-rate", action="store_true")
    parser.add_argument("--tokens", help="write access/refresh tokens (JSON) for wrk")
    parser.add_argument("--compare", default="", help="wrk vs LemonLDAP::NG: " + ",".join(COMPARED))
    parser.add_argument(
        "--list-probe",
        type=int,
        default=150,
        help="codes / refresh tokens of the probe run that sizes the lists",
    )
    parser.add_argument(
        "--list-max",
        type=int,
        default=4000,
        help="at most this many codes / refresh tokens minted for one run",
    )
    parser.add_argument(
        "--mint-seconds",
        type=float,
        default=35,
        help="stop minting a list after this long (codes live 60 s)",
    )
    parser.add_argument("--mint-parallel", type=int, default=8)
    parser.add_argument("--out")
    args = parser.parse_args()
    results = asyncio.run(main_async(args))
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(json.dumps(results, indent=1))
        if results.get("compare_table"):
            Path(args.out).with_suffix(".md").write_text(results["compare_table"])


if __name__ == "__main__":
    main()
