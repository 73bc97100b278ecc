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
from decimal import Decimal
from functools import lru_cache

from desktop.domain.form import INDICATOR_COLUMNS, NOT_APPLICABLE, is_not_applicable_row
from desktop.domain.amounts import display_amount, format_amount, normalise
from desktop.domain.cost_amount import read_cost_items
from desktop.domain.model import FISCAL_YEARS, CostItem, Declaration, Indicator
from desktop.domain.template import DEFAULT_TEMPLATE_ID, registry
from desktop.io.errors import ImportFailed
from desktop.io.textsplit import restore_paragraphs, split_numbered

TITLE = "二级项目支出绩效目标申报表"
INDICATOR_HEADER = tuple(title for _field, title in INDICATOR_COLUMNS)

_PROJECT_TYPE_VALUE = re.compile(r"^\d+\s*\S*项目")
_YEAR = re.compile(r"(20\d\d)年")
# Where a label's own words end and its note begins: "项目总金额（万元）", "预算金额：万元".
_LABEL_NOTE = re.compile(r"[（(：:]")
_UNIT_NOTE = re.compile(r"(?:单位[：:])?(?:万元|元|亿元)[）)]?")
_CENT = Decimal("0.01")
_UNIT_FACTORS = (("亿元", Decimal(10) ** 8), ("万元", Decimal(10000)))
_BARE_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+")
FIELD_PATHS = ("fiscal_year", "header.project_code", "header.project_name", "header.applicant_unit",
               "header.budget_unit", "header.duration_years", "header.project_type", "header.is_new",
               "header.allocation_method", "header.total_amount", "header.annual_amount", "texts.policy_basis",
               "cost_basis", "texts.annual_goals", "texts.long_term_goals")


def _label_words(cell: str) -> tuple[str, str]:
    """(the label's words, its note): spaces, a trailing colon and bracketed notes apart.
    After a colon only a unit is a note ("预算金额：万元"); other text there is a value,
    and the cell no label."""
    label = re.sub(r"\s+", "", cell).rstrip("：:")
    words = _LABEL_NOTE.split(label, maxsplit=1)[0]
    note = label[len(words):]
    if note[:1] in "：:" and note and not _UNIT_NOTE.fullmatch(note[1:]):
        return label, ""
    return words, note


@lru_cache(maxsize=1)
def labels() -> dict[str, str]:
    """Label words -> field path, from every template's labels and label synonyms (forms/*.json):
    the one place where the wordings of real forms are kept."""
    out: dict[str, str] = {}
    for t in registry().all():
        for path in FIELD_PATHS:
            for label in t.labels_of(path):
                out.setdefault(_label_words(label)[0], path)
    return out


@lru_cache(maxsize=1)
def _label_of() -> dict[str, str]:
    """Field path -> its label's words, for messages."""
    out: dict[str, str] = {}
    for words, path in labels().items():
        out.setdefault(path, words)
    return out


def label_path(cell: str) -> str | None:
    """The field a label cell names, tolerating colons, spaces and bracketed notes."""
    return labels().get(_label_words(cell)[0])


def label_unit(cell: str) -> tuple[Decimal, str]:
    """The unit a label gives its amount ("项目总金额（万元）"): (yuan per unit, unit name)."""
    note = _label_words(cell)[1]
    return next(((f, u) for u, f in _UNIT_FACTORS if u in note), (Decimal(1), "元"))


# The heading of a cost-item table: "测算依据 | 测算内容 | 金额（元）" as this app exports it,
# or a hand-made one with its 金额 column in another unit ("金额（万元）").
_COST_CONTENT = ("测算内容", "内容", "测算明细", "明细")
_COST_AMOUNT = re.compile(r"(?:申请)?金额(?:[（(](?:单位[：:])?(?:万元|元|亿元)[)）])?")


def is_cost_heading(dense: list[str]) -> bool:
    """Whether a row's filled cells are the heading of a cost-item table."""
    return (len(dense) == 3 and label_path(dense[0]) == "cost_basis" and dense[1] in _COST_CONTENT
            and bool(_COST_AMOUNT.fullmatch(re.sub(r"\s+", "", dense[2]))))


