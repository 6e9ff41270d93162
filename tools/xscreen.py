"""A virtual X screen (Xvfb) whose pixels can be read from outside: the kiosk's window as a
citizen would see it, with no cooperation from the app.

Xvfb's `-fbdir` keeps the screen in a memory-mapped XWD file; `XScreen.frame()` reads its pixel
bytes. Used to see the kiosk reach its attract screen (tests/e2e/test_bundle.py) and to time how
long that takes (bench/bundle.py).
"""

from __future__ import annotations

import mmap
import os
import shutil
import struct
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

# Liveness bound for Xvfb to start (it takes ~0.2 s).
START_TIMEOUT_S = 10.0
_XWD_HEADER = struct.Struct(">25I")


class XScreenError(RuntimeError):
    """Xvfb could not be started, or its screen file is not what was expected."""


class XScreen:
    """Xvfb on a free display number, `width`x`height` at 24 bits; a context manager.

    `display` is the DISPLAY value for clients; `frame()` the screen's pixels (BGRX rows)."""

    def __init__(self, width: int = 1080, height: int = 1920) -> None:
        self.width, self.height = width, height
        self._dir = Path(tempfile.mkdtemp(prefix="kiosk-xscreen-"))
        self._process: subprocess.Popen[bytes] | None = None
        self._map: mmap.mmap | None = None
        self._offset = 0
        self._length = 0
        self.display = ""

    def __enter__(self) -> XScreen:
        self.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def start(self) -> None:
        """Start Xvfb and map its screen file."""
        xvfb = shutil.which("Xvfb")
        if xvfb is None:
            raise XScreenError("Xvfb is not installed (Debian package xvfb)")
        read_fd, write_fd = os.pipe()
        try:
            self._process = subprocess.Popen(  # noqa: S603 - Xvfb from PATH, fixed arguments
                [
                    xvfb,
                    "-displayfd",
                    str(write_fd),
                    "-screen",
                    "0",
                    f"{self.width}x{self.height}x24",
                    "-fbdir",
                    str(self._dir),
                    "-nolisten",
                    "tcp",
                    "-noreset",
                    "-br",  # a black root window, repainted when a window closes
                ],
                pass_fds=(write_fd,),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            os.close(write_fd)
            write_fd = -1
            number = _read_display_number(read_fd)
        finally:
            os.close(read_fd)
            if write_fd >= 0:
                os.close(write_fd)
        if number is None:
            self.close()
            raise XScreenError("Xvfb did not report a display number")
        self.display = f":{number}"
        self._map_screen()

    def _map_screen(self) -> None:
        path = self._dir / "Xvfb_screen0"
        with path.open("rb") as stream:
            self._map = mmap.mmap(stream.fileno(), 0, prot=mmap.PROT_READ)
        fields = _XWD_HEADER.unpack_from(self._map, 0)
        header_size, version, width, height = fields[0], fields[1], fields[4], fields[5]
        bits_per_pixel, bytes_per_line, ncolors = fields[11], fields[12], fields[19]
        if version != 7 or (width, height) != (self.width, self.height) or bits_per_pixel != 32:
            raise XScreenError(f"unexpected Xvfb screen file {fields[:13]}")
        self._offset = header_size + ncolors * 12
        self._length = bytes_per_line * height

    def frame(self) -> bytes:
        """The screen's pixels now: `height` rows of `width` BGRX pixels."""
        if self._map is None:
            raise XScreenError("the screen is not started")
        return self._map[self._offset : self._offset + self._length]

    def wait_for(
        self, accept: Callable[[bytes], bool], timeout: float, poll_s: float = 0.005
    ) -> bytes | None:
        """The first frame `accept` takes within `timeout` s, else None."""
        deadline = time.monotonic() + timeout
        while True:
            frame = self.frame()
            if accept(frame):
                return frame
            if time.monotonic() > deadline:
                return None
            time.sleep(poll_s)

    def wait_still(self, timeout: float, still_s: float = 1.0) -> bytes | None:
        """A painted frame that has not changed for `still_s` s, else None."""
        deadline = time.monotonic() + timeout
        last, since = self.frame(), time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.05)
            frame = self.frame()
            if frame != last:
                last, since = frame, time.monotonic()
            elif painted(frame) and time.monotonic() - since >= still_s:
                return frame
        return None

    def png(self, frame: bytes, path: Path) -> Path:
        """Write `frame` as a PNG (with Pillow, from the test extra) for a person to look at."""
        from PIL import Image

        stride = self._length // self.height
        image = Image.frombuffer("RGB", (self.width, self.height), frame, "raw", "BGRX", stride, 1)
        image.save(path)
        return path

    def close(self) -> None:
        """Stop Xvfb and remove its screen file."""
        if self._map is not None:
            self._map.close()
            self._map = None
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(START_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None
        shutil.rmtree(self._dir, ignore_errors=True)


def painted(frame: bytes) -> bool:
    """Whether a window covers most of the screen: Xvfb's root is black, and a BGRX frame's
    X bytes are zero anyway, so a painted screen has far fewer than half its bytes zero."""
    return frame.count(0) < len(frame) // 2


def _read_display_number(fd: int) -> int | None:
    """The display number Xvfb writes to `-displayfd` once it accepts clients."""
    deadline = time.monotonic() + START_TIMEOUT_S
    text = b""
    os.set_blocking(fd, False)
    while time.monotonic() < deadline:
        try:
            chunk = os.read(fd, 64)
        except BlockingIOError:
            time.sleep(0.01)
            continue
        if not chunk:
            break
        text += chunk
        if text.endswith(b"\n"):
            break
    return int(text) if text.strip().isdigit() else None
