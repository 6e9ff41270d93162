"""Maintenance mode's screens: the PIN pad, the status page, the card test, agencies, the
offline cache, the log and the kiosk's own actions (`ui.maintenance.controller` drives them;
the logic without Qt is `kiosk.maintenance.door*`)."""
