"""Where the browser goes once signed out: the hook for the apps that signed it in elsewhere.

The sign-out view sends `redirect_requested` (with `request`) while the session still holds
what the sign-in kept; a receiver returns the URL the browser must go to next (an identity
provider's end-session endpoint, say), or "" when the session is none of its business. The
first URL returned wins; with none, the browser goes to the sign-in page. Django's
`user_logged_out` cannot play this part: its receivers' answers are dropped.

Receivers connect in their app's `AppConfig.ready()`, with a `dispatch_uid`.
"""

from django.dispatch import Signal

redirect_requested = Signal()


def redirect_url(request) -> str:
    """The first URL a receiver of `redirect_requested` returns for this sign-out, or ""."""
    for _receiver, url in redirect_requested.send(sender=None, request=request):
        if url:
            return url
    return ""
