"""Signal receivers: a new sign-in is noted; a sign-out ends the applications' sessions too,
and a Pro Santé Connect sign-in is ended at PSC (RP-initiated logout towards PSC)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from kiosque.accounts import signout
from kiosque.oidc import backchannel, signins
from kiosque.oidc.flows import psc_logout


@receiver(user_logged_in, dispatch_uid="kiosque.oidc.on_login")
def on_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        signins.on_login(request)


@receiver(user_logged_out, dispatch_uid="kiosque.oidc.on_logout")
def on_logout(sender, request, user, **kwargs):
    sign_in = signins.from_session_sid(request)
    if sign_in is not None:
        backchannel.end_sign_in(sign_in, request=request)


@receiver(signout.redirect_requested, dispatch_uid="kiosque.oidc.psc_end_session")
def psc_end_session(sender, request, **kwargs):
    return psc_logout.end_session_url(request)
