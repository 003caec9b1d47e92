"""A small relying party standing for the DCC (Dossier Communicant de Cancérologie).

It signs professionals in through Kiosque (OpenID Connect, Authlib's Django client),
shows "Mes RCP" with the identity and roles it received (pages.py), and honours back-channel
logout: a logout token from Kiosque ends the matching session here.

Kiosque's tile opens /initiate-login (OpenID Connect Core §4, third-party-initiated login):
the demo checks `iss`, keeps `target_link_uri` when it is one of its own pages, passes
`login_hint` on, and starts the authorization request at once, so the professional lands
signed in.

    python examples/dcc_demo/app.py --config var/dcc_demo_client.json [--bind 127.0.0.1:8001]

The config file (written by `kiosque demo`) holds issuer, client_id, client_secret and the
demo's own address (url, from KIOSQUE_DCC_DEMO_URL); each can also be given on the command
line. Sessions are signed cookies; the sessions ended by back-channel logout are remembered in
memory (one process).
"""

import argparse
import datetime
import json
import secrets
import sys
import threading
from pathlib import Path
from socketserver import ThreadingMixIn
from urllib.parse import urlsplit
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import django
import pages
from django.conf import settings

ENDED_SIDS: set[str] = set()
_ended_lock = threading.Lock()
OAUTH = None


def configure(issuer: str, client_id: str, client_secret: str, base_url: str) -> None:
    settings.configure(
        DEBUG=False,
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=["127.0.0.1", "localhost", urlsplit(base_url).hostname],
        ROOT_URLCONF=__name__,
        INSTALLED_APPS=["django.contrib.sessions"],
        MIDDLEWARE=[
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
        ],
        SESSION_ENGINE="django.contrib.sessions.backends.signed_cookies",
        SESSION_COOKIE_NAME="dcc_demo_session",
        CSRF_COOKIE_NAME="dcc_demo_csrftoken",
        USE_TZ=True,
        DCC_ISSUER=issuer.rstrip("/"),
        DCC_CLIENT_ID=client_id,
        DCC_CLIENT_SECRET=client_secret,
        DCC_BASE_URL=base_url.rstrip("/"),
    )
    django.setup()


def oauth_client():
    global OAUTH
    if OAUTH is None:
        from authlib.integrations.django_client import OAuth

        registry = OAuth()
        OAUTH = registry.register(
            name="kiosque",
            client_id=settings.DCC_CLIENT_ID,
            client_secret=settings.DCC_CLIENT_SECRET,
            server_metadata_url=settings.DCC_ISSUER + "/.well-known/openid-configuration",
            client_kwargs={
                "scope": "openid profile email rpps roles",
                "code_challenge_method": "S256",
            },
        )
    return OAUTH


def page(title_and_body: tuple[str, str], status: int = 200, request=None):
    from django.http import HttpResponse
    from django.middleware.csrf import get_token

    user = current_user(request) if request is not None else None
    token = get_token(request) if user is not None else ""
    title, body = title_and_body
    response = HttpResponse(pages.layout(title, body, user, token), status=status)
    response["Cache-Control"] = "no-store"
    return response


def current_user(request):
    user = request.session.get("user")
    if not user:
        return None
    with _ended_lock:
        ended = user.get("sid") in ENDED_SIDS
    if ended:
        request.session.flush()
        return None
    return user


def home(request):
    user = current_user(request)
    if user is None:
        return page(pages.signed_out(), request=request)
    return page(pages.mes_rcp(user, datetime.date.today()), request=request)


def _redirect_uri() -> str:
    return settings.DCC_BASE_URL + "/callback"


def login(request):
    return oauth_client().authorize_redirect(request, _redirect_uri())


def _own_page(target: str) -> str:
    """`target_link_uri` when it is a page of this application, else its home page (the RP
    must not be an open redirector, OIDC Core §4)."""
    base, parts = urlsplit(settings.DCC_BASE_URL), urlsplit(target)
    if (parts.scheme, parts.netloc) != (base.scheme, base.netloc) or not parts.path.startswith("/"):
        return "/"
    return parts.path + (f"?{parts.query}" if parts.query else "")


def initiate_login(request):
    """Third-party-initiated login (OIDC Core §4): Kiosque's tile asks us to sign in."""
    params = request.POST if request.method == "POST" else request.GET
    if params.get("iss", "") != settings.DCC_ISSUER:
        return page(
            pages.message(
                "Connexion impossible",
                "La demande de connexion ne vient pas du portail de ce DCC.",
            ),
            status=400,
        )
    request.session["after_login"] = _own_page(params.get("target_link_uri", ""))
    extra = {}
    if params.get("login_hint"):
        extra["login_hint"] = params["login_hint"][:200]
    return oauth_client().authorize_redirect(request, _redirect_uri(), **extra)


