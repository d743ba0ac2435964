"""Import a source file as an explicit layout: read, choose the layer, fix the unit, recognise, report.

Nothing is written here: :func:`import_layout` returns the layout with its :class:`ImportSource` and the report
lines, and the caller (the command line, the window) shows the report before it writes a design.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from geometry.base.errors import DesignError
from geometry.fileio.importers import read_source
from geometry.fileio.importers.base import UNIT_MM, PadCandidates, SourceData
from geometry.fileio.importers.recognise import Recognised, recognise
from geometry.model.layouts import ExplicitLayout, ImportSource, Recognition
from geometry.model.sites import PadKind


@dataclass(frozen=True, slots=True)
class ImportOptions:
    """The user's choices for one import (``units`` overrides the unit the file states, or gives a missing one)."""

    fmt: str | None = None
    layer: str | None = None
    units: str | None = None
    recognition: Recognition = Recognition()
    non_round: str = "refuse"
    magnification: float = 1.0
    pad_mm: float | None = None  # CSV rows without a pad


@dataclass(frozen=True, eq=False)
class ImportResult:
    """What one import found: the source, the chosen layer, the recognised sites and their report."""

    source: SourceData
    pads: PadCandidates
    recognised: Recognised
    unit: str
    record: ImportSource

    @property
    def layout(self) -> ExplicitLayout:
        """The explicit layout, its source recorded."""
        return ExplicitLayout(self.recognised.columns, self.record)

    @property
    def pad_kind(self) -> PadKind:
        """Solder-mask openings define SMD pads; everything else is taken for copper."""
        layer = self.pads.layer.lower()
        return PadKind.SOLDER_RESIST if ("mask" in layer or layer == "soldermask") else PadKind.COPPER

    def report_lines(self) -> list[str]:
        """The import report, one line per fact."""
        r, s = self.recognised, self.source
        rec = self.record.recognition
        lines = [f"source: {s.file} ({s.format}), unit {self.unit}"
                 + (f" (the file says {s.unit})" if s.unit and s.unit != self.unit else "")]
        lines += [f"  {n}" for n in s.notes]
        lines.append("layers: " + ", ".join(f"{k} {len(v)} pads" for k, v in s.layers.items()))
        lines.append(f"layer: {r.layer}")
        lines.append(f"view: {rec.view}" + (" (drawn from the ball side: mirrored about the y axis)"
                                           if r.mirrored else " (no mirror)"))
        n = len(r.columns)
        lines.append(f"pads: {n}" + (f" ({r.polygons_as_circles} polygons taken for circles within "
                                     f"{1000 * rec.circle_tol_mm:g} um)" if r.polygons_as_circles else ""))
        lines.append("size classes: " + ", ".join(f"{c} x {d:.4f} mm" for d, c in r.size_classes))
        g = r.grid
        if g is None:
            lines.append("grid: none detected (names generated)")
        else:
            cols = (g.cols + 1) // 2 if g.staggered else g.cols
            lines.append(f"grid: pitch {g.pitch_x_mm * (2 if g.staggered else 1):.4f} x {g.pitch_y_mm:.4f} mm, "
                         f"{g.rows} rows x {cols} columns, origin ({round(g.origin_x_mm, 4) + 0.0:.4f}, "
                         f"{round(g.origin_y_mm, 4) + 0.0:.4f}) mm, "
                         f"rotation {r.rotation_deg}{_ROTATION_FROM[r.rotation_from]}, "
                         f"{'staggered' if g.staggered else 'not staggered'}")
            lines.append(f"missing sites (depopulated): {len(r.depopulated)}" + _listing(r.depopulated))
            lines.append(f"largest snap: {1000 * r.largest_snap_mm:.3f} um (tolerance {1000 * rec.snap_tol_mm:g} um)")
        lines.append(f"off-grid pads: {len(r.off_grid)}" + _listing(r.off_grid))
        if r.inscribed:
            lines.append(f"non-round pads taken at their inscribed diameter: {len(r.inscribed)}"
                         + _listing(r.inscribed))
        lines.append(f"names: {'from the source' if r.names_from == 'source' else f'from the grid, A1 at {rec.a1}'}")
        return lines


_ROTATION_FROM = {"chosen": "", "names": " (told from the source's pad names)", "default": ""}


def _listing(names: tuple[str, ...], most: int = 12) -> str:
    if not names:
        return ""
    shown = ", ".join(names[:most])
    return f": {shown}" + (f", ... ({len(names) - most} more)" if len(names) > most else "")


def resolve_unit(source: SourceData, units: str | None) -> tuple[str, float]:
    """The unit the numbers are read in and the factor from the reader's mm to it."""
    if units is not None and units not in UNIT_MM:
        raise DesignError("--units", units, f"must be one of {', '.join(UNIT_MM)}")
    if units is None:
        if not source.unit:
            raise DesignError(f"{source.file} units", None,
                              "the file does not say its unit (R12 DXF, or $INSUNITS 0): give --units")
        return source.unit, 1.0
    base = UNIT_MM[source.unit] if source.unit else 1.0
    return units, UNIT_MM[units] / base


def import_layout(path: str | Path, options: ImportOptions = ImportOptions()) -> ImportResult:
    """Read, recognise and report one layer of a source file (see the module docstring)."""
    return import_source(read_options_source(Path(path), options), options)


