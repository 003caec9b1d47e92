"""Outbox delivery: claim due messages with a lease, send them, mark them sent.

Guarantees
----------
* Two workers never send the same row at the same time. A batch is claimed in one short
  transaction: on PostgreSQL the candidate rows are locked with
  ``SELECT ... FOR UPDATE SKIP LOCKED`` (a second worker skips them instead of waiting), then
  flipped to ``sending`` with a fresh lease token and ``lease_until``. Where SKIP LOCKED is not
  supported (SQLite), the claim is a single conditional
  ``UPDATE ... SET status='sending', lease_token=T WHERE id IN (...) AND <still due>`` which
  SQLite executes atomically under its write lock: a row another worker claimed first is no
  longer due, so it is not claimed twice. Each worker then reads back only the rows carrying
  its own token. A batch that runs past half its lease (slow server) extends the lease of the
  rows it still holds, so a live worker's rows are never taken over.
* A message is never lost: it stays in the table until it is ``sent`` or ``failed``; a transient
  error (server down, 4xx) puts it back to ``pending`` with an exponential backoff.
* At-least-once boundary: accepted messages are marked ``sent`` as soon as the server accepted
  them (``KIOSQUE_MAIL_MARK_EVERY=1``, the default), or, when an operator raises that setting,
  in chunks: one ``UPDATE ... status='sent' WHERE id IN (...)`` once ``KIOSQUE_MAIL_MARK_EVERY``
  of them wait or once ``KIOSQUE_MAIL_MARK_MAX_DELAY_SECONDS`` (0.2 s) have passed since the
  first of them was handed to the server, and always before any other write of the batch (retry,
  failure, release) and at its end. A worker that dies (SIGKILL, power loss) between the SMTP
  ``DATA`` acknowledgement and that UPDATE (or whose database refuses it) leaves those rows
  ``sending``; once the lease expires another worker sends them again. At most
  ``KIOSQUE_MAIL_MARK_EVERY`` messages can be duplicated by one crash (the accepted ones waiting
  for their mark plus the one in flight; against a slow server, where one message takes longer
  than the delay, only the one in flight), and they carry the same ``Message-ID`` header (fixed
  at enqueue time) so receivers can de-duplicate. With the default ``KIOSQUE_MAIL_MARK_EVERY=1``
  each message is marked on its own and the bound is the message in flight, the one SMTP itself
  cannot avoid (10,000 messages at ~380/s on two cores, bench/mail_throughput.py; 20 gives
  ~640/s). A clean stop (SIGTERM/SIGINT) finishes the message in flight, marks the accepted ones
  and hands the rest of the batch back (``pending``) for immediate pick-up: nothing is sent
  twice.

One SMTP connection is opened per batch and reused for every message of it; every backend
(SMTP, dev mailbox, console) is handed a Django `EmailMessage`, which renders the MIME.

Nothing here logs message bodies; logs carry row ids, Message-IDs and SMTP error texts only.
"""

import logging
import random
import smtplib
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from kiosque.mail import app_settings
from kiosque.mail.models import PURGED_BODY, OutboxMessage

logger = logging.getLogger("kiosque.mail")

Status = OutboxMessage.Status


def lease_duration() -> timedelta:
    return timedelta(seconds=app_settings.MAIL_LEASE_SECONDS)


def max_attempts() -> int:
    return app_settings.MAIL_MAX_ATTEMPTS


def backoff_delay(attempts: int) -> timedelta:
    """Delay before retry number `attempts` + 1: 30 s doubling, capped at 1 h, ±25 % jitter."""
    base = app_settings.MAIL_RETRY_BASE_SECONDS
    cap = app_settings.MAIL_RETRY_MAX_SECONDS
    delay = min(cap, base * 2 ** max(0, min(attempts - 1, 30)))
    jittered = delay * random.uniform(0.75, 1.25)
    return timedelta(seconds=min(cap, jittered))


@dataclass
class PassResult:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    released: int = 0

    def add(self, other: "PassResult") -> None:
        self.sent += other.sent
        self.retried += other.retried
        self.failed += other.failed
        self.released += other.released


# --- claiming -------------------------------------------------------------------------------


def _due(now: datetime) -> Q:
    pending_due = Q(status=Status.PENDING, next_attempt_at__lte=now)
    lease_expired = Q(status=Status.SENDING, lease_until__lt=now)
    return pending_due | lease_expired


def candidate_ids(now: datetime, limit: int) -> list[int]:
    """Ids of due messages (pending and due, or sending with an expired lease), oldest first."""
    due = OutboxMessage.objects.filter(_due(now)).order_by("next_attempt_at", "id")
    return list(due.values_list("id", flat=True)[:limit])


def claim_ids(ids: list[int], now: datetime, token: str) -> int:
    """Atomically take the still-due rows among `ids`; returns how many this token now holds."""
    if not ids:
        return 0
    return (
        OutboxMessage.objects.filter(id__in=ids)
        .filter(_due(now))
        .update(
            status=Status.SENDING,
            lease_token=token,
            lease_until=now + lease_duration(),
            attempts=F("attempts") + 1,
        )
    )


