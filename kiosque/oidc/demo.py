"""Demo data: the DCC's OpenID Connect client, for the demo relying party (examples/dcc_demo).

The client id and a dev secret are written to <data dir>/dcc_demo_client.json, which the
demo relying party reads; the secret is printed once, when the client is created.
"""

import json
import secrets

from django.conf import settings

from kiosque.oidc.flows import clients
from kiosque.oidc.models import Client
from kiosque.portal.models import Application

DEMO_RP = "http://127.0.0.1:8001"
CLIENT_ID = "dcc-demo"


def config_path():
    return settings.DATA_DIR / "dcc_demo_client.json"


def load(stdout) -> None:
    application = Application.objects.filter(slug="dcc").first()
    if application is None:
        stdout.write("Client OIDC du DCC : application « dcc » absente, rien à faire.")
        return
    if Client.objects.filter(application=application).exists():
        stdout.write(f"Client OIDC du DCC déjà présent (voir {config_path()}).")
        return
    secret = secrets.token_urlsafe(32)
    clients.register(
        application,
        redirect_uris=[f"{DEMO_RP}/callback"],
        post_logout_redirect_uris=[f"{DEMO_RP}/"],
        backchannel_logout_uri=f"{DEMO_RP}/backchannel-logout",
        client_id=CLIENT_ID,
        secret=secret,
    )
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(
            {"issuer": settings.KIOSQUE_BASE_URL, "client_id": CLIENT_ID, "client_secret": secret},
            indent=2,
        )
    )
    path.chmod(0o600)
    stdout.write(f"Client OIDC du DCC : client_id={CLIENT_ID} secret={secret} (copie dans {path})")
