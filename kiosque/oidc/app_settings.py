"""The OpenID Connect provider's settings, read in one place with their defaults.

Each value comes from a Django setting named `KIOSQUE_OIDC_<NAME>` (settings.py fills them from
the environment, docs/configuration.md lists them); tests override the Django setting and the
next read sees it. Import the module object: `from kiosque.oidc.app_settings import oidc_settings`.
"""

import hashlib
import hmac

from django.conf import settings

# Scopes the applications may ask for; each releases a group of claims (see claims.py).
SCOPES = {
    "openid": "Identifiant unique de l'utilisateur",
    "profile": "Nom, prénom et identifiant de connexion",
    "email": "Adresse mail d'authentification",
    "rpps": "Identité professionnelle : RPPS/ADELI, profession, spécialité, lieux d'exercice",
    "roles": "Rôles accordés dans l'application par son référent",
}


class AppSettings:
    prefix = "KIOSQUE_OIDC_"

    def _setting(self, name, default):
        return getattr(settings, self.prefix + name, default)

    @property
    def ISSUER(self) -> str:
        """The issuer (`iss`): Kiosque's public base address."""
        return settings.KIOSQUE_BASE_URL

    @property
    def SCOPES(self) -> dict[str, str]:
        return SCOPES

    @property
    def CODE_SECONDS(self) -> int:
        return int(self._setting("CODE_SECONDS", 60))

    @property
    def ACCESS_TOKEN_SECONDS(self) -> int:
        return int(self._setting("ACCESS_TOKEN_SECONDS", 900))

    @property
    def ID_TOKEN_SECONDS(self) -> int:
        return int(self._setting("ID_TOKEN_SECONDS", 900))

    @property
    def REFRESH_TOKEN_SECONDS(self) -> int:
        """Sliding: a refresh token dies this long after its access token expired."""
        return int(self._setting("REFRESH_TOKEN_SECONDS", 4 * 3600))

    @property
    def TOKEN_HASH_KEY(self) -> bytes:
        """The HMAC-SHA-256 key of the stored codes, tokens and client secrets. Defaults to a
        key derived from SECRET_KEY; changing it invalidates every code, token and secret."""
        configured = self._setting("TOKEN_HASH_KEY", "")
        if configured:
            return configured.encode()
        return hmac.new(
            settings.SECRET_KEY.encode(), b"kiosque.oidc.token-hash", hashlib.sha256
        ).digest()

    @property
    def KEYS_DIR(self):
        return settings.KIOSQUE_OIDC_KEYS_DIR


oidc_settings = AppSettings()
