"""The shop package's reports: the site list (``sites.csv``), the layer stack (``stack.json``), the Gerber job file
(``.gbrjob``, the Gerber job format's JSON) and the README sections that summarise them.

They read the same facts as the drawing (:mod:`geometry.export.drawing.facts` and ``order``), so the package
and the PDF cannot disagree.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from geometry.derive.openings import opening_table
from geometry.export.artwork import Artwork
from geometry.export.drawing.facts import drawing_title, material_grade, opening_groups, site_states
from geometry.export.drawing.order import layer_stack, order_notes, registration_text
from geometry.export.drawing.tables import opening_rows, stack_rows
from geometry.export.drawing.tolerances import process_tolerances
from geometry.export.layers import LayerSpec, Role
from geometry.export.notes import TitleBlock
from geometry.model.design import Design

SITE_COLUMNS = ("name", "x_mm", "y_mm", "d_u_mm", "d_l_mm", "profile", "depth_mm", "state")
APP_VERSION = "0.1.0"


def sites_csv_text(design: Design) -> str:
    """One row per site: name, centre, d_u, d_l, profile kind, relief depth and state (empty sizes where closed)."""
    table = opening_table(design)
    state = site_states(design)
    kinds = np.array([o.kind for o in table.openings] + [""])[table.which]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(SITE_COLUMNS)

    def num(a: np.ndarray) -> list[str]:
        return ["" if np.isnan(v) else f"{v:.4f}" for v in a.tolist()]

    for row in zip(table.sites.names.tolist(), num(table.sites.x_mm), num(table.sites.y_mm), num(table.upper_mm),
                   num(table.lower_mm), kinds.tolist(), num(table.relief_mm), state.tolist(), strict=True):
        w.writerow(row)
    return buf.getvalue()


def stack_data(design: Design, art: Artwork) -> dict[str, Any]:
    """The layer stack as JSON data: sheet, each layer in the order of making, registration and frame."""
    tol = process_tolerances(design)
    frame = design.drawing.frame
    return {
        "design": design.name,
        "revision": design.revision,
        "units": "mm",
        "sheet": {"material": material_grade(design), "thickness_mm": design.mask.thickness_mm,
                  "thickness_tolerance_mm": tol.thickness_mm},
        "sides": {"upper": "where the balls come from (the artwork is drawn as seen from here)",
                  "lower": "faces the device"},
        "layers": layer_stack(design, art, tol),
        "registration": registration_text(design, tol),
        "frame": {"preset": frame.preset, "label": frame.label, "outer_mm": frame.outer_size(),
                  "foil_mm": frame.foil_size(), "border_mm": frame.border_mm,
                  "tooling_holes": [{"name": n, "x_mm": h.x_mm, "y_mm": h.y_mm, "diameter_mm": h.diameter_mm}
                                    for n, h in zip(frame.tooling_hole_names(), frame.tooling_holes, strict=True)]},
    }


def stack_json_text(design: Design, art: Artwork) -> str:
    """``stack.json``."""
    return json.dumps(stack_data(design, art), indent=2, ensure_ascii=False) + "\n"


def _function(spec: LayerSpec) -> str:
    if spec.role == Role.OUTLINE:
        return "Profile,NP"
    return f"Other,{spec.name}"


def gerber_job_text(design: Design, art: Artwork, title: TitleBlock, gerbers: Sequence[Path],
                    folder: str = "gerber") -> str:
    """The Gerber job file (Ucamco Gerber Job Format): header, general specs, files and the material stack."""
    x0, y0, x1, y1 = art.outline_rect
    by_name = {la.layer.name: la.layer for la in art.layers}
    guid = uuid.uuid5(uuid.NAMESPACE_URL, f"ballmask:{design.name}:{design.revision}")
    files = []
    for p in gerbers:
        spec = by_name.get(p.stem)
        if spec is None:
            continue
        where = f"{folder}/{p.name}" if folder not in ("", ".") else p.name
        files.append({"Path": where, "FileFunction": _function(spec), "FilePolarity": "Positive"})
    tol = process_tolerances(design)
    stack = [{"Type": "Other", "Name": drawing_title(design), "Material": material_grade(design),
              "Thickness": design.mask.thickness_mm,
              "Notes": f"ball-mount mask, thickness tolerance +-{tol.thickness_mm:.4f} mm"}]
    data = {
        "Header": {"GenerationSoftware": {"Vendor": "ballmask", "Application": "ballmask", "Version": APP_VERSION},
                   "CreationDate": f"{title.date}T00:00:00+00:00"},
        "GeneralSpecs": {
            "ProjectId": {"Name": design.name, "GUID": str(guid), "Revision": design.revision},
            "Size": {"X": round(x1 - x0, 6), "Y": round(y1 - y0, 6)},
            "LayerNumber": 1,
            "BoardThickness": design.mask.thickness_mm,
            "Finish": "None",
        },
        "FilesAttributes": files,
        "MaterialStackup": stack,
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows, strict=True)]
    def line(r: Sequence[str]) -> str:
        return "  " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
    return [line(header), "  " + "-+-".join("-" * w for w in widths), *(line(r) for r in rows)]


def readme_sections(design: Design, art: Artwork) -> list[str]:
    """README lines: the opening summary, the layer stack and the order notes (frame, tooling, fiducials, ...)."""
    tol = process_tolerances(design)
    groups = opening_groups(design)
    rows = opening_rows(design, groups, tol)
    return ["OPENINGS (summary of sites.csv; sizes in mm)",
           *_table(("No", "profile", "d_u", "d_l", "theta", "h_v", "depth", "count", "sites"), rows), "",
           "LAYER STACK (stack.json; in the order of making)",
           *_table(("step", "layer", "made", "from side", "depth", "drawn as seen from"),
                   stack_rows(layer_stack(design, art, tol))),
           "  " + registration_text(design, tol), "",
           "ORDER", *(f"  {n}" for n in order_notes(design, art, tol))]
