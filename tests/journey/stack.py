"""The real stack the journey runs against: a fresh database, `kiosque serve`, `kiosque worker`
delivering to a real SMTP server, and the DCC demo relying party, each in its own process."""

import json
import os
import re
import secrets
import subprocess
import sys
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from kiosque.testing.processes import clean_env, free_port, run_kiosque, running, wait_for_http
from kiosque.testing.smtp import SMTPTestServer

ROOT = Path(__file__).resolve().parents[2]
DCC_DEMO = ROOT / "examples" / "dcc_demo" / "app.py"
DEMO_PASSWORD = re.compile(r"identifiant ([^\s,]+).*?mot de passe (\S+) \(affiché une seule fois\)")


@dataclass
class Stack:
    base: str
    rp: str
    smtp: SMTPTestServer
    env: dict
    staff_passwords: dict = field(default_factory=dict)
    logs: Path | None = None

    def shell(self, code: str) -> str:
        result = run_kiosque("shell", "-c", code, env=self.env)
        assert result.returncode == 0, result.stderr
        return result.stdout


@contextmanager
def fresh_database(tmp_path: Path):
    """A new PostgreSQL database when DATABASE_URL names a server (dropped after), else a
    SQLite file in tmp_path."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{tmp_path / 'journey.sqlite3'}"
        return
    import psycopg

    parts = urlsplit(url)
    name = f"kiosque_journey_{secrets.token_hex(4)}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def dcc_demo(config: Path, port: int, log_path: Path):
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, str(DCC_DEMO), "--bind", f"127.0.0.1:{port}", "--config", str(config)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for_http(f"http://127.0.0.1:{port}/", timeout=30)
            yield f"http://127.0.0.1:{port}"
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@contextmanager
def kiosque_stack(tmp_path: Path):
    smtp = SMTPTestServer()
    smtp.start()
    port, rp_port = free_port(), free_port()
    base, rp = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{rp_port}"
    with ExitStack() as stack:
        stack.callback(smtp.stop)
        database = stack.enter_context(fresh_database(tmp_path))
        env = clean_env(
            tmp_path / "var",
            DATABASE_URL=database,
            REDIS_URL=os.environ.get("REDIS_URL") or None,
            EMAIL_URL=smtp.url,
            KIOSQUE_BASE_URL=base,
            KIOSQUE_CAPTCHA_TEST_MODE="1",
            KIOSQUE_MAIL_POLL_SECONDS="0.2",
            # `kiosque demo` points the DCC's tile and OIDC client at the relying party.
            KIOSQUE_DCC_DEMO_URL=rp,
        )
        migrate = run_kiosque("migrate", "--no-input", env=env, timeout=300)
        assert migrate.returncode == 0, migrate.stderr
        demo = run_kiosque("demo", env=env, timeout=300)
        assert demo.returncode == 0, demo.stderr
        passwords = dict(DEMO_PASSWORD.findall(demo.stdout))
        assert {"gestionnaire", "referent.dcc"} <= set(passwords), demo.stdout
        kiosque = Stack(base=base, rp=rp, smtp=smtp, env=env, staff_passwords=passwords)
        config = tmp_path / "var" / "dcc_demo_client.json"
        settings = json.loads(config.read_text())
        assert (settings["issuer"], settings["url"]) == (base, rp)

        stack.enter_context(running("worker", env=env, log_path=tmp_path / "worker.log"))
        stack.enter_context(
            running(
                "serve",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--threads",
                "4",
                env=env,
                log_path=tmp_path / "serve.log",
            )
        )
        wait_for_http(base + "/healthz", timeout=60)
        stack.enter_context(dcc_demo(config, rp_port, tmp_path / "dcc-demo.log"))
        kiosque.logs = tmp_path
        yield kiosque
