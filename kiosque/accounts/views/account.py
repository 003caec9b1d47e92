"""The signed-in user's pages: "Mon compte", active sessions and connection history."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kiosque.accounts import useragent
from kiosque.accounts.flows import history, sessions
from kiosque.accounts.models import UserSession

HISTORY_PAGE_SIZE = 20


@login_required
@require_GET
def account_page(request):
    """ "Mon compte": the identity of the account and the Pro Santé Connect link."""
    from kiosque.oidc import psc

    return render(
        request,
        "accounts/account.html",
        {
            "psc_enabled": psc.enabled(),
            "psc_link": psc.active_link(request.user),
            "psc_subject": psc.verified_subject(request.user),
        },
    )


@login_required
@require_GET
def active_sessions(request):
    current = sessions.current_row_id(request)
    rows = [
        {"row": row, "agent": useragent.parse(row.user_agent), "current": row.pk == current}
        for row in UserSession.objects.filter(user=request.user)
    ]
    return render(request, "accounts/sessions.html", {"sessions": rows})


@login_required
@require_POST
def end_session(request, pk: int):
    row = get_object_or_404(UserSession, pk=pk, user=request.user)
    if row.pk == sessions.current_row_id(request):
        messages.error(request, _("Pour fermer cette session, utilisez « Déconnexion »."))
    else:
        sessions.end(row)
        messages.success(request, _("La session a été fermée."))
    return redirect("accounts:sessions")


@login_required
@require_POST
def end_other_sessions(request):
    count = sessions.end_others(request, request.user)
    messages.success(request, _("Sessions fermées : %(count)d.") % {"count": count})
    return redirect("accounts:sessions")


@login_required
@require_GET
def connection_history(request):
    page = Paginator(history.for_user(request.user), HISTORY_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "accounts/history.html", {"page": page})
