# ruff: noqa: B023 - every lambda is called at once by Recorder.timed, inside its loop turn
"""Load run: simulated professionals against two Kiosque nodes (issue 10, item 6).

Starts its own throwaway PostgreSQL, Redis and SMTP server, two `kiosque serve` nodes and one
`kiosque worker` (as tests/resilience does), then each simulated professional, from its own
loopback address, loops until the end: register (the whole wizard), sign in with a mail code
(reading the code from the SMTP server), open the portal, ask for access to the DCC (first loop),
sign out. Reports HTTP 5xx, lost registrations and e-mails, and latency percentiles.

    .venv/bin/python bench/load_run.py --users 50 --duration 60
"""

import argparse
import collections
import itertools
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kiosque.testing.cluster import ThrowawayPostgres, ThrowawayRedis  # noqa: E402
from kiosque.testing.smtp import SMTPTestServer  # noqa: E402
from tests.resilience.harness import Browser, Cluster, cluster_env  # noqa: E402
from tests.resilience.mailbox import CODE_IN_MAIL, body  # noqa: E402
from tests.resilience.test_cluster import registration_steps  # noqa: E402

PASSWORD = "Correct-Horse-42!"
HASHING = {"login"}  # pages whose cost is the password hash (argon2), reported apart
DCC_ANSWERS = {
    "telephone-professionnel": "02 47 00 00 00",
    "statut": "Salarié",
    "confirmation": "oui",
}


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.samples: dict[str, list[float]] = collections.defaultdict(list)
        self.statuses: collections.Counter = collections.Counter()
        self.errors: list[str] = []
        self.registrations_sent = 0
        self.access_requests_sent = 0

    def timed(self, label, call):
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
            if response.status_code >= 500:
                self.errors.append(f"{label}: HTTP {response.status_code}")
        return response


