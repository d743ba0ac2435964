"""geometry.base.lazy and geometry.base.arrays: the two helpers that keep a cold ``ballmask check`` light."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from geometry.base import arrays
from geometry.base.arrays import distinct
from geometry.base.lazy import LazyModule

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("values", [
    np.array([3, 1, 3, 2, 1, 0], dtype=np.intp),
    np.array([], dtype=np.int64),
    np.array([[2.5, np.nan], [np.nan, -1.0]]),  # 2-D is flattened; NaNs count once, as np.unique does
    np.array([7, 7, 7], dtype=np.uint8),
])
def test_distinct_equals_numpy_unique(values: np.ndarray) -> None:
    got = distinct(values)
    want = np.unique(values)
    assert got.dtype == want.dtype
    np.testing.assert_array_equal(got, want)


def test_distinct_of_many_values_uses_numpys_own_unique(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(arrays, "HASH_FROM", 4)
    values = np.array([5, 1, 5, 9, 1], dtype=np.int64)
    np.testing.assert_array_equal(distinct(values), [1, 5, 9])


def test_distinct_does_not_import_numpy_ma() -> None:
    code = ("import sys\nimport numpy as np\nfrom geometry.base.arrays import distinct\n"
            "out = distinct(np.array([2, 1, 2]))\n"
            "assert out.tolist() == [1, 2], out\n"
            "print('numpy.ma' in sys.modules)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=REPO,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "False"


def test_lazy_module_imports_on_first_attribute_only() -> None:
    code = ("import sys\nfrom geometry.base.lazy import LazyModule\n"
            "m = LazyModule('colorsys')\n"
            "before = 'colorsys' in sys.modules\n"
            "value = m.rgb_to_hsv(1.0, 0.0, 0.0)\n"
            "print(before, 'colorsys' in sys.modules, value, m.rgb_to_hsv is sys.modules['colorsys'].rgb_to_hsv)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=REPO,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["False", "True", "(0.0,", "1.0,", "1.0)", "True"]


def test_lazy_module_reports_a_missing_attribute_as_the_module_would() -> None:
    with pytest.raises(AttributeError, match="no_such_function"):
        LazyModule("math").no_such_function  # noqa: B018


def test_distinct_rows_equals_numpy_unique_of_the_concatenation() -> None:
    from geometry.base.arrays import distinct_rows

    rng = np.random.default_rng(3)
    parts = [rng.integers(0, 500, k).astype(np.intp) for k in (0, 40, 700)]
    got = distinct_rows(500, *parts)
    np.testing.assert_array_equal(got, np.unique(np.concatenate(parts)))
    assert got.dtype == np.intp
    assert len(distinct_rows(10)) == 0
