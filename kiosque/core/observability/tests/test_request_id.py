"""Every response carries a request id; a safe id from the proxy is kept, anything else replaced."""

import logging
import re

import pytest

pytestmark = pytest.mark.django_db

GENERATED = re.compile(r"^[0-9a-f]{32}$")


def test_a_new_id_is_generated_and_returned(client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert GENERATED.fullmatch(first) and GENERATED.fullmatch(second)
    assert first != second


def test_the_proxy_id_is_kept_when_it_is_a_safe_token(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="nginx-5f2b9c0e-7a1d")
    assert response["X-Request-ID"] == "nginx-5f2b9c0e-7a1d"


@pytest.mark.parametrize(
    "forged",
    [
        "abc\ninjected log line",
        "short",
        "x" * 200,
        '"><script>alert(1)</script>',
        "id with spaces inside",
    ],
)
def test_an_unsafe_proxy_id_is_replaced(client, forged):
    assert GENERATED.fullmatch(client.get("/healthz", HTTP_X_REQUEST_ID=forged)["X-Request-ID"])


def test_log_records_of_the_request_carry_its_id_and_path(client, caplog):
    caplog.set_level(logging.INFO, logger="kiosque.request")
    response = client.get("/", HTTP_X_REQUEST_ID="req-0123456789")
    (record,) = [r for r in caplog.records if r.name == "kiosque.request"]
    assert response["X-Request-ID"] == "req-0123456789"
    assert record.status == 200 and record.method == "GET"
    assert record.duration_ms >= 0
    # the contextvars are reset after the request: nothing leaks into the next one
    from kiosque.core.observability import context

    assert context.request_id.get() is None and context.request_path.get() is None


def test_probes_are_logged_at_debug_only(client, caplog):
    caplog.set_level(logging.INFO, logger="kiosque.request")
    client.get("/healthz")
    assert not [r for r in caplog.records if r.name == "kiosque.request"]
