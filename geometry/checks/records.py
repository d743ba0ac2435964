"""What a check returns: violation records, and the report that gathers them."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    """Error: the mask will not work or cannot be made. Warning: risky. Info: worth knowing."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Violation:
    """One finding: which check, how bad, which sites, where to look, what was measured against what limit.

    ``measured`` and ``limit`` are in ``unit`` (mm, deg or a ratio); ``x_mm, y_mm`` is the point to zoom to.
    """

    check: str
    severity: Severity
    sites: tuple[str, ...]
    x_mm: float
    y_mm: float
    measured: float
    limit: float
    unit: str = "mm"
    message: str = ""


@dataclass(frozen=True)
class CheckReport:
    """All violations of a design, in check order."""

    violations: tuple[Violation, ...] = field(default=())

    def count(self, severity: Severity) -> int:
        """How many violations of a severity."""
        return sum(1 for v in self.violations if v.severity == severity)

    @property
    def has_errors(self) -> bool:
        """Whether any violation is an error (the mask will not work)."""
        return any(v.severity == Severity.ERROR for v in self.violations)

    def by_check(self) -> dict[str, list[Violation]]:
        """Violations grouped by check id, in the order the checks ran."""
        out: dict[str, list[Violation]] = {}
        for v in self.violations:
            out.setdefault(v.check, []).append(v)
        return out
