"""Scale data for the benchmarks, loaded into a dedicated PostgreSQL database with COPY.

    .venv/bin/python bench/make_data.py --database kiosque_bench_1k --accounts 1000 --drop
    .venv/bin/python bench/make_data.py --database kiosque_bench_100k --accounts 100000 --drop \
        --establishments 100000 --annuaire-rows 2000000
    .venv/bin/python bench/make_data.py --database kiosque_bench_imports --imports-only \
        --establishments 100000 --annuaire-rows 2000000 --repeat-imports 2 \
        --results var/bench/results/imports.json   # imports only: wall, CPU (importer and
        # its PostgreSQL backend), peak RSS; the second round re-imports the same files

Per account: a user (same known password for all: PASSWORD), a professional profile with one
place of practice, a TOTP device whose secret is totp_secret(i) (encrypted with
kiosque.core.crypto, as the app stores it), grants to the DCC and Sphere, an OIDC subject,
10 audit events and 5 connection attempts. Also: the demo catalogue, the OIDC clients used by
the load driver (bench-client / bench-secret, authorization code + refresh; bench-cc /
bench-secret, client credentials), one reviewer per 10,000 accounts (bench0 is one), 1 pending
registration request per 100 accounts, then the FINESS and Annuaire Santé imports of generated
files in the official formats (timed: the import figures of docs/benchmarks.md).

Never point --database at a real or a test database: it is dropped with --drop.
Environment shared with the server: bench/env.sh (KIOSQUE_DATA_DIR=var/bench holds the field
key that encrypts the TOTP secrets).
"""

import argparse
import base64
import contextlib
import hashlib
import io
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))
ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
PASSWORD = "Bench-Passw0rd!2026"  # noqa: S105 - the known password of every bench account
CLIENT_ID, CC_CLIENT_ID, CLIENT_SECRET = "bench-client", "bench-cc", "bench-secret"
REDIRECT_URI = "http://127.0.0.1:8999/callback"
ACCOUNT_ID_BASE = 1000  # bench accounts get ids ACCOUNT_ID_BASE + i
AUDIT_PER_ACCOUNT, ATTEMPTS_PER_ACCOUNT = 10, 5
REVIEWERS_EVERY = 10_000
CHUNK = 20_000


def totp_secret(index: int) -> str:
    """The known TOTP secret of account `index` (160 bits, base32), shared with the driver."""
    return base64.b32encode(hashlib.sha1(f"kiosque-bench-{index}".encode()).digest()).decode()


def username(index: int) -> str:
    return f"bench{index}"


def bench_env(database: str) -> dict:
    data_dir = PROJECT / "var" / "bench"
    data_dir.mkdir(parents=True, exist_ok=True)
    return {
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
        "KIOSQUE_DATA_DIR": str(data_dir),
        "KIOSQUE_ENV": "dev",
        "KIOSQUE_LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "kiosque.settings",
    }


def create_database(name: str, drop: bool) -> None:
    import psycopg

    if not name.startswith(("kiosque_bench", "kiosque_peerbench")):
        sys.exit("refusing: the bench database name must start with kiosque_bench")
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        if drop:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname=%s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


class Timer:
    def __init__(self):
        self.figures = {}

    def __call__(self, label):
        timer = self

        class _Step:
            def __enter__(self):
                self.start = time.perf_counter()
                print(f"- {label} ...", flush=True)

            def __exit__(self, *exc):
                elapsed = time.perf_counter() - self.start
                timer.figures[label] = elapsed
                print(f"  {label}: {elapsed:.1f} s", flush=True)

        return _Step()


