"""The form's vocabulary in one place: field paths, the header's label pairs,
the text blocks, the table columns and the fixed words of the form.

Editors, printing, importers and exporters read these instead of keeping
their own copies; the labels themselves come from the declaration's
template (``Template.label``), so a new version of the form is a data file.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Literal, NewType

if TYPE_CHECKING:
    from desktop.domain.model import Declaration, Indicator  # noqa: F401
    from desktop.domain.template import Template

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


def not_applicable_rows(decl: Declaration, template: Template) -> list[Indicator]:
    """The rows the form prints for empty non-core categories ("不适用" three times),
    in template order. Never stored: printing and the Excel layout add them."""
    from desktop.domain.model import Indicator  # the model module reads this one's words

    filled = {(r.level1, r.level2) for r in decl.indicators if not r.is_blank()}
    return [Indicator(level1=cat.level1, level2=l2.name, name=NOT_APPLICABLE, target=NOT_APPLICABLE,
                      explanation=NOT_APPLICABLE)
            for cat in template.categories for l2 in cat.level2
            if not l2.core and (cat.level1, l2.name) not in filled]


def is_not_applicable_row(row: Indicator) -> bool:
    return row.name == row.target == row.explanation == NOT_APPLICABLE


def with_not_applicable_rows(decl: Declaration, template: Template) -> list[Indicator]:
    """The declaration's rows as stored, each 不适用 row placed after the last row of an
    earlier category: for rows in template order, exactly where the printed form has it."""
    order = template.category_order
    rows = list(decl.indicators)
    for filler in not_applicable_rows(decl, template):
        rank = order[(filler.level1, filler.level2)]
        at = 0
        for i, r in enumerate(rows):
            if order.get((r.level1, r.level2), len(order)) < rank:
                at = i + 1
        rows.insert(at, filler)
    return rows
