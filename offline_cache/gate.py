"""A gate that lets many operations use the database at once, and one replacement of the
database (after damage is found) wait until none is using it and hold new ones back."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class Gate:
    """Shared entry for operations, exclusive entry for swapping the database underneath."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._users = 0
        self._swapping = False

    @contextmanager
    def shared(self) -> Iterator[None]:
        """Held by each operation for as long as it uses the database."""
        with self._cond:
            while self._swapping:
                self._cond.wait()
            self._users += 1
        try:
            yield
        finally:
            with self._cond:
                self._users -= 1
                if self._users == 0:
                    self._cond.notify_all()

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """Held while the database is closed, moved aside or reopened. Not reentrant: never
        take it while holding `shared`."""
        with self._cond:
            while self._swapping:
                self._cond.wait()
            self._swapping = True
            while self._users:
                self._cond.wait()
        try:
            yield
        finally:
            with self._cond:
                self._swapping = False
                self._cond.notify_all()
