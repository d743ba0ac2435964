"""Value classes whose hash is computed once per value: a design and the parts of it that hold many sites.

Derived geometry is cached by design (``lru_cache`` on the design, on its layout, on its edits), so every cached
lookup hashes the key. A frozen dataclass's generated ``__hash__`` hashes all its fields again on every call: for
a design with 100,000 moved or overridden sites that is the whole tuple of names every mouse move. A value
class that derives from :class:`HashedOnce` (and is declared ``eq=False`` so that the dataclass keeps these
methods) computes its hash the first time it is asked and keeps it in a slot that is not a field: it is not in
``dataclasses.fields`` (the file codec never sees it), not in the repr, not compared, and not pickled (the
frozen slots dataclass pickles its fields only), so a value sent to another process, where string hashes
differ, hashes again there. ``dataclasses.replace`` builds a new value, which starts without a hash.

Equality is the dataclass's (the same class, equal fields in order), with two short cuts: a value equals itself
without looking at its fields, and two values that both know their hash and whose hashes differ are unequal.
"""

from __future__ import annotations

import dataclasses
from typing import Any

_NAMES: dict[type, tuple[str, ...]] = {}


def _fields_of(obj: object) -> tuple[Any, ...]:
    """The compared fields of a dataclass value, in order (what the generated ``__eq__`` and ``__hash__`` use)."""
    cls = type(obj)
    names = _NAMES.get(cls)
    if names is None:
        names = tuple(f.name for f in dataclasses.fields(obj) if f.compare)  # type: ignore[arg-type]
        _NAMES[cls] = names
    return tuple(getattr(obj, n) for n in names)


class HashedOnce:
    """Base of a frozen slots dataclass (declared with ``eq=False``) whose hash is computed once per value."""

    __slots__ = ("_hash",)
    _hash: int

    def __hash__(self) -> int:
        try:
            return self._hash
        except AttributeError:  # the slot is empty until the first hash
            h = hash(_fields_of(self))
            object.__setattr__(self, "_hash", h)
            return h

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        if other.__class__ is not self.__class__:
            return NotImplemented
        mine = getattr(self, "_hash", None)
        theirs = getattr(other, "_hash", None)
        if mine is not None and theirs is not None and mine != theirs:
            return False
        return _fields_of(self) == _fields_of(other)
