"""Start real `kiosque` processes (server, worker) for tests that cross process boundaries."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

KIOSQUE = [sys.executable, "-m", "kiosque"]
PASSED_THROUGH = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "PYTHONPATH", "SSL_CERT_FILE")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def clean_env(data_dir: Path, **overrides) -> dict:
    """An environment with only what a fresh shell would have, plus the overrides."""
    env = {key: os.environ[key] for key in PASSED_THROUGH if key in os.environ}
    env["KIOSQUE_DATA_DIR"] = str(data_dir)
    env["PYTHONUNBUFFERED"] = "1"
    env.update({key: str(value) for key, value in overrides.items() if value is not None})
    return env


def run_kiosque(*args, env: dict, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*KIOSQUE, *args], env=env, capture_output=True, text=True, timeout=timeout
    )


def http_get(url: str, timeout: float = 5) -> tuple[int, dict, str]:
    request = urllib.request.Request(url, headers={"Accept-Language": "fr"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def wait_for_http(url: str, timeout: float = 30, process=None, log_path=None) -> None:
    """Wait until `url` answers; if `process` (the server) exits first, fail at once with
    its log rather than waiting out the timeout."""
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            log = Path(log_path).read_text(errors="replace")[-3000:] if log_path else ""
            raise RuntimeError(f"the server for {url} exited ({process.returncode}):\n{log}")
        try:
            http_get(url, timeout=2)
            return
        except OSError as error:
            last_error = error
            time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {timeout}s: {last_error}")


@contextmanager
def running(*args, env: dict, log_path: Path):
    """Run a kiosque command in the background for the duration of the block."""
    with open(log_path, "w") as log:
        process = subprocess.Popen([*KIOSQUE, *args], env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            yield process
        finally:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


@contextmanager
def serving(env: dict, log_path: Path, workers: int = 1):
    port = free_port()
    with running(
        "serve",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        env=env,
        log_path=log_path,
    ) as process:
        base = f"http://127.0.0.1:{port}"
        try:
            wait_for_http(base + "/healthz")
        except TimeoutError:
            raise TimeoutError(log_path.read_text()) from None
        yield base, process
