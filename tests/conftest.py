"""What every test shares: cyclic garbage is collected between tests once the window's policy turned the
automatic collector off (app.gc_policy), so the tests after the first Qt test do not pile it up."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from app.gc_policy import collect_due


@pytest.fixture(autouse=True)
def _collect_between_tests() -> Iterator[None]:
    yield
    if not gc.isenabled():
        collect_due()
