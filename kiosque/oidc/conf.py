"""The OpenID Connect provider's configuration, read by kiosque/settings.py.

Kept free of model imports so settings.py can call it. Every value the deployment may
change comes from the environment (see docs/integrating-an-application.md).
"""

# Scopes the applications may ask for; each releases a group of claims (see claims.py).
SCOPES = {
    "openid": "Identifiant unique de l'utilisateur",
    "profile": "Nom, prénom et identifiant de connexion",
    "email": "Adresse mail d'authentification",
    "rpps": "Identité professionnelle : RPPS/ADELI, profession, spécialité, lieux d'exercice",
    "roles": "Rôles accordés dans l'application par son référent",
}


def provider_settings(env, base_url: str) -> dict:
    """The OAUTH2_PROVIDER setting of django-oauth-toolkit."""
    return {
        "OIDC_ENABLED": True,
        "OIDC_ISS_ENDPOINT": base_url,
        "OAUTH2_VALIDATOR_CLASS": "kiosque.oidc.validator.KiosqueValidator",
        "SCOPES": SCOPES,
        "DEFAULT_SCOPES": ["openid"],
        "OIDC_RESPONSE_TYPES_SUPPORTED": ["code"],
        "AUTHORIZATION_CODE_EXPIRE_SECONDS": env.int("KIOSQUE_OIDC_CODE_SECONDS", 60),
        "ACCESS_TOKEN_EXPIRE_SECONDS": env.int("KIOSQUE_OIDC_ACCESS_TOKEN_SECONDS", 900),
        "ID_TOKEN_EXPIRE_SECONDS": env.int("KIOSQUE_OIDC_ID_TOKEN_SECONDS", 900),
        # Sliding: a refresh token dies this long after its access token expired (4 h idle).
        "REFRESH_TOKEN_EXPIRE_SECONDS": env.int("KIOSQUE_OIDC_REFRESH_TOKEN_SECONDS", 4 * 3600),
        "ROTATE_REFRESH_TOKEN": True,
        "REFRESH_TOKEN_REUSE_PROTECTION": True,
        "REFRESH_TOKEN_GRACE_PERIOD_SECONDS": 0,
        "PKCE_REQUIRED": True,  # the validator relaxes it for confidential clients only
        "ALLOWED_REDIRECT_URI_SCHEMES": ["http", "https"],
        "REQUEST_APPROVAL_PROMPT": "auto",
        "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
        "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,
        "OIDC_RP_INITIATED_LOGOUT_STRICT_REDIRECT_URIS": False,
        "OIDC_RP_INITIATED_LOGOUT_ACCEPT_EXPIRED_TOKENS": True,
        "OIDC_RP_INITIATED_LOGOUT_DELETE_TOKENS": True,
        "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
        "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
        "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
        "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
        "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
        "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
        "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
        "COMPLIANT_BCP_RFC9700_REDIRECT_URI_MATCHING": True,
        "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
    }