def callback(request):
    from authlib.integrations.base_client import OAuthError
    from django.shortcuts import redirect

    try:
        token = oauth_client().authorize_access_token(request)
    except OAuthError as error:
        return page(pages.message("Connexion refusée", error.error), status=400)
    claims = dict(token["userinfo"])
    claims.update(oauth_client().userinfo(token=token))
    target = request.session.pop("after_login", "/")
    request.session.cycle_key()
    request.session["user"] = {
        "sid": claims.get("sid"),
        "claims": claims,
        "id_token": token["id_token"],
    }
    return redirect(_own_page(settings.DCC_BASE_URL + target))


def logout(request):
    """POST signs out here and at Kiosque (RP-initiated logout); GET asks first."""
    from django.middleware.csrf import get_token
    from django.shortcuts import redirect

    if request.method != "POST":
        if current_user(request) is None:
            return redirect("/")
        return page(pages.confirm_logout(get_token(request)), request=request)
    user = request.session.get("user") or {}
    request.session.flush()
    if user.get("id_token"):
        return oauth_client().logout_redirect(
            request,
            post_logout_redirect_uri=settings.DCC_BASE_URL + "/",
            id_token_hint=user["id_token"],
        )
    return redirect("/")


def style(request):
    from django.http import HttpResponse

    return HttpResponse(pages.STYLE, content_type="text/css; charset=utf-8")


def favicon(request):
    from django.http import HttpResponse

    response = HttpResponse(pages.FAVICON, content_type="image/svg+xml")
    response["Cache-Control"] = "max-age=86400"
    return response


def backchannel_logout(request):
    """Back-Channel Logout 1.0 §2.6: validate the logout token, end the session it names."""
    from authlib.oidc.core import claims as _claims  # noqa: F401 (imports joserfc)
    from django.http import HttpResponse
    from joserfc import jwt
    from joserfc.errors import JoseError
    from joserfc.jwk import KeySet

    if request.method != "POST":
        return HttpResponse(status=405)
    token = request.POST.get("logout_token", "")
    client = oauth_client()
    try:
        metadata = client.load_server_metadata()
        keys = KeySet.import_key_set(client.fetch_jwk_set())
        decoded = jwt.decode(token, keys, algorithms=["RS256", "ES256"])
        claims = decoded.claims
        registry = jwt.JWTClaimsRegistry(
            iss={"essential": True, "value": metadata["issuer"]},
            aud={"essential": True, "value": settings.DCC_CLIENT_ID},
            iat={"essential": True},
            exp={"essential": True},
            jti={"essential": True},
        )
        registry.validate(claims)
        events = claims.get("events") or {}
        if "http://schemas.openid.net/event/backchannel-logout" not in events:
            raise ValueError("not a logout token")
        if "nonce" in claims or not claims.get("sid"):
            raise ValueError("nonce present or sid missing")
    except (JoseError, ValueError, KeyError) as error:
        return HttpResponse(f"invalid logout token: {type(error).__name__}", status=400)
    with _ended_lock:
        ENDED_SIDS.add(claims["sid"])
    response = HttpResponse("")
    response["Cache-Control"] = "no-store"
    return response


def ended(request):
    from django.http import JsonResponse

    with _ended_lock:
        return JsonResponse({"ended_sids": sorted(ENDED_SIDS)})


def _urlpatterns():
    from django.urls import path
    from django.views.decorators.csrf import csrf_exempt

    return [
        path("", home),
        path("login", login),
        # A third party (Kiosque) may POST it: no CSRF token to expect (OIDC Core §4).
        path("initiate-login", csrf_exempt(initiate_login)),
        path("callback", callback),
        path("logout", logout),
        path("backchannel-logout", csrf_exempt(backchannel_logout)),
        path("ended-sessions", ended),
        path("style.css", style),
        path("favicon.svg", favicon),
        path("favicon.ico", favicon),
    ]


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 (signature of the base class)
        sys.stderr.write("dcc-demo %s\n" % (format % args))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bind", default="", help="HOST:PORT (default: the config's url)")
    parser.add_argument("--config", default="", help="JSON written by `kiosque demo`")
    parser.add_argument("--issuer", default="")
    parser.add_argument("--client-id", default="")
    parser.add_argument("--client-secret", default="")
    args = parser.parse_args(argv)
    config = json.loads(Path(args.config).read_text()) if args.config else {}
    url = config.get("url", "http://127.0.0.1:8001")
    parts = urlsplit(url)
    host, port = (args.bind or f"{parts.hostname}:{parts.port or 80}").rsplit(":", 1)
    configure(
        issuer=args.issuer or config.get("issuer", "http://127.0.0.1:8000"),
        client_id=args.client_id or config["client_id"],
        client_secret=args.client_secret or config["client_secret"],
        base_url=f"http://{host}:{port}" if args.bind else url,
    )
    global urlpatterns
    urlpatterns = _urlpatterns()
    from django.core.wsgi import get_wsgi_application

    server = make_server(
        host,
        int(port),
        get_wsgi_application(),
        server_class=_ThreadingServer,
        handler_class=_QuietHandler,
    )
    sys.stderr.write(f"DCC (démo) : http://{host}:{port}/\n")
    server.serve_forever()


urlpatterns: list = []

if __name__ == "__main__":
    main()
