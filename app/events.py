"""A minimal Qt-free event: the document tells its observers about changes without knowing Qt."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, ParamSpec

P = ParamSpec("P")


class Event(Generic[P]):
    """Callbacks connected with :meth:`connect`, called in order by :meth:`emit`."""

    def __init__(self) -> None:
        self._callbacks: list[Callable[P, None]] = []

    def connect(self, callback: Callable[P, None]) -> None:
        """Call ``callback`` on every emit."""
        self._callbacks.append(callback)

    def disconnect(self, callback: Callable[P, None]) -> None:
        """Stop calling ``callback``."""
        self._callbacks.remove(callback)

    def emit(self, *args: P.args, **kwargs: P.kwargs) -> None:
        """Call every callback."""
        for cb in list(self._callbacks):
            cb(*args, **kwargs)
