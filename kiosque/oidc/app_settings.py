"""The OpenID Connect provider's, Pro Santé Connect's and the DCC demo's settings.

Read here, with their defaults (docs/configuration.md lists them):
`from kiosque.oidc.app_settings import oidc_settings, psc_settings, demo_settings`.
"""

import hashlib
import hmac

from django.conf import settings

from kiosque.config import AppSettings, Setting
from kiosque.core import app_settings as core_settings

# Scopes the applications may ask for; each releases a group of claims (see claims.py).
SCOPES = {
    "openid": "Identifiant unique de l'utilisateur",
    "profile": "Nom, prénom et identifiant de connexion",
    "email": "Adresse mail d'authentification",
    "rpps": "Identité professionnelle : RPPS/ADELI, profession, spécialité, lieux d'exercice",
    "roles": "Rôles accordés dans l'application par son référent",
}


def _no_trailing_slash(url: str) -> str:
    return url.rstrip("/")


class OidcSettings(AppSettings):
    prefix = "KIOSQUE_OIDC_"

    CODE_SECONDS = Setting(60)
    ACCESS_TOKEN_SECONDS = Setting(900)
    ID_TOKEN_SECONDS = Setting(900)
    # Sliding: a refresh token dies this long after its access token expired (4 h idle).
    REFRESH_TOKEN_SECONDS = Setting(4 * 3600)
    # HMAC-SHA-256 key of stored codes, tokens and client secrets; empty: derived from
    # SECRET_KEY (see token_hash_key). Changing it invalidates every code, token and secret.
    TOKEN_HASH_KEY = Setting("")
    # How long a client read from the database is served from the cache (registry.py): a
    # change reaches every process at once with Redis, within this delay with the local
    # memory cache. 0: read the database every time.
    CLIENT_CACHE_SECONDS = Setting(30)
    # Signing keys of the ID tokens; settings.py puts it under the data dir by default.
    KEYS_DIR = Setting()

    @property
    def ISSUER(self) -> str:
        """The issuer (`iss`): Kiosque's public base address."""
        return core_settings.BASE_URL

    @property
    def SCOPES(self) -> dict[str, str]:
        return SCOPES

    @property
    def token_hash_key(self) -> bytes:
        if self.TOKEN_HASH_KEY:
            return self.TOKEN_HASH_KEY.encode()
        return hmac.new(
            settings.SECRET_KEY.encode(), b"kiosque.oidc.token-hash", hashlib.sha256
        ).digest()


class PscSettings(AppSettings):
    """Kiosque as a client of Pro Santé Connect (unset ISSUER: PSC is off)."""

    prefix = "KIOSQUE_PSC_"

    ISSUER = Setting("", clean=_no_trailing_slash)
    CLIENT_ID = Setting("")
    CLIENT_SECRET = Setting("")
    SCOPE = Setting("openid scope_all")
    ACR_VALUES = Setting("eidas1")
    # How long PSC's OpenID metadata (and its keys) are kept before they are fetched again.
    METADATA_SECONDS = Setting(3600)


class DemoSettings(AppSettings):
    # Where the DCC demo relying party (examples/dcc_demo) answers: `kiosque devserver` starts
    # it there, and `kiosque demo` points the DCC's tile and OpenID Connect client at it.
    DCC_DEMO_URL = Setting("http://127.0.0.1:8001", clean=_no_trailing_slash)


oidc_settings = OidcSettings()
psc_settings = PscSettings()
demo_settings = DemoSettings()
