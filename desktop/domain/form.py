"""The form's vocabulary in one place: field paths, the header's label pairs,
the text blocks, the table columns and the fixed words of the form.

Editors, printing, importers and exporters read these instead of keeping
their own copies; the labels themselves come from the declaration's
template (``Template.label``), so a new version of the form is a data file.
"""
from __future__ import annotations

import re
from typing import Literal, NewType

# "header.project_name", "texts.annual_goals", "cost_items[2].amount", "indicators[3].target", …
FieldPath = NewType("FieldPath", str)

# The header as printed: rows of (left, right) fields, each shown as label | value.
HEADER_ROWS: tuple[tuple[FieldPath, FieldPath], ...] = tuple(
    (FieldPath(a), FieldPath(b)) for a, b in (
        ("header.project_code", "header.project_name"),
        ("header.applicant_unit", "header.budget_unit"),
        ("header.duration_years", "header.project_type"),
        ("header.is_new", "header.allocation_method"),
        ("header.total_amount", "header.annual_amount"),
    ))
# The wide rows under the header: label and one wide cell each.
TEXT_BLOCKS: tuple[FieldPath, ...] = tuple(FieldPath(p) for p in (
    "texts.policy_basis", "cost_basis", "texts.annual_goals", "texts.long_term_goals"))

INDICATOR_COLUMNS: tuple[tuple[str, str], ...] = (
    ("level1", "一级指标"), ("level2", "二级指标"), ("name", "三级指标"), ("target", "目标值"), ("explanation", "指标解释"))
COST_COLUMNS: tuple[tuple[str, str], ...] = (("text", "测算内容"), ("amount", "金额（元）"))

FISCAL_YEAR_LABEL = "申报年度"
NOT_APPLICABLE = "不适用"  # printed for an empty non-core category; never typed
DRAFT: Literal["草稿"] = "草稿"
FINAL: Literal["定稿"] = "定稿"

_ROW_PATH = re.compile(r"^(cost_items|indicators)\[(\d+)\]\.(\w+)$")


def row_path(kind: str, index: int, field: str) -> FieldPath:
    """The path of one cell of a table: row_path("indicators", 3, "target")."""
    return FieldPath(f"{kind}[{index}].{field}")


def parse_row_path(path: str) -> tuple[str, int, str] | None:
    """(kind, row, field) of a table cell's path, None for any other path."""
    m = _ROW_PATH.match(path)
    return (m.group(1), int(m.group(2)), m.group(3)) if m else None
