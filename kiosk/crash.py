"""The crash handler: an unexpected exception anywhere is logged and handed to the app, which ends
the session and returns to Idle; a hard crash (a segfault in a C library) leaves a Python stack
dump in `data_dir/logs/crash.log`. A citizen never sees a traceback.

`CrashHandler(log_folder, on_crash).install()` sets
- `sys.excepthook` (the main thread, and exceptions raised in Qt slots, which PySide6 routes
  there) and `threading.excepthook` (any other thread): the traceback is logged, then
  `on_crash(Crash)` is called — on the thread that failed, so the app must hand it to its GUI
  thread (`SessionController.post` is thread-safe);
- `sys.unraisablehook` (errors in `__del__`, finalizers): logged only, no session ends;
- `faulthandler` to `crash.log`, which holds only frames (file, line, function), never values.

What is logged: the exception's type and every frame of its traceback (and of its causes), never
its message or any local variable, since either may quote a name, an address or a CID (the log's
CID filter is the last line of defence; names have no shape it could catch). The records go
through the kiosk's logging, so they land in the JSON log with its CID redaction.
"""

from __future__ import annotations

import contextlib
import faulthandler
import logging
import sys
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Any

log = logging.getLogger("kiosk.crash")

CRASH_FILE = "crash.log"
CRASH_FILE_MAX_BYTES = 1_000_000  # beyond this the old dumps move to crash.log.1 at install
_CHAIN_LIMIT = 5  # causes and contexts followed; more is a loop or noise


@dataclass(frozen=True, slots=True)
class Crash:
    """What `on_crash` is told: where it happened and the exception's type (no message)."""

    thread: str
    exc_type: str
    main_thread: bool


def safe_traceback(exc: BaseException) -> str:
    """The traceback of `exc` and its causes, with each exception's type but not its message.

    Frames show our source lines, which hold no personal data; exception messages may (a
    `KeyError` of a name, a `ValueError` quoting an address), so they are left out.
    """
    chain: list[tuple[BaseException, str]] = []  # newest first, with the link to the next
    current: BaseException | None = exc
    while current is not None and len(chain) < _CHAIN_LIMIT:
        if any(current is seen for seen, _ in chain):
            break  # a cycle of causes
        if current.__cause__ is not None:
            chain.append((current, _CAUSE))
            current = current.__cause__
        elif current.__context__ is not None and not current.__suppress_context__:
            chain.append((current, _CONTEXT))
            current = current.__context__
        else:
            chain.append((current, ""))
            current = None
    parts: list[str] = []
    for item, link in reversed(chain):  # oldest first, as Python prints them
        if parts and link:
            parts.append(link)
        frames = "".join(traceback.format_tb(item.__traceback__))
        parts.append(f"Traceback (most recent call last):\n{frames}{_type_name(item)}\n")
    return "".join(parts).strip()


_CAUSE = "\nThe above exception was the direct cause of the following exception:\n\n"
_CONTEXT = "\nDuring handling of the above exception, another exception occurred:\n\n"


def _type_name(exc: BaseException) -> str:
    kind = type(exc)
    module = kind.__module__
    return (
        kind.__qualname__ if module in ("builtins", "__main__") else f"{module}.{kind.__qualname__}"
    )