def wait_code(smtp, address, seen, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in smtp.messages[-400:]:
            if address in message.envelope_to and message["Message-ID"] not in seen:
                match = CODE_IN_MAIL.search(body(message))
                if match:
                    seen.add(message["Message-ID"])
                    return match.group(1)
        time.sleep(0.2)
    raise TimeoutError(f"no code for {address}")


def professional(number, cluster, smtp, recorder, stop_at, prefix):
    nodes = itertools.cycle(cluster.nodes)
    browser = Browser(source_ip=f"127.3.{number // 250}.{number % 250 + 1}")
    username = f"{prefix}{number}"
    email = f"{username}@exemple.fr"
    seen_codes: set = set()
    loop = 0
    while time.monotonic() < stop_at:
        try:
            registration_email = f"{prefix}-{number}-{loop}@chu-exemple.fr"
            for path, data in registration_steps(registration_email):
                base = next(nodes)
                recorder.timed("registration step", lambda b=base, p=path: browser.get(b + p))
                recorder.timed(
                    "registration step", lambda b=base, p=path, d=data: browser.post(b, p, d)
                )
            base = next(nodes)
            recorder.timed(
                "registration summary", lambda: browser.get(base + "/inscription/recapitulatif/")
            )
            sent = recorder.timed(
                "registration submit",
                lambda: browser.post(
                    base, "/inscription/recapitulatif/", {"captcha_0": "x", "captcha_1": "PASSED"}
                ),
            )
            if sent.status_code == 302:
                with recorder.lock:
                    recorder.registrations_sent += 1

            base = next(nodes)
            recorder.timed("login page", lambda: browser.get(base + "/connexion/"))
            recorder.timed(
                "login",
                lambda: browser.post(
                    base, "/connexion/", {"username": username, "password": PASSWORD}
                ),
            )
            base = next(nodes)
            recorder.timed(
                "second factor page", lambda: browser.get(base + "/connexion/second-facteur/")
            )
            code = wait_code(smtp, email, seen_codes)
            base = next(nodes)
            recorder.timed(
                "second factor code",
                lambda: browser.post(
                    base,
                    "/connexion/second-facteur/",
                    {"action": "verify", "code": code, "method": "mail_code"},
                ),
            )
            base = next(nodes)
            recorder.timed("portal", lambda: browser.get(base + "/applications/"))
            if loop == 0:
                recorder.timed(
                    "access request form", lambda: browser.get(base + "/applications/dcc/demande/")
                )
                asked = recorder.timed(
                    "access request",
                    lambda: browser.post(base, "/applications/dcc/demande/", DCC_ANSWERS),
                )
                if asked.status_code == 302:
                    with recorder.lock:
                        recorder.access_requests_sent += 1
            base = next(nodes)
            recorder.timed("logout", lambda: browser.post(base, "/deconnexion/"))
            browser.http.cookies.clear()
        except Exception as error:  # noqa: BLE001 - reported, the professional carries on
            with recorder.lock:
                recorder.errors.append(f"{username}: {error!r}")
            browser.http.cookies.clear()
        loop += 1
        # wait out the mail-code resend interval (60 s) before signing in again
        time.sleep(max(0.0, min(61.0, stop_at - time.monotonic())))


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--duration", type=float, default=300, help="seconds")
    parser.add_argument("--workers-per-node", type=int, default=2)
    args = parser.parse_args()

    pg, redis, smtp = ThrowawayPostgres(), ThrowawayRedis(), SMTPTestServer()
    work = Path(tempfile.mkdtemp(prefix="kiosque-load-"))
    cluster = None
    try:
        pg.start()
        redis.start()
        smtp.start()
        env = cluster_env(
            work, database_url=pg.createdb("kiosque"), redis_url=redis.url(), smtp_port=smtp.port
        )
        env["KIOSQUE_LOGIN_LOCK_AFTER"] = "20"
        cluster = Cluster(env, work, workers_per_node=args.workers_per_node)
        cluster.migrate()
        cluster.start()
        prefix = "charge"
        cluster.seed("registration_ready")
        cluster.seed("bench_users", prefix=prefix, count=args.users, password=PASSWORD)

        recorder = Recorder()
        started = time.monotonic()
        stop_at = started + args.duration
        threads = [
            threading.Thread(
                target=professional, args=(n, cluster, smtp, recorder, stop_at, prefix)
            )
            for n in range(args.users)
        ]
        for thread in threads:
            thread.start()
            time.sleep(min(0.05, args.duration / max(1, args.users) / 4))
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started

        time.sleep(5)  # let the worker deliver the last e-mails
        counts = cluster.seed("counts", prefix=prefix)
        report(args, recorder, counts, smtp, elapsed)
    finally:
        if cluster is not None:
            cluster.stop()
        smtp.stop()
        redis.destroy()
        pg.destroy()


def report(args, recorder, counts, smtp, elapsed):
    total = sum(len(v) for v in recorder.samples.values())
    print(
        f"\nLoad run: {args.users} professionals, {args.duration:.0f} s, two nodes "
        f"x {args.workers_per_node} gunicorn workers, one mail worker"
    )
    print(
        f"requests: {total} in {elapsed:.0f} s ({total / elapsed:.1f}/s); statuses: "
        f"{dict(recorder.statuses)}"
    )
    print(f"HTTP 5xx: {recorder.statuses.get(500, 0)}; other errors: {len(recorder.errors)}")
    for line in recorder.errors[:10]:
        print("  ", line)
    print(f"{'page':24} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for label, values in sorted(recorder.samples.items()):
        print(
            f"{label:24} {len(values):6d} {statistics.median(values):8.0f} "
            f"{percentile(values, 0.95):8.0f} {max(values):8.0f}"
        )
    light = [
        v for label, values in recorder.samples.items() if label not in HASHING for v in values
    ]
    print(
        f"p95 of non-hashing pages: {percentile(light, 0.95):.0f} ms "
        f"(p50 {statistics.median(light):.0f} ms)"
    )
    print(
        f"registrations: sent {recorder.registrations_sent}, stored {counts['registrations']} "
        f"(lost {recorder.registrations_sent - counts['registrations']})"
    )
    print(
        f"access requests: sent {recorder.access_requests_sent}, stored {counts['access_requests']}"
    )
    outbox = counts["outbox"]
    print(
        f"e-mails: outbox {outbox}; received by SMTP {smtp.received_count}; "
        f"not delivered {sum(outbox.get(s, 0) for s in ('pending', 'sending', 'failed'))}"
    )


if __name__ == "__main__":
    main()
