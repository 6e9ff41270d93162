"""The kiosk's screens (pages of the window), its bottom bar and the inactivity warning."""
