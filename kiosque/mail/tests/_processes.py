"""Helpers to drive real `kiosque` processes against their own database (SQLite file or PG)."""

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

PROJECT_DIR = Path(__file__).resolve().parents[3]
KIOSQUE = [sys.executable, "-m", "kiosque"]
PASSED_THROUGH = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "PYTHONPATH")


def uses_postgresql() -> bool:
    return "postgresql" in settings.DATABASES["default"]["ENGINE"]


@contextmanager
def scratch_database(data_dir: Path):
    """A DATABASE_URL for a fresh database: a SQLite file in data_dir, or a new PG database."""
    if not uses_postgresql():
        yield f"sqlite:///{data_dir / 'worker-test.sqlite3'}"
        return
    import psycopg

    db = settings.DATABASES["default"]
    name = f"kiosque_mailtest_{uuid.uuid4().hex[:12]}"
    params = {
        "host": db.get("HOST") or "127.0.0.1",
        "port": db.get("PORT") or 5432,
        "user": db.get("USER") or "postgres",
        "password": db.get("PASSWORD") or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**params) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    credentials = params["user"] + (f":{params['password']}" if params["password"] else "")
    try:
        yield f"postgres://{credentials}@{params['host']}:{params['port']}/{name}"
    finally:
        with psycopg.connect(**params) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def worker_env(data_dir: Path, database_url: str, email_url: str | None = None) -> dict:
    env = {key: os.environ[key] for key in PASSED_THROUGH if key in os.environ}
    env.update(
        KIOSQUE_DATA_DIR=str(data_dir),
        DATABASE_URL=database_url,
        KIOSQUE_ENV="dev",
        KIOSQUE_LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    if email_url:
        env["EMAIL_URL"] = email_url
    return env


def kiosque(env: dict, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [*KIOSQUE, *args],
        env=env,
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, f"kiosque {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done


def start_worker(env: dict, log_path: Path, *args: str) -> subprocess.Popen:
    """Start `kiosque worker` (INFO logs into log_path) and wait until it is ready."""
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [*KIOSQUE, "worker", *args],
            env={**env, "KIOSQUE_LOG_LEVEL": "INFO"},
            cwd=PROJECT_DIR,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        )
    ready = wait_until(
        lambda: "worker started" in log_path.read_text() or process.poll() is not None,
        timeout=90,
    )
    assert ready and process.poll() is None, log_path.read_text()
    return process


def stop(process: subprocess.Popen, sig=signal.SIGTERM, timeout: float = 10) -> tuple[str, str]:
    if process.poll() is None:
        process.send_signal(sig)
    return process.communicate(timeout=timeout)


def python_in_django(env: dict, code: str) -> str:
    """Run Python code inside the project (Django set up) and return its stdout."""
    return kiosque(env, "shell", "--no-startup", "--no-imports", "-c", code).stdout


def enqueue_many(env: dict, count: int) -> None:
    python_in_django(
        env,
        "from django.db import transaction\n"
        "from kiosque.mail.services import enqueue\n"
        "with transaction.atomic():\n"
        f"    for i in range({count}):\n"
        "        enqueue('mail/email/test', to=[f'user{i}@example.fr'], context={'name': i})\n",
    )


def outbox_state(env: dict) -> dict:
    out = python_in_django(
        env,
        "import json\n"
        "from django.db.models import Count\n"
        "from kiosque.mail.models import OutboxMessage\n"
        "rows = OutboxMessage.objects.values('status').annotate(n=Count('id'))\n"
        "ids = list(OutboxMessage.objects.values_list('message_id', flat=True))\n"
        "print(json.dumps({'counts': {r['status']: r['n'] for r in rows}, 'ids': ids}))\n",
    )
    return json.loads(out.strip().splitlines()[-1])


def expire_leases(env: dict) -> None:
    python_in_django(
        env,
        "from datetime import timedelta\n"
        "from django.utils import timezone\n"
        "from kiosque.mail.models import OutboxMessage\n"
        "OutboxMessage.objects.filter(status='sending')"
        ".update(lease_until=timezone.now() - timedelta(seconds=1))\n",
    )


def sent_count(stdout: str) -> int:
    for line in stdout.splitlines():
        if line.startswith("sent="):
            return int(line.split()[0].removeprefix("sent="))
    raise AssertionError(f"no summary line in worker output: {stdout!r}")


def wait_until(predicate, timeout: float = 20.0, interval: float = 0.02) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()
