"""Finding, starting and stopping pcscd with vsmartcard's vpcd readers (tests, benchmark, demo).

pcscd's socket is machine-wide, so there is one pcscd for everyone: `PcscdService.ensure()`
reuses one that is already up with the vpcd readers, and otherwise starts its own in the
foreground (never `--auto-exit`, which would let it vanish between tests). Readiness is probed
through the reader list, never by connecting to vpcd: vpcd takes any TCP connection for a card.

Only a pcscd this process started may be stopped or restarted (`owned`).
"""

from __future__ import annotations

import shutil
import subprocess
import time
from types import TracebackType

from smartcard import scard

VPCD_READERS = ("Virtual PCD 00 00", "Virtual PCD 00 01")


class PcscdError(RuntimeError):
    """pcscd could not be found, started or made ready."""


def list_readers() -> list[str] | None:
    """Reader names pcscd reports right now, or None when pcscd is not answering.

    Uses a short-lived context of its own on the calling thread (never a `ReaderThread`'s).
    """
    hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if hresult != scard.SCARD_S_SUCCESS:
        return None
    try:
        hresult, readers = scard.SCardListReaders(context, [])
        if hresult == scard.SCARD_E_NO_READERS_AVAILABLE:
            return []
        if hresult != scard.SCARD_S_SUCCESS:
            return None
        return list(readers)
    finally:
        scard.SCardReleaseContext(context)


def card_present(reader: str) -> bool | None:
    """Whether pcscd sees a card in `reader` right now; None when pcscd or the reader is gone.

    A short-lived context of its own on the calling thread, like `list_readers`.
    """
    hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if hresult != scard.SCARD_S_SUCCESS:
        return None
    try:
        hresult, states = scard.SCardGetStatusChange(
            context, 0, [(reader, scard.SCARD_STATE_UNAWARE)]
        )
        if hresult != scard.SCARD_S_SUCCESS:
            return None
        event_state = states[0][1]
        if event_state & (scard.SCARD_STATE_UNKNOWN | scard.SCARD_STATE_UNAVAILABLE):
            return None
        return bool(event_state & scard.SCARD_STATE_PRESENT)
    finally:
        scard.SCardReleaseContext(context)


def wait_for_card(reader: str, *, present: bool, timeout: float = 5.0) -> bool:
    """Wait until pcscd sees a card in `reader` (or none, with `present=False`)."""
    deadline = time.monotonic() + timeout
    while card_present(reader) is not present:
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.02)
    return True


def vpcd_ready(readers: list[str] | None) -> bool:
    """True when the reader list holds both vpcd readers."""
    return readers is not None and all(name in readers for name in VPCD_READERS)


def wait_for(ready: bool, timeout: float) -> bool:
    """Wait until pcscd's vpcd readers are there (`ready`) or pcscd is gone (not `ready`)."""
    deadline = time.monotonic() + timeout
    while True:
        readers = list_readers()
        if vpcd_ready(readers) if ready else readers is None:
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)


class PcscdService:
    """The machine's pcscd as this process uses it: reused, or started (and owned) by us."""

    def __init__(self, *, owned: bool) -> None:
        self._owned = owned
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def owned(self) -> bool:
        """True when this process started pcscd and may stop, start or restart it."""
        return self._owned

    @property
    def running(self) -> bool:
        """True while our pcscd process runs (always False for a reused one)."""
        return self._process is not None and self._process.poll() is None

    @property
    def pid(self) -> int | None:
        """pcscd's process id when we own it."""
        return self._process.pid if self._process is not None else None

    @classmethod
    def ensure(cls, timeout: float = 10.0) -> PcscdService:
        """Reuse a pcscd that shows the vpcd readers, else start one and wait until it does."""
        readers = list_readers()
        if vpcd_ready(readers):
            return cls(owned=False)
        if readers is not None:
            raise PcscdError(
                "pcscd is running without vsmartcard's vpcd readers; install vsmartcard-vpcd "
                "and restart pcscd"
            )
        service = cls(owned=True)
        service.start(timeout)
        return service

    def start(self, timeout: float = 10.0) -> None:
        """Start our own `pcscd --foreground` and wait until its vpcd readers are listed."""
        if not self._owned:
            raise PcscdError("pcscd was already running and is not ours to start")
        if self.running:
            return
        binary = shutil.which("pcscd") or "/usr/sbin/pcscd"
        try:
            process = subprocess.Popen(  # noqa: S603 - a fixed program, no user input
                [binary, "--foreground"],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        except OSError as exc:
            raise PcscdError(f"cannot start pcscd ({exc.strerror})") from exc
        self._process = process
        if not wait_for(ready=True, timeout=timeout):
            code = process.poll()
            self.stop()
            why = f"it exited with code {code}" if code is not None else "no vpcd readers"
            raise PcscdError(f"pcscd did not become ready in {timeout:.0f} s ({why})")

    def stop(self, timeout: float = 10.0) -> None:
        """Stop our pcscd (SIGTERM, then SIGKILL) and wait until the service is gone."""
        if not self._owned:
            raise PcscdError("pcscd was already running and is not ours to stop")
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout)
        wait_for(ready=False, timeout=timeout)

    def restart(self, timeout: float = 10.0) -> None:
        """Stop and start our pcscd (its readers vanish and come back)."""
        if not self.owned:
            raise PcscdError("only a pcscd this process started may be restarted")
        self.stop(timeout)
        self.start(timeout)

    def close(self) -> None:
        """Stop pcscd if we own it; leave a shared one alone."""
        if self._owned:
            self.stop()

    def __enter__(self) -> PcscdService:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