def claim_batch(limit: int, now: datetime | None = None) -> tuple[str, list[OutboxMessage]]:
    """Claim up to `limit` due messages for this worker; returns (lease token, messages)."""
    now = now or timezone.now()
    token = uuid.uuid4().hex
    if connection.features.has_select_for_update_skip_locked:
        with transaction.atomic():
            due = OutboxMessage.objects.filter(_due(now)).order_by("next_attempt_at", "id")
            locked = due.select_for_update(skip_locked=True).values_list("id", flat=True)
            ids = list(locked[:limit])
            claim_ids(ids, now, token)
    else:
        ids = candidate_ids(now, limit)
        claim_ids(ids, now, token)
    if not ids:
        return token, []
    claimed = OutboxMessage.objects.filter(id__in=ids, lease_token=token, status=Status.SENDING)
    return token, list(claimed.order_by("id"))


# --- outcomes -------------------------------------------------------------------------------


def _owned(message: OutboxMessage, token: str):
    return OutboxMessage.objects.filter(pk=message.pk, lease_token=token, status=Status.SENDING)


def mark_every() -> int:
    return max(1, app_settings.MAIL_MARK_EVERY)


def mark_max_delay() -> float:
    return app_settings.MAIL_MARK_MAX_DELAY_SECONDS


def _mark_sent_many(messages: list[OutboxMessage], token: str) -> None:
    """Mark accepted messages sent: one UPDATE (two when some bodies must be purged)."""
    changes = {
        "status": Status.SENT,
        "sent_at": timezone.now(),
        "lease_until": None,
        "lease_token": "",
        "last_error": "",
    }
    purged = {message.pk for message in messages if message.purge_after_delivery}
    kept = [message.pk for message in messages if message.pk not in purged]
    owned = OutboxMessage.objects.filter(lease_token=token, status=Status.SENDING)
    if kept:
        owned.filter(pk__in=kept).update(**changes)
    if purged:
        owned.filter(pk__in=purged).update(
            **changes, text_body=PURGED_BODY, html_body="", bodies_purged=True
        )
    if logger.isEnabledFor(logging.DEBUG):
        for message in messages:
            logger.debug("mail sent id=%s message_id=%s", message.pk, message.message_id)


def _mark_sent(message: OutboxMessage, token: str) -> None:
    _mark_sent_many([message], token)


class SentMarks:
    """Messages the SMTP server accepted, not yet marked `sent` in the database.

    They are marked with one UPDATE once `every` of them wait, or once `max_delay` seconds have
    passed since the first of them was handed to the server (so a slow server gets one UPDATE
    per message, and the bound below stays small in time as well as in count), and always before
    anything else is written for the batch (retry, failure, release) and at its end.

    At-least-once bound: a worker killed before a flush resends, after its lease expires, the
    messages waiting here plus the one in flight: at most `every` messages (`every - 1` accepted
    and unmarked, plus the one being sent), all with their stable Message-ID. `every=1` is the
    per-message marking of before (at most the message in flight).
    """

    def __init__(self, token: str, every: int | None = None, max_delay: float | None = None):
        self.token = token
        self.every = every or mark_every()
        self.max_delay = mark_max_delay() if max_delay is None else max_delay
        self.waiting: list[OutboxMessage] = []
        self._first_handed_at = 0.0

    def handed(self) -> None:
        """Call just before handing a message to the server."""
        if not self.waiting:
            self._first_handed_at = time.monotonic()

    def accepted(self, message: OutboxMessage) -> None:
        self.waiting.append(message)
        if (
            len(self.waiting) >= self.every
            or time.monotonic() - self._first_handed_at >= self.max_delay
        ):
            self.flush()

    def flush(self) -> None:
        if self.waiting:
            waiting, self.waiting = self.waiting, []
            _mark_sent_many(waiting, self.token)


def _mark_failed(message: OutboxMessage, token: str, error: str) -> None:
    from kiosque.audit.services import AuditAction, AuditOutcome, record

    _owned(message, token).update(
        status=Status.FAILED, lease_until=None, lease_token="", last_error=error
    )
    logger.error(
        "mail failed id=%s message_id=%s attempts=%s error=%s",
        message.pk,
        message.message_id,
        message.attempts,
        error,
    )
    record(
        AuditAction.MAIL_DELIVERY_FAILED,
        target=message,
        target_repr=message.message_id,
        outcome=AuditOutcome.FAILURE,
        context={
            "message_id": message.message_id,
            "template": message.template_name,
            "attempts": message.attempts,
            "error": error[:500],
        },
    )


def _schedule_retry(message: OutboxMessage, token: str, error: str, now: datetime) -> bool:
    """Back to pending with a backoff; returns False when attempts are exhausted (failed)."""
    if message.attempts >= max_attempts():
        _mark_failed(message, token, f"{error} (abandon après {message.attempts} tentatives)")
        return False
    next_attempt_at = now + backoff_delay(message.attempts)
    _owned(message, token).update(
        status=Status.PENDING,
        lease_until=None,
        lease_token="",
        last_error=error,
        next_attempt_at=next_attempt_at,
    )
    logger.warning(
        "mail retry id=%s message_id=%s attempts=%s next=%s error=%s",
        message.pk,
        message.message_id,
        message.attempts,
        next_attempt_at.isoformat(),
        error,
    )
    return True


