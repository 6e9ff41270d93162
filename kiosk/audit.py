"""The audit log: append-only JSON lines in `data_dir/audit.log`.

Each line says which kiosk, when, what happened and who did it; a citizen appears only as the
keyed HMAC of their CID (the same one the offline cache uses), never the CID itself, so lines of
one citizen can be linked on this kiosk and by nobody without its key file.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Mapping
from pathlib import Path

from kiosk.config import KioskConfig
from kiosk.paths import give_to_folder_owner
from offline_cache import CacheSecret, Clock, utc_now

log = logging.getLogger(__name__)

AUDIT_FILE = "audit.log"
DetailValue = str | int | float | bool | None
_NAME = re.compile(r"[a-z][a-z0-9_.:-]{0,63}")


class AuditLog:
    """Writes audit lines. Safe across threads and processes: each line is one `O_APPEND`
    write, which the kernel never interleaves with another's on a local file system.

    `secret` None: a log of lines that name no citizen (maintenance mode's, when the kiosk has
    no usable key file); a line with a CID is then refused."""

    def __init__(
        self, path: Path, kiosk_id: str, secret: CacheSecret | None, *, clock: Clock = utc_now
    ) -> None:
        self._path = path
        self._kiosk_id = kiosk_id
        self._secret = secret
        self._clock = clock

    @property
    def path(self) -> Path:
        """The log file."""
        return self._path

    def record(
        self,
        event: str,
        *,
        actor: str,
        cid: str | None = None,
        detail: Mapping[str, DetailValue] | None = None,
    ) -> bool:
        """Append one line; False (and a logged warning) when the file cannot be written.

        `event` and `actor` are short names such as `check` / `cli:root` or `consent.declined`
        / `kiosk`. `detail` must hold no personal data: it is written as given.
        """
        if not _NAME.fullmatch(event):
            raise ValueError("an audit event is a short lowercase name")
        if not actor or len(actor) > 64:
            raise ValueError("an audit actor is a short name")
        if cid is not None and self._secret is None:
            raise ValueError("this audit log has no key to name a citizen by")
        line = {
            "time": self._clock().isoformat(),
            "kiosk": self._kiosk_id,
            "event": event,
            "actor": actor,
            "citizen": self._secret.citizen_ref(cid)
            if cid is not None and self._secret is not None
            else None,
            "detail": dict(detail or {}),
        }
        data = (json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
        try:
            self._path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd = os.open(self._path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            give_to_folder_owner(self._path, self._path.parent)
            try:
                written = os.write(fd, data)
            finally:
                os.close(fd)
        except OSError as exc:
            log.warning("audit log %s not written (%s)", self._path, exc.strerror or exc)
            return False
        if written != len(data):
            log.warning("audit log %s: short write (disk full?)", self._path)
            return False
        return True


def open_audit_log(config: KioskConfig, secret: CacheSecret, *, clock: Clock = utc_now) -> AuditLog:
    """This kiosk's audit log, `data_dir/audit.log`, keyed like its cache."""
    return AuditLog(config.kiosk.data_dir / AUDIT_FILE, config.kiosk.id, secret, clock=clock)
