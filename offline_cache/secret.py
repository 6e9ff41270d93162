"""The kiosk's cache secret: a key file, and the keys derived from it.

One 32-byte secret per kiosk, kept in a key file outside `data_dir` by default, so a copied data
folder names nobody. Two keys are derived from it with HKDF (RFC 5869), each for one purpose:
the citizen key (HMAC-SHA256 of a CID, the only form in which a citizen is ever stored or
logged) and the sealing key (AES-GCM for snapshot payloads). Neither is ever written anywhere.

The key file holds the secret as 64 hex digits (so `openssl rand -hex 32` can provision one).
A missing file is created on first use (mode 0600, atomically, never over an existing file). A
file that exists but is malformed is an error and is never replaced: a new secret would orphan
every snapshot and break the link between audit lines written before and after.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import logging
import os
import secrets
import stat
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

log = logging.getLogger(__name__)

SECRET_BYTES = 32
_SALT = b"gov-smart-kiosk offline cache v1"
_CITIZEN_INFO = b"citizen-key"
_SEALING_INFO = b"snapshot-sealing-key"
_CREDENTIALS_INFO = b"agency-credentials-key"
_KEY_CHECK_MESSAGE = b"gov-smart-kiosk key check v1"


class KeyFileError(Exception):
    """The key file cannot be used. The message names the file and never shows the secret."""


class CacheSecret:
    """The kiosk's secret and what is derived from it. Its repr shows nothing secret."""

    __slots__ = ("_citizen_key", "_credentials_key", "_sealing_key")

    def __init__(self, secret: bytes) -> None:
        if len(secret) != SECRET_BYTES:
            raise ValueError(f"the cache secret must be {SECRET_BYTES} bytes")
        self._citizen_key = _derive(secret, _CITIZEN_INFO)
        self._sealing_key = _derive(secret, _SEALING_INFO)
        self._credentials_key = _derive(secret, _CREDENTIALS_INFO)

    def __repr__(self) -> str:
        return "CacheSecret(<redacted>)"

    @classmethod
    def generate(cls) -> CacheSecret:
        """A fresh random secret (tests and demos; kiosks load theirs from the key file)."""
        return cls(secrets.token_bytes(SECRET_BYTES))

    def citizen_key(self, cid: str) -> bytes:
        """HMAC-SHA256 of the CID: how a citizen is named in the cache and the audit log."""
        return hmac.digest(self._citizen_key, cid.encode("ascii"), hashlib.sha256)

    def citizen_ref(self, cid: str) -> str:
        """`citizen_key` as hex text, for JSON lines."""
        return self.citizen_key(cid).hex()

    @property
    def sealing_key(self) -> bytes:
        """The AES-256-GCM key for snapshot payloads."""
        return self._sealing_key

    @property
    def credentials_key(self) -> bytes:
        """The AES-256-GCM key for credentials an agency hands the kiosk (NHSO's rotated
        refresh token), kept in the data folder but useless without the key file."""
        return self._credentials_key

    def key_check(self) -> bytes:
        """A value that identifies this secret without revealing it: a database written under
        another secret carries another key check."""
        # A 13-digit CID can never equal this message, so the check names no citizen.
        return hmac.digest(self._citizen_key, _KEY_CHECK_MESSAGE, hashlib.sha256)


def _derive(secret: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=_SALT, info=info).derive(secret)


def load_or_create_secret(key_file: Path) -> CacheSecret:
    """Read the key file, creating it (0600, parent folder 0700 if we create it) when missing.

    Raises `KeyFileError` when the file exists but is malformed or cannot be read or created.
    """
    try:
        return _read(key_file)
    except FileNotFoundError:
        pass
    created = _create(key_file)
    if created is not None:
        log.info("created the cache key file %s", key_file)
        return created
    # Another process created it between our read and our create: use theirs.
    try:
        return _read(key_file)
    except FileNotFoundError:
        raise KeyFileError(f"the cache key file {key_file} vanished while being created") from None


def _read(key_file: Path) -> CacheSecret:
    try:
        raw = key_file.read_bytes()
        mode = key_file.stat().st_mode
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise KeyFileError(
            f"the cache key file {key_file} cannot be read ({exc.strerror or type(exc).__name__})"
        ) from None
    text = raw.strip()
    try:
        secret = bytes.fromhex(text.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        secret = b""
    if len(secret) != SECRET_BYTES:
        raise KeyFileError(
            f"the cache key file {key_file} is malformed (expected {SECRET_BYTES * 2} hex digits); "
            "it was left untouched, since replacing it would make every cached snapshot "
            "unreadable: restore it from backup, or delete it to start an empty cache"
        )
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        log.warning("the cache key file %s is readable by other users; chmod 600 it", key_file)
    return CacheSecret(secret)


def _create(key_file: Path) -> CacheSecret | None:
    """Write a new key file atomically; None if another process got there first."""
    secret = secrets.token_bytes(SECRET_BYTES)
    folder = key_file.parent
    tmp = folder / f".{key_file.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    try:
        if not folder.exists():
            folder.mkdir(parents=True, exist_ok=True)
            folder.chmod(0o700)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, secret.hex().encode("ascii") + b"\n")
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            # link() fails if the name exists, so a key file is never overwritten, and readers
            # never see a half-written one.
            os.link(tmp, key_file)
        except FileExistsError:
            return None
        _fsync_dir(folder)
    except OSError as exc:
        raise KeyFileError(
            f"the cache key file {key_file} cannot be created "
            f"({exc.strerror or type(exc).__name__})"
        ) from None
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
    return CacheSecret(secret)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
