"""Rules across the years of a project (PRODUCT.md §3, §9).

- ``target.below_last_year``: a quantitative 目标值 less ambitious than the same
  indicator's target in last year's declaration of the project. The same
  indicator is the row with the same 一级指标, 二级指标 and 三级指标. Less
  ambitious: "≥"/">" with a smaller number, "≤"/"<" with a larger one, a bare
  percentage that is lower (95% → 90%). Targets in different units, with
  opposite operators, dates and qualitative targets are not compared.
- ``duplicate.code_year``: another declaration has the same 项目编码 and 申报年度.

Pure: what the store knows arrives in a CheckContext.
"""
from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from desktop.domain.check_context import CheckContext
from desktop.domain.form import NOT_APPLICABLE
from desktop.domain.model import Declaration, Indicator
from desktop.domain.problems import Problem
from desktop.domain.targets import Target, parse_target

UP, DOWN = "up", "down"
# Last year's targets are compared on every keystroke: parsed once (Target is immutable).
_parsed = lru_cache(maxsize=8192)(parse_target)  # a larger number is more ambitious / a smaller one is


def indicator_key(row: Indicator) -> tuple[str, str, str]:
    """The same indicator across declarations: category and 三级指标 name."""
    return row.level1.strip(), row.level2.strip(), row.name.strip()


def sense(target: Target) -> str | None:
    """Which way the target is more ambitious, or None when it cannot be compared."""
    if target.kind != "quantity" or target.number is None:
        return None
    if target.op in ("≥", ">"):
        return UP
    if target.op in ("≤", "<"):
        return DOWN
    return UP if target.is_percent else None  # "95%": a rate to reach


def _same_unit(a: str, b: str) -> bool:
    """Equal, or one left out ("≥2" last year, "≥1次" now); a percentage is never a bare number."""
    return a == b or (not (a and b) and "%" not in (a, b))


def weaker(this: str, last: str) -> bool:
    """True when target ``this`` asks less than ``last`` (same unit, same direction)."""
    now, before = _parsed(this), _parsed(last)
    way = sense(now)
    if way is None or way != sense(before) or not _same_unit(now.unit, before.unit):
        return False
    assert now.number is not None and before.number is not None
    return now.number < before.number if way == UP else now.number > before.number


def last_year_targets(previous: Declaration) -> dict[tuple[str, str, str], str]:
    """Last year's target of each indicator (the first row when a name repeats)."""
    out: dict[tuple[str, str, str], str] = {}
    for row in previous.indicators:
        key = indicator_key(row)
        if key[2] and key[2] != NOT_APPLICABLE:
            out.setdefault(key, row.target.strip())
    return out


def below_last_year(decl: Declaration, previous: Declaration | None) -> Iterator[Problem]:
    if previous is None or not previous.indicators:
        return
    before = last_year_targets(previous)
    if not before:
        return
    for i, row in enumerate(decl.indicators):
        last = before.get(indicator_key(row))
        target = row.target.strip()
        if last is None or not target or not weaker(target, last):
            continue
        yield Problem("target.below_last_year", "warning", f"indicators[{i}].target",
                      f"第 {i + 1} 行“{row.name.strip()}”的目标值“{target}”低于上年度（{previous.fiscal_year} 年度）的"
                      f"“{last}”：如确需降低，请在指标解释中说明原因")


def duplicate_code_year(decl: Declaration, others: tuple[int, ...]) -> Iterator[Problem]:
    code = decl.header.project_code.strip()
    if not code or not others:
        return
    ids = "、".join(str(i) for i in others[:5]) + ("等" if len(others) > 5 else "")
    yield Problem("duplicate.code_year", "warning", "header.project_code",
                  f"项目编码 {code} 在 {decl.fiscal_year} 年度已有另一份申报表（编号 {ids}）："
                  "同一项目每年只申报一份，请核对后删除多余的一份，或改正项目编码、申报年度")


def check(decl: Declaration, context: CheckContext) -> list[Problem]:
    """The year rules' problems (none without a context's knowledge)."""
    return [*duplicate_code_year(decl, context.same_code_year), *below_last_year(decl, context.previous_year)]
