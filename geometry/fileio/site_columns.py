"""The design-file form of an explicit site list: columns (one JSON array per field), not one object per site.

A million imported sites as objects are ~100 MB of JSON that Python's indenting encoder writes in tens of
seconds. As columns, each array is one line written by the C encoder (floats as ``repr``, the codec's rule), and
reading is ``json.loads`` plus one numpy conversion per column. The older form, a list of site objects, is still
read.

``{"names": ["A1", ...], "x_mm": [...], "y_mm": [...], "pad_mm": [0.3, null, ...], "pad_kind": ["copper", null]}``:
``pad_mm`` and ``pad_kind`` are written only when some site has its own, ``null`` where a site takes the design's.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
from numpy.typing import NDArray

from geometry.base.errors import DesignError
from geometry.fileio.codec import JSON, Codec
from geometry.model.layouts.explicit import NO_KIND, ExplicitSite, SiteColumns
from geometry.model.sites import PadKind

_KIND_TEXT = {int(PadKind.COPPER): "copper", int(PadKind.SOLDER_RESIST): "solder-resist"}
_KIND_OF_TEXT = {v: k for k, v in _KIND_TEXT.items()}
_COLUMNS = ("names", "x_mm", "y_mm", "pad_mm", "pad_kind")
_FIELD_OF_COLUMN = {"names": "name", "x_mm": "x_mm", "y_mm": "y_mm", "pad_mm": "pad_mm", "pad_kind": "pad_kind"}
_COLUMN_OF_FIELD = {v: k for k, v in _FIELD_OF_COLUMN.items()}


def columns_to_data(cols: SiteColumns) -> dict[str, list[Any]]:
    """The columns as plain lists (what the file holds)."""
    out: dict[str, list[Any]] = {"names": cols.names.tolist(), "x_mm": cols.x_mm.tolist(), "y_mm": cols.y_mm.tolist()}
    if cols.has_own_pads():
        pad = cols.pad_mm.astype(object)
        pad[np.isnan(cols.pad_mm)] = None
        out["pad_mm"] = pad.tolist()
    if cols.has_own_kinds():
        out["pad_kind"] = [_KIND_TEXT.get(k) for k in cols.pad_kind.tolist()]
    return out


def columns_to_text(cols: SiteColumns, indent: str) -> str:
    """The column object as file text: one line per column, ``indent`` the indent of the line holding it."""
    inner = indent + "  "
    lines = [f'{inner}"{key}": {json.dumps(values, ensure_ascii=False, allow_nan=False)}'
             for key, values in columns_to_data(cols).items()]
    return "{\n" + ",\n".join(lines) + "\n" + indent + "}"


def decode_sites(data: JSON, path: str, codec: Codec) -> SiteColumns:
    """Columns from either file form; :class:`DesignError` naming the column and row (or the site) on bad data."""
    if isinstance(data, list):
        items = [codec.decode(item, ExplicitSite, f"{path}[{i}]") for i, item in enumerate(data)]
        try:
            return SiteColumns.of(items)
        except DesignError as e:
            raise e.under(path.rsplit(".", 1)[0] if path.endswith(".sites") else path) from None
    if not isinstance(data, dict):
        raise DesignError(path, type(data).__name__, "must be an object of site columns (or a list of sites)")
    unknown = [k for k in data if k not in _COLUMNS]
    if unknown:
        raise DesignError(f"{path}.{unknown[0]}", unknown[0],
                          f"is not a site column; the columns are {', '.join(_COLUMNS)}")
    for key in ("names", "x_mm", "y_mm"):
        if key not in data:
            raise DesignError(f"{path}.{key}", None, "is missing (it has no default)")
    for key, values in data.items():
        if not isinstance(values, list):
            raise DesignError(f"{path}.{key}", type(values).__name__, "must be a list with one value per site")
    names = data["names"]
    for key, values in data.items():
        if len(values) != len(names):
            raise DesignError(f"{path}.{key}", len(values), f"must have one value per site ({len(names)} names)")
    bad = None if set(map(type, names)) <= {str} else next(i for i, v in enumerate(names) if not isinstance(v, str))
    if bad is not None:
        raise DesignError(f"{path}.names[{bad}]", names[bad], "must be text")
    x = _numbers(data["x_mm"], f"{path}.x_mm", allow_null=False)
    y = _numbers(data["y_mm"], f"{path}.y_mm", allow_null=False)
    pad = _numbers(data["pad_mm"], f"{path}.pad_mm", allow_null=True) if "pad_mm" in data else None
    kind = _kinds(data["pad_kind"], f"{path}.pad_kind") if "pad_kind" in data else None

    def where(i: int, field: str) -> str:
        return f"{path}.{_COLUMN_OF_FIELD[field]}[{i}]"

    return SiteColumns(names, x, y, pad, kind, where=where)


def _numbers(values: list[Any], path: str, *, allow_null: bool) -> NDArray[np.float64]:
    """A list of JSON numbers (``null`` = NaN where allowed) as float64; vectorised, a loop only to name a culprit."""
    allowed = {int, float, type(None)} if allow_null else {int, float}
    if not set(map(type, values)) <= allowed:  # one C-level pass; bool and str are refused, not converted
        i = next(i for i, v in enumerate(values) if type(v) not in allowed)
        raise DesignError(f"{path}[{i}]", values[i], "must be a number" + (" or null" if allow_null else ""))
    raw = np.asarray([np.nan if v is None else v for v in values] if allow_null else values)
    if raw.dtype.kind not in "iuf" and len(values):  # integers beyond 64 bits
        i = next((i for i, v in enumerate(values) if isinstance(v, int) and abs(v) >= 2**63), 0)
        raise DesignError(f"{path}[{i}]", values[i], "is too large")
    arr = raw.astype(np.float64)
    if not allow_null and np.isnan(arr).any():  # NaN read from a non-standard file
        i = int(np.flatnonzero(np.isnan(arr))[0])
        raise DesignError(f"{path}[{i}]", values[i], "must be a finite number")
    return arr


def _kinds(values: list[Any], path: str) -> NDArray[np.uint8]:
    out = np.empty(len(values), np.uint8)
    for i, v in enumerate(values):
        if v is None:
            out[i] = NO_KIND
        elif isinstance(v, str) and v in _KIND_OF_TEXT:
            out[i] = _KIND_OF_TEXT[v]
        else:
            raise DesignError(f"{path}[{i}]", v, "must be copper, solder-resist or null")
    return out
