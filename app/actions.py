"""Every menu command as data: one table of id, menu, title, shortcut and a function over the shell.

The main window turns the table into QActions (app.main_window); the functions only talk to the document and to a
small :class:`Shell` protocol (dialogs, the view), so they run in tests with a fake shell and no Qt. Shortcuts are
strings: ``"std:Undo"`` names a platform standard key (QKeySequence.StandardKey.Undo), anything else is a key
sequence such as ``"F"`` or ``"Ctrl+M"``. The protocol and the record live in :mod:`app.action_shell`, the Rework
menu's commands in :mod:`app.rework_actions`.
"""

from __future__ import annotations

from collections.abc import Callable

from app import style
from app import tool_selector as tools
from app.action_shell import ActionSpec, Shell, apply_edit, exactly_two, has_selection, plural, selected, two_or_more
from app.rework_actions import (
    clear_rework_marks_selection,
    derive_rework_mask,
    edit_rework_settings,
    exactly_one,
    has_rework,
    import_residue_csv,
    mark_damaged_selection,
    mark_failed_selection,
)
from geometry.model.design import Design
from geometry.model.operations import (
    clear_profile,
    delete_sites,
    depopulate,
    forbid_merge,
    merge_channel,
    move_sites,
    restore,
    set_profile,
)
from geometry.model.tools import ToolKind


# -- File --------------------------------------------------------------------------------------------------------
def file_new(shell: Shell) -> None:
    """New design from a template (after asking about unsaved work)."""
    if not shell.confirm_discard():
        return
    design = shell.ask_new_design()
    if design is not None:
        shell.start_new(design)


def file_new_carrier(shell: Shell, form: str) -> None:
    """File > New > Strip... / Panel...: the carrier template dialog (after asking about unsaved work)."""
    if not shell.confirm_discard():
        return
    design = shell.ask_new_carrier(form)
    if design is not None:
        shell.start_new(design)


def _imported(shell: Shell) -> bool:
    from geometry.model.layouts import ExplicitLayout

    lay = shell.document.design.layout
    return isinstance(lay, ExplicitLayout) and lay.source is not None


def reimport_pads(shell: Shell) -> bool:
    """Re-import a revised pad file: the dialog shows the change list against the design first."""
    d = shell.document.design
    return import_pads(shell, against=(d.layout, d.pad.diameter_mm))


def import_pads(shell: Shell, against: object | None = None) -> bool:
    """Replace the layout by the pads of a customer's file (after its report was accepted), one undoable command."""
    from geometry.fileio.importers.importing import ImportResult
    from geometry.model.layouts import Pad, SiteEdits

    result = shell.ask_import_pads(against) if against is not None else shell.ask_import_pads()
    if not isinstance(result, ImportResult):
        return False
    layout = result.layout
    pad = Pad(result.recognised.pad_mm, result.pad_kind)

    def change(d: Design) -> Design:
        return d.with_(layout=layout, pad=pad, edits=SiteEdits())

    verb = "Re-import" if against is not None else "Import"
    ok = apply_edit(shell, f"{verb} {plural(len(layout.sites), 'pad')} from {result.source.file}", change)
    if ok:
        shell.fit_all()
        shell.info(f"Imported {plural(len(layout.sites), 'pad')} from {result.source.file} layer {result.pads.layer}")
    return ok


def file_open(shell: Shell) -> None:
    """Open a design file (after asking about unsaved work)."""
    if not shell.confirm_discard():
        return
    path = shell.ask_open_path()
    if path is not None:
        shell.open_path(path)


def file_save(shell: Shell) -> bool:
    """Save to the design's file, or ask for one."""
    path = shell.document.path
    if path is None:
        return file_save_as(shell)
    return shell.save_to(path)


def file_save_as(shell: Shell) -> bool:
    """Save under a new name."""
    path = shell.ask_save_path()
    return False if path is None else shell.save_to(path)


# -- Edit ----------------------------------------------------------------------------------------------------------
def undo_title(shell: Shell) -> str:
    """'Undo <command>' or plain 'Undo' when there is nothing to undo."""
    t = shell.document.stack.undo_text
    return f"Undo {t}" if t else "Undo"


def redo_title(shell: Shell) -> str:
    """'Redo <command>' or plain 'Redo'."""
    t = shell.document.stack.redo_text
    return f"Redo {t}" if t else "Redo"


def select_all(shell: Shell) -> None:
    """Select every site."""
    shell.document.set_selection(str(n) for n in shell.document.design.sites().names.tolist())


def clear_selection(shell: Shell) -> None:
    """Select nothing."""
    shell.document.set_selection(())


