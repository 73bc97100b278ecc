"""Import forms from text exports of the official table (the sample layout).

One table row per line, cells separated by tabs; several forms per file, each
starting with the title line. See PRODUCT.md §2 for the quirks handled here.
"""
from __future__ import annotations

import re
from collections import Counter
from datetime import datetime
from pathlib import Path

from desktop.domain.amounts import format_amount
from desktop.domain.cost_amount import requested_amount
from desktop.domain.model import CostItem, Declaration, Indicator
from desktop.domain.template import DEFAULT_TEMPLATE_ID
from desktop.io.errors import MAX_FILE_BYTES, ImportFailed
from desktop.io.textsplit import restore_paragraphs, split_numbered

TITLE = "二级项目支出绩效目标申报表"
NOT_APPLICABLE = "不适用"

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
    "项目总金额（中期规划，元）": "header.total_amount",
    "项目总金额": "header.total_amount",
    "本年度项目金额（元）": "header.annual_amount",
    "本年度项目金额": "header.annual_amount",
    "政策依据": "texts.policy_basis",
    "测算依据": "cost_basis",
    "年度目标": "texts.annual_goals",
    "长期目标": "texts.long_term_goals",
}
_PROJECT_TYPE_VALUE = re.compile(r"^\d+\s*\S*项目")
_YEAR = re.compile(r"(20\d\d)年")


def label_path(cell: str) -> str | None:
    """The field a label cell names, tolerating colons, spaces and bracketed notes."""
    label = re.sub(r"\s+", "", cell).rstrip("：:")
    if label in LABELS:
        return LABELS[label]
    base = re.split(r"[（(]", label, maxsplit=1)[0]
    return LABELS.get(base)


def strip_core_mark(level2: str) -> str:
    return level2.strip().lstrip("*＊").strip()


def read_text_file(path: Path) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ImportFailed(f"{path.name}：文件过大（{size // 1024 // 1024} MB），不是申报表文本。")
        raw = path.read_bytes()
    except OSError as exc:
        raise ImportFailed(f"{path.name}：无法读取文件（{exc.strerror}）。") from exc
    if b"\x00" in raw[:4096]:
        raise ImportFailed(f"{path.name}：不是文本文件。")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFailed(f"{path.name}：无法识别文件编码（应为 UTF-8 或 GB18030）。")


class _FormBuilder:
    def __init__(self) -> None:
        self.decl = Declaration(template_id=DEFAULT_TEMPLATE_ID)
        self.cost_text = ""
        self.in_indicators = False
        self.seen: set[str] = set()

    def add_row(self, cells: list[str]) -> None:
        if self.in_indicators:
            self._indicator(cells)
            return
        if cells[:2] == ["一级指标", "二级指标"]:
            self.in_indicators = True
            return
        for i in range(0, len(cells) - 1, 2):
            path = label_path(cells[i])
            if path:
                self._field(path, cells[i + 1].strip())

    def _field(self, path: str, value: str) -> None:
        # A form labels 项目类型 as a second "一级预算单位"; its value tells.
        if path == "header.budget_unit" and "header.budget_unit" in self.seen and _PROJECT_TYPE_VALUE.match(value):
            path = "header.project_type"
        self.seen.add(path)
        if path == "cost_basis":
            self.cost_text = value
        elif path.startswith("texts."):
            self.decl.set(path, restore_paragraphs(value))
        else:
            self.decl.set(path, value)

    def _indicator(self, cells: list[str]) -> None:
        cells = (cells + [""] * 5)[:5]
        level1, level2, name, target, explanation = (c.strip() for c in cells)
        if {name, target, explanation} <= {NOT_APPLICABLE, ""} and NOT_APPLICABLE in (name, target):
            return  # the printed stand-in for an empty non-core category
        self.decl.indicators.append(
            Indicator(level1=level1, level2=strip_core_mark(level2), name=name, target=target, explanation=explanation)
        )

    def finish(self) -> Declaration:
        pieces, _numbered = split_numbered(self.cost_text)
        for piece in pieces:
            amount = requested_amount(piece)
            self.decl.cost_items.append(CostItem(text=piece, amount=format_amount(amount) if amount is not None else ""))
        self.decl.fiscal_year = _guess_year(
            " ".join([self.cost_text, self.decl.texts.annual_goals, *(r.explanation for r in self.decl.indicators)])
        )
        return self.decl

    @property
    def empty(self) -> bool:
        return not self.seen and not self.decl.indicators


def _guess_year(text: str) -> int:
    years = Counter(int(y) for y in _YEAR.findall(text))
    return years.most_common(1)[0][0] if years else datetime.now().year + 1


def parse_text(text: str, source: str = "文本") -> list[Declaration]:
    forms: list[_FormBuilder] = []
    current: _FormBuilder | None = None
    for line in text.splitlines():
        cells = [c.strip() for c in line.split("\t")]
        while cells and not cells[-1]:
            cells.pop()
        if not cells:
            continue
        if cells == [TITLE]:
            current = _FormBuilder()
            forms.append(current)
            continue
        if current is None:
            if label_path(cells[0]) is None:
                continue  # noise before the first form
            current = _FormBuilder()  # a form whose title line was lost
            forms.append(current)
        current.add_row(cells)
    decls = [f.finish() for f in forms if not f.empty]
    if not decls:
        raise ImportFailed(f"{source}：没有找到申报表（应有“{TITLE}”标题和“项目名称：”等栏目）。")
    return decls


def import_text_file(path: Path) -> list[Declaration]:
    return parse_text(read_text_file(path), path.name)