def _text(value) -> str:
    """A value in COPY text format (our values never hold tabs, newlines or backslashes)."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def copy_rows(conn, table: str, columns: list[str], rows) -> int:
    """COPY `rows` (tuples) into `table`, sending text in large blocks."""
    count = 0
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with conn.cursor() as cursor, cursor.copy(sql) as copy:
        buffer = io.StringIO()
        for row in rows:
            buffer.write("\t".join(_text(v) for v in row))
            buffer.write("\n")
            count += 1
            if count % CHUNK == 0:
                copy.write(buffer.getvalue())
                buffer = io.StringIO()
        copy.write(buffer.getvalue())
    return count


def reset_sequence(conn, table: str) -> None:
    conn.execute(
        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
        f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
    )


def setup_catalogue_and_clients() -> dict:
    from django.contrib.auth.models import Group

    from kiosque.accounts import roles
    from kiosque.oidc.flows import clients
    from kiosque.oidc.models import Client
    from kiosque.portal import demo
    from kiosque.portal.models import Application

    demo.load_catalogue()
    apps = {a.slug: a for a in Application.objects.all()}
    if not Client.objects.filter(client_id=CLIENT_ID).exists():
        clients.register(
            apps["dcc"], redirect_uris=[REDIRECT_URI], client_id=CLIENT_ID, secret=CLIENT_SECRET
        )
    if not Client.objects.filter(client_id=CC_CLIENT_ID).exists():
        clients.register(
            apps["sphere"], redirect_uris=[REDIRECT_URI], client_id=CC_CLIENT_ID,
            secret=CLIENT_SECRET, grant_types=["client_credentials"],
        )  # fmt: skip
    for role in roles.ALL:
        Group.objects.get_or_create(name=role)
    return {"dcc": apps["dcc"].pk, "sphere": apps["sphere"].pk}


def load_accounts(conn, count: int, app_ids: dict, timer: Timer) -> None:
    from django.contrib.auth.hashers import make_password

    from kiosque.core import crypto

    now = datetime.now(UTC)
    hashed = make_password(PASSWORD)  # one hash for all: the cost is in checking it
    ids = range(ACCOUNT_ID_BASE, ACCOUNT_ID_BASE + count)
    with timer(f"users ({count:,})"):
        copy_rows(
            conn, "accounts_user",
            ["id", "password", "is_superuser", "username", "first_name", "last_name", "email",
             "is_staff", "is_active", "date_joined", "password_changed_at",
             "must_change_password", "must_change_reason", "is_locked", "lock_reason"],
            ((ACCOUNT_ID_BASE + i, hashed, False, username(i), "Prénom", f"Nom{i}",
              f"{username(i)}@exemple.fr", i % REVIEWERS_EVERY == 0, True, now, now, False, "",
              False, "") for i in range(count)),
        )  # fmt: skip
        reset_sequence(conn, "accounts_user")
    with timer("profiles + places of practice"):
        copy_rows(
            conn, "professionals_professionalprofile",
            ["id", "user_id", "rpps", "adeli", "cpx_number", "profession_id", "foreign_diploma",
             "birth_name", "phone_professional", "phone_mobile", "email_communication",
             "rpps_verified", "created_at", "updated_at"],
            ((pk, pk, f"{10000000000 + pk}"[:11], "", "", "10", False, "", "", "0600000000", "",
              False, now, now) for pk in ids),
        )  # fmt: skip
        copy_rows(
            conn, "professionals_professionalestablishment",
            ["id", "profile_id", "position", "not_listed", "finess", "name", "street", "po_box",
             "postal_code", "city", "cedex", "departement", "country", "function", "service"],
            ((pk, pk, 1, False, "280503848", "Centre hospitalier de Dreux", "", "", "28100",
              "Dreux", "", "28 - Eure-et-Loir", "", "", "Oncologie") for pk in ids),
        )  # fmt: skip
    with timer("TOTP devices (Fernet-encrypted secrets)"):
        copy_rows(
            conn, "mfa_totpdevice",
            ["id", "user_id", "name", "encrypted_secret", "created_at", "last_used_step"],
            ((ACCOUNT_ID_BASE + i, ACCOUNT_ID_BASE + i, "Téléphone",
              crypto.encrypt(totp_secret(i)), now, 0) for i in range(count)),
        )  # fmt: skip
    with timer("grants + OIDC subjects"):
        copy_rows(
            conn,
            "portal_accessgrant",
            ["user_id", "application_id", "granted_at", "revoke_reason"],
            ((pk, app, now, "") for pk in ids for app in (app_ids["dcc"], app_ids["sphere"])),
        )
        copy_rows(
            conn, "oidc_subject", ["user_id", "sub"],
            ((pk, f"00000000-0000-4000-8000-{pk:012d}") for pk in ids),
        )  # fmt: skip
    actions = ["login.succeeded", "mfa.verified", "login.failed", "oidc.token_issued",
               "password.changed"]  # fmt: skip
    with timer(f"audit events ({count * AUDIT_PER_ACCOUNT:,})"):
        copy_rows(
            conn, "audit_auditevent",
            ["action", "outcome", "created_at", "actor_id", "actor_repr", "target_type",
             "target_id", "target_repr", "ip_address", "user_agent", "context"],
            ((actions[k % 5], "success", now - timedelta(hours=pk % 5000 + k * 7), pk,
              f"{username(pk - ACCOUNT_ID_BASE)} ({pk})", "accounts.user", pk, "", "10.0.0.1",
              "Mozilla/5.0 bench", "{}") for pk in ids for k in range(AUDIT_PER_ACCOUNT)),
        )  # fmt: skip
    with timer(f"connection attempts ({count * ATTEMPTS_PER_ACCOUNT:,})"):
        copy_rows(
            conn, "accounts_connectionattempt",
            ["user_id", "created_at", "outcome", "second_factor", "ip_address", "browser",
             "operating_system"],
            ((pk, now - timedelta(days=k * 9, minutes=pk % 1440), "success", "totp", "10.0.0.1",
              "Firefox", "Linux") for pk in ids for k in range(ATTEMPTS_PER_ACCOUNT)),
        )  # fmt: skip


def load_registrations(count: int) -> None:
    """Pending requests for the review queue (ORM bulk_create: new fields get their defaults)."""
    from kiosque.registration.models import RegistrationRequest, RequestedEstablishment

    requests = RegistrationRequest.objects.bulk_create(
        [
            RegistrationRequest(
                profession_id="60", last_name=f"Demandeur{i}", birth_name=f"Demandeur{i}",
                first_name="Jeanne", phone_mobile="0600000000",
                email_auth=f"demandeur{i}@exemple.fr",
            )
            for i in range(count)
        ],
        batch_size=2000,
    )  # fmt: skip
    RequestedEstablishment.objects.bulk_create(
        [
            RequestedEstablishment(
                request=request, finess="280503848", name="Centre hospitalier de Dreux",
                postal_code="28100", city="Dreux", departement="28 - Eure-et-Loir",
                service="Oncologie",
            )
            for request in requests
        ],
        batch_size=2000,
    )  # fmt: skip


def write_annuaire(path: Path, sites, rows_wanted: int) -> int:
    """A streaming Annuaire Santé file (the samples' row format) of about `rows_wanted` rows."""
    import random

    from kiosque.directory import samples

    rng = random.Random(11)
    rows, index = 0, 0
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(samples.annuaire_header() + "\n")
        while rows < rows_wanted:
            index += 1
            profession, specialties = rng.choice(samples.PROFESSIONS)
            first, civility = rng.choice(samples.FIRST_NAMES)
            body = f"10{index:08d}"
            person = samples.Person(
                rpps=body + samples.luhn_check_digit(body), civility=civility,
                title="DR" if profession[0] in ("10", "21") else "",
                last_name=rng.choice(samples.LAST_NAMES), first_name=first,
                profession=profession,
                specialty=rng.choice(specialties) if specialties else None,
                sites=tuple((rng.choice(sites), rng.choice("SSL"))
                            for _ in range(rng.choice([1, 1, 1, 2]))),
            )  # fmt: skip
            for site, mode in person.sites:
                handle.write(samples.annuaire_row(person, site, mode) + "\n")
                rows += 1
    return rows


def _backend_cpu(database_url: str, application_name: str) -> dict[int, object]:
    """psutil handles of the PostgreSQL backends serving `application_name` (libpq's PGAPPNAME)."""
    import psutil
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        pids = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s", [application_name]
        ).fetchall()
    handles = {}
    for (pid,) in pids:
        with contextlib.suppress(psutil.Error):
            handles[pid] = psutil.Process(pid)
    return handles


