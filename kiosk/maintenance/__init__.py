"""Maintenance mode without Qt: the door (gesture, PIN, lockout, audit), the status report, the
masked test read, and the actions the screen's workers run."""
