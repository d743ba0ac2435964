"""The door of the design file: one pass over the parsed JSON before any model object is made.

The codec and the model check meaning (a stepped profile's step below the thickness); this pass checks what no
field's own rule should have to think about, so that nothing a file holds can make the reader, the message or a
later computation fail: nesting depth, integers of thousands of digits (Python refuses to convert more than 4,300
digits, and would take seconds on fewer), number literals of unbounded length, infinities and denormals, strings
of unbounded length, lone surrogates (they cannot be printed or written as UTF-8) and control characters in names.
Every violation is one :class:`DesignError` naming the field path; the bounds are in :mod:`geometry.base.limits`
and docs/file-format.md.
"""

from __future__ import annotations

import json
import math
import re
import sys
from typing import Any

import numpy as np

from geometry.base.errors import DesignError
from geometry.base.limits import MAX_INT_DIGITS, MAX_NAME_CHARS, MAX_NESTING, MAX_NUMBER_CHARS, MAX_TEXT_CHARS

TEXT_FIELDS = frozenset({"notes", "note"})
"""Keys whose strings are free text (newlines allowed, up to MAX_TEXT_CHARS); every other string is a name."""

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")

_MAX_MAGNITUDE = 1e15
"""No number in a design file is larger; the model's own ranges (1 m for lengths) are far below it."""
_TOO_LARGE = f"is larger than {_MAX_MAGNITUDE:g}, far beyond any physical value (lengths are at most 1000 mm)"