class CrashHandler:
    """Installs the hooks (see the module docstring); `uninstall()` puts the previous ones back.

    `log_folder` None (no usable data folder): hard crashes go to stderr, which systemd keeps in
    the journal.
    """

    def __init__(
        self,
        log_folder: Path | None,
        on_crash: Callable[[Crash], None],
        *,
        logger: logging.Logger = log,
    ) -> None:
        self._folder = log_folder
        self._on_crash = on_crash
        self._log = logger
        self._installed = False
        self._file: IO[str] | None = None
        self._previous: tuple[Any, Any, Any] | None = None
        self._faulthandler_was_enabled = False

    @property
    def crash_file(self) -> Path | None:
        """Where hard crashes are dumped, or None when they go to stderr."""
        return self._folder / CRASH_FILE if self._file is not None and self._folder else None

    def install(self) -> CrashHandler:
        """Set the hooks and enable faulthandler (once)."""
        if self._installed:
            return self
        self._previous = (sys.excepthook, threading.excepthook, sys.unraisablehook)
        self._faulthandler_was_enabled = faulthandler.is_enabled()
        self._file = self._open_crash_file()
        faulthandler.enable(file=self._file or sys.__stderr__ or sys.stderr, all_threads=True)
        sys.excepthook = self._main_hook
        threading.excepthook = self._thread_hook
        sys.unraisablehook = self._unraisable_hook
        self._installed = True
        return self

    def uninstall(self) -> None:
        """Restore the hooks found at `install()`; faulthandler back to stderr if it was on."""
        if not self._installed or self._previous is None:
            return
        sys.excepthook, threading.excepthook, sys.unraisablehook = self._previous
        faulthandler.disable()
        if self._faulthandler_was_enabled and sys.__stderr__ is not None:
            faulthandler.enable(file=sys.__stderr__, all_threads=True)
        if self._file is not None:
            self._file.close()
            self._file = None
        self._installed = False

    def __enter__(self) -> CrashHandler:
        return self.install()

    def __exit__(self, *exc: object) -> None:
        self.uninstall()

    # --- the hooks -----------------------------------------------------------------------------

    def _main_hook(
        self, kind: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(kind, KeyboardInterrupt):
            # Ctrl-C at a developer's terminal: not a crash, let Python say it as usual.
            sys.__excepthook__(kind, exc, tb)
            return
        thread = threading.current_thread()
        self._report(exc, tb, thread.name, main=thread is threading.main_thread())

    def _thread_hook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit or args.exc_value is None:
            return  # a thread that asked to end, as the default hook treats it
        name = args.thread.name if args.thread is not None else "unknown"
        self._report(args.exc_value, args.exc_traceback, name, main=False)

    def _unraisable_hook(self, unraisable: Any) -> None:
        exc = getattr(unraisable, "exc_value", None)
        kind = type(exc).__name__ if exc is not None else "unknown"
        # Only the type: the `object` and message of an unraisable may be anything.
        self._log.error("an error could not be raised (%s); the kiosk carries on", kind)

    def _report(
        self, exc: BaseException, tb: TracebackType | None, thread: str, *, main: bool
    ) -> None:
        if exc.__traceback__ is None and tb is not None:
            exc = exc.with_traceback(tb)
        crash = Crash(thread=thread, exc_type=type(exc).__name__, main_thread=main)
        # Logging never raises (its handlers report their own errors); a bug in formatting the
        # traceback must still not stop the session from ending.
        with contextlib.suppress(Exception):
            self._log.critical(
                "unexpected %s in thread %s; the session ends\n%s",
                crash.exc_type,
                thread,
                safe_traceback(exc),
            )
        try:
            self._on_crash(crash)
        except Exception as err:  # noqa: BLE001 - never recurse into the hook
            self._log.error("the crash callback failed (%s)", type(err).__name__)

    # --- the hard-crash file -------------------------------------------------------------------

    def _open_crash_file(self) -> IO[str] | None:
        if self._folder is None:
            return None
        path = self._folder / CRASH_FILE
        try:
            self._folder.mkdir(parents=True, exist_ok=True)
            if path.exists() and path.stat().st_size > CRASH_FILE_MAX_BYTES:
                path.replace(path.with_name(CRASH_FILE + ".1"))
            # Unbuffered dumps: faulthandler writes to the descriptor directly anyway.
            return path.open("a", encoding="utf-8")
        except OSError as exc:
            self._log.warning("hard crashes go to stderr: cannot write %s (%s)", path, exc.strerror)
            return None
