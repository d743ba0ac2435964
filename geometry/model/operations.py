"""Edits a designer makes, as pure functions Design -> Design.

The window's commands, the command line and the tests all call these, so an edit means the same everywhere and
is testable without Qt. Each returns a new, validated design (DesignError when the result would be invalid).
"""

from __future__ import annotations

from collections.abc import Iterable

from geometry.base.errors import DesignError
from geometry.model.design import Design, MergeSettings, ProfileOverride
from geometry.model.layouts import ExplicitSite
from geometry.model.profiles import Profile
from geometry.model.sites import SiteState


def _names(names: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(names))


def _existing(design: Design, names: Iterable[str]) -> tuple[str, ...]:
    """The names, refused (DesignError naming the first) when the design has no site of that name: an edit
    of a site that is not there would do nothing and hide a typo."""
    n = _names(names)
    absent = (design.sites().rows_of(n) < 0).tolist()  # one batch lookup, not one per name
    missing = [name for name, a in zip(n, absent, strict=True) if a]
    if missing:
        more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
        raise DesignError("sites", missing[0], f"the layout has no site of that name{more}")
    return n


def depopulate(design: Design, names: Iterable[str]) -> Design:
    """No ball (and no opening) on these sites; the pads stay."""
    return design.with_(edits=design.edits.with_state(_existing(design, names), SiteState.DEPOPULATED))


def restore(design: Design, names: Iterable[str]) -> Design:
    """Put balls back on depopulated sites."""
    return design.with_(edits=design.edits.with_state(_existing(design, names), SiteState.POPULATED))


def move_sites(design: Design, names: Iterable[str], dx_mm: float, dy_mm: float) -> Design:
    """Move sites by a vector (mm)."""
    return design.with_(edits=design.edits.with_moves(_existing(design, names), dx_mm, dy_mm))


def delete_sites(design: Design, names: Iterable[str]) -> Design:
    """Remove sites altogether (pads too)."""
    return design.with_(edits=design.edits.with_removed(_existing(design, names)))


def add_site(design: Design, x_mm: float, y_mm: float, name: str | None = None) -> Design:
    """Add a hand-placed site; named ``X1``, ``X2``... unless a name is given."""
    sites = design.sites()
    if name is None:
        k = 1
        while sites.has(f"X{k}"):
            k += 1
        name = f"X{k}"
    elif sites.has(name):
        raise DesignError("name", name, "a site of that name exists already")
    return design.with_(edits=design.edits.with_added(ExplicitSite(name, x_mm, y_mm)))


def set_profile(design: Design, names: Iterable[str], profile: Profile) -> Design:
    """Give sites their own profile (an override; the last override of a site wins)."""
    n = _names(names)
    if not n:
        raise DesignError("sites", [], "select at least one site")
    if profile == design.profile:
        return clear_profile(design, n)
    kept = _without(design.overrides, set(n))
    return design.with_(overrides=(*kept, ProfileOverride(n, profile)))


def clear_profile(design: Design, names: Iterable[str]) -> Design:
    """Sites go back to the design's default profile."""
    return design.with_(overrides=_without(design.overrides, set(_names(names))))


def _without(overrides: tuple[ProfileOverride, ...], names: set[str]) -> tuple[ProfileOverride, ...]:
    out = []
    for o in overrides:
        rest = tuple(s for s in o.sites if s not in names)
        if rest:
            out.append(ProfileOverride(rest, o.profile))
    return tuple(out)


def merge_channel(design: Design, names: Iterable[str]) -> Design:
    """Join the lower outlines of these sites, in this order, by channels (claim 7)."""
    n = _names(names)
    if len(n) < 2:
        raise DesignError("channels", list(n), "select two sites or more to merge")
    m = design.merge
    forbidden = tuple(p for p in m.forbidden if not (p[0] in n and p[1] in n))
    return design.with_(merge=MergeSettings(m.auto, (*m.channels, n), forbidden))


def forbid_merge(design: Design, a: str, b: str) -> Design:
    """Never join these two sites by a channel (and drop channels that join them directly)."""
    m = design.merge
    channels: list[tuple[str, ...]] = []
    for c in m.channels:
        parts: list[list[str]] = [[]]
        for x, y in zip(c, (*c[1:], None), strict=True):
            parts[-1].append(x)
            if y is not None and {x, y} == {a, b}:
                parts.append([])
        channels.extend(tuple(p) for p in parts if len(p) >= 2)
    return design.with_(merge=MergeSettings(m.auto, tuple(channels), (*m.forbidden, (a, b))))


def set_auto_merge(design: Design, on: bool) -> Design:
    """Turn automatic merging of close lower outlines on or off."""
    m = design.merge
    return design.with_(merge=MergeSettings(bool(on), m.channels, m.forbidden))