def in_yuan(value: str, factor: Decimal) -> str | None:
    """A bare number written in a larger unit, as yuan in the form's format; None when the value
    is no bare number (it names its own unit, or is not an amount) or would have parts of a cent."""
    s = normalise(value)
    if not _BARE_NUMBER.fullmatch(s):
        return None
    digits = s.replace(",", "")
    if len(digits) > 18:
        return None  # as parse_amount: longer is a typo, kept as written
    yuan = Decimal(digits) * factor
    if yuan != yuan.quantize(_CENT) or len(str(int(yuan))) > 18:
        return None
    return format_amount(yuan)


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
        self.notes: list[str] = []  # what the import changed on the way in (unit conversions)
        self.cost_factor = Decimal(1)  # yuan per unit of the cost items' 金额 column

    @property
    def empty(self) -> bool:
        return not self.seen and not self.decl.indicators

    def field(self, path: str, value: str, number: bool = False, unit: tuple[Decimal, str] | None = None) -> None:
        factor, unit_name = unit or (Decimal(1), "元")
        if factor != 1 and path.endswith("_amount"):
            yuan = in_yuan(value, factor)
            if yuan is not None:
                self.decl.set(path, yuan)
                self.notes.append(f"{_label_of()[path]}按{unit_name}换算为元：{value.strip()} {unit_name} → {yuan} 元")
                return
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
            for piece, reading in zip(pieces, read_cost_items(pieces), strict=True):
                amount = format_amount(reading.value) if reading.value is not None else ""
                # Not certain which amount is requested: the guess is kept beside it (cost.amount_guessed).
                self.decl.cost_items.append(
                    CostItem(text=piece, amount=amount, amount_guessed="" if reading.certain else amount))
        if "fiscal_year" not in self.seen:
            year, found = _guess_year(
                " ".join([self.cost_text, *(c.text for c in self.decl.cost_items), self.decl.texts.annual_goals,
                          *(r.explanation for r in self.decl.indicators)]))
            self.decl.fiscal_year = year
            self.notes.append(f"表中没有申报年度，按{'文中最常提到的年份' if found else '下一年度'} {year} 年导入，"
                              "请在“基本信息”中核对")
        return self.decl


def _nothing_read(decl: Declaration) -> bool:
    """No header field, text, cost item or indicator holds anything."""
    return not (any(v.strip() for v in decl.header.model_dump().values())
                or any(v.strip() for v in decl.texts.model_dump().values())
                or any(c.text.strip() or c.amount.strip() for c in decl.cost_items)
                or any(not r.is_blank() for r in decl.indicators))


