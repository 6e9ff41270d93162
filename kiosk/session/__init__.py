"""The citizen's session: the state machine, its events and commands, the view the screens
draw, and the ports it asks the outside world through. Plain Python: no Qt, no I/O library."""
