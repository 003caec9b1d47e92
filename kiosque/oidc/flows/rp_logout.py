"""RP-initiated logout 1.0: what a logout request asks for, and signing out.

An id_token_hint is used when Kiosque signed it (its signature and issuer), even if it
expired or its sign-in already ended: it then only names the client, and the user is asked
to confirm. A hint that is not Kiosque's is ignored. Only a hint naming the current sign-in
signs out without confirmation.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.auth import logout as django_logout

from kiosque.audit.services import AuditAction, record
from kiosque.oidc import keys
from kiosque.oidc.models import Client, SignIn


class Refused(Exception):
    """The request cannot be honoured (hint of another client, unregistered return URI)."""


@dataclass(frozen=True)
class LogoutRequest:
    client: Client | None
    redirect_uri: str  # registered for the client, with `state`; "" for Kiosque's home
    needs_confirmation: bool


def resolve(request, *, id_token_hint: str, client_id: str, redirect_uri: str, state: str):
    """The validated logout request; raises Refused."""
    hint = keys.claims_of_our_id_token(id_token_hint) if id_token_hint else None
    if client_id and hint and hint["aud"] != client_id:
        raise Refused("the hint was issued to another client")
    client_id = client_id or (hint or {}).get("aud")
    client = (
        Client.objects.select_related("application").filter(client_id=client_id).first()
        if client_id
        else None
    )
    if redirect_uri and (client is None or redirect_uri not in client.post_logout_redirect_uris):
        raise Refused("post_logout_redirect_uri is not registered for the client")
    if redirect_uri and state:
        separator = "&" if "?" in redirect_uri else "?"
        redirect_uri += separator + urlencode({"state": state})
    return LogoutRequest(client, redirect_uri, not _names_this_sign_in(request, hint))


def _names_this_sign_in(request, hint) -> bool:
    if not hint or not request.user.is_authenticated or not hint.get("sid"):
        return False
    return SignIn.objects.filter(sid=hint["sid"], user=request.user, ended_at__isnull=True).exists()


def sign_out(request, logout: LogoutRequest) -> None:
    """End the Kiosque sign-in (which tells the applications, receivers.on_logout), audited."""
    user = request.user
    if not user.is_authenticated:
        return
    django_logout(request)
    record(
        AuditAction.LOGOUT,
        request=request,
        actor=user,
        context={
            "reason": "rp_initiated",
            "client": logout.client.client_id if logout.client else "",
        },
    )