def read_options_source(path: Path, options: ImportOptions) -> SourceData:
    """The source file read as ``options`` say (format, circle tolerance, magnification, CSV pad)."""
    return read_source(path, options.fmt, circle_tol_mm=options.recognition.circle_tol_mm,
                       magnification=options.magnification, pad_mm=options.pad_mm)


def import_source(source: SourceData, options: ImportOptions) -> ImportResult:
    """Recognise and report one layer of a source already read (the window reads once, recognises per choice).

    The reader fitted hierarchical GDS circles with the circle tolerance it was given: a source read with
    another tolerance than ``options`` has must be read again (:func:`read_options_source`).
    """
    pads = source.layer(options.layer)
    unit, factor = resolve_unit(source, options.units)
    if factor != 1.0:
        pads = pads.scaled(factor)
    try:
        recognised = recognise(pads, options.recognition, non_round=options.non_round)
    except DesignError as e:
        raise DesignError(f"{source.file} {e.path}", e.value, e.problem) from None
    record = ImportSource(source.file, source.format, pads.layer, source.sha256, unit, options.recognition)  # type: ignore[arg-type]
    return ImportResult(source, pads, recognised, unit, record)


@dataclass(frozen=True, eq=False)
class Comparison:
    """Pads of a source matched against the openings of a design, by nearest centre."""

    missing: tuple[tuple[float, float, float], ...]  # source pads with no opening: x, y, distance to nearest
    extra: tuple[tuple[str, float, float, float], ...]  # openings with no pad: name, x, y, distance
    matched: int
    largest_offset_mm: float

    @property
    def ok(self) -> bool:
        """True when every pad has its opening and every opening its pad."""
        return not self.missing and not self.extra


def compare_xy(src: np.ndarray, ours: np.ndarray, names: np.ndarray, tol_mm: float) -> Comparison:
    """Match source pad centres ``src`` (N, 2) with opening centres ``ours`` (M, 2) within ``tol_mm``."""
    from scipy.spatial import cKDTree

    if len(ours) == 0 or len(src) == 0:
        return Comparison(tuple((float(x), float(y), float("inf")) for x, y in src),
                          tuple((str(n), float(x), float(y), float("inf")) for n, (x, y) in zip(names, ours,
                                                                                                  strict=True)),
                          0, 0.0)
    d_src, j = cKDTree(ours).query(src)
    d_our, i = cKDTree(src).query(ours)
    mutual = (d_src <= tol_mm) & (i[j] == np.arange(len(src)))
    miss = np.flatnonzero(~mutual)
    matched_ours = np.zeros(len(ours), bool)
    matched_ours[j[mutual]] = True
    extra = np.flatnonzero(~matched_ours)
    return Comparison(
        tuple((float(src[k, 0]), float(src[k, 1]), float(d_src[k])) for k in miss),
        tuple((str(names[k]), float(ours[k, 0]), float(ours[k, 1]), float(d_our[k])) for k in extra),
        int(mutual.sum()), float(d_src[mutual].max()) if mutual.any() else 0.0,
    )


@dataclass(frozen=True, eq=False)
class SiteChanges:
    """What a re-import of a revised source changes, by site name."""

    added: tuple[str, ...]
    removed: tuple[str, ...]
    moved: tuple[tuple[str, float], ...]  # name, distance moved (mm)
    resized: tuple[tuple[str, float, float], ...]  # name, old and new pad diameter (mm)

    @property
    def empty(self) -> bool:
        """True when the revised source gives the same sites."""
        return not (self.added or self.removed or self.moved or self.resized)

    def lines(self) -> list[str]:
        """The change list, one line per change kind and site."""
        out = [f"sites added: {len(self.added)}" + _listing(self.added),
               f"sites removed: {len(self.removed)}" + _listing(self.removed)]
        out += [f"sites moved: {len(self.moved)}"] + [f"  {n} by {1000 * d:.3f} um" for n, d in self.moved[:50]]
        out += [f"sites resized: {len(self.resized)}"] + [f"  {n} {a:.4f} -> {b:.4f} mm" for n, a, b in
                                                          self.resized[:50]]
        return out


def site_changes(old: ExplicitLayout, new: ExplicitLayout, old_pad_mm: float, new_pad_mm: float,
                 tol_mm: float = 1e-4) -> SiteChanges:
    """Sites added, removed, moved and resized between two explicit layouts, by name.

    Moves and size changes under ``tol_mm`` (0.1 um) are not changes: a grid refitted to a revised file moves
    its nodes by nanometres.
    """
    a, b = old.sites, new.sites
    common, ia, ib = np.intersect1d(a.names, b.names, return_indices=True)
    added = np.setdiff1d(b.names, a.names)
    removed = np.setdiff1d(a.names, b.names)
    dist = np.hypot(a.x_mm[ia] - b.x_mm[ib], a.y_mm[ia] - b.y_mm[ib])
    moved = np.flatnonzero(dist > tol_mm)
    pa = np.where(np.isnan(a.pad_mm[ia]), old_pad_mm, a.pad_mm[ia])
    pb = np.where(np.isnan(b.pad_mm[ib]), new_pad_mm, b.pad_mm[ib])
    resized = np.flatnonzero(np.abs(pa - pb) > tol_mm)
    return SiteChanges(tuple(added.tolist()), tuple(removed.tolist()),
                       tuple((str(common[k]), float(dist[k])) for k in moved),
                       tuple((str(common[k]), float(pa[k]), float(pb[k])) for k in resized))
