"""Reading the e-mails the worker delivered to the test SMTP server."""

import re
import time

from kiosque.testing.smtp import SMTPTestServer


def body(message) -> str:
    part = message.get_body(preferencelist=("plain",))
    return part.get_content() if part else ""


class Mailbox:
    def __init__(self, smtp: SMTPTestServer):
        self.smtp = smtp
        self.seen = 0

    def mark(self) -> None:
        """Later waits only look at messages arriving after this point."""
        self.seen = self.smtp.received_count

    def wait(self, to: str, subject: str, timeout: float = 30.0):
        """The first message after the mark to `to` whose subject contains `subject`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for message in self.smtp.messages[self.seen :]:
                if to.lower() in [a.lower() for a in message.envelope_to] and subject in str(
                    message["Subject"]
                ):
                    return message
            time.sleep(0.1)
        got = [(m.envelope_to, str(m["Subject"])) for m in self.smtp.messages[self.seen :]]
        raise AssertionError(f"no mail to {to} about {subject!r} within {timeout}s: {got}")


def mail_code(message) -> str:
    return re.search(r"\b(\d{6})\b", body(message)).group(1)
