"""Rows of cells, as any table-shaped source gives them, into declarations.

Text exports, Excel sheets and Word tables all hold the official table: a
title, label/value cells, the wide text rows and the indicator table. Each
importer turns its file into rows of cell texts and lets FormReader build the
declarations, so every format handles the same quirks the same way
(PRODUCT.md §2: flattened items, ``<p>`` paragraphs, the mislabelled 项目类型,
label variants, "不适用" rows, trailing empty cells).
"""
from __future__ import annotations

import re
from collections import Counter
from datetime import datetime

from desktop.domain.form import INDICATOR_COLUMNS, NOT_APPLICABLE, is_not_applicable_row
from desktop.domain.amounts import display_amount, format_amount
from desktop.domain.cost_amount import requested_amount
from desktop.domain.model import FISCAL_YEARS, CostItem, Declaration, Indicator
from desktop.domain.template import DEFAULT_TEMPLATE_ID
from desktop.io.errors import ImportFailed
from desktop.io.textsplit import restore_paragraphs, split_numbered

TITLE = "二级项目支出绩效目标申报表"
INDICATOR_HEADER = tuple(title for _field, title in INDICATOR_COLUMNS)

# Label (without colon) -> field path. Variants seen in real documents included.
LABELS = {
    "项目编码": "header.project_code",
    "项目名称": "header.project_name",
    "申请单位": "header.applicant_unit",
    "一级预算单位": "header.budget_unit",
    "实施期限": "header.duration_years",
    "项目类型": "header.project_type",
    "是否新增项目": "header.is_new",
    "分配方式": "header.allocation_method",
    "项目总金额": "header.total_amount",
    "本年度项目金额": "header.annual_amount",
    "申报年度": "fiscal_year",
    "政策依据": "texts.policy_basis",
    "测算依据": "cost_basis",
    "年度目标": "texts.annual_goals",
    "长期目标": "texts.long_term_goals",
}
LABEL_OF = {path: label for label, path in LABELS.items()}
_PROJECT_TYPE_VALUE = re.compile(r"^\d+\s*\S*项目")
_YEAR = re.compile(r"(20\d\d)年")


def label_path(cell: str) -> str | None:
    """The field a label cell names, tolerating colons, spaces and bracketed notes."""
    label = re.sub(r"\s+", "", cell).rstrip("：:")
    base = re.split(r"[（(]", label, maxsplit=1)[0]
    return LABELS.get(base)


def strip_core_mark(level2: str) -> str:
    return level2.strip().lstrip("*＊").strip()


class _Form:
    def __init__(self, exact: bool) -> None:
        self.exact = exact
        self.exported = False  # read from this app's own Excel layout: indicator rows taken as written
        self.decl = Declaration(template_id=DEFAULT_TEMPLATE_ID)
        self.cost_text = ""
        self.cost_rows: list[CostItem] = []
        self.in_indicators = False
        self.indicator_column = 0  # where 一级指标 stands (hand-made sheets may start further right)
        self.seen: dict[str, str] = {}  # field path -> where its label stood
        self.last_levels = ("", "")

    @property
    def empty(self) -> bool:
        return not self.seen and not self.decl.indicators

    def field(self, path: str, value: str, number: bool = False) -> None:
        if path == "cost_basis":
            self.cost_text = value
        elif path == "fiscal_year":
            year = re.match(r"(\d{4})(?:\.0+)?年?$", value.replace(",", "").strip())
            if year and int(year.group(1)) in FISCAL_YEARS:
                self.decl.fiscal_year = int(year.group(1))
        elif self.exact:
            # A spreadsheet cell holds its text exactly (line breaks, edge spaces):
            # only a number cell in an amount field is formatted.
            self.decl.set(path, display_amount(value) if number and path.endswith("_amount") else value)
        elif path.startswith("texts."):
            self.decl.set(path, restore_paragraphs(value))
        elif path.endswith("_amount"):
            self.decl.set(path, display_amount(value.strip()))
        else:
            self.decl.set(path, value.strip())

    def indicator(self, cells: list[str]) -> None:
        cells = (cells + [""] * 5)[:5]
        if self.exported:
            # Our own export writes every model row as it is, categories in full, "*" before core ones.
            level1, level2, name, target, explanation = cells
            row = Indicator(level1=level1, level2=level2.removeprefix("*"), name=name, target=target,
                            explanation=explanation)
            if not is_not_applicable_row(row):  # the printed stand-in it writes for an empty category
                self.decl.indicators.append(row)
            return
        if not self.exact:
            cells = [c.strip() for c in cells]
        level1, level2, name, target, explanation = cells
        level1, level2 = level1.strip(), level2.strip()  # template names, never typed text
        # Merged 一级/二级 cells arrive empty in all but their first row.
        level1 = level1 or self.last_levels[0]
        level2 = level2 or (self.last_levels[1] if level1 == self.last_levels[0] else "")
        self.last_levels = (level1, level2)
        if not (name or target or explanation):
            return
        if {name, target, explanation} <= {NOT_APPLICABLE, ""} and NOT_APPLICABLE in (name, target):
            return  # the printed stand-in for an empty non-core category
        self.decl.indicators.append(Indicator(level1=level1, level2=strip_core_mark(level2), name=name,
                                              target=target, explanation=explanation))

    def finish(self) -> Declaration:
        if self.cost_rows:
            self.decl.cost_items = self.cost_rows
        else:
            pieces, _numbered = split_numbered(self.cost_text)
            for piece in pieces:
                amount = requested_amount(piece)
                self.decl.cost_items.append(
                    CostItem(text=piece, amount=format_amount(amount) if amount is not None else ""))
        if "fiscal_year" not in self.seen:
            self.decl.fiscal_year = _guess_year(
                " ".join([self.cost_text, *(c.text for c in self.decl.cost_items), self.decl.texts.annual_goals,
                          *(r.explanation for r in self.decl.indicators)]))
        return self.decl