def _release(messages: list[OutboxMessage], token: str) -> int:
    """Hand claimed-but-unsent messages back (clean stop): not an attempt."""
    return OutboxMessage.objects.filter(
        pk__in=[message.pk for message in messages], lease_token=token, status=Status.SENDING
    ).update(status=Status.PENDING, lease_until=None, lease_token="", attempts=F("attempts") - 1)


def _keep_lease(remaining: list[OutboxMessage], token: str, lease_until: datetime):
    """Past half the lease, extend it for the rest of the batch so no other worker takes it.

    Returns (messages still owned, new lease end)."""
    now = timezone.now()
    if now + lease_duration() / 2 < lease_until:
        return remaining, lease_until
    lease_until = now + lease_duration()
    owned = OutboxMessage.objects.filter(
        pk__in=[message.pk for message in remaining], lease_token=token, status=Status.SENDING
    )
    owned.update(lease_until=lease_until)
    still_owned = set(owned.values_list("pk", flat=True))
    return [message for message in remaining if message.pk in still_owned], lease_until


def _describe(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:1000]


def is_permanent(exc: Exception) -> bool:
    """5xx refusals of every recipient or of the message itself, or an unusable address."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return bool(codes) and all(code >= 500 for code in codes)
    if isinstance(exc, smtplib.SMTPDataError):
        return exc.smtp_code >= 500
    return isinstance(exc, ValueError)


# --- sending --------------------------------------------------------------------------------


EXTRA_HEADERS = {"Auto-Submitted": "auto-generated"}


def build_email(message: OutboxMessage, backend) -> EmailMultiAlternatives:
    """The message as a Django EmailMessage, bound to the open backend of the batch."""
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.text_body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=message.to,
        reply_to=message.reply_to or None,
        headers={"Message-ID": message.message_id, **EXTRA_HEADERS},
        connection=backend,
    )
    if message.html_body:
        email.attach_alternative(message.html_body, "text/html")
    return email


def send_one(message: OutboxMessage, backend) -> None:
    """Send over the open backend (Django's EmailMessage renders it); raises on refusal."""
    build_email(message, backend).send()


def _close_quietly(backend) -> None:
    try:
        backend.close()
    except Exception:  # noqa: BLE001 - a broken connection is being thrown away anyway
        logger.debug("mail backend close failed", exc_info=True)


def send_batch(
    token: str,
    messages: list[OutboxMessage],
    should_stop: Callable[[], bool] = lambda: False,
) -> PassResult:
    """Send claimed messages over one backend connection, recording each outcome.

    Accepted messages are marked `sent` in chunks (`SentMarks`); every other outcome is written
    at once, after the accepted ones waiting before it have been marked."""
    result = PassResult()
    backend = get_connection(fail_silently=False)
    is_open = False
    lease_until = messages[0].lease_until if messages else None
    remaining = list(messages)
    marks = SentMarks(token)
    try:
        while remaining:
            if should_stop():
                marks.flush()
                result.released += _release(remaining, token)
                break
            remaining, lease_until = _keep_lease(remaining, token, lease_until)
            if not remaining:
                break
            message = remaining.pop(0)
            if not is_open:
                try:
                    backend.open()
                    is_open = True
                except Exception as exc:  # noqa: BLE001 - server down: retry the rest later
                    marks.flush()
                    now = timezone.now()
                    for waiting in [message, *remaining]:
                        if _schedule_retry(waiting, token, _describe(exc), now):
                            result.retried += 1
                        else:
                            result.failed += 1
                    break
            try:
                marks.handed()
                send_one(message, backend)
            except Exception as exc:  # noqa: BLE001 - every outcome is recorded on the row
                _close_quietly(backend)
                is_open = False
                marks.flush()
                if is_permanent(exc):
                    _mark_failed(message, token, _describe(exc))
                    result.failed += 1
                elif _schedule_retry(message, token, _describe(exc), timezone.now()):
                    result.retried += 1
                else:
                    result.failed += 1
                continue
            result.sent += 1
            marks.accepted(message)
    finally:
        try:
            marks.flush()
        finally:
            if is_open:
                _close_quietly(backend)
    return result


def deliver_due(
    *,
    now: datetime | None = None,
    batch_size: int | None = None,
    should_stop: Callable[[], bool] = lambda: False,
) -> PassResult:
    """One delivery pass: claim and send batches until nothing is due (or a stop is asked)."""
    batch_size = batch_size or app_settings.MAIL_BATCH_SIZE
    total = PassResult()
    while not should_stop():
        token, messages = claim_batch(batch_size, now)
        if not messages:
            break
        total.add(send_batch(token, messages, should_stop))
    if total.sent or total.retried or total.failed:
        logger.info(
            "mail pass sent=%s retried=%s failed=%s released=%s",
            total.sent,
            total.retried,
            total.failed,
            total.released,
        )
    return total
