"""PySide6 screens: the only package that imports Qt. It observes `kiosk` and sends intents."""