def _guess_year(text: str) -> int:
    years = Counter(int(y) for y in _YEAR.findall(text))
    return years.most_common(1)[0][0] if years else datetime.now().year + 1


class FormReader:
    """Feed rows (lists of cell values) in document order; collect the forms.

    ``exact`` sources (spreadsheet cells) keep each value's text as it is;
    the others (text exports, Word) are trimmed and their flattened
    paragraphs restored. Labels are matched on trimmed text either way.
    """

    def __init__(self, source: str, exact: bool = False):
        self.source = source
        self.exact = exact
        self.forms: list[_Form] = []
        self.current: _Form | None = None

    def title(self) -> _Form:
        """A new form starts (at its title row, or where its first label shows one was lost)."""
        self.current = _Form(self.exact)
        self.forms.append(self.current)
        return self.current

    def row(self, cells: list, at: str = "") -> None:
        """One table row; ``at`` says where it stands ("第 5 行") for messages."""
        texts = [cell_text(c) for c in cells]
        keys = [t.strip() for t in texts]  # what labels, titles and blank cells are judged by
        values = texts if self.exact else keys
        while values and not values[-1]:
            values.pop()
        if not values:
            return
        form = self.current
        if form is not None and form.exported and form.in_indicators:
            form.indicator(values[form.indicator_column:])  # whatever its cells say, even "一级指标"
            return
        if [k for k in keys if k] == [TITLE]:
            self.title()
            return
        if form is None:
            first = next((k for k in keys if k), "")
            if label_path(first) is None and indicator_header_at(keys) is None:
                return  # noise before the first form
            self.title()  # a form whose title line was lost
            form = self.current
        assert form is not None
        header_at = indicator_header_at(keys)
        if header_at is not None:
            form.in_indicators = True
            form.indicator_column = header_at
            return
        if form.in_indicators:
            form.indicator(values[form.indicator_column:])
            return
        filled = [i for i, v in enumerate(values) if v]
        j = 0
        while j < len(filled):
            i = filled[j]
            path = label_path(keys[i])
            if path is None:
                j += 1
                continue
            nxt = filled[j + 1] if j + 1 < len(filled) else None
            # In an exact source the cell right after a label is its value, even one
            # that reads like a label (a project named "项目类型").
            has_value = nxt is not None and (label_path(keys[nxt]) is None or (self.exact and nxt == i + 1))
            if has_value and nxt is not None:
                self._field(form, path, values[nxt], at, _is_number(cells[nxt]))
            else:
                self._field(form, path, "", at)
            j += 2 if has_value else 1

    def _field(self, form: _Form, path: str, value: str, at: str, number: bool = False) -> None:
        # A form labels 项目类型 as a second "一级预算单位"; its value tells.
        if path == "header.budget_unit" and path in form.seen and _PROJECT_TYPE_VALUE.match(value.strip()):
            path = "header.project_type"
        if path in form.seen:
            # Taking either value silently would lose the other one.
            where = f"（{form.seen[path]}和{at}）" if at else ""
            raise ImportFailed(f"{self.source}：同一份申报表里“{LABEL_OF[path]}”出现了两次{where}，"
                               "无法确定该用哪一个。请删去多余的一项后再导入。")
        form.seen[path] = at
        form.field(path, value, number)

    def cost_heading(self, at: str = "") -> None:
        """The row "测算依据 | 测算内容 | 金额（元）" that only this app's Excel export writes."""
        form = self.current if self.current is not None else self.title()
        self._field(form, "cost_basis", "", at)
        form.exported = True

    def cost_item(self, text, amount) -> None:
        """A cost item given as its own row under that heading: text and amount apart, as written."""
        shown = display_amount(cell_text(amount)) if _is_number(amount) else cell_text(amount)
        form = self.current if self.current is not None else self.title()
        form.cost_rows.append(CostItem(text=cell_text(text), amount=shown))

    def declarations(self) -> list[Declaration]:
        decls = [f.finish() for f in self.forms if not f.empty]
        if not decls:
            raise ImportFailed(f"{self.source}：没有找到申报表（应有“{TITLE}”标题和“项目名称”等栏目）。")
        return decls


def indicator_header_at(cells: list[str]) -> int | None:
    for i in range(len(cells) - 1):
        if (cells[i], cells[i + 1]) == INDICATOR_HEADER[:2]:
            return i
    return None


def _is_number(value) -> bool:
    """A number cell: its amount is formatted; text is kept as written."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def cell_text(value) -> str:
    """A spreadsheet cell as text: 1.0 -> "1", 536200.5 -> "536200.5"; amounts are
    formatted later by the field they land in."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)