def depopulate_selection(shell: Shell) -> None:
    """No ball on the selected sites (their pads stay)."""
    names = selected(shell)
    if names:
        apply_edit(shell, f"Depopulate {plural(len(names))}", lambda d: depopulate(d, names))


def restore_selection(shell: Shell) -> None:
    """Put balls back on the selected sites."""
    names = selected(shell)
    if names:
        apply_edit(shell, f"Restore {plural(len(names))}", lambda d: restore(d, names))


def delete_selection(shell: Shell) -> None:
    """Remove the selected sites altogether, pads included."""
    names = selected(shell)
    if names:
        apply_edit(shell, f"Delete {plural(len(names))}", lambda d: delete_sites(d, names))


def move_selection(shell: Shell) -> None:
    """Move the selected sites by a vector the user gives."""
    names = selected(shell)
    if not names:
        return
    vec = shell.ask_move_vector()
    if vec is not None:
        dx, dy = vec
        apply_edit(shell, f"Move {plural(len(names))} by ({dx:.6g}, {dy:.6g}) mm",
                   lambda d: move_sites(d, names, dx, dy))


def set_profile_selection(shell: Shell) -> None:
    """Give the selected sites their own opening profile."""
    names = selected(shell)
    if not names:
        return
    profile = shell.ask_profile()
    if profile is not None:
        apply_edit(shell, f"Set {profile.kind} profile on {plural(len(names))}",
                   lambda d: set_profile(d, names, profile))


def clear_profile_selection(shell: Shell) -> None:
    """The selected sites go back to the default profile."""
    names = selected(shell)
    if names:
        apply_edit(shell, f"Default profile on {plural(len(names))}", lambda d: clear_profile(d, names))


def merge_selection(shell: Shell) -> None:
    """Join the lower outlines of the selected sites by channels (claim 7)."""
    names = selected(shell)
    if len(names) >= 2:
        apply_edit(shell, f"Merge {plural(len(names))}", lambda d: merge_channel(d, names))


def forbid_merge_selection(shell: Shell) -> None:
    """Never join the two selected sites."""
    names = selected(shell)
    if len(names) == 2:
        a, b = names
        apply_edit(shell, f"Forbid merging {a} and {b}", lambda d: forbid_merge(d, a, b))



def edit_drawing_info(shell: Shell) -> None:
    """Edit the drawing's title block, revisions, order data and frame (one undoable command)."""
    new = shell.ask_drawing_info(shell.document.design.drawing)
    if new is not None:
        apply_edit(shell, "Drawing Fields", lambda d: d.with_(drawing=new))



# -- the table -------------------------------------------------------------------------------------------------
def _toggle_layer(lid: str) -> Callable[[Shell], None]:
    return lambda s: s.set_layer_visible(lid, not s.layer_visible(lid))


def _layer_shown(lid: str) -> Callable[[Shell], bool]:
    return lambda s: s.layer_visible(lid)


def _layer_actions() -> list[ActionSpec]:
    return [ActionSpec(f"view.layer.{layer.id}", "View/Layers", layer.title, _toggle_layer(layer.id),
                       tip=f"Show or hide {layer.meaning}", checkable=True, checked=_layer_shown(layer.id),
                       shortcut=f"Alt+{i + 1}" if i < 9 else None)  # Alt+1 .. Alt+9
            for i, layer in enumerate(style.LAYERS)]


def _use_tool(tool: str) -> Callable[[Shell], None]:
    return lambda s: s.set_tool(tool)


def _tool_in_use(tool: str) -> Callable[[Shell], bool]:
    return lambda s: s.current_tool() == tool


def _tool_available(tool: str) -> Callable[[Shell], bool]:
    return lambda s: s.tool_available(tool)


def _tool_actions() -> list[ActionSpec]:
    tools = (("select", "&Select", "S", "Click a site, Shift-click to add, drag a box to select"),
             ("add", "&Add Site", "A", "Click on the grid to add a site (snaps to the pitch)"),
             ("measure", "&Measure", "M", "Click two sites: distance and upper web"),
             ("cut", "&Cut Line", "C", "Drag a line across the mask: the cross-section follows it"))
    return [ActionSpec(f"tools.{t}", "Tools", title, _use_tool(t), shortcut=key, tip=tip,
                       checkable=True, checked=_tool_in_use(t), group="tools", available=_tool_available(t))
            for t, title, key, tip in tools]


