"""The fabrication drawing; kept as the old import path of :mod:`geometry.export.drawing`."""

from geometry.export.drawing import pdf_bytes, write_pdf
from geometry.export.drawing.artwork_paths import DRAW_LIMIT

__all__ = ["DRAW_LIMIT", "pdf_bytes", "write_pdf"]
