"""The fabrication drawing; kept as the old import path of :mod:`geometry.export.drawing`."""

from geometry.export.drawing import pdf_bytes, write_pdf

__all__ = ["pdf_bytes", "write_pdf"]
