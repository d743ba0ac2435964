"""Dialogs of the main window: new design from a template, move, profile, export."""
