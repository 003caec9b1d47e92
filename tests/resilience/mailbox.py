"""Reading the cluster's SMTP server: messages to one address, the code in a mail."""

import re
import time

CODE_IN_MAIL = re.compile(r"Votre code d'authentification unique est : (\d{6})\.")


def body(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def messages_to(smtp, address: str) -> list:
    return [m for m in smtp.messages if address.lower() in [a.lower() for a in m.envelope_to]]


def wait_for_messages(smtp, address: str, count: int = 1, timeout: float = 30.0) -> list:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = messages_to(smtp, address)
        if len(found) >= count:
            return found
        time.sleep(0.1)
    raise AssertionError(
        f"{count} message(s) to {address} expected, got {messages_to(smtp, address)}"
    )


def latest_code(smtp, address: str, count: int = 1) -> str:
    message = wait_for_messages(smtp, address, count)[-1]
    match = CODE_IN_MAIL.search(body(message))
    assert match, body(message)
    return match.group(1)
