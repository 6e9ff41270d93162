"""Where the kiosk keeps credentials an agency hands it, so the next start has them: NHSO's
rotated refresh token (`adapters.nhso.srm`). An `adapters.factory.CredentialStore`.

Each value is one file in `data_dir/credentials/`, sealed with AES-256-GCM under a key derived
from the kiosk's secret (`offline_cache.CacheSecret.credentials_key`) and bound to its name.
Why the data folder and not beside the key file in /etc: the service may write only its data
folder (`ProtectSystem=strict` in deploy/gov-smart-kiosk.service), and sealed under the key
file's secret, a copied data folder opens no agency's door. Without a usable key file the kiosk
keeps credentials in memory only (`adapters.factory.MemoryCredentials`).
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from kiosk.paths import give_to_folder_owner
from offline_cache import CacheSecret

log = logging.getLogger(__name__)

FOLDER = "credentials"
_NAME = re.compile(r"^[a-z][a-z0-9_.-]{0,63}$")
_NONCE_BYTES = 12
_AAD = b"credential-v1|"


class SealedCredentials:
    """Credentials sealed in `data_dir/credentials/` (see the module docstring)."""

    def __init__(self, data_dir: Path, secret: CacheSecret) -> None:
        self.folder = data_dir / FOLDER
        self._aead = AESGCM(secret.credentials_key)

    def __repr__(self) -> str:
        return f"SealedCredentials({self.folder})"

    def load(self, name: str) -> str | None:
        """The value kept under `name`, or None (none kept, or it does not open: another key,
        a damaged file; the log says which, never the value)."""
        path = self._path(name)
        try:
            blob = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            log.warning("credential %s cannot be read (%s)", name, exc.strerror or exc)
            return None
        try:
            plain = self._aead.decrypt(
                blob[:_NONCE_BYTES], blob[_NONCE_BYTES:], _AAD + name.encode()
            )
            return plain.decode("utf-8")
        except (InvalidTag, ValueError, UnicodeDecodeError):
            log.warning("credential %s does not open with this kiosk's key: ignored", name)
            return None

    def save(self, name: str, value: str) -> bool:
        """Seal `value` under `name`, replacing the file in one step; False when it could not
        be written (the log says why)."""
        path = self._path(name)
        nonce = os.urandom(_NONCE_BYTES)
        blob = nonce + self._aead.encrypt(nonce, value.encode("utf-8"), _AAD + name.encode())
        temp = path.with_name(f".{path.name}.tmp")
        try:
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            give_to_folder_owner(self.folder, self.folder.parent)
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            try:
                os.write(fd, blob)
                os.fsync(fd)
            finally:
                os.close(fd)
            give_to_folder_owner(temp, self.folder.parent)
            os.replace(temp, path)
        except OSError as exc:
            log.warning("credential %s not kept (%s)", name, exc.strerror or exc)
            with contextlib.suppress(OSError):  # e.g. the data folder is a file: no temp either
                temp.unlink(missing_ok=True)
            return False
        return True

    def _path(self, name: str) -> Path:
        if not _NAME.fullmatch(name):
            raise ValueError("a credential's name is a short lowercase word")
        return self.folder / name
