"""How the top view draws many shapes: layers with level of detail, numpy rasters and tiles, Qt paths, picking.

Views (``app.views``) compose these; nothing here knows a panel or the window.
"""
