"""The client's address behind a trusted reverse proxy.

gunicorn hands Django the proxy's address in REMOTE_ADDR. When the direct peer is one
of KIOSQUE_TRUSTED_PROXIES, the client is the right-most address of X-Forwarded-For
that is not itself a trusted proxy (addresses further left are client-supplied and
can be forged). Everything that reads REMOTE_ADDR (rate limits, audit log, connection
history) then sees the real client.
"""

import ipaddress

from kiosque.core import app_settings


def _parse(value: str):
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _is_trusted(address, networks) -> bool:
    return address is not None and any(address in network for network in networks)


def trusted_networks() -> list:
    return [ipaddress.ip_network(entry, strict=False) for entry in app_settings.TRUSTED_PROXIES]


def client_address(remote_addr: str, forwarded_for: str, networks) -> str:
    if not networks or not _is_trusted(_parse(remote_addr), networks):
        return remote_addr
    for hop in reversed([part for part in forwarded_for.split(",") if part.strip()]):
        address = _parse(hop)
        if address is None:
            return remote_addr
        if not _is_trusted(address, networks):
            return str(address)
    return remote_addr


def client_ip(request) -> str | None:
    """The client address of `request` (REMOTE_ADDR, which TrustedProxyMiddleware has set to
    the client behind a trusted proxy), or None without a request."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


class TrustedProxyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.networks = trusted_networks()

    def __call__(self, request):
        if self.networks:
            request.META["REMOTE_ADDR"] = client_address(
                request.META.get("REMOTE_ADDR", ""),
                request.META.get("HTTP_X_FORWARDED_FOR", ""),
                self.networks,
            )
        return self.get_response(request)
