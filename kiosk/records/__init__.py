"""Records on demand: the menu's services (`adapters.services`) as the kiosk asks them, one
tap at a time, with the offline cache behind the ones that may be kept."""
