"""Sign in with Pro Santé Connect: a known national identifier signs in, an unknown one
goes to the registration form with the PSC identity."""

from django.shortcuts import redirect
from django.urls import reverse

from kiosque.accounts.backends import account_can_authenticate
from kiosque.accounts.flows import stages
from kiosque.audit.services import AuditAction, AuditOutcome, record
from kiosque.oidc import psc, signins


def finish(request, claims: dict, next_url: str):
    """The response once PSC has authenticated someone with `claims`."""
    identity = psc.identity_from_claims(claims)
    if identity is None:
        record(
            AuditAction.LOGIN_FAILED,
            request=request,
            outcome=AuditOutcome.FAILURE,
            context={"method": "psc", "reason": "no_national_id"},
        )
        return None
    user = psc.account_for(identity)
    if user is None:
        request.session[psc.REGISTRATION_SESSION_KEY] = identity.as_session()
        record(
            AuditAction.LOGIN_FAILED,
            request=request,
            outcome=AuditOutcome.FAILURE,
            context={"method": "psc", "reason": "no_account", "to": "registration"},
        )
        return redirect(reverse("registration:start") + "?psc=1")
    if not account_can_authenticate(user):
        record(
            AuditAction.LOGIN_FAILED,
            request=request,
            actor=user,
            outcome=AuditOutcome.DENIED,
            context={"method": "psc", "reason": "account_unusable"},
        )
        return "unusable"
    response = stages.begin(request, user, [], method="psc", next_url=next_url)
    # After the sign-in (which resets the previous one's PSC details): what PSC reported.
    request.session[signins.PSC_AMR_SESSION_KEY] = identity.amr
    return response
