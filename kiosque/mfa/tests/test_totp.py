"""TOTP codes checked against an independent RFC 6238 implementation and the RFC's vectors."""

import base64
import hashlib
import hmac
import struct
from urllib.parse import parse_qs, urlparse

import pytest

from kiosque.mfa import totp

RFC_SECRET = b"12345678901234567890"  # RFC 6238 appendix B, SHA-1 seed (20 ASCII bytes)
RFC_VECTORS = [
    (59, "94287082"),
    (1111111109, "07081804"),
    (1111111111, "14050471"),
    (1234567890, "89005924"),
    (2000000000, "69279037"),
    (20000000000, "65353130"),
]


def rfc6238(key: bytes, unix_time: int, *, digits: int = 6, step: int = 30) -> str:
    """RFC 4226 HOTP over T = floor(time / step), as written in the RFCs (not pyotp)."""
    counter = struct.pack(">Q", unix_time // step)
    digest = hmac.new(key, counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    binary = (
        (digest[offset] & 0x7F) << 24
        | digest[offset + 1] << 16
        | digest[offset + 2] << 8
        | digest[offset + 3]
    )
    return str(binary % 10**digits).zfill(digits)


@pytest.mark.parametrize(("unix_time", "expected"), RFC_VECTORS)
def test_independent_implementation_matches_rfc_vectors(unix_time, expected):
    assert rfc6238(RFC_SECRET, unix_time, digits=8) == expected


@pytest.mark.parametrize(("unix_time", "expected"), RFC_VECTORS)
def test_our_codes_are_the_rfc_codes(unix_time, expected):
    secret = base64.b32encode(RFC_SECRET).decode()
    assert totp.code_at_step(secret, totp.time_step(unix_time)) == expected[-6:]
    assert totp.code_at_step(secret, totp.time_step(unix_time)) == rfc6238(RFC_SECRET, unix_time)


def test_random_secrets_agree_with_the_independent_implementation():
    for unix_time in (0, 29, 30, 1_700_000_000, 1_700_000_029, 4_102_444_800):
        secret = totp.new_secret()
        key = base64.b32decode(secret)
        assert totp.code_at_step(secret, totp.time_step(unix_time)) == rfc6238(key, unix_time)


def test_secret_is_160_bits_of_base32():
    secret = totp.new_secret()
    assert len(secret) == 32
    assert len(base64.b32decode(secret)) == 20
    assert totp.new_secret() != secret


def test_one_step_of_drift_is_accepted_either_way_two_are_not():
    secret = totp.new_secret()
    key = base64.b32decode(secret)
    now = 1_700_000_015
    now_step = now // 30
    assert totp.matching_step(secret, rfc6238(key, now), for_time=now) == now_step
    assert totp.matching_step(secret, rfc6238(key, now - 30), for_time=now) == now_step - 1
    assert totp.matching_step(secret, rfc6238(key, now + 30), for_time=now) == now_step + 1
    assert totp.matching_step(secret, rfc6238(key, now - 60), for_time=now) is None
    assert totp.matching_step(secret, rfc6238(key, now + 60), for_time=now) is None


def test_provisioning_uri_names_platform_and_login(settings):
    settings.KIOSQUE_PLATFORM_NAME = "Grades CVL"
    uri = totp.provisioning_uri("C4HLOSDRTEU23HOCXDROBBF3NH5QL5UM", "n2dupont")
    parsed = urlparse(uri)
    assert parsed.scheme == "otpauth" and parsed.netloc == "totp"
    assert parsed.path == "/Grades%20CVL:n2dupont"
    query = parse_qs(parsed.query)
    assert query["secret"] == ["C4HLOSDRTEU23HOCXDROBBF3NH5QL5UM"]
    assert query["issuer"] == ["Grades CVL"]


def test_key_is_shown_in_groups_of_four():
    assert totp.grouped("C4HLOSDRTEU23HOCXDROBBF3NH5QL5UM") == (
        "C4HL OSDR TEU2 3HOC XDRO BBF3 NH5Q L5UM"
    )


def test_qr_code_is_inline_svg_without_style_attributes():
    svg = totp.qr_svg("otpauth://totp/Kiosque:x?secret=ABC&issuer=Kiosque", title="QR <code>")
    assert svg.startswith("<svg")
    assert "style" not in svg
    assert "<title>QR &lt;code&gt;</title>" in svg
    assert "<script" not in svg
