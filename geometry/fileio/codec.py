"""Frozen dataclasses to JSON values and back, driven by their type hints.

The design file is a tree of small frozen dataclasses; writing a reader and a writer per class would drift from
the classes and forget new fields. This codec walks the type hints instead, so a field added to any dataclass
(with a default, so that older files still load) is read and written without touching the file code.

Rules, one for every type (``docs/file-format.md`` describes them for users):

- dataclass: a JSON object with one key per field, in declaration order. A field is left out exactly when its
  value is ``None`` and its default is ``None`` (an unset optional value); every other field is written, even at
  its default, so a file never changes meaning when a default changes. On reading, a missing field takes its
  default, a missing field without a default is an error, an unknown key is an error.
- tagged union (a union of dataclasses with a ``kind`` class variable, or a protocol with a registry of kinds):
  the object carries ``"kind"`` first, then the fields of that kind.
- enum: the member's name in lower case with ``-`` for ``_`` (``PadKind.SOLDER_RESIST`` -> ``"solder-resist"``).
- tuple: a JSON array (``tuple[X, ...]`` any length, ``tuple[X, Y]`` exactly that many).
- float: any JSON number, finite; written with ``repr`` (the shortest text that reads back to the same float).
- int: a JSON integer; bool: ``true``/``false``; str: a string; ``Literal``: one of its values; ``X | None``.

Every problem raises :class:`DesignError` whose path names the field (``overrides[2].profile.kind``); errors
from a dataclass's own validation are caught and given the path of the object that raised them.
"""

from __future__ import annotations

import dataclasses
import enum
import inspect
import math
import sys
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any

from geometry.base.errors import DesignError

JSON = Any
"""A value json.dumps writes: dict, list, str, int, float, bool or None."""

NoneType = type(None)


@dataclasses.dataclass(frozen=True, slots=True)
class FieldAdapter:
    """A custom JSON form for one field, e.g. a tuple of (name, value) pairs written as a JSON object.

    ``decode(data, path)`` returns the value passed to the dataclass; it raises :class:`DesignError` naming
    ``path`` (or a path below it) on bad data.
    """

    encode: Callable[[Any], JSON]
    decode: Callable[[JSON, str], Any]


def join(path: str, key: str) -> str:
    """``mask`` + ``thickness_mm`` -> ``mask.thickness_mm``; the root has the empty path."""
    return f"{path}.{key}" if path else key


def enum_text(member: enum.Enum) -> str:
    """The file form of an enum member: its name in lower case, ``-`` for ``_``."""
    return member.name.lower().replace("_", "-")


def hints(cls: type) -> dict[str, Any]:
    """Resolved type hints of every field of a dataclass (its module's names, postponed annotations evaluated)."""
    return {f.name: hint(cls, f.name) for f in dataclasses.fields(cls)}


class _ModuleNames(dict[str, Any]):
    """A module's names, for evaluating its annotations: a name the module imports on first use (through its
    ``__getattr__``, as :mod:`geometry.model.design` does for the rework data) is imported when an annotation
    reads it. Empty itself: every look-up asks the module, so nothing is copied."""

    def __init__(self, module: types.ModuleType) -> None:
        super().__init__()
        self._module = module

    def __missing__(self, name: str) -> Any:
        try:
            return getattr(self._module, name)
        except AttributeError:
            raise KeyError(name) from None  # not the module's: eval goes on to the class's names, the builtins


_HINT: dict[tuple[type, str], Any] = {}
_NAMES: dict[type, tuple[dict[str, Any], _ModuleNames]] = {}


def hint(cls: type, name: str) -> Any:
    """The resolved type hint of the field ``name`` of a dataclass (what ``hints(cls)[name]`` is), cached.

    The codec resolves only the fields a file holds or a design sets, one at a time, so a field whose type lives
    in a module imported on first use (the rework data, the companion tools, the carrier features of a design
    that has none) does not import it (issue 12). Evaluated as :func:`typing.get_type_hints` evaluates a class's
    annotation: its module's names first, then the class's own.
    """
    key = (cls, name)
    if key not in _HINT:
        owner = next(b for b in cls.__mro__ if name in inspect.get_annotations(b))  # the class that declares it
        if owner not in _NAMES:
            _NAMES[owner] = dict(vars(owner)), _ModuleNames(sys.modules[owner.__module__])
        own, module = _NAMES[owner]
        holder = types.SimpleNamespace(__annotations__={name: inspect.get_annotations(owner)[name]})
        _HINT[key] = typing.get_type_hints(holder, globalns=own, localns=module)[name]
    return _HINT[key]


