"""Form templates: the indicator framework and option lists, kept as data in forms/."""
from __future__ import annotations

import json
from functools import cached_property
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

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
