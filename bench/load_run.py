# ruff: noqa: B023 - every lambda is called at once by Recorder.timed, inside its loop turn
"""Load run: simulated professionals against two Kiosque nodes (issue 10, item 6).

Starts its own throwaway PostgreSQL, Redis and SMTP server, two `kiosque serve` nodes and one
`kiosque worker` (as tests/resilience does), then each simulated professional, from its own
loopback address, loops until the end of the run through the whole journey:

  register (the whole wizard) -> sign in with a mail code (the code is read from the SMTP
  server) -> portal -> ask for access to the DCC (first journey) -> SSO into a relying party
  (OIDC authorization request with the browser's session, then the relying party's code
  exchange and userinfo call) -> sign out.

Think time: between two pages the professional pauses for a time drawn from an exponential
distribution of mean --think-mean seconds (default 5 s), truncated at 10x the mean: the model
of TPC-W (clause 5.3.1.1: exponential think time, mean 7 s, truncated at 70 s), with a shorter
mean because our pages are short forms. A professional reads a page and types a form; nobody
clicks through a 20-page journey in zero time. `--think-mean 0` gives the old closed loop
(every user hammers the servers without pause), a stress test rather than a load model. The
relying party's calls (code exchange, userinfo) follow the redirect without a pause, as a
server would. Arrivals are spread over the first --ramp-up seconds (default 60, at most a
quarter of the run): 200 professionals do not all open the registration page in one second.

Argon2 runs with the production parameters (19 MiB, t=2) unless --test-argon2 is given, so the
sign-in POST costs what it costs in production. The password POST is the "hashing page",
reported apart; every other page counts in the "non-hashing" p95 target.

    .venv/bin/python bench/load_run.py --users 50 --duration 60          # development
    .venv/bin/python bench/load_run.py --users 200 --duration 300        # the issue's target
"""

import argparse
import base64
import collections
import hashlib
import itertools
import json
import os
import random
import secrets
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kiosque.testing.cluster import ThrowawayPostgres, ThrowawayRedis  # noqa: E402
from kiosque.testing.processes import free_port, run_kiosque, running, wait_for_http  # noqa: E402
from kiosque.testing.smtp import SMTPTestServer  # noqa: E402
from tests.resilience.harness import Browser, Cluster, cluster_env  # noqa: E402
from tests.resilience.mailbox import CODE_IN_MAIL, body  # noqa: E402
from tests.resilience.test_cluster import registration_steps  # noqa: E402

PASSWORD = "Correct-Horse-42!"
HASHING = {"login"}  # pages whose cost is the password hash (argon2), reported apart
P95_TARGET_MS = 100.0
MAIL_CODE_RESEND_SECONDS = 61  # the mail-code resend interval (60 s), plus a margin
REDIRECT_URI = "http://127.0.0.1:8765/callback"
DCC_ANSWERS = {
    "telephone-professionnel": "02 47 00 00 00",
    "statut": "Salarié",
    "confirmation": "oui",
}


class RunOver(Exception):
    """The run's end came during a pause: the journey stops there."""


