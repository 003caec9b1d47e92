"""Prometheus metrics at /metrics (text exposition format).

Two kinds, chosen so that the figures hold however many processes and nodes serve:

- **database-derived, computed at scrape time** (exact across every gunicorn worker and every
  node, nothing to aggregate): sign-in attempts by outcome (`ConnectionAttempt`), codes mailed
  (`MailedCode`), the mail outbox by status and the age of its oldest pending message;
- **per process**: the request latency histogram. With several gunicorn workers each scrape
  reaches one worker; set `PROMETHEUS_MULTIPROC_DIR` (an empty directory, the same for every
  worker, wiped at each start) before the server starts to have the histogram summed over all
  workers (prometheus_client's multiprocess mode). See docs/operations.md.

Access: always a bearer token equal to `KIOSQUE_METRICS_TOKEN`. Without a token setting the
endpoint answers 403 to everyone (a loopback source proves nothing: a proxy, another local
service or a server-side request forgery all come from loopback too).
"""

import hmac
import os

from django.db.models import Count, Min
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Histogram,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from kiosque.core import app_settings

REQUEST_DURATION = Histogram(
    "kiosque_http_request_duration_seconds",
    "Time to answer an HTTP request, by method and status class.",
    ["method", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


# The histogram's child of each (method, status class), looked up once: `labels()` takes a lock
# and builds the label tuple, a cost paid on every request otherwise.
_request_children: dict[tuple[str, int], object] = {}


def observe_request(method: str, status: int, seconds: float) -> None:
    key = (method if method in KNOWN_METHODS else "OTHER", status // 100)
    child = _request_children.get(key)
    if child is None:
        child = REQUEST_DURATION.labels(method=key[0], status=f"{key[1]}xx")
        _request_children[key] = child
    child.observe(seconds)


class DatabaseCollector:
    """Reads the figures that live in the database when Prometheus scrapes."""

    def collect(self):
        from kiosque.accounts.models import AttemptOutcome, ConnectionAttempt
        from kiosque.mail.models import OutboxMessage
        from kiosque.mfa.models import MailedCode

        attempts = CounterMetricFamily(
            "kiosque_login_attempts",
            "Sign-in attempts recorded in the connection history, by outcome "
            "(rows older than 12 months are purged: seen as a counter reset).",
            labels=["outcome"],
        )
        by_outcome = dict(
            ConnectionAttempt.objects.values_list("outcome").annotate(n=Count("id")).order_by()
        )
        for outcome in AttemptOutcome.values:
            attempts.add_metric([outcome], by_outcome.get(outcome, 0))
        yield attempts

        codes = CounterMetricFamily(
            "kiosque_mail_codes_sent",
            "One-time codes sent by mail, by purpose.",
            labels=["purpose"],
        )
        for purpose, count in (
            MailedCode.objects.values_list("purpose").annotate(n=Count("id")).order_by()
        ):
            codes.add_metric([purpose], count)
        yield codes

        queue = GaugeMetricFamily(
            "kiosque_mail_outbox_messages", "E-mails in the outbox, by status.", labels=["status"]
        )
        by_status = dict(
            OutboxMessage.objects.values_list("status").annotate(n=Count("id")).order_by()
        )
        for status in OutboxMessage.Status.values:
            queue.add_metric([status], by_status.get(status, 0))
        yield queue

        oldest = OutboxMessage.objects.filter(
            status__in=[OutboxMessage.Status.PENDING, OutboxMessage.Status.SENDING]
        ).aggregate(oldest=Min("created_at"))["oldest"]
        age = (timezone.now() - oldest).total_seconds() if oldest else 0.0
        yield GaugeMetricFamily(
            "kiosque_mail_outbox_oldest_pending_seconds",
            "Age of the oldest e-mail not yet delivered (0 when the queue is empty).",
            value=max(age, 0.0),
        )


def _process_registry():
    """The latency histogram: summed over workers in multiprocess mode, else this process."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return REGISTRY


def exposition() -> bytes:
    database = CollectorRegistry(auto_describe=False)
    database.register(DatabaseCollector())
    return generate_latest(_process_registry()) + generate_latest(database)


def is_allowed(request) -> bool:
    token = app_settings.METRICS_TOKEN
    if not token:
        return False
    scheme, _, given = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        given.strip().encode(), token.encode()
    )


@never_cache
@require_GET
def metrics_view(request):
    if not is_allowed(request):
        response = HttpResponse("Forbidden\n", status=403, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
