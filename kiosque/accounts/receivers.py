"""Django's sign-in signals feed the limits, the connection history and the audit, whatever
the entry that signed someone in or failed to (kiosque.accounts.apps connects them)."""

from kiosque.accounts.flows import login, signed_in


def login_failed(sender, credentials, request=None, **kwargs):
    attempt = login.attempt_of(request)
    if attempt is not None:  # our backend checked it: it says what failed
        login.on_login_failed(request, attempt)


def logged_in(sender, request, user, **kwargs):
    if request is not None:
        signed_in.on_signed_in(request, user, methods=signed_in.methods_of(request))
