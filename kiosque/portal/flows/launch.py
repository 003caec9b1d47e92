"""Where a tile sends the user: the application's initiate-login address when it has one.

OpenID Connect Core 1.0 §4 (third-party-initiated login): the portal sends the browser to the
application's `initiate_login_uri` with `iss` (Kiosque's issuer) and `target_link_uri` (the
page to show after the sign-in); the application validates `iss` and starts its authorization
request at once, so the user, already signed in to Kiosque, lands signed in.
"""

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from kiosque.core import app_settings as core_settings
from kiosque.portal.models import Application


def launch_target(application: Application) -> str:
    """The address a tile opens ("" when the application has none)."""
    if not application.initiate_login_uri:
        return application.launch_url
    params = {"iss": core_settings.BASE_URL}
    if application.launch_url:
        params["target_link_uri"] = application.launch_url
    parts = urlsplit(application.initiate_login_uri)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k not in params]
    return urlunsplit(parts._replace(query=urlencode([*query, *params.items()])))
