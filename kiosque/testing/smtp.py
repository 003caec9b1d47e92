"""A real SMTP server for tests (aiosmtpd) and a one-call outbox delivery.

    def test_mail(smtp_server, deliver_outbox):
        with transaction.atomic():
            enqueue("app/email/x", to=["a@example.fr"], context={})
        assert deliver_outbox() == 1
        assert smtp_server.messages[0]["Subject"] == "[Kiosque] ..."

`smtp_server.messages` holds parsed `email.message.EmailMessage` objects (policy default) with
`.envelope_from` and `.envelope_to` attributes; `smtp_server.stop()` / `.start()` take the
server down and up again on the same port; `smtp_server.refuse(address, reply)` answers 550 (or
`reply`) to that recipient; `smtp_server.delay` (seconds) slows each DATA answer down.
"""

import asyncio
import email
import email.policy
import logging
import socket
import threading
import time

import pytest
from aiosmtpd.controller import Controller
from django.test import override_settings

logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's per-command chatter


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


class RecordingHandler:
    """aiosmtpd handler keeping every accepted message in memory."""

    def __init__(self):
        self.raw: list[tuple[bytes, str, list[str], float]] = []
        self.messages: list[email.message.EmailMessage] = []
        self.refused: dict[str, str] = {}
        self.delay = 0.0
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refused:
            return self.refused[address.lower()]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        # Parsing is deferred to `parsed()`: answering fast keeps the server off the critical path.
        received = (envelope.content, envelope.mail_from, list(envelope.rcpt_tos), time.monotonic())
        with self.lock:
            self.raw.append(received)
        return "250 Message accepted for delivery"

    def parsed(self) -> list[email.message.EmailMessage]:
        with self.lock:
            pending = self.raw[len(self.messages) :]
            for content, mail_from, rcpt_tos, received_at in pending:
                message = email.message_from_bytes(content, policy=email.policy.default)
                message.envelope_from = mail_from
                message.envelope_to = rcpt_tos
                message.received_at = received_at
                self.messages.append(message)
            return list(self.messages)

    def count(self) -> int:
        with self.lock:
            return len(self.raw)


class SMTPTestServer:
    """An aiosmtpd server on a loopback port that can be stopped and restarted on that port."""

    def __init__(self, host: str = "127.0.0.1", port: int | None = None):
        self.host = host
        self.port = port or free_port(host)
        self.handler = RecordingHandler()
        self._controller: Controller | None = None

    @property
    def running(self) -> bool:
        return self._controller is not None

    @property
    def url(self) -> str:
        return f"smtp://{self.host}:{self.port}"

    def start(self) -> None:
        if self._controller is not None:
            return
        deadline = time.monotonic() + 10
        while True:
            controller = Controller(
                self.handler, hostname=self.host, port=self.port, ready_timeout=5
            )
            try:
                controller.start()
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
                continue
            self._controller = controller
            return

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def messages(self) -> list[email.message.EmailMessage]:
        return self.handler.parsed()

    @property
    def received_count(self) -> int:
        return self.handler.count()

    def message_ids(self) -> list[str]:
        return [str(message["Message-ID"]) for message in self.messages]

    def clear(self) -> None:
        with self.handler.lock:
            self.handler.raw.clear()
            self.handler.messages.clear()

    def refuse(self, address: str, reply: str = "550 5.1.1 Destinataire inconnu") -> None:
        """Answer `reply` to RCPT TO for `address` (e.g. "450 4.2.1 Boîte pleine")."""
        self.handler.refused[address.lower()] = reply

    @property
    def delay(self) -> float:
        return self.handler.delay

    @delay.setter
    def delay(self, seconds: float) -> None:
        self.handler.delay = seconds

    def wait_for(self, count: int, timeout: float = 10.0) -> list[email.message.EmailMessage]:
        """Wait until at least `count` messages arrived (for tests driving a subprocess)."""
        deadline = time.monotonic() + timeout
        while self.received_count < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.messages


def smtp_settings(server: SMTPTestServer) -> dict:
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": server.host,
        "EMAIL_PORT": server.port,
        "EMAIL_HOST_USER": "",
        "EMAIL_HOST_PASSWORD": "",
        "EMAIL_USE_TLS": False,
        "EMAIL_USE_SSL": False,
        "EMAIL_TIMEOUT": 5,
    }


@pytest.fixture
def smtp_server():
    server = SMTPTestServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def deliver_outbox(smtp_server):
    """A function running one delivery pass against `smtp_server`; returns how many were sent.

    Pass `now=` to deliver as if at that time (e.g. past a retry's next_attempt_at).
    """
    from kiosque.mail.delivery import deliver_due

    def deliver(now=None) -> int:
        with override_settings(**smtp_settings(smtp_server)):
            return deliver_due(now=now).sent

    return deliver
