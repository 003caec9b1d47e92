"""`enqueue()`: the one way the portal sends an e-mail.

Call it inside the same `transaction.atomic()` as the change that causes the e-mail: the row is
committed (or rolled back) with that change, and `kiosque worker` delivers it later with retries.
A down SMTP server therefore delays mail but never fails the request nor loses the message.
"""

import functools
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.template import TemplateDoesNotExist
from django.template.backends.django import DjangoTemplates
from django.template.loader import render_to_string

from kiosque.core import app_settings as core_settings
from kiosque.mail.models import OutboxMessage

__all__ = ["enqueue", "render_email", "new_message_id"]


def _as_list(addresses: str | Iterable[str] | None) -> list[str]:
    if not addresses:
        return []
    if isinstance(addresses, str):
        return [addresses]
    return [str(address) for address in addresses]


def _mail_domain() -> str:
    _, _, domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")
    return domain.strip(" >") or "kiosque.localhost"


def new_message_id() -> str:
    """A stable, globally unique Message-ID (fixed at enqueue time, reused on every attempt)."""
    return f"<{uuid.uuid4().hex}@{_mail_domain()}>"


@functools.cache
def _text_engine() -> DjangoTemplates:
    """The project's Django template engine, without HTML autoescaping (for .txt parts)."""
    base = next(
        params
        for params in settings.TEMPLATES
        if params["BACKEND"] == "django.template.backends.django.DjangoTemplates"
    )
    options = {**base.get("OPTIONS", {}), "autoescape": False}
    params = {key: value for key, value in base.items() if key != "BACKEND"}
    return DjangoTemplates({**params, "NAME": "kiosque-mail-text", "OPTIONS": options})


def _render_text(name: str, context: dict) -> str:
    return _text_engine().get_template(name).render(context)


def render_email(template_name: str, context: dict | None = None) -> tuple[str, str, str]:
    """Render (subject, text, html) in the current language; html is "" when no template."""
    full_context = {
        "platform_name": core_settings.PLATFORM_NAME,
        "base_url": core_settings.BASE_URL,
        **(context or {}),
    }
    subject = _render_text(f"{template_name}_subject.txt", full_context)
    subject = " ".join(subject.split())
    subject = f"[{core_settings.PLATFORM_NAME}] {subject}"
    text = _render_text(f"{template_name}.txt", full_context)
    try:
        html = render_to_string(f"{template_name}.html", full_context)
    except TemplateDoesNotExist:
        html = ""
    return subject, text, html


def enqueue(
    template_name: str,
    to: str | Iterable[str],
    context: dict | None = None,
    *,
    purge_after_delivery: bool = False,
    reply_to: str | Iterable[str] | None = None,
) -> OutboxMessage:
    """Render `template_name` and store it in the outbox (same transaction as the caller).

    `template_name` is a path without extension: `<name>_subject.txt` (one line), `<name>.txt`
    and optionally `<name>.html` are rendered with `context` plus `platform_name` and `base_url`.
    Set `purge_after_delivery` for e-mails carrying a secret (temporary password): once
    delivered, their bodies are replaced by a placeholder.
    """
    recipients = _as_list(to)
    if not recipients:
        raise ValueError("enqueue() needs at least one recipient.")
    subject, text, html = render_email(template_name, context)
    return OutboxMessage.objects.create(
        template_name=template_name,
        to=recipients,
        reply_to=_as_list(reply_to),
        subject=subject,
        text_body=text,
        html_body=html,
        message_id=new_message_id(),
        purge_after_delivery=purge_after_delivery,
    )
