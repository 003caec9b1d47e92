"""EXPLAIN every query of the hot endpoints on a bench database, and flag sequential scans.

    .venv/bin/python bench/explain_hot_queries.py --database kiosque_bench_100k \
        [--markdown var/bench/results/explain-100k.md]

Runs the endpoints in-process (Django test client, as tests/perf/test_query_counts.py does)
on the bench data of bench/make_data.py, captures their SQL, then runs EXPLAIN (ANALYZE,
BUFFERS) on each SELECT (EXPLAIN only for writes) and prints the plan's scans and timing.
"""

import argparse
import base64
import os
import re
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_data import CC_CLIENT_ID, CLIENT_ID, CLIENT_SECRET, PASSWORD, REDIRECT_URI, bench_env
from make_data import totp_secret as secret_of


def auth(client_id):
    return "Basic " + base64.b64encode(f"{client_id}:{CLIENT_SECRET}".encode()).decode()


def scenario(index: int):
    """(name, callable) pairs run in order with a shared browser."""
    import pyotp
    from django.test import Client
    from make_data import username

    browser, api = Client(), Client()
    state = {}

    def verify():
        code = pyotp.TOTP(secret_of(index)).now()
        return browser.post(
            "/connexion/second-facteur/", {"action": "verify", "method": "totp", "code": code}
        )

    def authorize():
        answer = browser.get("/oidc/authorize/", {
            "response_type": "code", "client_id": CLIENT_ID, "redirect_uri": REDIRECT_URI,
            "scope": "openid profile email rpps", "state": "s", "nonce": "n"})  # fmt: skip
        state["code"] = parse_qs(urlsplit(answer["Location"]).query)["code"][0]
        return answer

    def exchange():
        answer = api.post("/oidc/token/", {"grant_type": "authorization_code",
                          "code": state["code"], "redirect_uri": REDIRECT_URI},
                          HTTP_AUTHORIZATION=auth(CLIENT_ID))  # fmt: skip
        state.update(answer.json())
        return answer

    def refresh():
        answer = api.post("/oidc/token/", {"grant_type": "refresh_token",
                          "refresh_token": state["refresh_token"]},
                          HTTP_AUTHORIZATION=auth(CLIENT_ID))  # fmt: skip
        state.update(answer.json())
        return answer

    return [
        ("login page", lambda: browser.get("/connexion/")),
        ("password", lambda: browser.post(
            "/connexion/", {"username": username(index), "password": PASSWORD})),
        ("second factor page", lambda: browser.get("/connexion/second-facteur/")),
        ("choose TOTP", lambda: browser.post(
            "/connexion/second-facteur/", {"action": "choose", "method": "totp"})),
        ("verify TOTP", verify),
        ("portal", lambda: browser.get("/applications/")),
        ("connection history", lambda: browser.get("/compte/historique/")),
        ("autocomplete", lambda: browser.get("/annuaire/etablissements/", {"q": "pharmacie gare"})),
        ("authorize", authorize),
        ("token (code)", exchange),
        ("token (refresh)", refresh),
        ("userinfo", lambda: api.get(
            "/oidc/userinfo/", HTTP_AUTHORIZATION=f"Bearer {state['access_token']}")),
        ("introspection", lambda: api.post(
            "/oidc/introspect/", {"token": state["access_token"]},
            HTTP_AUTHORIZATION=auth(CLIENT_ID))),
        ("token (client credentials)", lambda: api.post(
            "/oidc/token/", {"grant_type": "client_credentials", "scope": "openid"},
            HTTP_AUTHORIZATION=auth(CC_CLIENT_ID))),
    ]  # fmt: skip


def review_queue():
    from django.test import Client
    from make_data import ACCOUNT_ID_BASE

    browser = Client()
    from kiosque.accounts.models import User

    browser.force_login(User.objects.get(pk=ACCOUNT_ID_BASE))  # bench0, a reviewer
    return [("review queue", lambda: browser.get("/gestion/"))]


SCAN = re.compile(
    r"(Seq Scan|Index Only Scan|Index Scan|Bitmap Heap Scan) (?:using (\S+) )?on (\S+)"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="kiosque_bench_100k")
    parser.add_argument("--account", type=int, default=4242)
    parser.add_argument("--markdown")
    args = parser.parse_args()
    os.environ.update(bench_env(args.database))
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench_settings"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0)
    settings.ALLOWED_HOSTS = ["*"]
    lines = [f"EXPLAIN of the hot endpoints on `{args.database}`", ""]
    seq_scans = []
    for name, call in [*scenario(args.account), *review_queue()]:
        with CaptureQueriesContext(connection) as captured:
            status = call().status_code
        lines.append(f"### {name} (HTTP {status}, {len(captured.captured_queries)} queries)")
        lines.append("")
        for query in captured.captured_queries:
            sql = query["sql"]
            verb = sql.split(None, 1)[0].upper()
            if verb not in ("SELECT", "UPDATE", "DELETE", "INSERT"):
                continue
            explain = "EXPLAIN (ANALYZE, BUFFERS) " if verb == "SELECT" else "EXPLAIN "
            with connection.cursor() as cursor:
                cursor.execute(explain + sql)
                plan = [row[0] for row in cursor.fetchall()]
            scans = sorted({" ".join(filter(None, m)) for m in SCAN.findall("\n".join(plan))})
            timing = next((p for p in plan if p.startswith("Execution Time")), "")
            table = re.search(r'(?:FROM|UPDATE|INTO) "(\w+)"', sql)
            lines.append(f"- `{table.group(1) if table else '?'}` {verb}: "
                         f"{'; '.join(scans) or 'no scan (insert/result)'} {timing}")  # fmt: skip
            if any(s.startswith("Seq Scan") for s in scans):
                seq_scans.append((name, sql[:300], plan))
        lines.append("")
    lines.append("### Sequential scans")
    lines.append("")
    for name, sql, plan in seq_scans:
        lines += [f"- {name}: `{sql}`", "", "```", *plan, "```", ""]
    if not seq_scans:
        lines.append("none")
    text = "\n".join(lines)
    print(text)
    if args.markdown:
        Path(args.markdown).parent.mkdir(parents=True, exist_ok=True)
        Path(args.markdown).write_text(text)


if __name__ == "__main__":
    main()
