"""The kiosk put together from its configuration, without Qt: the services `kiosk run` holds
besides its window, the card reader as the session's port, and the demo's surroundings."""
