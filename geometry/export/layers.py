"""The one layer table: every file the mask maker gets is cut into these layers, named from the design's output
settings, each with its DXF colour, what it means, how it is made and from which side it is drawn.

Exporters (DXF, Gerber, PDF, the order notes) read names, colours and meanings from here and from nowhere else,
so a layer renamed in the settings is renamed in every file at once (house style 10).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from geometry.model.output_settings import OutputSettings


class Role(StrEnum):
    """What a layer holds."""

    OUTLINE = "outline"
    UPPER = "upper"
    LOWER = "lower"
    FIDUCIAL = "fiducial"
    WAFER = "wafer"
    TOOLING = "tooling"
    FRAME = "frame"
    NOTES = "notes"


class Side(StrEnum):
    """A face of the mask: upper (where the balls come from) or lower (facing the device)."""

    UPPER = "upper"
    LOWER = "lower"


# AutoCAD colour index per role; relief depths cycle through LOWER_COLOURS (deepest first).
OUTLINE_COLOUR = 7
UPPER_COLOUR = 1
LOWER_COLOURS = (5, 4, 6, 3, 30, 140)
FIDUCIAL_COLOUR = 2
WAFER_COLOUR = 9
TOOLING_COLOUR = 6
FRAME_COLOUR = 9
NOTES_COLOUR = 8

WAFER_MADE_HOW = "not made: reference only (for alignment and review), nothing on this layer is made"
FRAME_MADE_HOW = ("not made: reference only, the frame's outer edge and window and the foil's edge at the "
                  "pattern's position and rotation in the frame")

# What each role's layer holds, for every file and for the window's legend (a relief layer adds its depth).
ROLE_MEANINGS: dict[Role, str] = {
    Role.OUTLINE: "the mask's outer edge",
    Role.UPPER: "every opening's outline on the upper surface",
    Role.LOWER: "lower-surface outlines (merged where openings interconnect)",
    Role.FIDUCIAL: "alignment marks",
    Role.WAFER: "the wafer's rim with its notch or flat, and the edge of its usable area (inside the edge "
                "exclusion)",
    Role.TOOLING: "tooling holes through the sheet (fit over the fixture's tooling pins)",
    Role.FRAME: "the frame, its window and the foil, with the pattern placed in it",
    Role.NOTES: "title block and order notes",
}


def role_layer_name(role: Role, output: OutputSettings) -> str:
    """The layer name of a role in these output settings; the relief layers, one per depth, as their common
    prefix and ``*`` (LOWER_RELIEF_*)."""
    return {Role.OUTLINE: output.outline_layer, Role.UPPER: output.upper_layer, Role.LOWER: f"{output.lower_prefix}*",
            Role.FIDUCIAL: output.fiducial_layer, Role.WAFER: output.wafer_layer, Role.TOOLING: "TOOLING_*",
            Role.FRAME: "FRAME", Role.NOTES: output.notes_layer}[role]


@dataclass(frozen=True, slots=True)
class LayerSpec:
    """One artwork layer.

    ``depth_mm`` is the etch depth of a relief or half-etched layer (None for cut or through layers);
    ``seen_from`` is the side the drawing is viewed from (the lower side when mirrored); ``etched_from`` the
    side the etch starts from (None for notes).
    """

    role: Role
    name: str
    colour: int
    meaning: str
    made_how: str
    seen_from: Side
    etched_from: Side | None = None
    depth_mm: float | None = None

    @property
    def is_artwork(self) -> bool:
        """Whether the layer carries shapes (all but the notes; the WAFER reference layer's are not made)."""
        return self.role != Role.NOTES

    @property
    def is_made(self) -> bool:
        """Whether the shop makes the layer's shapes (not the notes, not the WAFER or FRAME reference)."""
        return self.role not in (Role.NOTES, Role.WAFER, Role.FRAME)

    @property
    def mirrored(self) -> bool:
        """Whether the layer is drawn as seen from the lower side (mirrored left to right)."""
        return self.seen_from == Side.LOWER


@dataclass(frozen=True, slots=True)
class ProcessWords:
    """How the shop's process makes each kind of shape, in the words of that process (an electroformed sheet is
    plated, not etched): the upper openings, a relief step, a relief through the sheet, the fiducials."""

    upper: str
    step: str  # {um}: the depth
    through: str  # {um}: the sheet's thickness
    fiducial_through: str
    fiducial_half: str  # {half}: " 140 um" or ""
    relief_meaning: str  # {um}: the depth
    outline: str = "cut"


ETCHED = ProcessWords(
    "through-etched", "half-etched {um} um deep from the lower side",
    "etched from the lower side through the full {um} um, meeting the upper etch (taper)",
    "through-etched", "half-etched{half} from the upper side",
    "lower-surface outlines, etch depth {um} um (merged where openings interconnect)",
)
LASER = ProcessWords(
    "laser-cut through the sheet", "half-etched {um} um deep from the lower side",
    "etched from the lower side through the full {um} um, meeting the upper cut (taper)",
    "laser-cut through the sheet", "half-etched{half} from the upper side",
    "lower-surface outlines, etch depth {um} um (merged where openings interconnect)", "laser-cut",
)
ELECTROFORMED = ProcessWords(
    "plated opening (no metal plated through the sheet)",
    "plated step: no metal plated in the lower {um} um inside this outline",
    "plated opening: no metal plated inside this outline through the full {um} um, up to the upper outline (taper)",
    "plated opening (no metal plated through the sheet)", "plated step{half} deep from the upper side",
    "lower-surface outlines, step depth {um} um (merged where openings interconnect)",
    "plated to this outline (the sheet's edge)",
)
PROCESS_WORDS = {"etched-stainless": ETCHED, "laser-cut-stainless": LASER, "electroformed-nickel": ELECTROFORMED}


def process_words(material: str) -> ProcessWords:
    """The process words of a mask material (etching words for a material not listed)."""
    return PROCESS_WORDS.get(material, ETCHED)


def lower_layer_spec(output: OutputSettings, depth_mm: float, index: int,
                     thickness_mm: float | None = None, material: str = "etched-stainless") -> LayerSpec:
    """The relief layer for one depth; ``index`` picks its colour (0 for the deepest). A relief as deep as the
    sheet (a taper) is made from the lower side until it meets the upper opening."""
    um = round(depth_mm * 1000)
    words = process_words(material)
    seen = Side.LOWER if output.mirror_lower else Side.UPPER
    through = thickness_mm is not None and depth_mm >= thickness_mm - 1e-9
    made = (words.through if through else words.step).format(um=um)
    return LayerSpec(
        Role.LOWER, output.lower_layer(depth_mm), LOWER_COLOURS[index % len(LOWER_COLOURS)],
        words.relief_meaning.format(um=um), made, seen, Side.LOWER, depth_mm,
    )


def fiducial_layer_names(output: OutputSettings, etches: Iterable[str]) -> dict[str, str]:
    """Layer name per fiducial etch: one layer when all fiducials are made alike, a suffix per etch otherwise."""
    kinds = sorted(set(etches))
    if len(kinds) <= 1:
        return dict.fromkeys(kinds, output.fiducial_layer)
    return {k: f"{output.fiducial_layer}_{k.upper()}" for k in kinds}


def layer_table(
    output: OutputSettings,
    relief_depths_mm: Iterable[float],
    fiducial_etches: Iterable[str] = (),
    thickness_mm: float | None = None,
    wafer: bool = False,
    material: str = "etched-stainless",
) -> tuple[LayerSpec, ...]:
    """All layers of a design's files, in drawing order: outline, the WAFER reference (``wafer``: a wafer
    layout), upper, reliefs (deepest first), fiducials, notes. ``thickness_mm`` gives the depth of half-etched
    fiducials (t / 2) in the meaning text; ``material`` the process words (:data:`PROCESS_WORDS`)."""
    words = process_words(material)
    layers = [
        LayerSpec(Role.OUTLINE, output.outline_layer, OUTLINE_COLOUR, ROLE_MEANINGS[Role.OUTLINE],
                  words.outline, Side.UPPER),
    ]
    if wafer:
        layers.append(LayerSpec(Role.WAFER, output.wafer_layer, WAFER_COLOUR, ROLE_MEANINGS[Role.WAFER],
                                WAFER_MADE_HOW, Side.UPPER))
    layers += [
        LayerSpec(Role.UPPER, output.upper_layer, UPPER_COLOUR, ROLE_MEANINGS[Role.UPPER],
                  words.upper, Side.UPPER, Side.UPPER),
    ]
    depths = sorted({round(float(d), 6) for d in relief_depths_mm if d > 0}, reverse=True)
    layers += [lower_layer_spec(output, d, i, thickness_mm, material) for i, d in enumerate(depths)]
    for etch, name in fiducial_layer_names(output, fiducial_etches).items():
        if etch == "through":
            made = words.fiducial_through
            depth = None
        else:
            half = f" {round(thickness_mm * 500)} um" if thickness_mm is not None else ""
            made = words.fiducial_half.format(half=half)
            depth = thickness_mm / 2.0 if thickness_mm is not None else None
        layers.append(LayerSpec(Role.FIDUCIAL, name, FIDUCIAL_COLOUR, ROLE_MEANINGS[Role.FIDUCIAL], made, Side.UPPER,
                                Side.UPPER, depth))
    layers.append(LayerSpec(Role.NOTES, output.notes_layer, NOTES_COLOUR, ROLE_MEANINGS[Role.NOTES],
                            "not made", Side.UPPER))
    return tuple(layers)
