"""Reading the drawing back with libraries other than the one that wrote it: pypdf for text, metadata and fonts,
pdfplumber (pdfminer) for text positions and line widths, pdftoppm for pixels."""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pdfplumber
from pypdf import PdfReader

MM = 72.0 / 25.4


def page_texts(path: Path) -> list[str]:
    """The text of each page (pypdf)."""
    return [p.extract_text() for p in PdfReader(path).pages]


def plumber_lines(path: Path) -> list[list[str]]:
    """Lines of text of each page in reading order (pdfplumber)."""
    with pdfplumber.open(path) as pdf:
        return [(p.extract_text() or "").splitlines() for p in pdf.pages]


def fonts(path: Path) -> list[dict[str, Any]]:
    """Every font dictionary used on any page (pypdf)."""
    out = []
    for page in PdfReader(path).pages:
        res = page.get("/Resources")
        font_dict = res.get_object().get("/Font") if res is not None else None
        if font_dict is None:
            continue
        for ref in font_dict.get_object().values():
            out.append(ref.get_object())
    return out


def text_overlaps(path: Path, slack: float = 0.3) -> list[tuple[int, str, str]]:
    """Pairs of words (pdfplumber boxes) on a page that overlap by more than ``slack`` points both ways."""
    bad = []
    with pdfplumber.open(path) as pdf:
        for n, page in enumerate(pdf.pages, start=1):
            words = page.extract_words(keep_blank_chars=True, use_text_flow=False)
            for a, b in itertools.combinations(words, 2):
                if (a["x0"] < b["x1"] - slack and b["x0"] < a["x1"] - slack and a["top"] < b["bottom"] - slack
                        and b["top"] < a["bottom"] - slack):
                    bad.append((n, a["text"], b["text"]))
    return bad


def text_outside(path: Path, margin_mm: float = 10.0) -> list[tuple[int, str]]:
    """Words that reach outside the drawing frame (ISO margins: 20 mm left, ``margin_mm`` elsewhere)."""
    out = []
    with pdfplumber.open(path) as pdf:
        for n, page in enumerate(pdf.pages, start=1):
            x0, x1 = 20 * MM, page.width - margin_mm * MM
            top, bottom = margin_mm * MM, page.height - margin_mm * MM
            for w in page.extract_words():
                if w["x0"] < x0 or w["x1"] > x1 or w["top"] < top or w["bottom"] > bottom:
                    out.append((n, w["text"]))
    return out


def outline_width_pt(path: Path, line_mm: float = 0.5) -> list[float]:
    """Widths (points) of the closed shapes on page 1 stroked with the outline's line width."""
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        shapes = page.rects + page.curves
        return [s["x1"] - s["x0"] for s in shapes if abs(s.get("linewidth", 0) - line_mm * MM) < 0.01]


def page_sizes_mm(path: Path) -> list[tuple[float, float]]:
    """Page sizes in mm."""
    return [(round(float(p.mediabox.width) / MM), round(float(p.mediabox.height) / MM))
            for p in PdfReader(path).pages]


def render(path: Path, out_stem: Path, dpi: int = 40) -> list[Path]:
    """Every page as a grey PNG (pdftoppm); the test is skipped where poppler is not installed."""
    import pytest

    exe = shutil.which("pdftoppm")
    if exe is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    subprocess.run([exe, "-r", str(dpi), "-gray", "-png", str(path), str(out_stem)], check=True)
    return sorted(out_stem.parent.glob(f"{out_stem.name}-*.png"), key=lambda p: int(re.findall(r"-(\d+)\.png$",
                                                                                                p.name)[0]))
