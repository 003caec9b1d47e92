"""KIOSQUE_LOG_FORMAT=json: one JSON object per record with the request's id, path, status
and duration; in a real `kiosque serve` process too."""

import json
import logging
import re

import pytest

from kiosque.core.observability import context
from kiosque.core.observability.logs import JsonFormatter, RequestContextFilter
from kiosque.testing.processes import clean_env, http_get, run_kiosque, serving

FIELDS = {"time", "level", "logger", "message", "request_id", "path", "status", "duration_ms"}


def _format(record: logging.LogRecord) -> dict:
    RequestContextFilter().filter(record)
    return json.loads(JsonFormatter().format(record))


def _record(message="bonjour %s", args=("Nathalie",), **extra):
    record = logging.LogRecord("kiosque.test", logging.WARNING, __file__, 1, message, args, None)
    record.__dict__.update(extra)
    return record


def test_a_record_outside_a_request_has_null_request_fields():
    entry = _format(_record())
    assert set(entry) == FIELDS
    assert entry["message"] == "bonjour Nathalie"
    assert entry["level"] == "WARNING" and entry["logger"] == "kiosque.test"
    assert entry["request_id"] is None and entry["path"] is None
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$", entry["time"])


def test_a_record_inside_a_request_carries_its_context():
    id_token = context.request_id.set("req-abcdef123")
    path_token = context.request_path.set("/connexion/")
    try:
        entry = _format(_record(status=302, duration_ms=12.5))
    finally:
        context.request_id.reset(id_token)
        context.request_path.reset(path_token)
    assert entry["request_id"] == "req-abcdef123" and entry["path"] == "/connexion/"
    assert entry["status"] == 302 and entry["duration_ms"] == 12.5


def test_a_message_with_newlines_stays_one_line():
    line = JsonFormatter().format(_record("ligne 1\nligne 2 « é »", ()))
    assert "\n" not in line
    assert json.loads(line)["message"] == "ligne 1\nligne 2 « é »"


def test_exceptions_are_included():
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        record = _record(exc_info=sys.exc_info())
    record.exc_info = record.__dict__["exc_info"]
    assert "ValueError: boom" in _format(record)["exception"]


@pytest.mark.slow
def test_kiosque_serve_writes_json_access_lines(tmp_path):
    env = clean_env(tmp_path / "var", KIOSQUE_LOG_FORMAT="json")
    assert run_kiosque("migrate", "--no-input", env=env).returncode == 0
    log_path = tmp_path / "serve.log"
    with serving(env, log_path) as (base, _process):
        status, headers, _body = http_get(base + "/inscription/")
        assert status == 200
        request_id = headers["X-Request-ID"]
    entries = [
        json.loads(line) for line in log_path.read_text().splitlines() if line.startswith("{")
    ]
    (access,) = [
        e for e in entries if e["request_id"] == request_id and e["logger"] == "kiosque.request"
    ]
    assert set(access) >= FIELDS
    assert access["path"] == "/inscription/" and access["status"] == 200
    assert access["duration_ms"] > 0