def tag_of(cls: type) -> str | None:
    """The ``kind`` class variable of a tagged dataclass, None when ``kind`` is a field or absent."""
    if not dataclasses.is_dataclass(cls):
        return None
    if any(f.name == "kind" for f in dataclasses.fields(cls)):
        return None
    kind = getattr(cls, "kind", None)
    return kind if isinstance(kind, str) else None


def _default(f: dataclasses.Field[Any]) -> Any:
    if f.default is not dataclasses.MISSING:
        return f.default
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return dataclasses.MISSING


def _type_name(tp: Any) -> str:
    if tp is float:
        return "a number"
    if tp is int:
        return "a whole number"
    if tp is str:
        return "text"
    if tp is bool:
        return "true or false"
    return getattr(tp, "__name__", str(tp))


class Codec:
    """Encode and decode dataclass trees.

    ``registries`` maps an abstract type (a ``Protocol`` such as ``Layout``) to its kinds (``{"grid":
    GridLayout}``); ``adapters`` maps (dataclass, field name) to a :class:`FieldAdapter`.
    """

    def __init__(
        self,
        registries: Mapping[Any, Mapping[str, type]] | None = None,
        adapters: Mapping[tuple[type, str], FieldAdapter] | None = None,
    ) -> None:
        self.registries = dict(registries or {})
        self.adapters = dict(adapters or {})

    # -- encoding ----------------------------------------------------------------------------------------
    def encode(self, value: Any, tp: Any = None) -> JSON:  # noqa: PLR0911 (one return per value type)
        """The JSON value for ``value`` of declared type ``tp`` (the value's own type when None)."""
        if value is None:
            return None
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return self._encode_dataclass(value)
        if isinstance(value, enum.Enum):
            return enum_text(value)
        if isinstance(value, bool):
            return value
        if isinstance(value, float) or (isinstance(value, int) and self._wants_float(tp)):
            if not math.isfinite(value):
                raise DesignError("", value, "cannot be written: not a finite number")
            return float(value)
        if isinstance(value, int | str):
            return value
        if isinstance(value, tuple | list):
            return [self.encode(v, t) for v, t in zip(value, self._item_types(tp, len(value)), strict=True)]
        raise TypeError(f"cannot encode {type(value).__name__} in a design file")

    def _encode_dataclass(self, value: Any) -> dict[str, JSON]:
        cls = type(value)
        out: dict[str, JSON] = {}
        tag = tag_of(cls)
        if tag is not None:
            out["kind"] = tag
        for f in dataclasses.fields(cls):
            v = getattr(value, f.name)
            if v is None and _default(f) is None:
                continue
            adapter = self.adapters.get((cls, f.name))
            try:
                out[f.name] = adapter.encode(v) if adapter else self.encode(v, hint(cls, f.name))
            except DesignError as e:
                raise e.under(f.name) if e.path else DesignError(f.name, e.value, e.problem) from None
        return out

    @staticmethod
    def _wants_float(tp: Any) -> bool:
        return tp is float or (_is_union(tp) and float in typing.get_args(tp))

    @staticmethod
    def _item_types(tp: Any, n: int) -> list[Any]:
        args = typing.get_args(tp) if typing.get_origin(tp) is tuple else ()
        if len(args) == 2 and args[1] is Ellipsis:
            return [args[0]] * n
        if len(args) == n:
            return list(args)
        return [None] * n

    # -- decoding ----------------------------------------------------------------------------------------
    def decode(self, data: JSON, tp: Any, path: str = "") -> Any:  # noqa: PLR0911, PLR0912 (one branch per value type)
        """The value of type ``tp`` that ``data`` describes; :class:`DesignError` naming ``path`` if it cannot."""
        if tp is Any:
            return data
        if _is_union(tp):
            return self._decode_union(data, tp, path)
        if tp in self.registries:
            return self._decode_tagged(data, self.registries[tp], path)  # no copy: lazy kinds load on use
        origin = typing.get_origin(tp)
        if origin is typing.Literal:
            allowed = typing.get_args(tp)
            if data not in allowed or isinstance(data, bool):
                raise DesignError(path, data, f"must be one of {', '.join(map(str, allowed))}")
            return data
        if origin is tuple:
            return self._decode_tuple(data, tp, path)
        if isinstance(tp, type) and issubclass(tp, enum.Enum):
            return self._decode_enum(data, tp, path)
        if tp is bool:
            if not isinstance(data, bool):
                raise DesignError(path, data, "must be true or false")
            return data
        if tp is int:
            if isinstance(data, bool) or not isinstance(data, int):
                raise DesignError(path, data, "must be a whole number")
            return data
        if tp is float:
            if isinstance(data, bool) or not isinstance(data, int | float):
                raise DesignError(path, data, "must be a number")
            if not math.isfinite(data):
                raise DesignError(path, data, "must be a finite number")
            return float(data)
        if tp is str:
            if not isinstance(data, str):
                raise DesignError(path, data, "must be text")
            return data
        if isinstance(tp, type) and dataclasses.is_dataclass(tp):
            tag = tag_of(tp)
            if tag is not None:
                return self._decode_tagged(data, {tag: tp}, path)
            return self._decode_fields(data, tp, path, set())
        raise TypeError(f"{path}: the design file cannot hold values of type {tp!r}")

    def _decode_union(self, data: JSON, tp: Any, path: str) -> Any:
        args = [a for a in typing.get_args(tp) if a is not NoneType]
        if data is None:
            if len(args) < len(typing.get_args(tp)):
                return None
            raise DesignError(path, data, "must have a value")
        if len(args) == 1:
            return self.decode(data, args[0], path)
        kinds = {tag_of(a): a for a in args}
        if None not in kinds:
            return self._decode_tagged(data, kinds, path)  # type: ignore[arg-type]
        for a in args:  # a plain union (say int | str): the first type that accepts the value
            try:
                return self.decode(data, a, path)
            except DesignError:
                continue
        raise DesignError(path, data, f"must be {' or '.join(_type_name(a) for a in args)}")

    def _decode_tagged(self, data: JSON, kinds: Mapping[str, type], path: str) -> Any:
        if not isinstance(data, dict):
            raise DesignError(path, data, "must be an object with a \"kind\"")
        if "kind" not in data:
            raise DesignError(join(path, "kind"), None, f"is missing: one of {', '.join(kinds)}")
        kind = data["kind"]
        if not isinstance(kind, str) or kind not in kinds:
            raise DesignError(join(path, "kind"), kind, f"is not a known kind: one of {', '.join(kinds)}")
        return self._decode_fields(data, kinds[kind], path, {"kind"})

    def _decode_tuple(self, data: JSON, tp: Any, path: str) -> tuple[Any, ...]:
        if not isinstance(data, list):
            raise DesignError(path, data, "must be a list")
        args = typing.get_args(tp)
        if not (len(args) == 2 and args[1] is Ellipsis) and len(data) != len(args):
            raise DesignError(path, data, f"must be a list of {len(args)} items")
        return tuple(self.decode(v, t, f"{path}[{i}]")
                     for i, (v, t) in enumerate(zip(data, self._item_types(tp, len(data)), strict=True)))

    @staticmethod
    def _decode_enum(data: JSON, tp: type[enum.Enum], path: str) -> enum.Enum:
        by_text = {enum_text(m): m for m in tp}
        if not isinstance(data, str) or data not in by_text:
            raise DesignError(path, data, f"must be one of {', '.join(by_text)}")
        return by_text[data]

    def _decode_fields(self, data: JSON, cls: type, path: str, skip: set[str]) -> Any:
        if not isinstance(data, dict):
            raise DesignError(path, data, "must be an object")
        fields = {f.name: f for f in dataclasses.fields(cls)}
        unknown = [k for k in data if k not in fields and k not in skip]
        if unknown:
            raise DesignError(join(path, unknown[0]), unknown[0],
                              f"is not a field of {_what(path)}; the fields are {', '.join(fields)}")
        kwargs: dict[str, Any] = {}
        for name, f in fields.items():
            if name not in data:
                if _default(f) is dataclasses.MISSING:
                    raise DesignError(join(path, name), None, "is missing (it has no default)")
                continue
            adapter = self.adapters.get((cls, name))
            sub = join(path, name)
            kwargs[name] = adapter.decode(data[name], sub) if adapter else self.decode(data[name], hint(cls, name), sub)
        try:
            return cls(**kwargs)
        except DesignError as e:
            if not path:
                raise
            raise e.under(path) from None
        except (TypeError, ValueError) as e:  # validation that did not use DesignError
            raise DesignError(path, data, f"is not valid: {e}") from None


def _is_union(tp: Any) -> bool:
    return isinstance(tp, types.UnionType) or typing.get_origin(tp) is typing.Union


def _what(path: str) -> str:
    return f"'{path}'" if path else "the design"
