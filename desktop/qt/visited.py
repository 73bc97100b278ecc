"""Which fields of the open declaration the user has been to.

A new form has every required field empty. Marking them all red before a
single key is typed shouts at the user (issue 15: 18 errors on 新建). So a
"not filled in yet" problem stays quiet — listed as 待填写, shown with a grey
必填 instead of a red border — until its field has been visited (focused and
left) or 定稿 has been asked for. The rules do not change; only what the
editor shows of them.
"""
from __future__ import annotations

import re

from PySide6.QtCore import QObject, Signal

from desktop.domain.problems import Problem

# Problems that only say "this is still empty": what is left to do, not a mistake.
QUIET_CODES = frozenset({"required", "long_term_goals.required", "indicator.core_missing"})

_ROW = re.compile(r"^(cost_items|indicators)\[(\d+)\](.*)$")


def is_fill_in(problem: Problem) -> bool:
    """A problem that goes away by filling the field in."""
    return problem.code in QUIET_CODES


class VisitedFields(QObject):
    """Visited paths per declaration (kept while the window is open), and 定稿 attempts."""

    changed = Signal()

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._paths: dict[object, set[str]] = {}
        self._revealed: set[object] = set()
        self._key: object = None

    def follow(self, key: object) -> None:
        """Another declaration is open (None: none)."""
        self._key = key

    @property
    def key(self) -> object:
        """Which declaration is open: a visit counts only for the one the user was in."""
        return self._key

    @property
    def _current(self) -> set[str]:
        return self._paths.setdefault(self._key, set())

    def visit(self, path: str) -> None:
        if self._key is None or path in self._current:
            return
        self._current.add(path)
        self.changed.emit()

    def visited(self, path: str) -> bool:
        return self._key in self._revealed or path in self._paths.get(self._key, ())

    def reveal_all(self) -> None:
        """定稿 was asked for: every problem is shown as it is."""
        if self._key is not None and self._key not in self._revealed:
            self._revealed.add(self._key)
            self.changed.emit()

    def is_quiet(self, problem: Problem) -> bool:
        return is_fill_in(problem) and not self.visited(problem.field)

    # -- rows move under their paths -------------------------------------------
    def _renumber(self, kind: str, new_index) -> None:
        """Keep "indicators[3].name" on the same row when rows come and go above it."""
        paths = self._paths.get(self._key)
        if not paths:
            return
        moved = set()
        for path in paths:
            m = _ROW.match(path)
            if m is None or m.group(1) != kind:
                moved.add(path)
                continue
            i = new_index(int(m.group(2)))
            if i is not None:
                moved.add(f"{kind}[{i}]{m.group(3)}")
        self._paths[self._key] = moved

    def row_inserted(self, kind: str, at: int) -> None:
        self._renumber(kind, lambda i: i + 1 if i >= at else i)

    def row_removed(self, kind: str, at: int) -> None:
        self._renumber(kind, lambda i: None if i == at else (i - 1 if i > at else i))

    def row_moved(self, kind: str, src: int, dst: int) -> None:
        def new_index(i: int) -> int:
            if i == src:
                return dst
            if src < i <= dst:
                return i - 1
            if dst <= i < src:
                return i + 1
            return i

        self._renumber(kind, new_index)