def run_import(command: str, path: Path, env: dict) -> dict:
    """Run `kiosque <command> FILE` in its own process and sample it (and its PostgreSQL
    backend, found by application name) every 50 ms: wall seconds, peak RSS (MB), CPU
    seconds of the importing process and of its backend (last samples)."""
    import psutil

    application_name = f"kiosque-bench-import-{os.getpid()}"
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(PROJECT / ".venv/bin/kiosque"), command, str(path)],
        env={**os.environ, **env, "PGAPPNAME": application_name},
        stdout=subprocess.PIPE,
        text=True,
    )
    watched, peak, cpu = psutil.Process(process.pid), 0, 0.0
    backends, backend_cpu, next_lookup = {}, {}, 0.0
    while process.poll() is None:
        try:
            peak = max(peak, watched.memory_info().rss)
            times = watched.cpu_times()
            cpu = times.user + times.system
        except psutil.NoSuchProcess:
            break
        now = time.perf_counter()
        if now >= next_lookup and env["DATABASE_URL"].startswith("postgres"):
            backends.update(_backend_cpu(env["DATABASE_URL"], application_name))
            next_lookup = now + 1.0
        for pid, backend in backends.items():
            try:
                times = backend.cpu_times()
                backend_cpu[pid] = times.user + times.system
            except psutil.Error:
                pass
        time.sleep(0.05)
    output = process.stdout.read()
    if process.wait() != 0:
        raise SystemExit(f"{command} failed")
    figures = {
        "command": command,
        "file": str(path),
        "wall_s": round(time.perf_counter() - started, 1),
        "cpu_s": round(cpu, 1),
        "postgres_cpu_s": round(sum(backend_cpu.values()), 1),
        "peak_rss_mb": round(peak / 2**20),
    }
    print(output.strip())
    print(f"IMPORT {figures}", flush=True)
    return figures


