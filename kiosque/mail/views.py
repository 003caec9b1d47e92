"""The dev mailbox: e-mails 'delivered' by DevMailboxBackend.

It holds what an attacker wants most (temporary passwords, codes, reset links), so: open to
anyone only in `dev` (a developer's own machine); anywhere else (a training base reached by real
professionals) off unless `KIOSQUE_DEV_MAILBOX` turns it on, and then for signed-in staff only.
Refused requests get a 404, as when the mailbox is off.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.csp import CSP
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_deny
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_GET, require_POST

from kiosque.core import app_settings as core_settings
from kiosque.mail import app_settings
from kiosque.mail.models import DevMailboxMessage

PAGE_SIZE = 50
JSON_LIMIT = 100
HTML_BODY_CSP = {
    "default-src": [CSP.NONE],
    "style-src": [CSP.UNSAFE_INLINE],
    "img-src": ["data:"],
    "form-action": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
}


def _require_dev_mailbox(request) -> None:
    if not app_settings.DEV_MAILBOX:
        raise Http404
    if core_settings.ENV != "dev" and not (request.user.is_authenticated and request.user.is_staff):
        raise Http404


@require_GET
def dev_mailbox(request):
    _require_dev_mailbox(request)
    page = Paginator(DevMailboxMessage.objects.all(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "mail/dev_mailbox.html", {"page": page})


@require_GET
@xframe_options_deny
@csp_override(HTML_BODY_CSP)
def dev_mailbox_html(request, pk: int):
    """The HTML part alone, under a CSP that forbids scripts, remote content and framing."""
    _require_dev_mailbox(request)
    message = get_object_or_404(DevMailboxMessage, pk=pk)
    if not message.html_body:
        raise Http404
    response = HttpResponse(message.html_body, content_type="text/html; charset=utf-8")
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_GET
def dev_mailbox_json(request):
    """Recent messages as JSON, newest first (`?to=address` filters), for end-to-end tests."""
    _require_dev_mailbox(request)
    recipient = request.GET.get("to", "").strip().lower()
    rows = DevMailboxMessage.objects.all()[: JSON_LIMIT * 5 if recipient else JSON_LIMIT]
    found = [
        {
            "id": row.pk,
            "message_id": row.message_id,
            "to": row.to,
            "subject": row.subject,
            "text": row.text_body,
            "has_html": bool(row.html_body),
            "delivered_at": row.delivered_at.isoformat(),
        }
        for row in rows
        if not recipient or recipient in (address.lower() for address in row.to)
    ]
    return JsonResponse({"messages": found[:JSON_LIMIT]})


@require_POST
def dev_mailbox_clear(request):
    _require_dev_mailbox(request)
    DevMailboxMessage.objects.all().delete()
    messages.success(request, _("La boîte aux lettres de développement a été vidée."))
    return redirect("mail:dev_mailbox")
