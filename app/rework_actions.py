"""The Rework menu's commands (patent 002): residue in, damaged and failed sites marked, the rework mask derived.

Functions over the :class:`app.action_shell.Shell`, listed in the command table of :mod:`app.actions`.
"""

from __future__ import annotations

from pathlib import Path

from app.action_shell import Shell, apply_edit, plural, selected
from geometry.base.errors import DesignError
from geometry.model.design import Design
from geometry.model.rework import FailedPlace, Rework

DERIVE_REWORK = "Derive rework mask"
"""The command name of deriving the rework mask (the rework view compares against the design before it)."""


def _rework(shell: Shell) -> Rework:
    """The design's rework data, or empty rework data to start from."""
    return shell.document.design.rework or Rework()


def has_rework(shell: Shell) -> bool:
    return shell.document.design.rework is not None


def exactly_one(shell: Shell) -> bool:
    return len(shell.document.selection) == 1


def import_residue_csv(shell: Shell) -> bool:
    """Residue measurements per site from a CSV file (name or x, y; height; diameter), replacing older ones."""
    from geometry.fileio.residue_csv import read_residue_csv

    path = shell.ask_residue_csv_path()
    if path is None:
        return False
    design = shell.document.design
    try:
        measured = read_residue_csv(Path(path), design.sites())
    except DesignError as e:
        shell.error(f"Residue not imported from {Path(path).name}:\n{e}")
        return False
    if not measured:
        shell.error(f"Residue not imported: {Path(path).name} holds no measurement.")
        return False
    new = {m.site for m in measured}

    def change(d: Design) -> Design:
        rw = d.rework or Rework()
        kept = tuple(m for m in rw.measured if m.site not in new)
        return d.with_(rework=rw.with_(measured=kept + measured))

    ok = apply_edit(shell, f"Import residue of {plural(len(measured))} from {Path(path).name}", change)
    if ok:
        shell.info(f"Residue measured on {plural(len(measured))} imported from {path}")
    return ok


def mark_damaged_selection(shell: Shell) -> None:
    """The selected sites' pads are lifted: no ball can go there (the rework mask closes them)."""
    names = selected(shell)
    if names:
        def change(d: Design) -> Design:
            rw = d.rework or Rework()
            return d.with_(rework=rw.with_(damaged=rw.damaged + tuple(names)))

        apply_edit(shell, f"Mark {plural(len(names))} damaged", change)


def mark_failed_selection(shell: Shell) -> None:
    """Note the electrically failed place at the selected site, with the user's note."""
    names = selected(shell)
    if len(names) != 1:
        return
    site = names[0]
    note = shell.ask_failed_note(site)
    if note is None:
        return
    rw = _rework(shell)
    kept = tuple(f for f in rw.failed if f.site != site)
    apply_edit(shell, f"Mark failed place at {site}",
               lambda d: d.with_(rework=rw.with_(failed=(*kept, FailedPlace(site, note=note.strip())))))


def clear_rework_marks_selection(shell: Shell) -> None:
    """The selected sites are neither damaged nor a failed place any more."""
    names = set(selected(shell))
    rw = shell.document.design.rework
    if not names or rw is None:
        return
    new = rw.with_(damaged=tuple(n for n in rw.damaged if n not in names),
                   failed=tuple(f for f in rw.failed if f.site not in names))
    if new == rw:
        shell.info("The selected sites carry no rework marks.")
        return
    apply_edit(shell, f"Clear rework marks on {plural(len(names))}", lambda d: d.with_(rework=new))


def edit_rework_settings(shell: Shell) -> None:
    """The uniform residue (height, footprint diameter) and the device's identifier."""
    new = shell.ask_rework_settings(_rework(shell))
    if new is not None and new != shell.document.design.rework:
        apply_edit(shell, "Set residue and device", lambda d: d.with_(rework=new))


def derive_rework_mask(shell: Shell) -> bool:
    """Derive the rework mask as a new, unsaved design (``<name>-rework``, recording its production design) in a
    window of its own: damaged sites closed, failing sites given the smallest change that clears the residue.

    The production document is not touched: not its design, not its history, not its file.
    """
    from geometry.fileio.rework_design import derive_rework_design

    production = shell.document.design
    if production.rework is None:
        shell.error("The design carries no rework data: import residue or set the residue height first.")
        return False
    try:
        r = derive_rework_design(production)
    except DesignError as e:
        shell.error(f"Cannot derive the rework mask: {e}")
        return False
    shell.open_derived(r.design, production)
    text = (f"Rework mask {r.design.name} opened as a new, unsaved design: {plural(len(r.closed))} closed, "
            f"{plural(len(r.proposal.fixes))} changed")
    if r.proposal.unfixable:
        text += f", {plural(len(r.proposal.unfixable))} cannot be cleared (see the Rework panel)"
    shell.info(text + ".")
    return True
