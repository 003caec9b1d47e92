"""A software WebAuthn authenticator for the server-side tests (P-256, ES256).

It builds what a browser and an authenticator send: clientDataJSON, authenticatorData, the
attestation object ("none", or "packed" self attestation carrying an AAGUID) and assertion
signatures, from the options the server produced. The browser tests use Chromium's own
virtual authenticator instead (CDP WebAuthn domain).
"""

import hashlib
import json
import os
import uuid

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url, encode_cbor

UP, UV, BE, AT = 0x01, 0x04, 0x08, 0x40
ORIGIN = "https://kiosque.example.fr"
RP_ID = "kiosque.example.fr"


class SoftAuthenticator:
    def __init__(self, *, aaguid: str = "00000000-0000-0000-0000-000000000000", synced=False):
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(32)
        self.aaguid = uuid.UUID(aaguid).bytes
        self.synced = synced
        self.sign_count = 0
        self.user_handle = b""

    def _cose_key(self) -> bytes:
        numbers = self.key.public_key().public_numbers()
        return encode_cbor(
            {
                1: 2,
                3: -7,
                -1: 1,
                -2: numbers.x.to_bytes(32, "big"),
                -3: numbers.y.to_bytes(32, "big"),
            }
        )

    def _flags(self, user_verified: bool) -> int:
        return UP | (UV if user_verified else 0) | (BE if self.synced else 0)

    @staticmethod
    def _client_data(kind: str, options: dict, origin: str) -> bytes:
        return json.dumps(
            {
                "type": kind,
                "challenge": options["challenge"],
                "origin": origin,
                "crossOrigin": False,
            }
        ).encode()

    def create(self, options: dict, *, origin=ORIGIN, rp_id=RP_ID, fmt="none", user_verified=True):
        """The JSON of the PublicKeyCredential answering navigator.credentials.create()."""
        self.user_handle = base64url_to_bytes(options["user"]["id"])
        client_data = self._client_data("webauthn.create", options, origin)
        auth_data = (
            hashlib.sha256(rp_id.encode()).digest()
            + bytes([self._flags(user_verified) | AT])
            + self.sign_count.to_bytes(4, "big")
            + self.aaguid
            + len(self.credential_id).to_bytes(2, "big")
            + self.credential_id
            + self._cose_key()
        )
        statement = {}
        if fmt == "packed":  # self attestation: signed by the credential key itself
            signed = auth_data + hashlib.sha256(client_data).digest()
            statement = {"alg": -7, "sig": self.key.sign(signed, ec.ECDSA(hashes.SHA256()))}
        attestation = encode_cbor({"fmt": fmt, "attStmt": statement, "authData": auth_data})
        return json.dumps(
            {
                "id": bytes_to_base64url(self.credential_id),
                "rawId": bytes_to_base64url(self.credential_id),
                "type": "public-key",
                "response": {
                    "clientDataJSON": bytes_to_base64url(client_data),
                    "attestationObject": bytes_to_base64url(attestation),
                    "transports": ["usb"],
                },
                "clientExtensionResults": {},
            }
        )

    def get(
        self, options: dict, *, origin=ORIGIN, rp_id=RP_ID, sign_count=None, user_verified=True
    ):
        """The JSON of the PublicKeyCredential answering navigator.credentials.get()."""
        self.sign_count = self.sign_count + 1 if sign_count is None else sign_count
        client_data = self._client_data("webauthn.get", options, origin)
        auth_data = (
            hashlib.sha256(rp_id.encode()).digest()
            + bytes([self._flags(user_verified)])
            + self.sign_count.to_bytes(4, "big")
        )
        signature = self.key.sign(
            auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256())
        )
        return json.dumps(
            {
                "id": bytes_to_base64url(self.credential_id),
                "rawId": bytes_to_base64url(self.credential_id),
                "type": "public-key",
                "response": {
                    "clientDataJSON": bytes_to_base64url(client_data),
                    "authenticatorData": bytes_to_base64url(auth_data),
                    "signature": bytes_to_base64url(signature),
                    "userHandle": bytes_to_base64url(self.user_handle),
                },
                "clientExtensionResults": {},
            }
        )
