"""Structured JSON logs, rotated by size, in `data_dir/logs` — with personal data kept out.

Every record passes through `RedactingFilter`, a last line of defence that masks anything shaped
like a CID (13 digits in a row, or in the printed 1-2345-67890-12-3 grouping). Code must still
never log personal data: names and addresses have no shape a filter could catch.
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import re
import sys
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kiosk.paths import give_to_folder_owner

LOG_FILE_NAME = "kiosk.log"
_CID_SHAPE = re.compile(r"(?<!\d)(?:\d{13}|\d-\d{4}-\d{5}-\d{2}-\d)(?!\d)")
_STANDARD_ATTRS = frozenset(
    vars(logging.LogRecord("", 0, "", 0, "", None, None)).keys() | {"message", "asctime"}
)


def redact(text: str) -> str:
    """Mask every CID-shaped run of digits in `text`."""
    return _CID_SHAPE.sub("[cid]", text)


class RedactingFilter(logging.Filter):
    """Masks CID-shaped digits in the message, its arguments and any exception text."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record in place; never drops it."""
        record.msg = redact(record.getMessage())
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redact("".join(traceback.format_exception(*record.exc_info)))
            record.exc_info = None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, extras, exception."""

    def format(self, record: logging.LogRecord) -> str:
        """Render the record as one JSON line."""
        doc: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRS and not key.startswith("_"):
                doc[key] = value if isinstance(value, str | int | float | bool) else str(value)
        if record.exc_text:
            doc["exc"] = record.exc_text
        elif record.exc_info:
            doc["exc"] = redact("".join(traceback.format_exception(*record.exc_info)))
        return json.dumps(doc, ensure_ascii=False)


class _ConsoleFormatter(logging.Formatter):
    """One line per record on the terminal: a traceback goes to the log file only (an
    exception's text may quote a value a citizen gave)."""

    def format(self, record: logging.LogRecord) -> str:
        """The message line alone, never the exception or stack text."""
        record.message = record.getMessage()
        return self.formatMessage(record)


class _DataFolderLog(logging.handlers.RotatingFileHandler):
    """A rotating log file that belongs to the data folder's owner, whoever opened it."""

    def __init__(self, path: Path, data_dir: Path, **options: Any) -> None:
        self._data_dir = data_dir
        super().__init__(path, **options)

    def _open(self) -> Any:
        stream = super()._open()
        give_to_folder_owner(Path(self.baseFilename), self._data_dir)
        return stream


def log_dir(data_dir: Path) -> Path:
    """Where the log files live."""
    return data_dir / "logs"


def configure_logging(
    data_dir: Path | None,
    *,
    level: str = "INFO",
    max_bytes: int = 5_000_000,
    backups: int = 5,
    console_level: str = "WARNING",
) -> Path | None:
    """Set up the root logger: JSON file in `data_dir/logs` (when writable) and plain stderr.

    Returns the log file's path, or None when there is no writable data dir (the kiosk keeps
    running; the console still gets warnings).
    """
    # A log file that cannot be written (full disk) must never print "--- Logging error ---"
    # tracebacks at a citizen or a technician's terminal.
    logging.raiseExceptions = False
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_kiosk", False):
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)
    redactor = RedactingFilter()

    console = logging.StreamHandler(sys.stderr)
    console.setLevel(console_level)
    console.setFormatter(_ConsoleFormatter("kiosk: %(levelname)s %(name)s: %(message)s"))
    console.addFilter(redactor)
    console._kiosk = True  # type: ignore[attr-defined]
    root.addHandler(console)

    if data_dir is None:
        return None
    path = log_dir(data_dir) / LOG_FILE_NAME
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        give_to_folder_owner(path.parent, data_dir)
        file_handler = _DataFolderLog(
            path, data_dir, maxBytes=max_bytes, backupCount=backups, encoding="utf-8", delay=True
        )
    except OSError as exc:
        root.warning("logging to the console only: cannot write %s (%s)", path.parent, exc)
        return None
    file_handler.setFormatter(JsonFormatter())
    file_handler.addFilter(redactor)
    file_handler._kiosk = True  # type: ignore[attr-defined]
    root.addHandler(file_handler)
    return path


def tail(path: Path, lines: int = 200) -> list[str]:
    """The last `lines` lines of a log file (for maintenance mode), oldest first."""
    try:
        with path.open("rb") as fh:
            fh.seek(0, 2)
            size = fh.tell()
            block = min(size, max(4096, lines * 400))
            fh.seek(size - block)
            data = fh.read().decode("utf-8", errors="replace")
    except OSError:
        return []
    return data.splitlines()[-lines:]
