"""The checks of checks.md as pure functions over a design, returning violation records.

``run_checks(design)`` runs them all (or a chosen few) and returns a :class:`CheckReport`; ``CHECKS`` maps each
check id to its :class:`Check` (title, one-line rule, function), in the order of checks.md.
"""

from geometry.checks.base import Check, CheckContext
from geometry.checks.records import CheckReport, Severity, Violation
from geometry.checks.registry import CHECKS, run_checks

__all__ = ["CHECKS", "Check", "CheckContext", "CheckReport", "Severity", "Violation", "run_checks"]
