"""The form's rules (PRODUCT.md §3): a declaration and its template in, problems out.

Qt-free and fast enough to run on every keystroke: a 45-row declaration is
checked in well under a millisecond or two.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import replace
from decimal import Decimal
from functools import lru_cache

from desktop.domain import review_rules
from desktop.domain.amounts import format_amount, parse_amount
from desktop.domain.check_context import CheckContext
from desktop.domain.model import Declaration
from desktop.domain.problems import Problem, Severity, sort_key
from desktop.domain.targets import NOT_APPLICABLE, parse_target
from desktop.domain.template import Template
from desktop.domain import year_rules

GlyphCheck = Callable[[str], set[str]]

_FIELD_ORDER = {
    name: i
    for i, name in enumerate(
        [
            "header.project_code", "header.project_name", "header.applicant_unit", "header.budget_unit",
            "header.duration_years", "header.project_type", "header.is_new", "header.allocation_method",
            "header.total_amount", "header.annual_amount", "texts.policy_basis", "cost_basis",
            "cost_items[].text", "cost_items[].amount", "texts.annual_goals", "texts.long_term_goals",
            "indicators", "indicators[].level1", "indicators[].level2", "indicators[].name",
            "indicators[].target", "indicators[].explanation",
        ]
    )
}
RATE_SUFFIXES = ("率", "占比", "比重", "满意度")
FORMULA_SUFFIXES = ("率", "占比", "比重")
NOT_RATES = ("效率", "频率")  # end in 率 but are not ratios ("系统维护效率 ≤24小时")


def is_rate_name(name: str, suffixes: tuple[str, ...] = RATE_SUFFIXES) -> bool:
    return name.endswith(suffixes) and not name.endswith(NOT_RATES)
_INDICATOR_LABELS = {"level1": "一级指标", "level2": "二级指标", "name": "三级指标", "target": "目标值", "explanation": "指标解释"}


def _yuan(v: Decimal) -> str:
    return f"{format_amount(v)} 元"


def parse_duration(text: str) -> int | None:
    s = unicodedata.normalize("NFKC", text or "").strip().removesuffix("年").strip()
    if s.isascii() and s.isdigit() and int(s) >= 1:
        return int(s)
    return None


class _Checker:
    def __init__(self, decl: Declaration, template: Template, glyph_check: GlyphCheck | None,
                 context: CheckContext):
        self.context = context
        self.d = decl
        self.t = template
        self.glyph_check = glyph_check
        self.out: list[Problem] = []

    def add(self, code: str, severity: Severity, field: str, message: str) -> None:
        self.out.append(Problem(code, severity, field, message))

    def label(self, path: str) -> str:
        return self.t.label(path).split("（")[0]

    # -- header -------------------------------------------------------------
    def required(self) -> None:
        for path in self.t.required:
            if path == "cost_basis":
                empty = not any(c.text.strip() for c in self.d.cost_items)
            else:
                empty = not self.d.get(path).strip()
            if empty:
                self.add("required", "error", path, f"请填写“{self.label(path)}”")

    def project_code(self) -> None:
        code = self.d.header.project_code.strip()
        if not code:
            return
        if not (code.isascii() and code.isdigit()):
            bad = "".join(sorted({c for c in code if not (c.isascii() and c.isdigit())}))
            self.add("code.format", "error", "header.project_code", f"项目编码只能由数字组成，含有“{bad}”")
        elif len(code) != self.t.project_code_length:
            self.add("code.length", "warning", "header.project_code",
                     f"项目编码应为 {self.t.project_code_length} 位数字，现为 {len(code)} 位")

    def duration(self) -> int | None:
        raw = self.d.header.duration_years
        years = parse_duration(raw)
        if raw.strip() and years is None:
            self.add("duration.format", "error", "header.duration_years", f"实施期限应为不小于 1 的整数年，现为“{raw.strip()}”")
        return years

    def amounts(self, years: int | None) -> None:
        h = self.d.header
        total, annual = parse_amount(h.total_amount), parse_amount(h.annual_amount)
        for path, parsed, raw in (("header.total_amount", total, h.total_amount), ("header.annual_amount", annual, h.annual_amount)):
            if parsed.error:
                self.add("amount.format", "error", path, f"{self.label(path)}“{raw.strip()}”{parsed.error}")
        if total.value is not None and annual.value is not None:
            if annual.value > total.value:
                self.add("amount.annual_exceeds_total", "error", "header.annual_amount",
                         f"本年度项目金额 {_yuan(annual.value)}超过项目总金额 {_yuan(total.value)}")
            elif years == 1 and annual.value != total.value:
                self.add("amount.single_year_mismatch", "warning", "header.annual_amount",
                         f"实施期限为 1 年，本年度项目金额 {_yuan(annual.value)}应与项目总金额 {_yuan(total.value)}相同")
        self.cost_sum(annual.value)

    def cost_sum(self, annual: Decimal | None) -> None:
        values = []
        for i, item in enumerate(self.d.cost_items):
            parsed = parse_amount(item.amount)
            if parsed.error:
                self.add("amount.format", "error", f"cost_items[{i}].amount", f"第 {i + 1} 项测算金额“{item.amount.strip()}”{parsed.error}")
            values.append(parsed.value)
        amounts = [v for v in values if v is not None]
        if annual is None or not values or len(amounts) != len(values):
            return
        total = sum(amounts, Decimal("0"))
        if total != annual:
            diff = total - annual
            self.add("cost.sum_mismatch", "warning", "cost_basis",
                     f"测算依据各项金额合计 {_yuan(total)}，与本年度项目金额 {_yuan(annual)}相差 {_yuan(abs(diff))}"
                     f"（{'多' if diff > 0 else '少'}）")

    def long_term(self, years: int | None) -> None:
        if years is not None and years > 1 and not self.d.texts.long_term_goals.strip():
            self.add("long_term_goals.required", "error", "texts.long_term_goals",
                     f"实施期限为 {years} 年，跨年度项目须填写长期目标")

    def options(self) -> None:
        for name, opt in self.t.options.items():
            path = f"header.{name}"
            value = self.d.get(path).strip()
            if not value:
                continue
            # Known: the template's list and, for an open list, values added to it or used
            # before (context); "15 履职类(运转)项目" and "履职类（运转）" name the same type.
            extra = self.context.known_options.get(path, ()) if opt.open else ()
            known = {option_key(v) for v in (*opt.values, *extra)}
            if option_key(value) in known:
                continue
            if opt.open:
                how = (f"请从列表中选择；如确为本单位使用的{self.label(path)}，请用“编辑列表…”把它加入列表"
                       f"（命令行：jixiao options {path} --add 值）")
            else:
                how = f"请从以下选项中选择：{'、'.join(opt.values)}"
            self.add("option.unknown", "warning", path, f"{self.label(path)}“{value}”不在已知列表中。{how}")

    def review(self, years: int | None) -> None:
        labels = {p: self.label(p) for p in ("texts.annual_goals", "texts.long_term_goals")}
        review_rules.check_review(self.d, labels, years, self.add)

    # -- indicators --------------------------------------------------------
    def indicators(self) -> None:
        names: dict[str, int] = {}
        covered: set[tuple[str, str]] = set()
        for i, row in enumerate(self.d.indicators):
            p = f"indicators[{i}]"
            l1, l2, name, target = row.level1.strip(), row.level2.strip(), row.name.strip(), row.target.strip()
            for f in ("name", "target", "explanation"):
                if not getattr(row, f).strip():
                    self.add("required", "error", f"{p}.{f}", f"第 {i + 1} 行指标未填写“{_INDICATOR_LABELS[f]}”")
            if l1 not in self.t.level1_names:
                self.add("indicator.category_unknown", "error", f"{p}.level1",
                         f"第 {i + 1} 行的一级指标“{l1}”不在模板中（{'、'.join(self.t.level1_names)}）")
            elif l2 not in self.t.level2_names(l1):
                self.add("indicator.category_unknown", "error", f"{p}.level2",
                         f"第 {i + 1} 行的二级指标“{l2}”不属于一级指标“{l1}”（可选：{'、'.join(self.t.level2_names(l1))}）")
            core = self.t.is_core(l1, l2)
            na = NOT_APPLICABLE in (name, target)
            if core and na:
                self.add("indicator.not_applicable_core", "error", f"{p}.name",
                         f"“{l2}”是必填的核心指标，不能填“不适用”（第 {i + 1} 行）")
            if name and not na:
                covered.add((l1, l2))
                if name in names:
                    self.add("indicator.duplicate", "warning", f"{p}.name",
                             f"三级指标“{name}”与第 {names[name] + 1} 行重复")
                else:
                    names[name] = i
            if target and not na:
                self.target(i, row.name.strip(), target, row.explanation)
        for l1, l2 in self.t.core_categories:
            if (l1, l2) not in covered:
                self.add("indicator.core_missing", "error", "indicators",
                         f"核心指标“{l1} / {l2}”至少需要一条实际指标")

    def target(self, i: int, name: str, raw: str, explanation: str) -> None:
        p = f"indicators[{i}]"
        t = parse_target(raw)
        if t.kind == "invalid":
            self.add("target.format", "error", f"{p}.target", f"第 {i + 1} 行：{t.error}")
            return
        is_rate = is_rate_name(name)
        if t.kind == "quantity":
            if t.is_percent and t.number is not None and t.number > 100:
                self.add("target.percent_over_100", "error", f"{p}.target",
                         f"第 {i + 1} 行目标值“{raw}”超过 100%")
            if is_rate and not t.is_percent:
                self.add("target.rate_without_percent", "warning", f"{p}.target",
                         f"“{name}”是比率类指标，目标值“{raw}”应为百分数（如 ≥95%）")
            elif not t.unit:
                self.add("target.unit_missing", "warning", f"{p}.target",
                         f"第 {i + 1} 行目标值“{raw}”没有单位（如 次、个、小时、%）")
        if is_rate_name(name, FORMULA_SUFFIXES) and "=" not in unicodedata.normalize("NFKC", explanation):
            self.add("indicator.formula_missing", "warning", f"{p}.explanation",
                     f"“{name}”是比率类指标，指标解释应写出计算公式（含“=”）")

    # -- print font ----------------------------------------------------------
    def glyphs(self) -> None:
        if self.glyph_check is None:
            return
        # The check is per character: one call over all the text settles the
        # usual case (nothing missing) instead of one call per field.
        if not self.glyph_check("".join(_texts(self.d))):
            return
        for path, text in _all_text(self.d):
            missing = self.glyph_check(text)
            if missing:
                shown = "".join(sorted(missing))
                self.add("print.glyph_missing", "warning", path,
                         f"打印字体无法显示以下字符：{shown}（打印出来是方框；请改用常用字，或打印后手写补上）")


def _texts(d: Declaration) -> Iterable[str]:
    """The texts of _all_text, without their paths."""
    yield from d.header.__dict__.values()
    yield from d.texts.__dict__.values()
    for c in d.cost_items:
        yield c.text
    for r in d.indicators:
        yield from (r.level1, r.level2, r.name, r.target, r.explanation)


def _all_text(d: Declaration) -> Iterable[tuple[str, str]]:
    for name in type(d.header).model_fields:
        yield f"header.{name}", getattr(d.header, name)
    for name in type(d.texts).model_fields:
        yield f"texts.{name}", getattr(d.texts, name)
    for i, c in enumerate(d.cost_items):
        yield f"cost_items[{i}].text", c.text
    for i, r in enumerate(d.indicators):
        for f in ("level1", "level2", "name", "target", "explanation"):
            yield f"indicators[{i}].{f}", getattr(r, f)


_OPTION_CODE = re.compile(r"^\d+\s*")


@lru_cache(maxsize=1024)
def option_key(value: str) -> str:
    """An option value as compared: width, spaces, a leading code and a trailing 项目 do not count."""
    s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", value))
    s = _OPTION_CODE.sub("", s)
    return s.removesuffix("项目") or s


def apply_policy(problems: Iterable[Problem], template: Template) -> list[Problem]:
    """The template's ``rules``: a code switched "off" is dropped, another severity replaces §3's."""
    if not template.rules:
        return list(problems)
    out = []
    for p in problems:
        policy = template.rules.get(p.code)
        if policy == "off":
            continue
        out.append(p if policy is None or policy == p.severity else replace(p, severity=policy))
    return out


def check(decl: Declaration, template: Template, glyph_check: GlyphCheck | None = None,
          context: CheckContext | None = None) -> list[Problem]:
    """Every problem of the declaration, in tab and field order.

    ``context`` carries what the store knows (see domain.check_context); the
    rules that need it stay silent without it."""
    c = _Checker(decl, template, glyph_check, context or CheckContext())
    c.required()
    c.project_code()
    years = c.duration()
    c.amounts(years)
    c.long_term(years)
    c.options()
    c.indicators()
    c.review(years)
    c.glyphs()
    for y in year_rules.check(decl, c.context):  # target.below_last_year, duplicate.code_year
        c.add(y.code, y.severity, y.field, y.message)
    return sorted(apply_policy(c.out, template), key=lambda p: sort_key(p.field, _FIELD_ORDER))


def has_errors(problems: Iterable[Problem]) -> bool:
    return any(p.is_error for p in problems)
