# ruff: noqa: S608 - SQL of the checks is built from ids and names the test made
"""PostgreSQL (our throwaway cluster) restarted under load (issue 10, item 3): requests during
the outage get the French 503 page (no stack trace), the nodes recover by themselves, and no
registration decision is half-written."""

import itertools
import threading
import time

import pytest

from tests.resilience.harness import Browser, page_text

pytestmark = pytest.mark.slow

UNAVAILABLE = "Service momentanément indisponible"
_ips = itertools.count(10)


class Load:
    """Browsers hitting both nodes in a loop; every answer recorded with its time."""

    def __init__(self, cluster, browsers_and_paths):
        self.cluster = cluster
        self.jobs = browsers_and_paths
        self.answers: list[tuple[float, int, str, str]] = []
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self.run, args=(job,)) for job in self.jobs]

    def run(self, job):
        browser, method, path, data = job
        for base in itertools.cycle(self.cluster.nodes):
            if self.stop.is_set():
                return
            try:
                if method == "GET":
                    response = browser.get(base + path, timeout=10)
                else:
                    response = browser.post(base, path, data, timeout=10)
                self.answers.append((time.monotonic(), response.status_code, path, response.text))
            except Exception as error:  # noqa: BLE001 - a refused connection is a failure too
                self.answers.append((time.monotonic(), -1, path, repr(error)))
            time.sleep(0.05)

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=30)


def test_a_database_restart_under_load_answers_503_then_recovers(cluster, throwaway_pg):
    username = cluster.unique_name("pgload")
    cluster.seed("user", username=username)
    user_session = cluster.seed("session", username=username)
    reviewer_session = cluster.seed("reviewer", username=cluster.unique_name("pgrevue"))
    registrations = [cluster.seed("registration", rpps="10000000009") for _ in range(6)]
    jobs = [
        (Browser(f"127.0.2.{next(_ips)}"), "GET", "/", None),
        (Browser(f"127.0.2.{next(_ips)}"), "GET", "/connexion/", None),
        (Browser(f"127.0.2.{next(_ips)}", session_key=user_session), "GET", "/applications/", None),
        (
            Browser(f"127.0.2.{next(_ips)}"),
            "POST",
            "/identifiant-oublie/",
            {"email": "x@exemple.fr"},
        ),
    ]
    reviewer = Browser(f"127.0.2.{next(_ips)}", session_key=reviewer_session)
    reviewer.csrf_token(cluster.a)
    decided: list[int] = []

    with Load(cluster, jobs) as load:
        time.sleep(1.0)
        throwaway_pg.stop("fast")
        outage_start = time.monotonic()
        # Decisions attempted while the database is down: each answers 503, none half-applies.
        for pk in registrations[:3]:
            response = reviewer.post(
                cluster.a,
                f"/gestion/demandes/{pk}/decision/",
                {"request_id": pk, "decision": "approve"},
            )
            assert response.status_code == 503, response.status_code
        time.sleep(2.0)
        throwaway_pg.start()
        outage_end = time.monotonic()
        # The nodes reconnect by themselves (CONN_HEALTH_CHECKS): no restart of theirs.
        deadline = time.monotonic() + 20
        for pk in registrations[3:]:
            while True:
                response = reviewer.post(
                    cluster.b,
                    f"/gestion/demandes/{pk}/decision/",
                    {"request_id": pk, "decision": "approve"},
                )
                if response.status_code == 302 or time.monotonic() > deadline:
                    break
                time.sleep(0.2)
            assert response.status_code == 302, response.status_code
            decided.append(pk)
        time.sleep(1.5)
        recovered_at = time.monotonic()
        time.sleep(1.0)

    statuses = [status for _t, status, _p, _body in load.answers]
    assert 503 in statuses, "the load never met the outage"
    failures = [
        (status, path, body[:300])
        for _t, status, path, body in load.answers
        if status == 500 or status < 0
    ]
    assert not failures, failures[:5]
    for _t, status, _path, body in load.answers:
        if status == 503:
            assert UNAVAILABLE in body, body[:500]
            assert (
                "Traceback" not in body and "psycopg" not in body and "OperationalError" not in body
            )
    during = [(p, s) for t, s, p, _b in load.answers if outage_start + 0.5 < t < outage_end - 0.5]
    needing_the_database = {s for p, s in during if p in ("/applications/", "/identifiant-oublie/")}
    assert needing_the_database == {503}, during
    assert {s for _p, s in during} <= {200, 503}, during  # anonymous pages need no database
    after = [s for t, s, _p, _b in load.answers if t > recovered_at]
    # 429: the forgotten-login form's own limit (30 per hour and address) met by the loop
    assert after and all(s in (200, 302, 429) for s in after), sorted(set(after))

    half_written = throwaway_pg.psql(
        "kiosque",
        "SELECT count(*) FROM registration_registrationrequest WHERE "
        "(status = 'approved') <> (account_id IS NOT NULL)",
    )
    assert half_written == "0"
    approved = throwaway_pg.psql(
        "kiosque",
        "SELECT count(*) FROM registration_registrationrequest WHERE status = 'approved' "
        f"AND id IN ({','.join(map(str, registrations))})",
    )
    assert int(approved) == len(decided) == 3


def test_the_503_page_is_french_and_plain(cluster, throwaway_pg):
    browser = Browser("127.0.2.250")
    browser.csrf_token(cluster.a)
    throwaway_pg.stop("immediate")
    try:
        # In a view, and in a middleware before the view (the session read for request.user).
        response = browser.post(cluster.a, "/identifiant-oublie/", {"email": "x@exemple.fr"})
        with_session = Browser("127.0.2.251", session_key="x" * 32).get(
            cluster.b + "/applications/"
        )
    finally:
        throwaway_pg.start()
    for answer in (response, with_session):
        assert answer.status_code == 503
        assert UNAVAILABLE in page_text(answer)
        assert "Réessayez dans quelques minutes" in page_text(answer)
        assert answer.headers["Retry-After"] == "30"
        assert "Traceback" not in answer.text
