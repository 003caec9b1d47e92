"""Sign in with Pro Santé Connect: the account linked to PSC's SubjectNameID (or whose
verified RPPS gives it, which links it) signs in; an identifier no profile carries goes to
the registration form with the PSC identity; any other identifier gets an explanation."""

from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from kiosque.accounts.backends import account_can_authenticate
from kiosque.accounts.flows import sessions, stages
from kiosque.audit.services import AuditAction, AuditOutcome, record
from kiosque.core import crypto
from kiosque.oidc import psc, signins

# The PSC ID token of this session's PSC sign-in: its id_token_hint at sign-out.
ID_TOKEN_SESSION_KEY = "_oidc_psc_id_token"  # noqa: S105 - a session key

# What finish() answers besides a response.
UNUSABLE = "unusable"
NOT_LINKED = "not_linked"


def finish(request, claims: dict, next_url: str, *, id_token: str = ""):
    """The response once PSC has authenticated someone with `claims`, or None (no
    identifier), UNUSABLE (account refused) or NOT_LINKED (explanation page)."""
    identity = psc.identity_from_claims(claims)
    if identity is None:
        record(
            AuditAction.LOGIN_FAILED,
            request=request,
            outcome=AuditOutcome.FAILURE,
            context={"method": "psc", "reason": "no_national_id"},
        )
        return None
    user, reason = psc.account_for(identity)
    if user is None and reason == psc.NO_ACCOUNT:
        request.session[psc.REGISTRATION_SESSION_KEY] = identity.as_session()
        record(
            AuditAction.LOGIN_FAILED,
            request=request,
            outcome=AuditOutcome.FAILURE,
            context={"method": "psc", "reason": "no_account", "to": "registration"},
        )
        return redirect(reverse("registration:start") + "?psc=1")
    if user is None:
        record(
            AuditAction.LOGIN_FAILED,
            request=request,
            outcome=AuditOutcome.FAILURE,
            context={"method": "psc", "reason": reason},
        )
        return NOT_LINKED
    if not account_can_authenticate(user):
        record(
            AuditAction.LOGIN_FAILED,
            request=request,
            actor=user,
            outcome=AuditOutcome.DENIED,
            context={"method": "psc", "reason": "account_unusable"},
        )
        return UNUSABLE
    if psc.active_link(user) is None:
        psc.link(user, identity)
        record(
            AuditAction.MFA_DEVICE_ADDED,
            request=request,
            actor=user,
            target=user,
            context={"method": "psc", "via": "sign_in", "subject": identity.national_id},
        )
    response = stages.begin(request, user, [], method="psc", next_url=next_url)
    # After the sign-in (which resets the previous one's PSC details): what PSC reported.
    request.session[signins.PSC_AMR_SESSION_KEY] = identity.amr
    remember_psc_session(request, identity, id_token)
    return response


def remember_psc_session(request, identity: psc.PscIdentity, id_token: str) -> None:
    """This session was authenticated by PSC: note PSC's sid and sub (its back-channel
    logout ends the session) and the ID token (the hint of the sign-out towards PSC)."""
    from kiosque.professionals.models import PscLink, PscSession

    PscLink.objects.filter(subject=identity.national_id).update(last_used_at=timezone.now())
    # Encrypted at rest like every secret (the session row is in the database).
    request.session[ID_TOKEN_SESSION_KEY] = crypto.encrypt(id_token) if id_token else ""
    row_id = sessions.current_row_id(request)
    if row_id is None or not identity.sub:
        return
    PscSession.objects.update_or_create(
        user_session_id=row_id, defaults={"psc_sid": identity.sid, "psc_sub": identity.sub}
    )
