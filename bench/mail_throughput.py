"""Outbox throughput: enqueue N e-mails, time one real `kiosque worker --once` delivering them
to a local aiosmtpd server, and check none is lost or doubled.

    .venv/bin/python bench/mail_throughput.py [--count 10000] [--batch N] [--profile out.prof]

Runs on a scratch SQLite file, or on a scratch PostgreSQL database when DATABASE_URL points to
a PostgreSQL server (the database is created and dropped here).
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

PROJECT_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_DIR))


@contextmanager
def scratch_database(data_dir: Path):
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{data_dir / 'bench.sqlite3'}", "sqlite"
        return
    import psycopg

    parts = urlsplit(url)
    name = f"kiosque_mailbench_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}")), "postgresql"
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument(
        "--batch", type=int, default=None, help="KIOSQUE_MAIL_BATCH_SIZE (default: the setting's)"
    )
    parser.add_argument(
        "--profile", metavar="PATH", help="run the worker under cProfile, stats written to PATH"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp, scratch_database(Path(tmp)) as (db_url, engine):
        os.environ.update(
            KIOSQUE_DATA_DIR=tmp,
            DATABASE_URL=db_url,
            KIOSQUE_ENV="dev",
            KIOSQUE_LOG_LEVEL="WARNING",
        )
        if args.batch:
            os.environ["KIOSQUE_MAIL_BATCH_SIZE"] = str(args.batch)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kiosque.settings")
        os.environ.pop("EMAIL_URL", None)
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import transaction

        from kiosque.mail.models import OutboxMessage
        from kiosque.mail.services import enqueue
        from kiosque.testing.smtp import SMTPTestServer

        call_command("migrate", verbosity=0)
        server = SMTPTestServer()
        server.start()
        try:
            # The same worker command on the still empty outbox: its CPU is the process start,
            # subtracted from the measured run to give the CPU per message.
            empty_before = resource.getrusage(resource.RUSAGE_CHILDREN)
            subprocess.run(
                [sys.executable, "-m", "kiosque", "worker", "--once", "--no-jobs"],
                env={**os.environ, "EMAIL_URL": server.url},
                cwd=PROJECT_DIR,
                capture_output=True,
                check=True,
            )
            empty_after = resource.getrusage(resource.RUSAGE_CHILDREN)
            startup_cpu = (empty_after.ru_utime - empty_before.ru_utime) + (
                empty_after.ru_stime - empty_before.ru_stime
            )
            started = time.perf_counter()
            for chunk in range(0, args.count, 1000):
                with transaction.atomic():
                    for i in range(chunk, min(chunk + 1000, args.count)):
                        enqueue("mail/email/test", to=[f"user{i}@example.fr"], context={"name": i})
            enqueue_seconds = time.perf_counter() - started

            env = {**os.environ, "EMAIL_URL": server.url}
            started = time.perf_counter()
            first_byte = time.monotonic()
            children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
            self_before = resource.getrusage(resource.RUSAGE_SELF)
            profile = ["-m", "cProfile", "-o", args.profile] if args.profile else []
            done = subprocess.run(
                [sys.executable, *profile, "-m", "kiosque", "worker", "--once", "--no-jobs"],
                env=env,
                cwd=PROJECT_DIR,
                capture_output=True,
                text=True,
            )
            if done.returncode:
                sys.exit(f"worker failed:\n{done.stderr[-3000:]}")
            worker_seconds = time.perf_counter() - started
            children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
            self_after = resource.getrusage(resource.RUSAGE_SELF)
            server_cpu = (self_after.ru_utime - self_before.ru_utime) + (
                self_after.ru_stime - self_before.ru_stime
            )
            worker_cpu = (children_after.ru_utime - children_before.ru_utime) + (
                children_after.ru_stime - children_before.ru_stime
            )
            messages = server.messages
        finally:
            server.stop()

        received = Counter(str(message["Message-ID"]) for message in messages)
        expected = set(OutboxMessage.objects.values_list("message_id", flat=True))
        sent_rows = OutboxMessage.objects.filter(status="sent").count()
        arrivals = sorted(message.received_at for message in messages)
        steady = (len(arrivals) - 1) / (arrivals[-1] - arrivals[0]) if len(arrivals) > 1 else 0.0
        print(f"database            {engine}")
        from kiosque.mail import app_settings as mail_settings

        print(f"messages            {args.count} (batch {mail_settings.MAIL_BATCH_SIZE})")
        enqueue_rate = args.count / enqueue_seconds
        print(f"enqueue             {enqueue_seconds:.2f} s  ({enqueue_rate:.0f}/s)")
        print(
            f"worker --once       {worker_seconds:.2f} s  "
            f"({args.count / worker_seconds:.0f}/s including process start)"
        )
        print(f"steady delivery     {steady:.0f}/s (first to last message received)")
        print(
            f"worker CPU time     {worker_cpu:.2f} s  "
            f"({args.count / worker_cpu:.0f} messages per CPU-second of the worker)"
        )
        per_message_ms = 1000 * (worker_cpu - startup_cpu) / args.count
        print(
            f"worker CPU/message  {per_message_ms:.3f} ms  (process start, {startup_cpu:.2f} s "
            "on an empty outbox, subtracted)"
        )
        print(
            f"SMTP server CPU     {server_cpu:.2f} s  ({1000 * server_cpu / args.count:.3f} ms "
            "per message; aiosmtpd, in this process)"
        )
        print(
            f"CPU-bound estimate  {args.count / (worker_cpu + server_cpu):.0f}/s "
            "(worker and server CPU back to back: the figure on an otherwise idle host)"
        )
        print(f"host load average   {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        print(f"startup latency     {arrivals[0] - first_byte:.2f} s" if arrivals else "")
        print(f"worker summary      {done.stdout.strip()}")
        lost = expected - set(received)
        doubled = [mid for mid, n in received.items() if n > 1]
        print(f"lost                {len(lost)}")
        print(f"doubled             {len(doubled)}")
        print(f"rows sent           {sent_rows}")
        if lost or doubled or sent_rows != args.count or set(received) != expected:
            sys.exit("FAILED: lost or doubled messages")


if __name__ == "__main__":
    main()
