"""Periodic jobs of the provider (run by `kiosque worker`)."""

from datetime import timedelta

from kiosque.core.jobs import periodic
from kiosque.oidc.flows import retention


@periodic("oidc.purge_codes_and_tokens", every=timedelta(hours=1))
def purge_codes_and_tokens() -> int:
    return retention.purge()
