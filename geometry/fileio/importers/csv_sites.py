"""CSV site lists (name, x, y[, pad]) through the same recognition step as the drawn formats."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from geometry.base.errors import DesignError
from geometry.fileio.importers.base import CandidateBuilder, Shape, SourceData, file_hash
from geometry.model.layouts import read_sites_csv


def read_csv(path: Path, pad_mm: float | None = None) -> SourceData:
    """The sites of a CSV file as round pads; rows without a pad take ``pad_mm`` (an error when it is None)."""
    cols = read_sites_csv(path).sites
    pad = cols.pad_mm
    if np.isnan(pad).any():
        if pad_mm is None:
            i = int(np.flatnonzero(np.isnan(pad))[0])
            raise DesignError(f"{path.name} site {cols.names[i]}", "", "has no pad diameter: give --pad")
        pad = np.where(np.isnan(pad), pad_mm, pad)
    b = CandidateBuilder("csv")
    b.add(cols.x_mm, cols.y_mm, Shape.ROUND, pad, pad, 0.0, cols.names)
    return SourceData(path.name, "csv", "mm", file_hash(path), {"csv": b.build()})
