"""Signal receivers: a new sign-in is noted; a sign-out ends the applications' sessions too,
and a Pro Santé Connect sign-in is ended at PSC (RP-initiated logout towards PSC); a changed
client or application leaves the client registry's cache."""

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from kiosque.accounts import signout
from kiosque.oidc import backchannel, registry, signins
from kiosque.oidc.flows import psc_logout
from kiosque.oidc.models import Client
from kiosque.portal.models import Application


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


@receiver(post_save, sender=Client, dispatch_uid="kiosque.oidc.client_saved")
@receiver(post_delete, sender=Client, dispatch_uid="kiosque.oidc.client_deleted")
@receiver(post_save, sender=Application, dispatch_uid="kiosque.oidc.application_saved")
@receiver(post_delete, sender=Application, dispatch_uid="kiosque.oidc.application_deleted")
def on_client_change(sender, **kwargs):
    """Secret, addresses, keys, the application's `is_active`: the cached clients are dropped."""
    registry.changed()
