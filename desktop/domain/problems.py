"""A problem found in a declaration, and where it belongs."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]

# Editor tabs in order, and which field paths each one shows.
TABS = ("基本信息", "政策依据", "测算依据", "绩效目标", "绩效指标")
_TAB_OF_PREFIX = (
    ("header.", 0),
    ("texts.policy_basis", 1),
    ("cost_", 2),
    ("texts.", 3),
    ("indicators", 4),
)


@dataclass(frozen=True)
class Problem:
    code: str
    severity: Severity
    field: str
    message: str

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    @property
    def tab(self) -> int:
        return tab_of(self.field)

    def as_dict(self, declaration: int | None = None) -> dict:
        return {"declaration": declaration, "field": self.field, "severity": self.severity,
                "code": self.code, "message": self.message}


def tab_of(field: str) -> int:
    for prefix, tab in _TAB_OF_PREFIX:
        if field.startswith(prefix):
            return tab
    return 0


_INDEX = re.compile(r"\[(\d+)\]")


def sort_key(field: str, field_order: dict[str, int]) -> tuple:
    """Tab order, then the form's field order, then row number."""
    m = _INDEX.search(field)
    row = int(m.group(1)) if m else -1
    base = _INDEX.sub("[]", field)
    return (tab_of(field), field_order.get(base, 99), row, base)
