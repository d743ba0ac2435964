"""Guard for the PySide6 pin (<6.12 in pyproject.toml).

PySide6-Essentials 6.12.0 on CPython 3.11 aborts the whole process ("Fatal Python error: none_dealloc") after a
few hundred thousand calls of a Qt method that returns None: the refcount of None is decremented once too often
per call. This test makes 300,000 such calls; on a bad version the test run dies here, so an upgrade is tried on
purpose, not discovered in a user's session.
"""

from __future__ import annotations

import sys

from PySide6 import QtGui

CALLS = 300_000


def test_many_calls_of_a_qt_method_returning_none_do_not_abort() -> None:
    path = QtGui.QPainterPath()
    before = sys.getrefcount(None)
    results = [path.addEllipse(float(i % 100), 0.0, 1.0, 1.0) for i in range(CALLS)]
    assert all(r is None for r in results)
    assert path.elementCount() == CALLS * 13  # an ellipse is a moveTo and four cubic curves (3 points each)
    del results
    # None's refcount must not drift down by one per call (the 6.12.0 bug); allow other threads' noise
    assert sys.getrefcount(None) > before - 1000
