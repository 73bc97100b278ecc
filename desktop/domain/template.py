"""Form templates: the indicator framework and option lists, kept as data in forms/."""
from __future__ import annotations

import json
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from desktop import paths

TEMPLATE_FORMAT = 1
DEFAULT_TEMPLATE_ID = "shenshan-2024"


class TemplateError(Exception):
    """A template file that cannot be used; the message names file and problem."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Level2(_Strict):
    name: str
    core: bool = False


class Category(_Strict):
    level1: str
    level2: tuple[Level2, ...]


class OptionList(_Strict):
    open: bool = False
    values: tuple[str, ...]


RulePolicy = Literal["error", "warning", "off"]

class PrintColumn(_Strict):
    """One column of the printed indicator table: a field of the indicator rows, or none
    (printed empty, filled in by hand: 备注). Widths are relative, scaled to the page."""

    title: str
    field: Literal["level1", "level2", "name", "target", "explanation"] | None = None
    width: float = 1.0


class IndicatorTableLayout(_Strict):
    """One printed indicator table: a caption row, and the declaration's rows, or
    ``blank_rows`` empty rows for what is written in by hand (e.g. 长期绩效指标)."""

    caption: str = ""
    blank_rows: int = 0


class PrintLayout(_Strict):
    """The ``print`` section: what the printed form shows beyond the standard table.
    Absent, a template prints the standard form (PRODUCT.md §4)."""

    title: str | None = None  # the printed title, when not the template's title
    indicator_columns: tuple[PrintColumn, ...] = ()  # empty: 一级指标 | 二级指标 | 三级指标 | 目标值 | 指标解释
    indicator_tables: tuple[IndicatorTableLayout, ...] = (IndicatorTableLayout(),)
    review_boxes: tuple[str, ...] = ()  # e.g. 主管部门审核意见, 财政部门审核意见: a box each under the tables
    # The unit's signature block (填报人 … 单位盖章) under the form: true always (blank lines when
    # none is set), false never, absent (null) when the user has set one for the form's unit.
    signature: bool | None = None

    @model_validator(mode="after")
    def _check_columns(self) -> PrintLayout:
        cols = self.indicator_columns
        if cols and [c.field for c in cols[:2]] != ["level1", "level2"]:
            raise ValueError("indicator_columns 须以一级指标（level1）、二级指标（level2）两列开头")
        if any(c.width <= 0 for c in cols):
            raise ValueError("indicator_columns 的 width 须大于 0")
        if not self.indicator_tables:
            raise ValueError("indicator_tables 不能为空")
        return self


class Template(_Strict):
    format: int
    id: str
    version: int
    name: str
    title: str
    project_code_length: int
    required: tuple[str, ...]
    options: dict[str, OptionList]
    labels: dict[str, str]
    categories: tuple[Category, ...]
    # The bureau's policy, per problem code: "error", "warning" or "off" (not checked).
    # Codes not named keep the severity of PRODUCT.md §3.
    rules: dict[str, RulePolicy] = {}
    # Other wordings of a label seen in real forms, per field path (and "fiscal_year"),
    # read by the importers; "项目总金额（万元）" matches by its words before the bracket.
    label_synonyms: dict[str, tuple[str, ...]] = {}
    # The printed layout (PrintLayout): title, indicator columns and tables, review boxes, signature.
    print_layout: PrintLayout = Field(default_factory=PrintLayout, alias="print")

    @model_validator(mode="after")
    def _check(self) -> Template:
        if self.format != TEMPLATE_FORMAT:
            raise ValueError(f"不支持的模板格式 {self.format}（本程序支持 {TEMPLATE_FORMAT}）")
        if not self.categories:
            raise ValueError("categories 不能为空")
        seen = set()
        for cat in self.categories:
            if not cat.level2:
                raise ValueError(f"一级指标“{cat.level1}”没有二级指标")
            for l2 in cat.level2:
                if (cat.level1, l2.name) in seen:
                    raise ValueError(f"二级指标“{cat.level1}/{l2.name}”重复")
                seen.add((cat.level1, l2.name))
        return self

    # -- lookups used by rules, editors and printing -----------------------
    @cached_property
    def level1_names(self) -> tuple[str, ...]:
        return tuple(c.level1 for c in self.categories)

    def level2_names(self, level1: str) -> tuple[str, ...]:
        for c in self.categories:
            if c.level1 == level1:
                return tuple(l2.name for l2 in c.level2)
        return ()

    @cached_property
    def category_order(self) -> dict[tuple[str, str], int]:
        pairs = [(c.level1, l2.name) for c in self.categories for l2 in c.level2]
        return {pair: i for i, pair in enumerate(pairs)}

    @cached_property
    def core_categories(self) -> tuple[tuple[str, str], ...]:
        return tuple((c.level1, l2.name) for c in self.categories for l2 in c.level2 if l2.core)

    def is_core(self, level1: str, level2: str) -> bool:
        return (level1, level2) in self.core_categories

    def label(self, path: str) -> str:
        return self.labels.get(path, path)

    def labels_of(self, path: str) -> tuple[str, ...]:
        """Every wording of a field's label an importer accepts: the printed one, then synonyms."""
        printed = (self.labels[path],) if path in self.labels else ()
        return printed + self.label_synonyms.get(path, ())

    def option_values(self, field: str) -> tuple[str, ...]:
        opt = self.options.get(field)
        return opt.values if opt else ()


def load_template_file(path: Path) -> Template:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateError(f"表单模板 {path.name} 无法读取：{exc}") from exc
    except json.JSONDecodeError as exc:
        raise TemplateError(f"表单模板 {path.name} 不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列）：{exc.msg}") from exc
    try:
        return Template.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "（整体）"
        raise TemplateError(f"表单模板 {path.name} 有误：{where}：{first['msg']}") from exc


class TemplateRegistry:
    """All templates of a folder, by id."""

    def __init__(self, templates: dict[str, Template]):
        self._by_id = templates

    @classmethod
    def load(cls, folder: Path | None = None) -> TemplateRegistry:
        folder = folder or paths.forms_dir()
        templates: dict[str, Template] = {}
        files = sorted(folder.glob("*.json"))
        if not files:
            raise TemplateError(f"在 {folder} 中找不到表单模板（*.json）")
        for f in files:
            t = load_template_file(f)
            if t.id in templates:
                raise TemplateError(f"表单模板 {f.name} 的 id “{t.id}” 与另一个模板重复")
            templates[t.id] = t
        if DEFAULT_TEMPLATE_ID not in templates:
            raise TemplateError(f"缺少默认表单模板 “{DEFAULT_TEMPLATE_ID}”")
        return cls(templates)

    def get(self, template_id: str) -> Template:
        """The template of that id; the default for an unknown id (old or foreign data)."""
        return self._by_id.get(template_id) or self._by_id[DEFAULT_TEMPLATE_ID]

    def __contains__(self, template_id: str) -> bool:
        return template_id in self._by_id

    def all(self) -> list[Template]:
        return list(self._by_id.values())

    @property
    def default(self) -> Template:
        return self._by_id[DEFAULT_TEMPLATE_ID]


_registry: TemplateRegistry | None = None


def registry() -> TemplateRegistry:
    """The bundled templates, loaded once per process."""
    global _registry
    if _registry is None:
        _registry = TemplateRegistry.load()
    return _registry
