"""Lean MIME rendering for the SMTP path of the worker.

Django's `EmailMessage.message()` goes through the `email` package's modern header registry,
which parses and re-folds every header in pure Python: several milliseconds per message, the
worker's main cost. Outbox messages have a fixed, simple shape (plain addresses, one-line subject,
a text part and an optional HTML part), so the worker renders them directly: RFC 2047 encoded
words for non-ASCII headers, quoted-printable bodies (C-accelerated `binascii.b2a_qp`), CRLF line
ends. Other backends (dev mailbox, console, locmem) still receive Django `EmailMessage`s.
"""

import binascii
import functools
import secrets
from email.header import Header
from email.utils import formataddr, formatdate, parseaddr

CRLF = "\r\n"


def _check_header_value(value: str) -> str:
    if "\r" in value or "\n" in value:
        raise ValueError("Header values must not contain line breaks.")
    return value


def _header(name: str, value: str) -> str:
    value = _check_header_value(value)
    if value.isascii() and len(name) + len(value) + 2 <= 78:
        return f"{name}: {value}"
    encoded = Header(value, "utf-8", header_name=name).encode(linesep=CRLF)
    return f"{name}: {encoded}"


def _address_list(name: str, addresses: list[str]) -> str:
    for address in addresses:
        _check_header_value(address)
    return f"{name}: " + f",{CRLF} ".join(addresses)


@functools.lru_cache(maxsize=16)
def _mailbox(address: str) -> str:
    """A From mailbox, with its display name encoded when not ASCII (cached: it is always the
    configured sender, and parseaddr() is pure Python)."""
    display_name, addr_spec = parseaddr(_check_header_value(address))
    return formataddr((display_name, addr_spec), charset="utf-8") if display_name else addr_spec


def _qp(text: str) -> str:
    data = "\n".join(text.splitlines()).encode("utf-8")
    encoded = binascii.b2a_qp(data, quotetabs=False, istext=True).decode("ascii")
    return encoded.replace("\n", CRLF)  # hard and soft line breaks alike


def _text_part(subtype: str, content: str) -> list[str]:
    return [
        f'Content-Type: text/{subtype}; charset="utf-8"',
        "Content-Transfer-Encoding: quoted-printable",
        "",
        _qp(content),
    ]


def render_mime(
    *,
    from_email: str,
    to: list[str],
    subject: str,
    text: str,
    html: str = "",
    message_id: str,
    reply_to: list[str] | None = None,
    extra_headers: dict[str, str] | None = None,
) -> bytes:
    """The whole message as bytes with CRLF line ends, ready for `smtplib.SMTP.sendmail`."""
    lines = [
        _header("Subject", subject),
        f"From: {_mailbox(from_email)}",
        _address_list("To", to),
    ]
    if reply_to:
        lines.append(_address_list("Reply-To", reply_to))
    lines += [
        f"Date: {formatdate(usegmt=True)}",
        f"Message-ID: {_check_header_value(message_id)}",
        "MIME-Version: 1.0",
    ]
    lines += [_header(name, value) for name, value in (extra_headers or {}).items()]
    if not html:
        lines += _text_part("plain", text)
    else:
        boundary = f"=_kiosque_{secrets.token_hex(12)}"
        lines += [f'Content-Type: multipart/alternative; boundary="{boundary}"', ""]
        lines += [f"--{boundary}", *_text_part("plain", text)]
        lines += [f"--{boundary}", *_text_part("html", html)]
        lines += [f"--{boundary}--"]
    return (CRLF.join(lines) + CRLF).encode("ascii")