class Pauses:
    """The professional's think time; raises RunOver when the run ends during a pause."""

    def __init__(self, rng, mean, stop_at):
        self.rng, self.mean, self.stop_at = rng, mean, stop_at

    def __call__(self):
        if self.mean <= 0:
            self.sleep(0)
        else:
            self.sleep(min(self.rng.expovariate(1 / self.mean), 10 * self.mean))

    def sleep(self, seconds):
        if time.monotonic() + seconds >= self.stop_at:
            time.sleep(max(0.0, self.stop_at - time.monotonic()))
            raise RunOver
        time.sleep(seconds)


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.samples: dict[str, list[float]] = collections.defaultdict(list)
        self.statuses: collections.Counter = collections.Counter()
        self.errors: list[str] = []
        self.counters: collections.Counter = collections.Counter()

    def count(self, name):
        with self.lock:
            self.counters[name] += 1

    def timed(self, label, call, expect=(200, 302)):
        started = time.perf_counter()
        try:
            response = call()
        except Exception as error:  # noqa: BLE001 - counted as a failure
            with self.lock:
                self.statuses["exception"] += 1
                self.errors.append(f"{label}: {error!r}")
            raise
        elapsed = (time.perf_counter() - started) * 1000
        with self.lock:
            self.samples[label].append(elapsed)
            self.statuses[response.status_code // 100 * 100] += 1
            if response.status_code not in expect:
                self.errors.append(f"{label}: HTTP {response.status_code}")
        if response.status_code not in expect:
            raise RuntimeError(f"{label}: HTTP {response.status_code}")
        return response


class LoadCluster(Cluster):
    """The harness's cluster, with gunicorn threads per worker (`kiosque serve --threads`)."""

    def __init__(self, env, log_dir, *, workers_per_node, threads):
        super().__init__(env, log_dir, workers_per_node=workers_per_node)
        self.threads = threads

    def migrate(self):
        # system checks are the test suite's job; a benchmark measures what migrates
        result = run_kiosque("migrate", "--no-input", "--skip-checks", env=self.env, timeout=600)
        assert result.returncode == 0, result.stderr[-3000:]

    def start(self):
        for name in "ab":
            port = free_port()
            process = self._stack.enter_context(
                running(
                    "serve", "--bind", f"127.0.0.1:{port}",
                    "--workers", str(self.workers_per_node), "--threads", str(self.threads),
                    "--access-log", "",
                    env=self.env, log_path=self.log_dir / f"node-{name}.log",
                )
            )  # fmt: skip
            base = f"http://127.0.0.1:{port}"
            wait_for_http(base + "/healthz", timeout=60)
            self.nodes.append(base)
            self.processes.append(process)
        self.start_worker()
        return self


class CpuMeter:
    """Where the machine's CPU went during the run: the load generator (this process, with its
    SMTP server thread), the two nodes, the mail worker, PostgreSQL and Redis.

    Each group's CPU is read from its processes alive at the end minus at the start (a process
    that exited meanwhile is missed, counted in "other"); the machine's busy time is the
    reference. Utilisation near the core count means requests queue for a core.
    """

    def __init__(self, cluster, hog=None):
        import psutil

        self.psutil = psutil
        self.cluster = cluster
        self.hog = hog
        self.start = self.snapshot()

    def groups(self):
        psutil = self.psutil
        me = psutil.Process()
        nodes = [psutil.Process(p.pid) for p in self.cluster.processes]
        worker = [psutil.Process(self.cluster.worker.pid)]
        groups = {"load generator": [me]}
        if self.hog is not None:
            groups["CPU hog"] = [psutil.Process(self.hog.pid)]
        for name, roots in (("nodes", nodes), ("mail worker", worker)):
            members = list(roots)
            for root in roots:
                members.extend(root.children(recursive=True))
            groups[name] = members
        for name, binary in (("postgresql", "postgres"), ("redis", "redis-server")):
            groups[name] = [p for p in psutil.process_iter(["name"]) if p.info["name"] == binary]
        return groups

    def snapshot(self):
        totals = {}
        for name, members in self.groups().items():
            seconds = 0.0
            for process in members:
                try:
                    times = process.cpu_times()
                except self.psutil.Error:
                    continue
                seconds += times.user + times.system
            totals[name] = seconds
        machine = self.psutil.cpu_times()
        totals["machine busy"] = (
            machine.user
            + machine.system
            + machine.nice
            + getattr(machine, "softirq", 0)
            + getattr(machine, "irq", 0)
        )
        return totals

    def report(self, elapsed):
        end = self.snapshot()
        used = {name: end[name] - self.start.get(name, 0.0) for name in end}
        accounted = sum(v for k, v in used.items() if k != "machine busy")
        used["other"] = max(0.0, used["machine busy"] - accounted)
        return {name: round(seconds / elapsed, 3) for name, seconds in used.items()}


def machine_speed_probe() -> float:
    """CPU ms of a fixed pure-Python loop: the host's speed at that moment. On a shared virtual
    machine it drifts (seen: 1.6x slower for ten minutes); a run is compared with another only
    at a similar probe."""
    started = time.process_time()
    total = 0
    for number in range(3_000_000):
        total += number * number
    return round((time.process_time() - started) * 1000, 1)


def burn_cpu(cores: float, period: float = 0.010) -> None:
    """Use `cores` of one core (0-1) until killed: in each period, compute until this process's
    CPU time has advanced by its share, then sleep out the rest. Another tenant of the host,
    reproducibly: the A/B runs of a change compare at the same squeeze (--cpu-hog)."""
    while True:
        period_start = time.monotonic()
        cpu_start = time.process_time()
        while time.process_time() - cpu_start < cores * period:
            pass
        time.sleep(max(0.0, period - (time.monotonic() - period_start)))


def start_cpu_hog(cores: float):
    import multiprocessing

    hog = multiprocessing.get_context("fork").Process(target=burn_cpu, args=(cores,), daemon=True)
    hog.start()
    return hog


def wait_code(smtp, address, seen, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in smtp.messages[-600:]:
            if address in message.envelope_to and message["Message-ID"] not in seen:
                match = CODE_IN_MAIL.search(body(message))
                if match:
                    seen.add(message["Message-ID"])
                    return match.group(1)
        time.sleep(0.2)
    raise TimeoutError(f"no code for {address}")


def pkce_pair():
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def professional(number, cluster, smtp, recorder, stop_at, options, sso):
    rng = random.Random(number)
    nodes = itertools.cycle(cluster.nodes)
    browser = Browser(source_ip=f"127.3.{number // 250}.{number % 250 + 1}")
    relying_party = requests.Session()
    username = f"{options.prefix}{number}"
    email = f"{username}@exemple.fr"
    seen_codes: set = set()
    mail_code = {"asked_at": -1e9}

    think = Pauses(rng, options.think_mean, stop_at)

    try:
        # ramp-up: arrivals spread evenly (at random) over the first --ramp-up seconds
        time.sleep(rng.uniform(0, options.ramp_up))
        for loop in itertools.count():
            if time.monotonic() >= stop_at:
                return
            try:
                journey(
                    number, loop, browser, relying_party, nodes, smtp, recorder, think, options,
                    sso, username, email, seen_codes, mail_code,
                )  # fmt: skip
            except RunOver:
                return
            except Exception as error:  # noqa: BLE001 - reported, the professional carries on
                with recorder.lock:
                    recorder.errors.append(f"{username}: {error!r}")
            finally:
                browser.http.cookies.clear()
    except RunOver:
        return


def journey(
    number, loop, browser, relying_party, nodes, smtp, recorder, think, options, sso,
    username, email, seen_codes, mail_code,
):  # fmt: skip
    registration_email = f"{options.prefix}-{number}-{loop}@chu-exemple.fr"
    for path, data in registration_steps(registration_email):
        base = next(nodes)
        recorder.timed(f"register {path[12:] or '/'} GET", lambda: browser.get(base + path))
        think()
        recorder.timed(f"register {path[12:] or '/'} POST", lambda: browser.post(base, path, data))
    base = next(nodes)
    recorder.timed(
        "registration summary", lambda: browser.get(base + "/inscription/recapitulatif/")
    )
    think()
    sent = recorder.timed(
        "registration submit",
        lambda: browser.post(base, "/inscription/recapitulatif/", {"captcha": "PASSED"}),
        expect=(302,),
    )
    if sent.status_code == 302:
        recorder.count("registrations_sent")
    think()

    # the mail code cannot be asked again within its resend interval: wait it out if needed
    wait = mail_code["asked_at"] + MAIL_CODE_RESEND_SECONDS - time.monotonic()
    if wait > 0:
        think.sleep(wait)
    base = next(nodes)
    recorder.timed("login page", lambda: browser.get(base + "/connexion/"))
    think()
    recorder.timed(
        "login",
        lambda: browser.post(base, "/connexion/", {"username": username, "password": PASSWORD}),
        expect=(302,),
    )
    base = next(nodes)
    recorder.timed("second factor page", lambda: browser.get(base + "/connexion/second-facteur/"))
    mail_code["asked_at"] = time.monotonic()
    code = wait_code(smtp, email, seen_codes)
    recorder.count("mail_codes_received")
    think()
    base = next(nodes)
    recorder.timed(
        "second factor code",
        lambda: browser.post(
            base,
            "/connexion/second-facteur/",
            {"action": "verify", "code": code, "method": "mail_code"},
        ),
        expect=(302,),
    )
    base = next(nodes)
    recorder.timed("portal", lambda: browser.get(base + "/applications/"))
    think()
    if loop == 0:
        recorder.timed(
            "access request form", lambda: browser.get(base + "/applications/dcc/demande/")
        )
        think()
        asked = recorder.timed(
            "access request",
            lambda: browser.post(base, "/applications/dcc/demande/", DCC_ANSWERS),
            expect=(302,),
        )
        if asked.status_code == 302:
            recorder.count("access_requests_sent")
        think()

    # SSO into the relying party: the browser's authorization request, then the relying
    # party's code exchange and userinfo call (no pause: a server does them)
    verifier, challenge = pkce_pair()
    state = secrets.token_urlsafe(8)
    query = urlencode(
        {
            "response_type": "code", "client_id": sso["client_id"], "redirect_uri": REDIRECT_URI,
            "scope": "openid profile email", "state": state, "nonce": secrets.token_urlsafe(8),
            "code_challenge": challenge, "code_challenge_method": "S256",
        }
    )  # fmt: skip
    base = next(nodes)
    authorized = recorder.timed(
        "sso authorize", lambda: browser.get(f"{base}/oidc/authorize/?{query}"), expect=(302,)
    )
    answer = parse_qs(urlsplit(authorized.headers["Location"]).query)
    if answer.get("state") != [state] or "code" not in answer:
        raise RuntimeError(f"sso authorize: {authorized.headers['Location']}")
    base = next(nodes)
    token = recorder.timed(
        "sso token",
        lambda: relying_party.post(
            f"{base}/oidc/token/",
            data={
                "grant_type": "authorization_code", "code": answer["code"][0],
                "redirect_uri": REDIRECT_URI, "code_verifier": verifier,
            },
            auth=(sso["client_id"], sso["secret"]),
            timeout=30,
        ),
        expect=(200,),
    ).json()  # fmt: skip
    base = next(nodes)
    claims = recorder.timed(
        "sso userinfo",
        lambda: relying_party.get(
            f"{base}/oidc/userinfo/",
            headers={"Authorization": f"Bearer {token['access_token']}"},
            timeout=30,
        ),
        expect=(200,),
    ).json()
    if not claims.get("sub"):
        raise RuntimeError(f"sso userinfo without sub: {claims}")
    recorder.count("sso_done")
    think()

    base = next(nodes)
    recorder.timed("logout", lambda: browser.post(base, "/deconnexion/"))
    recorder.count("journeys_done")
    think()


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--duration", type=float, default=300, help="seconds")
    parser.add_argument("--workers-per-node", type=int, default=2)
    parser.add_argument(
        "--threads", type=int, default=4, help="gunicorn threads per worker (docs/reliability.md)"
    )
    parser.add_argument(
        "--think-mean", type=float, default=5.0, help="mean think time, s (0: closed loop)"
    )
    parser.add_argument(
        "--test-argon2", action="store_true", help="cheap argon2 (4 MiB, t=1) as the tests use"
    )
    parser.add_argument(
        "--ramp-up",
        type=float,
        default=None,
        help="arrivals spread over s (default 60, <= 1/4 run)",
    )
    parser.add_argument(
        "--node-env",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="extra setting for the nodes and the worker (repeatable), for A/B runs",
    )
    parser.add_argument(
        "--cpu-hog",
        type=float,
        default=0.0,
        metavar="CORES",
        help="a process burning this share of a core during the load (0-1): a slower host",
    )
    parser.add_argument("--prefix", default="charge")
    parser.add_argument("--out", default=None, help="JSON results (default var/bench/results/)")
    args = parser.parse_args()
    if args.ramp_up is None:
        args.ramp_up = min(60.0, args.duration / 4)

    pg, redis, smtp = ThrowawayPostgres(), ThrowawayRedis(), SMTPTestServer()
    work = Path(tempfile.mkdtemp(prefix="kiosque-load-"))
    cluster = None
    ok = False
    try:
        pg.start()
        redis.start()
        smtp.start()
        extra = {"KIOSQUE_RATE_LIMITS": "login.account=20/24h"}
        if not args.test_argon2:
            extra.update(KIOSQUE_ARGON2_MEMORY_KIB=str(19 * 1024), KIOSQUE_ARGON2_TIME_COST="2")
        env = cluster_env(
            work, database_url=pg.createdb("kiosque"), redis_url=redis.url(), smtp_port=smtp.port
        )
        env.update(extra)
        env.update(dict(item.split("=", 1) for item in args.node_env))
        cluster = LoadCluster(
            env, work, workers_per_node=args.workers_per_node, threads=args.threads
        )
        cluster.migrate()
        cluster.start()
        cluster.seed("registration_ready")
        cluster.seed("bench_users", prefix=args.prefix, count=args.users, password=PASSWORD)
        sso = cluster.seed(
            "bench_sso", prefix=args.prefix, slug="bench-rp", redirect_uri=REDIRECT_URI
        )

        recorder = Recorder()
        probe_before = machine_speed_probe()
        hog = start_cpu_hog(args.cpu_hog) if args.cpu_hog else None
        meter = CpuMeter(cluster, hog)
        load_before = os.getloadavg()
        started = time.monotonic()
        stop_at = started + args.duration
        threads = [
            threading.Thread(
                target=professional,
                args=(n, cluster, smtp, recorder, stop_at, args, sso),
                daemon=True,
            )
            for n in range(args.users)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        cores = meter.report(elapsed)
        if hog is not None:
            hog.kill()
        cores["load average (1 min) at the end"] = os.getloadavg()[0]
        cores["load average (1 min) at the start"] = load_before[0]
        cores["speed probe ms before"] = probe_before
        cores["speed probe ms after"] = machine_speed_probe()

        time.sleep(5)  # let the worker deliver the last e-mails
        counts = cluster.seed("counts", prefix=args.prefix)
        ok = report(args, recorder, counts, smtp, elapsed, work, cores)
    finally:
        if cluster is not None:
            cluster.stop()
        smtp.stop()
        redis.destroy()
        pg.destroy()
    sys.exit(0 if ok else 1)


def report(args, recorder, counts, smtp, elapsed, work, cores):
    total = sum(len(v) for v in recorder.samples.values())
    five_xx = recorder.statuses.get(500, 0)
    print(
        f"\nLoad run: {args.users} professionals, {args.duration:.0f} s, think time exponential "
        f"mean {args.think_mean:g} s (cap {10 * args.think_mean:g} s), ramp-up "
        f"{args.ramp_up:g} s; two nodes x "
        f"{args.workers_per_node} gunicorn workers x {args.threads} threads, one mail worker; "
        f"argon2 {'test (4 MiB, t=1)' if args.test_argon2 else 'production (19 MiB, t=2)'}"
        + (f"; CPU hog {args.cpu_hog:g} core" if args.cpu_hog else "")
    )
    print(
        f"requests: {total} in {elapsed:.0f} s ({total / elapsed:.1f}/s); statuses: "
        f"{ {str(k): v for k, v in recorder.statuses.items()} }"
    )
    print(
        f"journeys completed: {recorder.counters['journeys_done']}, SSO completed: "
        f"{recorder.counters['sso_done']}; errors: {len(recorder.errors)}"
    )
    for line in recorder.errors[:10]:
        print("  ", line)
    print(
        f"CPU in cores (of {os.cpu_count()}), mean over the run: "
        + ", ".join(f"{name} {value:g}" for name, value in cores.items())
    )
    # The generator does the same work in every run: its CPU per request is the host's speed
    # during the run (docs/reliability.md, "Load"); compare runs of the same size only at a
    # similar figure.
    print(
        f"CPU per request: nodes {cores['nodes'] * elapsed / total * 1000:.1f} ms, load "
        f"generator {cores['load generator'] * elapsed / total * 1000:.2f} ms (host speed)"
    )
    pages = {}
    print(f"{'page':34} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for label, values in sorted(recorder.samples.items(), key=lambda kv: (kv[0] in HASHING, kv[0])):
        pages[label] = {
            "n": len(values),
            "p50": percentile(values, 0.5),
            "p95": percentile(values, 0.95),
            "p99": percentile(values, 0.99),
            "max": max(values),
            "hashing": label in HASHING,
        }
        row = pages[label]
        print(
            f"{label + (' [hashing]' if label in HASHING else ''):34} {row['n']:6d} "
            f"{row['p50']:8.0f} {row['p95']:8.0f} {row['p99']:8.0f} {row['max']:8.0f}"
        )
    light = [v for label, vs in recorder.samples.items() if label not in HASHING for v in vs]
    light_p95 = percentile(light, 0.95) if light else float("inf")
    light_p50 = percentile(light, 0.5) if light else float("inf")
    light_p99 = percentile(light, 0.99) if light else float("inf")
    print(
        f"non-hashing pages: n {len(light)}, p50 {light_p50:.0f} ms, p95 {light_p95:.0f} ms, "
        f"p99 {light_p99:.0f} ms"
    )

    sent = recorder.counters["registrations_sent"]
    lost_registrations = sent - counts["registrations"]
    asked = recorder.counters["access_requests_sent"]
    lost_requests = asked - counts["access_requests"]
    outbox = counts["outbox"]
    undelivered = sum(outbox.get(s, 0) for s in ("pending", "sending", "failed"))
    delivered = outbox.get("sent", 0)
    print(f"registrations: sent {sent}, stored {counts['registrations']}")
    print(f"access requests: sent {asked}, stored {counts['access_requests']}")
    print(
        f"e-mails: outbox {outbox}; received by SMTP {smtp.received_count}; mail codes read by "
        f"the professionals {recorder.counters['mail_codes_received']}"
    )

    verdicts = [
        ("zero HTTP 5xx", five_xx == 0, f"{five_xx}"),
        (
            "zero lost registrations (sent = stored in the database)",
            lost_registrations == 0 and sent > 0,
            f"sent {sent}, stored {counts['registrations']}",
        ),
        (
            "zero lost access requests",
            lost_requests == 0,
            f"sent {asked}, stored {counts['access_requests']}",
        ),
        (
            "zero lost e-mails (outbox all sent, SMTP received every one)",
            undelivered == 0 and smtp.received_count >= delivered > 0,
            f"outbox sent {delivered}, undelivered {undelivered}, SMTP {smtp.received_count}",
        ),
        (
            "SSO journeys completed",
            recorder.counters["sso_done"] > 0,
            f"{recorder.counters['sso_done']}",
        ),
        (
            "no client-side failure (timeout, reset, unexpected status)",
            not recorder.errors,
            f"{len(recorder.errors)}",
        ),
        (
            f"p95 of non-hashing pages < {P95_TARGET_MS:.0f} ms",
            light_p95 < P95_TARGET_MS,
            f"{light_p95:.0f} ms",
        ),
    ]
    print("\nVerdict:")
    for name, passed, figure in verdicts:
        print(f"  {'PASS' if passed else 'FAIL'}  {name}: {figure}")

    out = Path(args.out) if args.out else (
        Path(__file__).resolve().parents[1] / "var/bench/results"
        / f"load-run-{args.users}u-{args.duration:.0f}s-t{args.threads}-{int(time.time())}.json"
    )  # fmt: skip
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "args": vars(args),
                "elapsed": elapsed,
                "requests": total,
                "statuses": {str(k): v for k, v in recorder.statuses.items()},
                "pages": pages,
                "non_hashing": {"n": len(light), "p50": light_p50, "p95": light_p95,
                                "p99": light_p99},
                "counts": counts,
                "smtp_received": smtp.received_count,
                "counters": dict(recorder.counters),
                "cpu_cores": cores,
                "errors": recorder.errors[:100],
                "verdicts": [{"target": n, "pass": p, "figure": f} for n, p, f in verdicts],
                "logs": str(work),
            },
            indent=2,
        )
    )  # fmt: skip
    print(f"results: {out}; server logs: {work}")
    return all(passed for _name, passed, _figure in verdicts)


if __name__ == "__main__":
    main()
