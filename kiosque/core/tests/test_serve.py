"""`kiosque serve`: gunicorn started with kiosque/gunicorn.conf.py, the command's options and
the environment its workers need; options that change how connections behave."""

import http.client
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kiosque.core.management.commands.serve import CONFIG_FILE, gunicorn_command
from kiosque.testing.processes import clean_env, free_port, running, wait_for_http


def test_gunicorn_gets_the_configuration_file_and_the_given_options_only():
    argv, env = gunicorn_command(
        {"bind": "127.0.0.1:9000", "workers": 3, "threads": None, "max_requests": 100}, environ={}
    )
    assert argv[:5] == [sys.executable, "-m", "gunicorn", "--config", str(CONFIG_FILE)]
    assert Path(__file__).resolve().parents[2] / "gunicorn.conf.py" == CONFIG_FILE
    assert argv[5:] == [
        "--bind", "127.0.0.1:9000", "--workers", "3",
        "--max-requests", "100", "--max-requests-jitter", "10",
    ]  # fmt: skip
    assert env == {"MALLOC_ARENA_MAX": "1"}  # one glibc arena from the master's first malloc


def test_the_environment_carries_the_operators_arena_cap_gil_and_access_log():
    _, env = gunicorn_command(
        {"gil_switch_ms": 0.5, "access_log": ""}, environ={"MALLOC_ARENA_MAX": "4", "A": "b"}
    )
    assert env == {
        "MALLOC_ARENA_MAX": "4",  # an operator's value wins
        "A": "b",
        "KIOSQUE_GIL_SWITCH_MS": "0.5",
        "KIOSQUE_ACCESS_LOG": "",
    }


def resolved_config(tmp_path, *arguments, **environment) -> dict:
    """gunicorn's own reading of kiosque/gunicorn.conf.py (`--print-config`)."""
    argv, env = gunicorn_command({}, environ=clean_env(tmp_path / "data", **environment))
    result = subprocess.run(
        [*argv, "--print-config", *arguments], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 0, result.stderr
    found = {}
    for line in result.stdout.splitlines():
        name, _, value = line.partition("=")
        found[name.strip()] = value.strip()
    return found


@pytest.mark.slow
def test_the_configuration_file_holds_kiosques_gunicorn_settings(tmp_path):
    config = resolved_config(tmp_path)
    assert config["wsgi_app"] == "kiosque.wsgi:application"
    assert config["bind"] == "['127.0.0.1:8000']"
    assert (config["workers"], config["threads"], config["keepalive"]) == ("2", "4", "0")
    assert config["accesslog"] == "-"
    assert config["forwarded_allow_ips"] == "['127.0.0.1', '::1']"
    assert config["control_socket"] == str(tmp_path / "data" / "gunicorn.ctl")
    assert "post_worker_init" in config["post_worker_init"]
    assert resolved_config(tmp_path, "--workers", "5")["workers"] == "5"
    assert resolved_config(tmp_path, KIOSQUE_ACCESS_LOG="")["accesslog"] == "None"


@pytest.mark.slow
def test_each_instance_has_its_control_socket_in_its_data_dir_and_one_malloc_arena(tmp_path):
    """Not ~/.gunicorn/gunicorn.ctl, shared by every instance of the user (each new instance
    took it from the others)."""
    home = tmp_path / "home"
    home.mkdir()
    port = free_port()
    with running(
        "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1",
        env=clean_env(tmp_path / "data", HOME=home), log_path=tmp_path / "serve.log",
    ) as process:  # fmt: skip
        wait_for_http(f"http://127.0.0.1:{port}/healthz", timeout=60)
        deadline = time.monotonic() + 10
        while not (tmp_path / "data" / "gunicorn.ctl").is_socket():
            assert time.monotonic() < deadline, (tmp_path / "serve.log").read_text()
            time.sleep(0.1)
        # `kiosque serve` became gunicorn (same process), started with MALLOC_ARENA_MAX=1
        environ = Path(f"/proc/{process.pid}/environ").read_bytes().split(b"\0")
        assert b"MALLOC_ARENA_MAX=1" in environ
        assert "gunicorn" in Path(f"/proc/{process.pid}/cmdline").read_text()
    assert not (home / ".gunicorn").exists()


@pytest.mark.slow
@pytest.mark.parametrize("threads", ["1", "4"])
def test_serve_closes_each_connection_with_or_without_threads(tmp_path, threads):
    """Keep-alive is off by default, threads or not: a kept-alive connection closed by
    gunicorn's keep-alive timer while the client sends on it ends in a reset (seen in
    bench/load_run.py with --threads 4); the proxy in front keeps the browsers' connections."""
    port = free_port()
    with running(
        "serve", "--bind", f"127.0.0.1:{port}", "--threads", threads,
        env=clean_env(tmp_path), log_path=tmp_path / "serve.log",
    ):  # fmt: skip
        wait_for_http(f"http://127.0.0.1:{port}/healthz", timeout=60)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", "/healthz")
        response = connection.getresponse()
        response.read()
        assert response.status == 200
        assert response.getheader("Connection", "").lower() == "close"
        assert response.will_close
        connection.close()
    if threads != "1":
        assert "Using worker: gthread" in (tmp_path / "serve.log").read_text()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("arguments", "environment", "expected"),
    [
        ([], {}, "1"),
        (["--gil-switch-ms", "0.5"], {}, "0.5"),
        ([], {"KIOSQUE_GIL_SWITCH_MS": "5"}, "5"),
    ],
)
def test_workers_take_the_gil_switch_interval(tmp_path, arguments, environment, expected):
    """Each worker sets its GIL switch interval (1 ms unless told otherwise) and logs it:
    at Python's 5 ms a thread back from a query waits behind a thread rendering a page."""
    port = free_port()
    log = tmp_path / "serve.log"
    with running(
        "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2", *arguments,
        env=clean_env(tmp_path, **environment), log_path=log,
    ):  # fmt: skip
        wait_for_http(f"http://127.0.0.1:{port}/healthz", timeout=60)
        deadline = time.monotonic() + 10
        while log.read_text().count("GIL switch interval") < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
    lines = [line for line in log.read_text().splitlines() if "GIL switch interval" in line]
    assert len(lines) == 2, log.read_text()
    assert all(line.endswith(f"GIL switch interval: {expected} ms") for line in lines)
