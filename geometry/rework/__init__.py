"""Rework (patent 002, claims 8-16): reballing a device peeled off its board.

- :mod:`~geometry.rework.model`: the rework data a design carries (``Design.rework``): device, sites without a ball
  as built, damaged sites, residue (one value or measured per site), failed places. Imports no design code.
- :mod:`~geometry.rework.residue_csv`: residue measurements from CSV (name or nearest x, y).
- :mod:`~geometry.rework.clearance`: the ``residue-clear`` check in the cross-section, vectorised per opening.
- :mod:`~geometry.rework.propose`: the rework mask (closures, smallest per-site changes): ``derive_rework``.
- :mod:`~geometry.rework.review`: the review (states, lists, production vs rework) and its text form.
- :mod:`~geometry.rework.command`: ``ballmask rework``.

Nothing is imported here: :mod:`geometry.design` imports the model, and the other modules import the design.
"""