def time_imports(args, env: dict, timer: Timer) -> list[dict]:
    """Generate the FINESS / Annuaire Santé files (once, in var/bench/files/) and time the
    imports; `--repeat-imports 2` also times a re-import of the same files (all updates)."""
    from kiosque.directory import samples

    work = PROJECT / "var" / "bench" / "files"
    work.mkdir(parents=True, exist_ok=True)
    results = []
    for _round in range(args.repeat_imports):
        if args.establishments:
            finess = work / f"finess_{args.establishments}.csv"
            if not finess.exists():
                samples.write_finess_file(finess, args.establishments, national=True)
            figures = run_import("import-finess", finess, env)
            timer.figures.setdefault("import FINESS", figures["wall_s"])
            results.append(figures)
        if args.annuaire_rows:
            annuaire = work / f"annuaire_{args.annuaire_rows}.txt"
            if not annuaire.exists():
                with timer("write Annuaire file"):
                    sites = list(samples.generate_sites(args.establishments or 200, national=True))
                    write_annuaire(annuaire, sites, args.annuaire_rows)
            figures = run_import("import-annuaire", annuaire, env)
            timer.figures.setdefault("import Annuaire", figures["wall_s"])
            results.append(figures)
    if args.results:
        import json

        Path(args.results).parent.mkdir(parents=True, exist_ok=True)
        Path(args.results).write_text(json.dumps(results, indent=2) + "\n")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True)
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--establishments", type=int, default=100_000)
    parser.add_argument("--annuaire-rows", type=int, default=0)
    parser.add_argument("--drop", action="store_true")
    parser.add_argument(
        "--imports-only",
        action="store_true",
        help="migrate, then only time the imports (no accounts)",
    )
    parser.add_argument("--repeat-imports", type=int, default=1)
    parser.add_argument("--results", help="JSON file for the import figures")
    args = parser.parse_args()

    env = bench_env(args.database)
    os.environ.update(env)
    create_database(args.database, args.drop)
    timer = Timer()
    import django

    django.setup()
    import psycopg
    from django.core.management import call_command

    with timer("migrate"):
        call_command("migrate", verbosity=0)
    if args.imports_only:
        time_imports(args, env, timer)
        return
    app_ids = setup_catalogue_and_clients()
    started = time.perf_counter()
    with psycopg.connect(env["DATABASE_URL"], autocommit=False) as conn:
        conn.execute("SET synchronous_commit = off")
        conn.execute("SET maintenance_work_mem = '256MB'")
        load_accounts(conn, args.accounts, app_ids, timer)
        conn.commit()
    with timer("registration requests"):
        load_registrations(max(200, args.accounts // 100))
    from django.contrib.auth.models import Group

    from kiosque.accounts import roles

    managers = Group.objects.get(name=roles.ACCOUNT_MANAGERS)
    managers.user_set.add(*range(ACCOUNT_ID_BASE, ACCOUNT_ID_BASE + args.accounts, REVIEWERS_EVERY))
    with timer("ANALYZE"), psycopg.connect(env["DATABASE_URL"], autocommit=True) as conn:
        conn.execute("ANALYZE")
    print(f"accounts loaded in {time.perf_counter() - started:.1f} s")

    time_imports(args, env, timer)
    print("FIGURES", {k: round(v, 1) for k, v in timer.figures.items()})


if __name__ == "__main__":
    main()
