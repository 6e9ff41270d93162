"""`kiosk doctor`: every check a technician needs, each a finding with a plain cause and a fix.
The same findings make maintenance mode's status page."""
