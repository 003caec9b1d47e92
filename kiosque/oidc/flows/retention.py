"""How long the provider keeps its codes and tokens (only their keyed hashes are stored).

A code is kept a day after it expired, so that a late second redemption is still recognised
and revokes the tokens of the first; a token is kept a day after both its access and its
refresh token have expired, so that a late replay of a rotated refresh token still revokes
its family.
"""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from kiosque.oidc.models import AuthorizationCode, Token

KEPT_AFTER_EXPIRY = timedelta(days=1)


def purge(now=None) -> int:
    """Delete the codes and tokens past their retention; returns how many rows went."""
    limit = (now or timezone.now()) - KEPT_AFTER_EXPIRY
    codes, _ = AuthorizationCode.objects.filter(expires_at__lt=limit).delete()
    dead_refresh = Q(refresh_expires_at__isnull=True) | Q(refresh_expires_at__lt=limit)
    tokens, _ = Token.objects.filter(Q(expires_at__lt=limit) & dead_refresh).delete()
    return codes + tokens
