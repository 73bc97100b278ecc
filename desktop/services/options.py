"""The editable option lists (项目类型 …): the template's values, plus those the user added
or used in a saved declaration. The window's 编辑列表… and `jixiao options` both call these.

A value known here does not raise option.unknown (see desktop.services.check_context).
"""
from __future__ import annotations

from dataclasses import dataclass

from desktop.domain.rules import option_key
from desktop.domain.short_text import line_problem
from desktop.domain.template import Template, registry
from desktop.services.errors import ServiceError
from desktop.store import option_values
from desktop.store.database import Database

SOURCES = {"template": "模板", "added": "已添加", "used": "已使用"}


@dataclass(frozen=True)
class OptionValue:
    value: str
    source: str  # "template", "added" or "used" (first that applies)


def editable_fields(template: Template | None = None) -> list[str]:
    """Field paths whose list the user may extend: the template's open lists."""
    t = template or registry().default
    return [f"header.{name}" for name, opt in t.options.items() if opt.open]


def field_path(name: str, template: Template | None = None) -> str:
    """A field as the user names it ("header.project_type", "project_type" or "项目类型"),
    as its path; ServiceError for a field without an editable list."""
    t = template or registry().default
    fields = editable_fields(t)
    for path in fields:
        if name.strip() in (path, path.removeprefix("header."), t.label(path)):
            return path
    names = "、".join(f"{p}（{t.label(p)}）" for p in fields)
    raise ServiceError(f"“{name}”没有可编辑的选项列表。可编辑的有：{names}")


def known_values(db: Database, field: str, template: Template | None = None) -> list[OptionValue]:
    """Every known value of a field's list, the template's first, each once (same type
    written with or without its code counts once)."""
    t = template or registry().default
    out: list[OptionValue] = []
    seen: set[str] = set()
    column = field.removeprefix("header.")
    for source, values in (("template", t.option_values(column)), ("added", option_values.added(db, field)),
                           ("used", option_values.used(db, column))):
        for v in values:
            if option_key(v) not in seen:
                seen.add(option_key(v))
                out.append(OptionValue(v, source))
    return out


def added_values(db: Database, field: str) -> list[str]:
    """The values the user added to the list (not the template's, not those only used)."""
    return option_values.added(db, field)


def add_value(db: Database, field: str, value: str) -> None:
    """Add a value to the list (kept once, however often it is added)."""
    value = " ".join(value.split())
    if not value:
        raise ServiceError("请输入要添加的值")
    problem = line_problem(value)
    if problem:
        raise ServiceError(f"要添加的值{problem}，没有添加。")
    option_values.add(db, field, value)


def remove_value(db: Database, field: str, value: str) -> None:
    """Take an added value off the list; ServiceError for a template's value or an unknown one."""
    value = " ".join(value.split())
    t = registry().default
    if option_key(value) in {option_key(v) for v in t.option_values(field.removeprefix("header."))}:
        raise ServiceError(f"“{value}”是表单模板自带的值，不能删除")
    if not option_values.remove(db, field, value):
        raise ServiceError(f"列表中没有添加过“{value}”")
