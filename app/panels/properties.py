"""The property panel: every design parameter as a control bound to one field, grouped, in a scroll area.

The panel composes small groups (ball, pad, sites, mask, opening profile, merging, rule limits); each control
writes through ``document.apply`` and refreshes from ``design_changed`` with its signals blocked. The display
unit (mm or µm) is a view setting, remembered in QSettings, never part of the design.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QSettings, QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.document import Document
from app.panels.features_group import FeaturesGroup
from app.panels.fields import ChoiceSpec, FieldGroup, FieldSpec, SwitchField, ValueKind, connect_event
from app.panels.layout_group import LayoutGroup
from app.panels.limits_group import LimitsGroup
from app.panels.profile_group import ProfileGroup
from app.panels.tool_group import ToolGroup
from app.units import SETTINGS_KEY, LengthUnit, unit_from_setting
from geometry.model.design import Design, MergeSettings
from geometry.model.materials import MATERIALS
from geometry.model.operations import set_auto_merge
from geometry.model.sites import PadKind


class _BallGroup(FieldGroup):
    def __init__(self, document: Document, unit: LengthUnit, parent: QWidget | None = None) -> None:
        super().__init__(document, "Ball", unit, parent)
        self.add_value(FieldSpec("ball.diameter_mm", "Diameter D", "ball diameter", ValueKind.LENGTH,
                                 lambda d: d.ball.diameter_mm,
                                 lambda d, v: d.with_(ball=replace(d.ball, diameter_mm=v))))
        self.add_value(FieldSpec("ball.tolerance_mm", "Tolerance tol_D", "ball tolerance", ValueKind.LENGTH,
                                 lambda d: d.ball.tolerance_mm,
                                 lambda d, v: d.with_(ball=replace(d.ball, tolerance_mm=v)),
                                 tooltip="Diameter tolerance of the balls (± on D)"))
        self.add_value(FieldSpec("ball.alloy", "Alloy", "alloy", ValueKind.TEXT, lambda d: d.ball.alloy,
                                 lambda d, v: d.with_(ball=replace(d.ball, alloy=v))))
        self.finish()


class _PadGroup(FieldGroup):
    def __init__(self, document: Document, unit: LengthUnit, parent: QWidget | None = None) -> None:
        super().__init__(document, "Pad", unit, parent)
        self.add_value(FieldSpec("pad.diameter_mm", "Diameter p", "pad diameter", ValueKind.LENGTH,
                                 lambda d: d.pad.diameter_mm,
                                 lambda d, v: d.with_(pad=replace(d.pad, diameter_mm=v)),
                                 tooltip="Copper pad, or the solder-resist opening of a solder-mask-defined pad"))
        self.add_choice(ChoiceSpec("pad.kind", "Defined by", "pad kind",
                                   ((PadKind.COPPER, "Copper (NSMD)"), (PadKind.SOLDER_RESIST, "Solder resist (SMD)")),
                                   lambda d: d.pad.kind, lambda d, v: d.with_(pad=replace(d.pad, kind=v))))
        self.finish()


class _MaskGroup(FieldGroup):
    def __init__(self, document: Document, unit: LengthUnit, parent: QWidget | None = None) -> None:
        super().__init__(document, "Mask", unit, parent)
        self.add_value(FieldSpec("mask.thickness_mm", "Thickness t", "thickness", ValueKind.LENGTH,
                                 lambda d: d.mask.thickness_mm,
                                 lambda d, v: d.with_(mask=replace(d.mask, thickness_mm=v))))
        material = self.add_choice(ChoiceSpec(
            "mask.material", "Material", "material", tuple((m.name, m.label) for m in MATERIALS.values()),
            lambda d: d.mask.material, lambda d, v: d.with_(mask=replace(d.mask, material=v)),
            tooltip="The preset sets the web and hole limits (see Rule limits)"))
        for i, m in enumerate(MATERIALS.values()):
            material.setItemData(i, m.basis, Qt.ItemDataRole.ToolTipRole)
        self.finish()


class _MergeGroup(FieldGroup):
    def __init__(self, document: Document, unit: LengthUnit, parent: QWidget | None = None) -> None:
        super().__init__(document, "Lower relief merging", unit, parent)
        self.auto = self.add_switch(SwitchField(
            document, "merge.auto", "Merge automatically", "automatic merging",
            lambda d: d.merge.auto, set_auto_merge, self.box))
        self.auto.setToolTip("Merge close lower outlines automatically: outlines that overlap or leave a web below "
                             "w_min become one relief (claim 7)")
        self.summary = QLabel(self.box)
        self.summary.setObjectName("merge.summary")
        self.summary.setStyleSheet("color: #555;")
        self.clear = QPushButton("Remove all channels", self.box)
        self.clear.setObjectName("merge.clear_channels")
        self.clear.clicked.connect(self._clear_channels)
        row = QWidget(self.box)  # two short rows keep the panel narrow
        h = QHBoxLayout(row)
        h.setContentsMargins(0, 0, 0, 0)
        h.addWidget(self.clear)
        h.addStretch(1)
        self.form.addRow("", self.summary)
        self.form.addRow("", row)
        self.finish()
        self.refresh(document.design)

    def refresh(self, design: Design) -> None:
        super().refresh(design)
        m = design.merge
        self.summary.setText(f"{len(m.channels)} channel(s), {len(m.forbidden)} forbidden pair(s)")
        self.clear.setEnabled(bool(m.channels))

    def _clear_channels(self) -> None:
        self.document.apply("Remove all channels",
                            lambda d: d.with_(merge=MergeSettings(d.merge.auto, (), d.merge.forbidden)))


LABEL_WIDTH = 128
"""The widest the label column gets (px); longer labels wrap onto a second line."""


class PropertyPanel(QWidget):
    """Every parameter of the design, grouped; lengths in mm or µm (``units_changed`` tells other views)."""

    units_changed = Signal(str)

    def __init__(self, document: Document, parent: QWidget | None = None, settings: QSettings | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("PropertyPanel")
        self.document = document
        self.settings = settings if settings is not None else QSettings()
        self.unit = unit_from_setting(self.settings.value(SETTINGS_KEY, LengthUnit.MM.value))

        self.unit_combo = QComboBox(self)
        self.unit_combo.setObjectName("units")
        self.unit_combo.addItem("Millimetres (mm)", LengthUnit.MM.value)
        self.unit_combo.addItem("Micrometres (µm)", LengthUnit.UM.value)
        self.unit_combo.setCurrentIndex(0 if self.unit is LengthUnit.MM else 1)
        self.unit_combo.currentIndexChanged.connect(self._on_unit_index)
        top = QHBoxLayout()
        top.setContentsMargins(8, 6, 8, 2)
        top.addWidget(QLabel("Lengths in", self))
        top.addWidget(self.unit_combo)
        top.addStretch(1)

        inner = QWidget()
        column = QVBoxLayout(inner)
        column.setContentsMargins(6, 4, 6, 6)
        column.setSpacing(8)
        self.tool_group = ToolGroup(document, self.unit, inner)  # the Tools menu's tool (hidden for the mask)
        self.ball_group = _BallGroup(document, self.unit, inner)
        self.pad_group = _PadGroup(document, self.unit, inner)
        self.layout_group = LayoutGroup(document, self.unit, inner)
        self.features_group = FeaturesGroup(document, self.unit, inner)  # a strip's or panel's registration
        self.mask_group = _MaskGroup(document, self.unit, inner)
        self.profile_group = ProfileGroup(document, self.unit, inner)
        self.merge_group = _MergeGroup(document, self.unit, inner)
        self.limits_group = LimitsGroup(document, self.unit, inner)
        self.groups: tuple[FieldGroup, ...] = (
            self.tool_group, self.ball_group, self.pad_group, self.layout_group, self.features_group,
            self.mask_group, self.profile_group, self.merge_group, self.limits_group,
        )
        for g in self.groups:
            column.addWidget(g)
        column.addStretch(1)
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setWidget(inner)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll_area.setFrameShape(QScrollArea.Shape.NoFrame)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addLayout(top)
        outer.addWidget(self.scroll_area)
        self._align_labels()
        inner.setMinimumWidth(inner.sizeHint().width())
        self.setMinimumWidth(inner.sizeHint().width() + self.scroll_area.verticalScrollBar().sizeHint().width() + 4)
        connect_event(self, document.design_changed, self.refresh)

    def _align_labels(self) -> None:
        """One label column for all groups, so the fields line up down the whole panel; long labels wrap, so the
        column (and the panel) stays narrow and the top view keeps the width."""
        labels = []
        for g in self.groups:
            for row in range(g.form.rowCount()):
                item = g.form.itemAt(row, QFormLayout.ItemRole.LabelRole)
                widget = item.widget() if item is not None else None
                if widget is not None:
                    labels.append(widget)
        width = min(max((w.sizeHint().width() for w in labels), default=0), LABEL_WIDTH)
        for w in labels:
            if isinstance(w, QLabel) and w.sizeHint().width() > width:
                w.setWordWrap(True)
            w.setMinimumWidth(width)
            w.setMaximumWidth(width)

    def refresh(self, design: Design) -> None:
        """Show a new design in every group (signals blocked inside each control)."""
        for g in self.groups:
            g.refresh(design)

    def field(self, key: str) -> object:
        """The control bound to ``key`` (e.g. ``"mask.thickness_mm"``), for the shell and tests."""
        for g in self.groups:
            for table in (g.values, g.choices, g.switches):
                if key in table:
                    return table[key]
        raise KeyError(key)

    def set_unit(self, unit: LengthUnit | str) -> None:
        """Show lengths in mm or µm; remembered for the next run."""
        u = LengthUnit(unit)
        with QSignalBlocker(self.unit_combo):
            self.unit_combo.setCurrentIndex(0 if u is LengthUnit.MM else 1)
        if u is self.unit:
            return
        self.unit = u
        self.settings.setValue(SETTINGS_KEY, u.value)
        for g in self.groups:
            g.set_unit(u)
        self.units_changed.emit(u.value)

    def _on_unit_index(self, index: int) -> None:
        self.set_unit(LengthUnit(self.unit_combo.itemData(index)))