def _tool_kind_actions() -> list[ActionSpec]:
    """Tools > Mask, Flux Stencil, ...: which tool of the line the views show (app.tool_selector)."""
    return [ActionSpec(f"tools.show.{k.value}", "Tools", tools.TITLES[k], tools.show_tool(k), tools.KEYS[k],
                       tools.TIPS[k], checkable=True, checked=tools.tool_shown(k), group="tool_kind",
                       separator_before=i == 0) for i, k in enumerate(ToolKind)]


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("file.new", "File/New", "Design from &Template...", file_new, "std:New", "Start a new design"),
    ActionSpec("file.new_strip", "File/New", "&Strip...", lambda s: file_new_carrier(s, "strip"), None,
               "A substrate strip of a standard size: units in rows and blocks, each a ball grid"),
    ActionSpec("file.new_panel", "File/New", "&Panel...", lambda s: file_new_carrier(s, "panel"), None,
               "A substrate panel: units per row and column, their pitch and blocks, each a ball grid"),
    ActionSpec("file.open", "File", "&Open...", file_open, "std:Open", "Open a .ballmask design"),
    ActionSpec("file.import_pads", "File", "&Import Pads...", import_pads, None,
               "Start the layout from a customer's GDS, OASIS, Gerber, DXF, IPC-2581, KiCad or CSV pads"),
    ActionSpec("file.reimport_pads", "File", "&Re-import Pads...", reimport_pads, None,
               "Read a revised pad file: see the sites added, removed, moved and resized, then apply",
               enabled=_imported),
    ActionSpec("file.save", "File", "&Save", file_save, "std:Save", "Save the design", separator_before=True),
    ActionSpec("file.save_as", "File", "Save &As...", file_save_as, "std:SaveAs", "Save under a new name"),
    ActionSpec("file.export", "File", tools.export_title, tools.export_shown_tool, "Ctrl+E",
               "Write DXF, Gerber or PDF for the mask maker, or the files of the tool shown (Tools menu)",
               separator_before=True),
    ActionSpec("file.drawing", "File", "&Drawing and Title Block...", edit_drawing_info, None,
               "Title block, revisions, quantity, inspection and the frame of the fabrication drawing"),
    ActionSpec("file.close", "File", "&Close", lambda s: s.close_document(), "std:Close",
               "Close the design (asks about unsaved changes) and start from an empty template",
               separator_before=True),
    ActionSpec("file.quit", "File", "&Quit", lambda s: s.close_window(), "std:Quit", "Quit ballmask"),
    ActionSpec("edit.undo", "Edit", undo_title, lambda s: s.document.undo(), "std:Undo", "Undo the last change",
               enabled=lambda s: s.document.stack.can_undo),
    ActionSpec("edit.redo", "Edit", redo_title, lambda s: s.document.redo(), "std:Redo",
               "Redo what was undone (Ctrl+Y works too)", enabled=lambda s: s.document.stack.can_redo),
    ActionSpec("edit.select_all", "Edit", "Select &All", select_all, "std:SelectAll", "Select every site",
               separator_before=True),
    ActionSpec("edit.clear_selection", "Edit", "Select &None", clear_selection, "Esc", "Select nothing",
               enabled=has_selection),
    ActionSpec("edit.depopulate", "Edit", "&Depopulate", depopulate_selection, "std:Delete",
               "No ball on the selected sites (pads stay)", enabled=has_selection, separator_before=True),
    ActionSpec("edit.restore", "Edit", "&Restore", restore_selection, "Ctrl+R",
               "Put balls back on the selected sites", enabled=has_selection),
    ActionSpec("edit.delete", "Edit", "Delete Sites", delete_selection, "Shift+Del",
               "Remove the selected sites and their pads", enabled=has_selection),
    ActionSpec("edit.move", "Edit", "&Move...", move_selection, "Ctrl+M", "Move the selected sites by a vector",
               enabled=has_selection),
    ActionSpec("edit.move_to", "Edit", "Move &To...", lambda s: s.move_to_typed(), "Ctrl+Shift+M",
               "Move the selected sites so their centre lands on typed x, y", enabled=has_selection),
    ActionSpec("edit.add_site_at", "Edit", "Add Site &at...", lambda s: s.add_site_typed(), "Ctrl+Shift+A",
               "Add a site at typed x, y (in the display unit, relative to the origin)"),
    ActionSpec("edit.set_profile", "Edit", "Set &Profile for Selection...", set_profile_selection, "Ctrl+Shift+P",
               "Give the selected sites their own opening profile", enabled=has_selection, separator_before=True),
    ActionSpec("edit.clear_profile", "Edit", "Default Profile for Selection", clear_profile_selection, None,
               "The selected sites use the design's profile again", enabled=has_selection),
    ActionSpec("edit.merge", "Edit", "Mer&ge Selected", merge_selection, "Ctrl+G",
               "Join the selected sites' lower outlines by channels", enabled=two_or_more, separator_before=True),
    ActionSpec("edit.forbid_merge", "Edit", "&Forbid Merge", forbid_merge_selection, "Ctrl+Shift+G",
               "Never join the two selected sites' lower outlines", enabled=exactly_two),
    ActionSpec("edit.find", "Edit", "&Find Site...", lambda s: s.find_site(), "std:Find",
               "Select a site by its name (E11) and show it", separator_before=True),
    ActionSpec("edit.preferences", "Edit", "Pre&ferences...", lambda s: s.show_preferences(), "std:Preferences",
               "Units, theme, autosave interval, default folder, snap grid"),
    ActionSpec("view.fit", "View", "&Fit All", lambda s: s.fit_all(), "F", "Show all sites and the mask outline"),
    ActionSpec("view.fit_frame", "View", "Fit F&rame", lambda s: s.fit_frame(), "Shift+F",
               "Show the whole frame the foil is mounted in (File > Drawing and Title Block)",
               enabled=lambda s: s.document.design.drawing.frame.outer_size() is not None),
    ActionSpec("view.zoom_in", "View", "Zoom &In", lambda s: s.zoom(1.25), "std:ZoomIn|+", "Zoom in about the centre"),
    ActionSpec("view.zoom_out", "View", "Zoom &Out", lambda s: s.zoom(0.8), "std:ZoomOut|-",
               "Zoom out about the centre"),
    ActionSpec("view.zoom_selection", "View", "Zoom to &Selection", lambda s: s.zoom_to_selection(), "Shift+S",
               "Show the selected sites", enabled=has_selection),
    ActionSpec("view.zoom_findings", "View", "Zoom to Fin&dings", lambda s: s.zoom_to_findings(), "Shift+E",
               "Show every site with a check finding"),
    ActionSpec("view.cut_at", "View", "Cut &Line at...", lambda s: s.cut_typed(), "Ctrl+Shift+L",
               "The cross-section along a line through typed points", separator_before=True),
    ActionSpec("view.set_origin", "View", "Set &Origin...", lambda s: s.set_origin_typed(), "Ctrl+Shift+O",
               "Typed and shown coordinates are measured from this point"),
    ActionSpec("view.clear_rulers", "View", "Clear &Rulers", lambda s: s.clear_rulers(), "Shift+Esc",
               "Remove every ruler from the drawing"),
    ActionSpec("view.overlay_file", "View", "O&verlay File...", lambda s: s.add_overlay(), None,
               "Draw another DXF, Gerber or GDS file's pads over the top view, as a reference (not saved)",
               separator_before=True),
    ActionSpec("view.remove_overlays", "View", "Remove Overla&ys", lambda s: s.remove_overlays(), None,
               "Take the overlaid files off the top view", enabled=lambda s: s.has_overlays()),
    *_layer_actions(),
    *_tool_actions(),
    *_tool_kind_actions(),
    ActionSpec("rework.import_csv", "Rework", "&Import Residue CSV...", import_residue_csv, None,
               "Residue measured per site: name (or x, y), height, diameter"),
    ActionSpec("rework.settings", "Rework", "Residue and &Device...", edit_rework_settings, None,
               "The residue height and footprint on every site without a measurement, and the device's id"),
    ActionSpec("rework.damaged", "Rework", "Mark Selected &Damaged", mark_damaged_selection, "Ctrl+Shift+D",
               "The selected pads are lifted: no ball can go there", enabled=has_selection,
               separator_before=True),
    ActionSpec("rework.failed", "Rework", "Mark &Failed Place...", mark_failed_selection, None,
               "Note the electrically failed place at the selected site", enabled=exactly_one),
    ActionSpec("rework.clear_marks", "Rework", "&Clear Rework Marks on Selection", clear_rework_marks_selection,
               None, "The selected sites are neither damaged nor failed places",
               enabled=lambda s: has_selection(s) and has_rework(s)),
    ActionSpec("rework.derive", "Rework", "Derive &Rework Mask", derive_rework_mask, "Ctrl+Shift+R",
               "Close damaged sites; deepen or widen the lower relief where the residue needs it",
               enabled=has_rework, separator_before=True),
    ActionSpec("help.guide", "Help", "&User Guide", lambda s: s.show_guide(), "std:HelpContents",
               "The user guide, inside the application"),
    ActionSpec("help.shortcuts", "Help", "&Keyboard Shortcuts", lambda s: s.show_shortcuts(), "Ctrl+F1",
               "Every command with its keys"),
    ActionSpec("help.about", "Help", "&About ballmask", lambda s: s.show_about(), None, "Version and purpose",
               separator_before=True),
)

ACTION_BY_ID = {a.id: a for a in ACTIONS}
MENUS = ("File", "Edit", "View", "Tools", "Rework", "Help")
