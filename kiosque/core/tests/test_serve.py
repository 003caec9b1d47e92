"""`kiosque serve`: gunicorn options that change how connections behave."""

import http.client
import time

import pytest

from kiosque.testing.processes import clean_env, free_port, running, wait_for_http


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
