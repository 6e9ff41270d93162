"""Sealing snapshot payloads: AES-256-GCM, bound to the row they belong to.

The associated data names the agency, the citizen key and `as_of`, so a sealed payload copied to
another row (another citizen, another agency) or given a fresher `as_of` fails to open instead
of being shown as someone else's answer or as newer than it is.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

NONCE_BYTES = 12
_AAD_VERSION = b"snapshot-v1"


class UnreadableSnapshotError(Exception):
    """A sealed payload that does not open under this kiosk's key for this row."""


class SnapshotSeal:
    """Seals and opens JSON payloads with one AES-GCM key."""

    __slots__ = ("_aead",)

    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(key)

    def __repr__(self) -> str:
        return "SnapshotSeal(<redacted>)"

    def seal(
        self, payload: Mapping[str, Any], *, agency: str, citizen_key: bytes, as_of_us: int
    ) -> tuple[bytes, bytes]:
        """Return `(nonce, ciphertext)` for the payload of this row."""
        plain = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        # A random 96-bit nonce per write: a kiosk writes far fewer than the 2**32 messages
        # NIST SP 800-38D allows per key with random nonces.
        nonce = os.urandom(NONCE_BYTES)
        return nonce, self._aead.encrypt(nonce, plain, _aad(agency, citizen_key, as_of_us))

    def open(
        self, nonce: bytes, sealed: bytes, *, agency: str, citizen_key: bytes, as_of_us: int
    ) -> dict[str, Any]:
        """The payload of this row, or `UnreadableSnapshotError`."""
        try:
            plain = self._aead.decrypt(nonce, sealed, _aad(agency, citizen_key, as_of_us))
            payload = json.loads(plain)
        except (InvalidTag, ValueError) as exc:
            raise UnreadableSnapshotError(type(exc).__name__) from None
        if not isinstance(payload, dict):
            raise UnreadableSnapshotError("payload is not a JSON object")
        return payload


def _aad(agency: str, citizen_key: bytes, as_of_us: int) -> bytes:
    return b"|".join(
        (_AAD_VERSION, agency.encode("utf-8"), citizen_key.hex().encode("ascii"), b"%d" % as_of_us)
    )