def _guess_year(text: str) -> tuple[int, bool]:
    """The year the text names most, else next year; and whether the text named one."""
    years = Counter(int(y) for y in _YEAR.findall(text))
    return (years.most_common(1)[0][0], True) if years else (datetime.now().year + 1, False)


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
        self.part_starts = False  # a new sheet began: see new_part
        self.in_cost_table = False  # rows under a 测算内容 | 金额 heading (text exports, Word)

    def new_part(self) -> None:
        """A new sheet (or the like) begins: a form starts at its title or first label, as
        before; but an indicator table standing there first continues the form before, when
        that has none yet (the indicator table kept on a sheet of its own)."""
        self.part_starts = True

    def _part(self, keys: list[str]) -> bool:
        """Settle where a new part's first rows belong; False for noise before its form."""
        dense = [k for k in keys if k]
        if dense == [TITLE] or label_path(dense[0]) is not None:
            self.current = None
        elif indicator_header_at(keys) is not None:
            form = self.current
            if form is None or form.in_indicators or form.decl.indicators:
                self.current = None
        else:
            return False
        self.part_starts = False
        return True

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
        if self.part_starts and not self._part(keys):
            return
        if not self.exact and self._cost_table_row(keys, at):
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
            first = next(k for k in keys if k)
            if label_path(first) not in form.seen:  # a label seen before: the next form, its title lost
                form.indicator(values[form.indicator_column:])
                return
            form = self.title()
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
                self._field(form, path, values[nxt], at, _is_number(cells[nxt]), label_unit(keys[i]))
            else:
                self._field(form, path, "", at)
            j += 2 if has_value else 1

    def _cost_table_row(self, keys: list[str], at: str) -> bool:
        """A cost-item table in a text export or Word file: its heading, then one item a row
        (text, amount) while the label column stays empty. Spreadsheets read theirs by column."""
        dense = [k for k in keys if k]
        if is_cost_heading(dense):
            self.cost_heading(at, dense[2], exported=False)
            self.in_cost_table = True
            return True
        if self.in_cost_table:
            if not keys[0] and 1 <= len(dense) <= 2 and indicator_header_at(keys) is None:
                self.cost_item(dense[0], dense[1] if len(dense) == 2 else "")
                return True
            self.in_cost_table = False
        return False

    def _field(self, form: _Form, path: str, value: str, at: str, number: bool = False,
               unit: tuple[Decimal, str] | None = None) -> None:
        # A form labels 项目类型 as a second "一级预算单位"; its value tells.
        if path == "header.budget_unit" and path in form.seen and _PROJECT_TYPE_VALUE.match(value.strip()):
            path = "header.project_type"
        if path in form.seen:
            # Taking either value silently would lose the other one.
            where = f"（{form.seen[path]}和{at}）" if at else ""
            raise ImportFailed(f"{self.source}：同一份申报表里“{_label_of()[path]}”出现了两次{where}，"
                               "无法确定该用哪一个。请删去多余的一项后再导入。")
        form.seen[path] = at
        form.field(path, value, number, unit)

    def cost_heading(self, at: str = "", amount_heading: str = "金额（元）", exported: bool = True) -> None:
        """The row "测算依据 | 测算内容 | 金额（元）" that this app's Excel export writes, or a hand-made
        one whose 金额 column is in another unit ("金额（万元）")."""
        if self.part_starts:
            self.current, self.part_starts = None, False
        form = self.current if self.current is not None else self.title()
        self._field(form, "cost_basis", "", at)
        form.cost_factor, unit_name = label_unit(amount_heading)
        form.exported = exported and form.cost_factor == 1  # our own layout: indicator rows as written
        if form.cost_factor != 1:
            form.notes.append(f"测算依据的金额按{unit_name}换算为元")

    def cost_item(self, text, amount) -> None:
        """A cost item given as its own row under that heading: text and amount apart, as written."""
        form = self.current if self.current is not None else self.title()
        yuan = in_yuan(cell_text(amount), form.cost_factor) if form.cost_factor != 1 else None
        if yuan is not None:
            shown = yuan
        else:
            shown = display_amount(cell_text(amount)) if _is_number(amount) else cell_text(amount)
        form.cost_rows.append(CostItem(text=cell_text(text), amount=shown))

    def declarations(self, notes: list[str] | None = None) -> list[Declaration]:
        """The forms read; ``notes`` gets what was changed on the way in, one line each
        ("文件《项目名称》：项目总金额按万元换算为元：…")."""
        forms = [f for f in self.forms if not f.empty]
        decls = [f.finish() for f in forms]
        if not decls:
            raise ImportFailed(f"{self.source}：没有找到申报表（应有“{TITLE}”标题和“项目名称”等栏目）。")
        # A spreadsheet may hold an empty draft exported on purpose; text and Word never do.
        blank = [i for i, (f, d) in enumerate(zip(forms, decls, strict=True), 1) if not f.exact and _nothing_read(d)]
        if blank:
            # A title and labels were found but no value: typically tabs turned into spaces when
            # the table was copied out of Word/WPS. Saving such forms would look like success.
            raise ImportFailed(
                f"{self.source}：第 {'、'.join(map(str, blank))} 份申报表没有读到任何栏目的内容，没有导入。"
                "文本文件中表格的单元格应以制表符（Tab）分隔；如从 Word/WPS 复制时制表符变成了空格，"
                "请直接导入 .docx 文件，或重新导出为以制表符分隔的文本。")
        if notes is not None:
            for f in self.forms:
                name = f.decl.header.project_name.strip() or "未命名"
                notes.extend(f"{self.source}《{name}》：{note}" for note in f.notes)
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