class _Literal:
    """A number literal that was not converted (too many digits): the walk reports it with its field path."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        digits = len(self.text.lstrip("+-"))
        return self.text if digits <= 40 else f"{self.text[:20]}... ({digits} characters)"


def _parse_int(text: str) -> int | _Literal:
    return _Literal(text) if len(text.lstrip("-")) > MAX_INT_DIGITS else int(text)


def _parse_float(text: str) -> float | _Literal:
    return _Literal(text) if len(text) > MAX_NUMBER_CHARS else float(text)


def _parse_constant(name: str) -> float:
    # NaN and Infinity are not JSON, but Python writes them; read them so the message names the field.
    return float(name)


_NUMBER_BYTES = np.zeros(256, bool)
_NUMBER_BYTES[np.frombuffer(b"-+.0123456789eE", np.uint8)] = True
_FLOAT_MARKS = np.zeros(256, bool)
_FLOAT_MARKS[np.frombuffer(b".eE", np.uint8)] = True


def _literals_bounded(raw: bytes) -> bool:
    """Whether no run of number characters is longer than a literal may be, nor any run of digits (an integer)
    longer than MAX_INT_DIGITS: then the C parser's own number conversion gives what the bounded hooks would.

    Runs inside strings count too; they only send the file to the slower, hooked parse.
    """
    b = np.frombuffer(raw, np.uint8)
    num = np.zeros(b.shape[0] + 2, bool)
    num[1:-1] = _NUMBER_BYTES[b]
    edges = np.flatnonzero(num[1:] != num[:-1])
    starts, ends = edges[::2], edges[1::2]
    length = ends - starts
    if length.shape[0] == 0:
        return True
    if int(length.max()) > MAX_NUMBER_CHARS:
        return False
    long = np.flatnonzero(length > MAX_INT_DIGITS)
    if long.shape[0] == 0:
        return True
    marks = np.concatenate([[0], np.cumsum(_FLOAT_MARKS[b], dtype=np.int64)])
    is_int = marks[ends[long]] == marks[starts[long]]
    digits = length[long] - (b[starts[long]] == ord("-"))
    return not bool(np.any(is_int & (digits > MAX_INT_DIGITS)))


def parse_json(text: str) -> Any:
    """``json.loads`` with number literals kept bounded; RecursionError becomes a :class:`DesignError`.

    A file whose literals are all short (every file ballmask writes) is parsed by the C parser alone; a Python
    call per number would cost seconds on a million-site list. json.JSONDecodeError propagates (the caller
    reports its line and column).
    """
    try:
        if _literals_bounded(text.encode("utf-8", "surrogatepass")):
            return json.loads(text, parse_constant=_parse_constant)
        return json.loads(text, parse_int=_parse_int, parse_float=_parse_float, parse_constant=_parse_constant)
    except RecursionError:
        line = _deep_line(text)
        raise DesignError(f"line {line}", text.splitlines()[line - 1][:80] if text.strip() else "",
                          f"lists and objects are nested more than {MAX_NESTING} deep") from None


def _deep_line(text: str) -> int:
    """The line where the nesting first goes deeper than MAX_NESTING (strings are not told apart: a hint)."""
    b = np.frombuffer(text.encode("utf-8", "surrogatepass"), dtype=np.uint8)
    step = np.zeros(b.shape, dtype=np.int32)
    step[(b == ord("[")) | (b == ord("{"))] = 1
    step[(b == ord("]")) | (b == ord("}"))] = -1
    over = np.flatnonzero(np.cumsum(step) > MAX_NESTING)
    at = int(over[0]) if len(over) else 0
    return int(np.count_nonzero(b[:at] == ord("\n"))) + 1


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def check_tree(data: Any) -> None:
    """Walk the parsed file (iteratively: the depth is bounded here, not by Python's stack)."""
    stack: list[tuple[str, str, Any, int]] = [("", "", data, 0)]
    while stack:
        path, key, value, depth = stack.pop()
        if isinstance(value, dict):
            if depth >= MAX_NESTING:
                raise DesignError(path, "{...}", f"lists and objects are nested more than {MAX_NESTING} deep")
            items = list(value.items())
            for k, v in reversed(items):
                _check_string(_join(path, "<key>"), k, limit=MAX_NAME_CHARS, free=False)
                stack.append((_join(path, k), k, v, depth + 1))
        elif isinstance(value, list):
            if depth >= MAX_NESTING:
                raise DesignError(path, "[...]", f"lists and objects are nested more than {MAX_NESTING} deep")
            if len(value) > 64 and _plain_list_ok(value, key):
                continue  # a long column of plain numbers or names, checked at once (compact site lists)
            for i in range(len(value) - 1, -1, -1):
                stack.append((f"{path}[{i}]", key, value[i], depth + 1))
        elif isinstance(value, str):
            free = key in TEXT_FIELDS
            _check_string(path, value, limit=MAX_TEXT_CHARS if free else MAX_NAME_CHARS, free=free)
        else:
            _check_scalar(path, value)


def _check_scalar(path: str, value: Any) -> None:
    """A number literal, integer or float of the parsed file (strings, lists and objects are walked above)."""
    if isinstance(value, _Literal):
        raise DesignError(path, value, f"is a number of more than {MAX_INT_DIGITS} digits"
                          if "." not in value.text and "e" not in value.text.lower()
                          else f"is a number literal of more than {MAX_NUMBER_CHARS} characters")
    if isinstance(value, bool) or value is None:
        return
    if isinstance(value, int):
        if abs(value) > _MAX_MAGNITUDE:
            raise DesignError(path, value, _TOO_LARGE)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise DesignError(path, value, "must be a finite number")
        if abs(value) > _MAX_MAGNITUDE:
            raise DesignError(path, value, _TOO_LARGE)
        if value != 0.0 and abs(value) < sys.float_info.min:
            raise DesignError(path, value, "is a denormal number (too close to 0 to compute with)")


def _plain_list_ok(items: list[Any], key: str) -> bool:
    """Whether a list holds only numbers or only strings that all pass (vectorised); False: walk it one by one."""
    kinds = set(map(type, items))
    if kinds <= {int, float}:
        a = np.asarray(items, dtype=np.float64)
        mag = np.abs(a)
        return bool(np.all(np.isfinite(a)) and np.all(mag <= _MAX_MAGNITUDE)
                    and not np.any((mag > 0) & (mag < sys.float_info.min)))
    if kinds == {str}:
        limit = MAX_TEXT_CHARS if key in TEXT_FIELDS else MAX_NAME_CHARS
        if max(map(len, items)) > limit:
            return False
        joined = "".join(items)
        try:
            joined.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return key in TEXT_FIELDS or _CONTROL.search(joined) is None
    return False


def _check_string(path: str, value: str, *, limit: int, free: bool) -> None:
    if len(value) > limit:
        raise DesignError(path, value, f"is longer than {limit:,} characters ({len(value):,})")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise DesignError(path, value, "is not valid Unicode (a lone surrogate)") from None
    if not free and _CONTROL.search(value):
        raise DesignError(path, value, "must not hold control characters (newlines, tabs)")
