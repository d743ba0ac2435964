"""Structured mutants of the bundled examples: what a damaged, hand-edited or hostile design file may hold.

A mutant is the bytes of a file. Strategies change one thing in a real design (a number, a type, a string, the
nesting, a key) or damage the text as a whole (truncation, whitespace, binary), so most mutants get past the JSON
parser and reach the codec, the model and the pipeline, where the tracebacks used to come from.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

EXAMPLES_DIR = Path(__file__).resolve().parents[2] / "resources" / "examples"
EXAMPLES = {p.name: p.read_text(encoding="utf-8") for p in sorted(EXAMPLES_DIR.glob("*.ballmask"))}
RESIDUE_CSV = (EXAMPLES_DIR / "rework-bga-residue.csv").read_text(encoding="utf-8")

EXAMPLE_COUNT = int(os.environ.get("BALLMASK_FUZZ_EXAMPLES", "30"))
"""Examples per fuzz test: small for ``make test``, large for ``make fuzz``."""

_MARK = "@@MUTANT@@"

NUMBERS = ["0", "-0.0", "-1", "1e308", "-1e308", "1e-320", "5e-324", "2.2250738585072014e-308", "1e400",
           "-1e400", "NaN", "Infinity", "-Infinity", "9" * 5000, "-" + "9" * 5000, "1" * 30, "9223372036854775808",
           "1" + "0" * 400 + ".5", "0." + "0" * 500 + "1", "1e15", "1000.0001", "1e-7", "0.5", "3", "100001",
           "4000000", "1e9"]
TYPES = ["true", "false", "null", '"text"', "[]", "{}", "[1, 2]", '{"kind": "grid"}', '{"kind": "nope"}', '"0.5"']
STRINGS = ['""', '" "', '"\\ud800"', '"\\udfff x"', json.dumps("A" * 300), json.dumps("B" * 100_000), '"x\\ny"',
           '"OUTLINE"', '"outline"', '"LOWER_RELIEF_150UM"', '"\\u0000"', '"\\u00e9\\u4e2d"', '"A1"', '"C07R12:A1"']


def _nest(depth: int, obj: bool) -> str:
    return ('{"a": ' * depth + "1" + "}" * depth) if obj else ("[" * depth + "]" * depth)


NESTING = [_nest(70, False), _nest(70, True), _nest(2000, False), _nest(2000, True), _nest(100_000, False)]
WHOLE = [b"", b"   \n", b"\n\n\n", b"\x00\xff\xfe binary", b"[]", b"null", b"123", b'"a design"', b"{",
         b'{"format_version": 1}', b"\xef\xbb\xbf", b"\xef\xbb\xbf{}"]


def _paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*path, i))
    return out


def _set(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    target = data
    for k in path[:-1]:
        target = target[k]
    target[path[-1]] = value
    return data


def _get(data: Any, path: tuple[Any, ...]) -> Any:
    for k in path:
        data = data[k]
    return data


@st.composite
def design_mutants(draw: st.DrawFn) -> bytes:
    """The bytes of one mutated design file."""
    text = EXAMPLES[draw(st.sampled_from(sorted(EXAMPLES)))]
    how = draw(st.sampled_from(["value", "value", "value", "delete", "add", "truncate", "whole", "float", "int",
                                "scale", "scale", "scale"]))
    if how == "whole":
        return draw(st.sampled_from(WHOLE))
    if how == "truncate":
        cut = draw(st.integers(0, len(text) - 1))
        if draw(st.booleans()):  # cut just after a newline: the case whose error position used to crash
            cut = text.rfind("\n", 0, cut) + 1
        return text[:cut].encode("utf-8")
    data = json.loads(text)
    paths = _paths(data)
    path = paths[draw(st.integers(0, len(paths) - 1))]
    if how in {"delete", "add"}:
        parents = [p for p in paths if isinstance(_get(data, p), dict)]
        parent = parents[draw(st.integers(0, len(parents) - 1))]
        node = _get(data, parent)
        if how == "delete" and node:
            del node[draw(st.sampled_from(sorted(node)))]
        else:
            node[draw(st.sampled_from(["bogus", "kind", "x" * 1000, "format_version"]))] = 1
        return json.dumps(data).encode("utf-8")
    if how == "scale":  # a plausible number: most of these designs load, so the pipeline behind them runs
        numbers = [p for p in paths if isinstance(_get(data, p), int | float) and not isinstance(_get(data, p), bool)]
        for _ in range(draw(st.integers(1, 3))):
            p = numbers[draw(st.integers(0, len(numbers) - 1))]
            v = _get(data, p) * draw(st.sampled_from([0.01, 0.3, 0.5, 0.9, 1.1, 1.5, 2, 3, 10, 100, -1, 0]))
            _set(data, p, int(v) if isinstance(_get(data, p), int) else v)
        return json.dumps(data).encode("utf-8")
    if how == "float":
        raw = repr(draw(st.floats(allow_nan=True, allow_infinity=True)))
        raw = {"inf": "Infinity", "-inf": "-Infinity", "nan": "NaN"}.get(raw, raw)
    elif how == "int":
        raw = str(draw(st.integers(-(2**70), 2**70)))
    else:
        raw = draw(st.sampled_from(NUMBERS + TYPES + STRINGS + NESTING))
    return json.dumps(_set(data, path, _MARK)).replace(json.dumps(_MARK), raw).encode("utf-8")


@st.composite
def residue_mutants(draw: st.DrawFn) -> bytes:
    """The bytes of one mutated residue CSV."""
    lines = RESIDUE_CSV.splitlines()
    how = draw(st.sampled_from(["cell", "cell", "truncate", "line", "whole"]))
    if how == "whole":
        return draw(st.sampled_from([b"", b"\n", b"\x00\x01", b"name,height\n", b'"unclosed\n']))
    if how == "truncate":
        text = "\n".join(lines)
        return text[: draw(st.integers(0, len(text)))].encode("utf-8")
    if how == "line":
        lines.insert(draw(st.integers(1, len(lines))), draw(st.sampled_from(["", ",,,", "A1,0.01", "ZZ99,0.01",
                                                                              "A1,0.01,0.3,extra"])))
        return "\n".join(lines).encode("utf-8")
    row = draw(st.integers(0, len(lines) - 1))
    cells = lines[row].split(",")
    col = draw(st.integers(0, len(cells) - 1))
    cells[col] = draw(st.sampled_from(["2_5", "\u0662", "\uff11", "nan", "inf", "-0.01", "1e308", "", " ", "9" * 5000,
                                       "1" * 131_073, "\"q\"\"", "\ud800", "0x10", "1,5", "A1"]))
    lines[row] = ",".join(cells)
    return "\n".join(lines).encode("utf-8", "surrogatepass")
