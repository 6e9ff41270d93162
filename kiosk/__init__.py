"""Government Smart Kiosk: the session, orchestration, config and command line (no Qt here)."""

__version__ = "0.1.0"
