"""A small relying party standing for the DCC (Dossier Communicant de Cancérologie).

It signs professionals in through Kiosque (OpenID Connect, Authlib's Django client),
shows "Mes RCP" with the identity and roles it received, and honours back-channel logout:
a logout token from Kiosque ends the matching session here.

    python examples/dcc_demo/app.py --bind 127.0.0.1:8001 --config var/dcc_demo_client.json

The config file (written by `kiosque demo`) holds issuer, client_id and client_secret;
each can also be given on the command line. Sessions are signed cookies; the sessions ended
by back-channel logout are remembered in memory (one process).
"""

import argparse
import html
import json
import secrets
import sys
import threading
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import django
from django.conf import settings

ENDED_SIDS: set[str] = set()
_ended_lock = threading.Lock()
OAUTH = None


def configure(issuer: str, client_id: str, client_secret: str, base_url: str) -> None:
    settings.configure(
        DEBUG=False,
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=["127.0.0.1", "localhost"],
        ROOT_URLCONF=__name__,
        INSTALLED_APPS=["django.contrib.sessions"],
        MIDDLEWARE=["django.contrib.sessions.middleware.SessionMiddleware"],
        SESSION_ENGINE="django.contrib.sessions.backends.signed_cookies",
        SESSION_COOKIE_NAME="dcc_demo_session",
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


PAGE = """<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">
<title>{title} — DCC (démo)</title></head><body>
<header><strong>DCC — Dossier Communicant de Cancérologie (démonstration)</strong></header>
<main>{body}</main></body></html>"""


def page(title: str, body: str, status: int = 200):
    from django.http import HttpResponse

    return HttpResponse(PAGE.format(title=html.escape(title), body=body), status=status)


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
        return page(
            "Accueil",
            "<h1>Bienvenue sur le DCC</h1><p>Vous n'êtes pas connecté(e).</p>"
            '<p><a id="login" href="/login">Se connecter</a></p>',
        )
    claims = user["claims"]
    rows = "".join(
        f"<tr><th>{html.escape(k)}</th><td><code>{html.escape(json.dumps(v, ensure_ascii=False))}"
        "</code></td></tr>"
        for k, v in sorted(claims.items())
    )
    roles = ", ".join(claims.get("roles") or []) or "aucun"
    name = html.escape(claims.get("name") or claims.get("sub", ""))
    return page(
        "Mes RCP",
        f'<h1>Mes RCP</h1><p id="who">Connecté(e) : {name}</p>'
        f'<p id="national-id">Identifiant national : '
        f"{html.escape(str(claims.get('SubjectNameID', '—')))}</p>"
        f'<p id="roles">Rôles : {html.escape(roles)}</p>'
        "<p>Aucune RCP programmée.</p>"
        f'<h2>Identité reçue</h2><table id="claims">{rows}</table>'
        '<p><a id="logout" href="/logout">Se déconnecter</a></p>',
    )


def login(request):
    redirect_uri = settings.DCC_BASE_URL + "/callback"
    return oauth_client().authorize_redirect(request, redirect_uri)


def callback(request):
    from authlib.integrations.base_client import OAuthError
    from django.shortcuts import redirect

    try:
        token = oauth_client().authorize_access_token(request)
    except OAuthError as error:
        return page("Erreur", f"<h1>Connexion refusée</h1><p>{html.escape(error.error)}</p>", 400)
    claims = dict(token["userinfo"])
    claims.update(oauth_client().userinfo(token=token))
    request.session.cycle_key()
    request.session["user"] = {
        "sid": claims.get("sid"),
        "claims": claims,
        "id_token": token["id_token"],
    }
    return redirect("/")


def logout(request):
    user = request.session.get("user") or {}
    request.session.flush()
    if user.get("id_token"):
        return oauth_client().logout_redirect(
            request,
            post_logout_redirect_uri=settings.DCC_BASE_URL + "/",
            id_token_hint=user["id_token"],
        )
    from django.shortcuts import redirect

    return redirect("/")


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
        path("callback", callback),
        path("logout", logout),
        path("backchannel-logout", csrf_exempt(backchannel_logout)),
        path("ended-sessions", ended),
    ]


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 (signature of the base class)
        sys.stderr.write("dcc-demo %s\n" % (format % args))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bind", default="127.0.0.1:8001")
    parser.add_argument("--config", default="", help="JSON written by `kiosque demo`")
    parser.add_argument("--issuer", default="")
    parser.add_argument("--client-id", default="")
    parser.add_argument("--client-secret", default="")
    args = parser.parse_args(argv)
    config = json.loads(Path(args.config).read_text()) if args.config else {}
    host, port = args.bind.rsplit(":", 1)
    configure(
        issuer=args.issuer or config.get("issuer", "http://127.0.0.1:8000"),
        client_id=args.client_id or config["client_id"],
        client_secret=args.client_secret or config["client_secret"],
        base_url=f"http://{host}:{port}",
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
