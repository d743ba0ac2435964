"""Bundled resources (example designs, JSON Schema, icons); installed as the package ``ballmask_resources``."""
