"""The doctor's card checks: pcscd answers, readers are connected, and which hold a card.

Each call uses short-lived PC/SC contexts of its own on the calling thread (never the kiosk's
reader thread), so maintenance mode can call it from a worker while the kiosk runs. It never
connects to a card: it only lists readers and asks whether a card is present.
"""

from __future__ import annotations

from pathlib import Path

from kiosk.doctor.findings import Finding, JsonValue, fail, ok, warn

# pcsc-lite's socket: present while pcscd runs (or socket activation waits for a client).
PCSCD_SOCKET = Path("/run/pcscd/pcscd.comm")
PCSCD_TITLE = "Card reader service (pcscd)"
READERS_TITLE = "Card readers"


def check_card_service(socket: Path = PCSCD_SOCKET) -> list[Finding]:
    """Two findings: `pcscd` (the service answers) and `readers` (connected, cards in)."""
    from cardreader.pcscd_process import card_present, list_readers

    readers = list_readers()
    if readers is None:
        if _exists(socket):
            service = fail(
                "pcscd",
                PCSCD_TITLE,
                "pcscd is running but refuses this user (polkit): the kiosk is out of service",
                "install deploy/polkit-pcscd-kiosk.rules in /etc/polkit-1/rules.d/ so the kiosk "
                "user may use pcscd, or run the doctor as that user to see what it sees",
            )
        else:
            service = fail(
                "pcscd",
                PCSCD_TITLE,
                "pcscd is not running: the kiosk is out of service",
                "start it: `systemctl start pcscd.socket` (Debian package pcscd); "
                "`systemctl status pcscd` says why it stopped",
            )
        return [
            service,
            warn(
                "readers",
                READERS_TITLE,
                "not checked: pcscd does not answer",
                "fix pcscd first",
            ),
        ]
    service = ok("pcscd", PCSCD_TITLE, "pcscd answers")
    if not readers:
        return [
            service,
            fail(
                "readers",
                READERS_TITLE,
                "no card reader is connected: the kiosk is out of service",
                "plug the reader in (try another USB port or cable); `kiosk readers` lists "
                "what pcscd sees; a reader not listed may need its driver (libccid)",
                readers=[],
            ),
        ]
    listed: list[JsonValue] = []
    words = []
    for name in readers:
        present = card_present(name)
        listed.append({"reader": name, "card": present})
        state = {True: "card in", False: "empty", None: "state unknown"}[present]
        words.append(f"{name} ({state})")
    count = f"{len(readers)} reader{'s' if len(readers) != 1 else ''}"
    return [service, ok("readers", READERS_TITLE, f"{count}: {', '.join(words)}", readers=listed)]


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except OSError:
        return False
