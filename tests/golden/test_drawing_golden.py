"""Golden drawings: each bundled example's PDF rendered with pdftoppm and compared with the stored PNG of every
page, so that a regression in the drawing (a view moved, a table lost, a label gone) is seen.

After a deliberate change of the drawing, regenerate the images and LOOK at them before committing:
``make golden`` (``BALLMASK_UPDATE_GOLDEN=1 pytest tests/golden``).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from geometry.base.resources import example_paths
from geometry.export.run import export_design
from geometry.fileio import load_design
from tests.geometry.export.pdfread import page_texts, render

GOLDEN = Path(__file__).resolve().parent / "drawing"
DPI = 50
# Mean absolute grey difference (0-255) and number of pixels differing by more than 64 grey levels that a page
# may show: room for a slightly different poppler's antialiasing, yet one changed digit (a few pixels at 50 dpi)
# fails. The same poppler renders the same PDF to the same pixels.
MEAN_LIMIT = 0.1
CHANGED_PIXELS = 2


@pytest.mark.parametrize("example", [p.stem for p in example_paths()])
def test_drawing_matches_golden(example: str, tmp_path: Path) -> None:
    path = next(p for p in example_paths() if p.stem == example)
    design = load_design(path)
    pdf = export_design(design, tmp_path / f"{example}.pdf", "pdf", force=True).path
    pages = render(pdf, tmp_path / example, DPI)
    stored = sorted(GOLDEN.glob(f"{example}-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    if os.environ.get("BALLMASK_UPDATE_GOLDEN"):
        for p in stored:
            p.unlink()
        for i, p in enumerate(pages, start=1):
            shutil.copy(p, GOLDEN / f"{example}-{i}.png")
        pytest.skip("golden images written")
    assert len(stored) == len(pages), f"{example}: {len(pages)} pages, {len(stored)} golden images"
    for i, (got, want) in enumerate(zip(pages, stored, strict=True), start=1):
        a = np.asarray(Image.open(got).convert("L"), dtype=np.int16)
        b = np.asarray(Image.open(want).convert("L"), dtype=np.int16)
        assert a.shape == b.shape, f"{example} page {i}: size {a.shape} != {b.shape}"
        diff = np.abs(a - b)
        assert diff.mean() < MEAN_LIMIT, f"{example} page {i}: mean difference {diff.mean():.2f}"
        changed = int((diff > 64).sum())
        assert changed <= CHANGED_PIXELS, f"{example} page {i}: {changed} pixels changed"
    # and the text layer carries the fields the golden pictures show
    texts = [" ".join(t.split()) for t in page_texts(pdf)]
    assert all(design.drawing.drawing_number in t and f"of {len(texts)}" in t for t in texts)
    assert "OPENING TABLE" in " ".join(texts)
