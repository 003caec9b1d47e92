"""Several Kiosque nodes on one (throwaway) PostgreSQL and Redis, and a browser to drive them.

`Cluster` runs `kiosque serve` on two loopback ports (node A and node B, as behind a load
balancer) and one `kiosque worker`, all with the same settings. `Browser` is a requests session
that keeps cookies across both nodes (same host, as a browser behind a balancer would) and can
speak from its own loopback source address (127.0.0.x), so client-IP limits apply per browser.
"""

import html
import json
import re
import signal
import subprocess
import sys
import threading
from contextlib import ExitStack
from pathlib import Path

import requests
from requests.adapters import HTTPAdapter

from kiosque import config
from kiosque.testing.processes import clean_env, run_kiosque, running, serving

REPO = Path(__file__).resolve().parents[2]
BASE_URL = "https://kiosque.example.fr"
HIDDEN_INPUT = re.compile(r"<input[^>]*type=\"hidden\"[^>]*>")
ATTRIBUTE = re.compile(r"(name|value)=\"([^\"]*)\"")
SESSION_COOKIE = "kiosque_session"
SEEDER = "import django; django.setup(); from tests.resilience.seed import serve; serve()"


def cluster_env(data_dir: Path, *, database_url: str, redis_url: str, smtp_port: int, **extra):
    return clean_env(
        data_dir,
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
        SECRET_KEY=config.new_secret_key(),
        KIOSQUE_FIELD_KEYS=config.new_field_key(),
        KIOSQUE_BASE_URL=BASE_URL,
        KIOSQUE_CAPTCHA_TEST_MODE="1",
        KIOSQUE_MAIL_POLL_SECONDS="0.2",
        KIOSQUE_LOGIN_DELAY_SECONDS="0",
        KIOSQUE_RATE_LIMITS="login.account=6/24h",
        KIOSQUE_ARGON2_MEMORY_KIB="4096",
        KIOSQUE_ARGON2_TIME_COST="1",
        KIOSQUE_LOG_LEVEL="WARNING",
        **extra,
    )


class Cluster:
    """Two nodes and a worker; `seed()` sets data up in their database."""

    def __init__(self, env: dict, log_dir: Path, *, nodes: int = 2, workers_per_node: int = 2):
        self.env = env
        self.log_dir = log_dir
        self.node_count = nodes
        self.workers_per_node = workers_per_node
        self.nodes: list[str] = []
        self.worker = None
        self._stack = ExitStack()
        self._seeder = None
        self._users = 0
        self.processes: list[subprocess.Popen] = []

    def migrate(self) -> None:
        result = run_kiosque("migrate", "--no-input", env=self.env, timeout=300)
        assert result.returncode == 0, result.stderr[-3000:]

    def start(self) -> "Cluster":
        for name in "ab"[: self.node_count]:
            base, process = self._stack.enter_context(
                serving(self.env, self.log_dir / f"node-{name}.log", workers=self.workers_per_node)
            )
            self.nodes.append(base)
            self.processes.append(process)
        self.start_worker()
        return self

    def start_worker(self):
        self.worker = self._stack.enter_context(
            running("worker", env=self.env, log_path=self.log_dir / "worker.log")
        )
        return self.worker

    def stop(self) -> None:
        if self._seeder is not None and self._seeder.poll() is None:
            self._seeder.stdin.close()
            self._seeder.wait(timeout=10)
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
        self._stack.close()

    @property
    def a(self) -> str:
        return self.nodes[0]

    @property
    def b(self) -> str:
        return self.nodes[1]

    def seed(self, function: str, **kwargs):
        """Call tests/resilience/seed.<function>(**kwargs) in the cluster's database."""
        if self._seeder is None or self._seeder.poll() is not None:
            self._seeder = subprocess.Popen(
                [sys.executable, "-c", SEEDER],
                env={**self.env, "DJANGO_SETTINGS_MODULE": "kiosque.settings"},
                cwd=REPO,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=open(self.log_dir / "seed.log", "a"),  # noqa: SIM115
                text=True,
            )
        self._seeder.stdin.write(json.dumps([function, kwargs]) + "\n")
        self._seeder.stdin.flush()
        answer = json.loads(self._seeder.stdout.readline() or '{"error": "seeder died"}')
        assert "error" not in answer, answer["error"] + self.log("seed")[-3000:]
        return answer["result"]

    def unique_name(self, prefix: str) -> str:
        self._users += 1
        return f"{prefix}{self._users}"

    def log(self, name: str) -> str:
        path = self.log_dir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""


class SourceAddressAdapter(HTTPAdapter):
    def __init__(self, source_ip: str, **kwargs):
        self.source_ip = source_ip
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.source_ip, 0)
        super().init_poolmanager(*args, **kwargs)


class Browser:
    """A cookie-keeping HTTP client; `post()` adds the CSRF token as the page's form would."""

    def __init__(self, source_ip: str | None = None, session_key: str | None = None):
        self.http = requests.Session()
        self.http.headers["Accept-Language"] = "fr"
        if source_ip:
            adapter = SourceAddressAdapter(source_ip)
            self.http.mount("http://", adapter)
        if session_key:
            self.http.cookies.set(SESSION_COOKIE, session_key)
        self.last_hidden: dict[str, str] = {}

    def get(self, url: str, **kwargs) -> requests.Response:
        kwargs.setdefault("allow_redirects", False)
        kwargs.setdefault("timeout", 30)
        response = self.http.get(url, **kwargs)
        if "text/html" in response.headers.get("Content-Type", ""):
            self.last_hidden = hidden_fields(response.text)
        return response

    def csrf_token(self, base: str) -> str:
        token = self.http.cookies.get("csrftoken")
        if not token:
            self.get(base + "/identifiant-oublie/")  # a form whoever asks (no redirect)
            token = self.http.cookies.get("csrftoken")
        return token

    def post(self, base: str, path: str, data: dict | None = None, **kwargs) -> requests.Response:
        kwargs.setdefault("allow_redirects", False)
        kwargs.setdefault("timeout", 30)
        payload = {"csrfmiddlewaretoken": self.csrf_token(base), **(data or {})}
        response = self.http.post(base + path, data=payload, **kwargs)
        if "text/html" in response.headers.get("Content-Type", ""):
            self.last_hidden = hidden_fields(response.text)
        return response

    @property
    def session_key(self) -> str | None:
        return self.http.cookies.get(SESSION_COOKIE)


def hidden_fields(page: str) -> dict[str, str]:
    fields = {}
    for tag in HIDDEN_INPUT.findall(page):
        attributes = dict(ATTRIBUTE.findall(tag))
        if "name" in attributes:
            fields[attributes["name"]] = html.unescape(attributes.get("value", ""))
    return fields


def page_text(response) -> str:
    return html.unescape(response.text)


def race(*calls):
    """Run the calls at the same instant in threads; returns their results (or exceptions)."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        barrier.wait(timeout=30)
        try:
            results[index] = call()
        except Exception as error:  # noqa: BLE001 - the caller asserts on it
            results[index] = error

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results
