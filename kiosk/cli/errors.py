"""Exit codes and the one exception type a command raises to end with a plain sentence."""

from __future__ import annotations

EXIT_OK = 0
EXIT_CHECK_FAILED = 1  # `kiosk doctor` found a failing check
EXIT_USAGE = 2  # usage or config error, a malformed CID argument included
EXIT_NO_READER = 3  # no reader, no card, pcscd down
EXIT_BAD_CARD = 4  # not a Thai ID card, or unreadable (bad checksum, pulled mid-read)


class CliError(Exception):
    """End the command with `exit_code` and this message on stderr (one plain sentence)."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code
