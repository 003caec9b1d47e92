"""Demo data: the DCC's OpenID Connect client, for the demo relying party (examples/dcc_demo).

The client id and a dev secret are written to <data dir>/dcc_demo_client.json, which the
demo relying party reads; the secret is printed once, when the client is created. The relying
party's address is the setting KIOSQUE_DCC_DEMO_URL: a new address re-points the client.
"""

import json
import secrets
from urllib.parse import urlsplit

from django.conf import settings

from kiosque.core import app_settings as core_settings
from kiosque.oidc.app_settings import demo_settings
from kiosque.oidc.flows import clients
from kiosque.oidc.models import Client
from kiosque.portal.models import Application

CLIENT_ID = "dcc-demo"


def rp_url() -> str:
    """The demo relying party's base address, without the trailing slash."""
    return demo_settings.DCC_DEMO_URL


def rp_bind() -> str:
    """HOST:PORT the demo relying party listens on (`kiosque devserver`)."""
    parts = urlsplit(rp_url())
    return f"{parts.hostname}:{parts.port or (443 if parts.scheme == 'https' else 80)}"


def rp_addresses() -> dict:
    base = rp_url()
    return {
        "redirect_uris": [f"{base}/callback"],
        "post_logout_redirect_uris": [f"{base}/"],
        "backchannel_logout_uri": f"{base}/backchannel-logout",
    }


def config_path():
    return settings.DATA_DIR / "dcc_demo_client.json"


def load(stdout) -> None:
    application = Application.objects.filter(slug="dcc").first()
    if application is None:
        stdout.write("Client OIDC du DCC : application « dcc » absente, rien à faire.")
        return
    client = Client.objects.filter(application=application).first()
    if client is not None:
        clients.set_addresses(client, **rp_addresses())
        path = config_path()
        if path.exists():
            _write_config(path, json.loads(path.read_text())["client_secret"])
        stdout.write(f"Client OIDC du DCC déjà présent, pointé sur {rp_url()} (voir {path}).")
        return
    secret = secrets.token_urlsafe(32)
    clients.register(application, client_id=CLIENT_ID, secret=secret, **rp_addresses())
    path = config_path()
    _write_config(path, secret)
    stdout.write(f"Client OIDC du DCC : client_id={CLIENT_ID} secret={secret} (copie dans {path})")


def _write_config(path, secret: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(
            {
                "issuer": core_settings.BASE_URL,
                "client_id": CLIENT_ID,
                "client_secret": secret,
                "url": rp_url(),
            },
            indent=2,
        )
    )
    path.chmod(0o600)
