"""Review-grade rules (PRODUCT.md §3, second table): what finance reviewers send back.

Each takes the declaration and reports through ``add(code, severity, field,
message)``; the template's ``rules`` policy may then switch a code off or
change its severity (desktop.domain.rules.check applies it to every code).
Messages say what to do, not only what is wrong.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable

from desktop.domain.amounts import format_amount, parse_amount
from desktop.domain.model import Declaration
from desktop.domain.problems import Severity
from desktop.domain.targets import parse_target

Add = Callable[[str, Severity, str, str], None]

# -- indicator.input_as_output --------------------------------------------------------------
# Money put in, not what it produced: 资金到位率, 预算执行率, 拨付金额, 投入经费 …
# "资金使用合规率" (how the money was used) and 成本 ratios are not inputs.
_INPUT = re.compile(
    r"(资金|经费|预算|财政)\S{0,4}(到位|执行|拨付|下达)(率|进度|金额|资金|比例|情况)?"
    r"|到位率|拨付(金额|资金|率|进度|比例)|投入(经费|资金|金额)|(经费|资金)投入|资金使用率|支出进度"
)
_NOT_INPUT = re.compile(r"合规|规范|违规|安全|绩效")


def is_input_indicator(name: str) -> bool:
    name = unicodedata.normalize("NFKC", name)
    return bool(_INPUT.search(name)) and not _NOT_INPUT.search(name)


def input_as_output(d: Declaration, add: Add) -> None:
    for i, row in enumerate(d.indicators):
        name = row.name.strip()
        if row.level1.strip().startswith("产出") and is_input_indicator(name):
            add("indicator.input_as_output", "warning", f"indicators[{i}].name",
                f"第 {i + 1} 行“{name}”衡量的是资金投入，不是项目产出。请改为项目完成的数量、质量或时效，"
                "如“完成培训≥10次”“验收通过率100%”")


# -- text.vague --------------------------------------------------------------------------------
VAGUE_WORDS = ("进一步", "明显", "有效", "大幅", "逐步", "不断", "显著", "持续", "稳步", "大力", "极大", "切实")
_NOT_VAGUE = re.compile(r"有效期|有效性|有效证件|无效")
_MEASURE = re.compile(r"[0-9]|[一二两三四五六七八九十百千万]+\s*[次个项人家场期批台辆套条倍名户件所天%篇份处]")
# Where an item of a goal text starts: a new line, or a number after punctuation or a space
# ("…完成巡查；2.开展培训", "(1)", "（1）", "①").
_ITEM_START = re.compile(
    r"(?:(?<=[\s。；;，,：:])|^)(?:\d{1,2}\s*(?:[、.．](?!\d))|[一二三四五六七八九十][、.．])|[(（]\d{1,2}[)）]|[①-⑳]"
)


def goal_items(text: str) -> list[str]:
    """The items of a goal text: its lines, each split at its numbers."""
    out: list[str] = []
    for line in text.split("\n"):
        cuts = sorted({m.start() for m in _ITEM_START.finditer(line)} | {0})
        for a, b in zip(cuts, cuts[1:] + [len(line)], strict=True):
            piece = _ITEM_START.sub("", line[a:b], count=1).strip() if a in cuts else line[a:b].strip()
            if piece:
                out.append(piece)
    return out


def vague_word(text: str) -> str | None:
    """The vague word of a text that promises change without a measure, else None."""
    s = _NOT_VAGUE.sub("", unicodedata.normalize("NFKC", text))
    if _MEASURE.search(s):
        return None
    return next((w for w in VAGUE_WORDS if w in s), None)


def _excerpt(text: str, width: int = 24, around: str = "") -> str:
    """A short quote of text, centred on ``around`` when it occurs."""
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    at = text.find(around) if around else -1
    start = 0 if at < 0 else max(0, min(at - width // 3, len(text) - width))
    return ("…" if start else "") + text[start:start + width] + ("…" if start + width < len(text) else "")


def vague_texts(d: Declaration, labels: dict[str, str], add: Add) -> None:
    for path in ("texts.annual_goals", "texts.long_term_goals"):
        items = goal_items(d.get(path))
        for n, item in enumerate(items, 1):
            word = vague_word(item)
            if word is None:
                continue
            where = f"{labels[path]}第 {n} 条" if len(items) > 1 else labels[path]
            add("text.vague", "warning", path,
                f"{where}“{_excerpt(item, around=word)}”用了“{word}”，却没有可衡量的标准。"
                "请写明可衡量的目标，如“提高至95%”“完成培训≥10次”")
    for i, row in enumerate(d.indicators):
        t = parse_target(row.target)
        if t.kind == "qualitative":
            word = vague_word(t.text)
            if word is not None:
                add("text.vague", "warning", f"indicators[{i}].target",
                    f"第 {i + 1} 行目标值“{row.target.strip()}”用了“{word}”，却没有可衡量的标准。"
                    "请写明可衡量的目标值，如“≥95%”“≤2小时”")


# -- amount.multi_year_equal ---------------------------------------------------------------------
def multi_year_equal(d: Declaration, years: int | None, add: Add) -> None:
    total = parse_amount(d.header.total_amount).value
    annual = parse_amount(d.header.annual_amount).value
    if years is not None and years > 1 and total is not None and annual is not None and total == annual:
        add("amount.multi_year_equal", "warning", "header.annual_amount",
            f"实施期限为 {years} 年，本年度项目金额却与项目总金额相同（{format_amount(annual)} 元）。"
            "请只填本年度申请的金额；若项目一年完成，请把实施期限改为 1 年")


# -- goals.indicator_mismatch ----------------------------------------------------------------------
_UNITS = "万人次|人次|小时|公里|平方米|%|次|场|期|个|人|项|家|台|辆|套|条|天|批|户|件|篇|份|所|名|处|类|门"
_QUANTITY = re.compile(rf"(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>{_UNITS})")
_NAME_UNIT = (("次数", "次"), ("人次", "人次"), ("人数", "人"), ("个数", "个"), ("场次", "场"), ("天数", "天"),
              ("项数", "项"), ("户数", "户"), ("件数", "件"), ("期数", "期"))
_CLAUSE = re.compile(r"[，,。；;、\s：:（）()“”]")
_BOILERPLATE = re.compile(r"通过本?项目的?(开展|实施|建设)|本项目|项目的?(开展|实施)")
# Two-character words too common in goals to tie a goal to an indicator.
_STOP = frozenset(
    "通过 开展 实施 完成 实现 提高 提升 保障 保证 确保 加强 推动 推进 促进 做好 工作 能力 水平 全区 我区 合作 作区 "
    "进一 一步 有效 相关 以上 不少 少于 不低 低于 高于 达到 全年 年度 项目 建设 管理 服务 情况 反映 考察 数量 "
    "及时 质量 时效 效益 社会 满意 意度 指标 人员 单位 以及 及其 各类 进行 组织 年内".split()
)
_CJK = re.compile(r"[\u4e00-\u9fff]+")


def _words(text: str) -> set[str]:
    """The two-character words of a text, without the common ones."""
    out: set[str] = set()
    for run in _CJK.findall(_BOILERPLATE.sub("", text)):
        out.update(run[i:i + 2] for i in range(len(run) - 1))
    return out - _STOP


def _indicator_unit(name: str, unit: str) -> str:
    if unit:
        return unit
    return next((u for suffix, u in _NAME_UNIT if name.endswith(suffix)), "")


def _goal_quantities(item: str) -> Iterable[tuple[str, str, str]]:
    """(number text, unit, words around it) of each quantity a goal names."""
    for m in _QUANTITY.finditer(item):
        before = item[:m.start()]
        cut = max((c.end() for c in _CLAUSE.finditer(before)), default=0)
        after = item[m.end():]
        stop = next((c.start() for c in _CLAUSE.finditer(after)), len(after))
        yield m.group("num"), m.group("unit"), before[cut:][-10:] + m.group() + after[:stop][:6]


def indicator_mismatch(d: Declaration, labels: dict[str, str], add: Add) -> None:
    from decimal import Decimal

    items = goal_items(d.texts.annual_goals)
    rows = []
    for i, row in enumerate(d.indicators):
        t = parse_target(row.target)
        if t.kind == "quantity" and t.number is not None:
            rows.append((i, row, t, _indicator_unit(row.name.strip(), t.unit)))
    label = labels["texts.annual_goals"]
    for item in items:
        for num, unit, around in _goal_quantities(item):
            subject = _words(around)
            related = [(i, row, t) for i, row, t, u in rows if u == unit and subject & _words(row.name)]
            if not related or any(t.number == Decimal(num) for _i, _row, t in related):
                continue
            i, row, t = related[0]
            add("goals.indicator_mismatch", "warning", f"indicators[{i}].target",
                f"{label}写“{around.strip()}”，而第 {i + 1} 行指标“{row.name.strip()}”的目标值是"
                f"“{row.target.strip()}”。请使两者一致（改目标值或改{label}）")
    if len(items) < 2 or not d.indicators:
        return
    indicator_words: set[str] = set()
    for row in d.indicators:
        indicator_words |= _words(row.name) | _words(row.explanation)
    for n, item in enumerate(items, 1):
        words = _words(item)
        if words and not words & indicator_words:
            add("goals.indicator_mismatch", "warning", "texts.annual_goals",
                f"{label}第 {n} 条“{_excerpt(item)}”没有对应的绩效指标。"
                "请在绩效指标中为它设一条可衡量的指标，或删去这条目标")


# -- cost.amount_guessed -----------------------------------------------------------------------------
def amount_guessed(d: Declaration, add: Add) -> None:
    for i, item in enumerate(d.cost_items):
        guessed = item.amount_guessed.strip()
        if guessed and item.amount.strip() == guessed:
            add("cost.amount_guessed", "warning", f"cost_items[{i}].amount",
                f"第 {i + 1} 项的金额“{guessed}”是导入时从文中几个金额里推断的，不一定是申请的金额。"
                "请核对：无误请点“确认金额”，否则直接改正金额")


def check_review(d: Declaration, labels: dict[str, str], years: int | None, add: Add) -> None:
    """All review-grade rules; ``labels`` names the goal fields as the template does."""
    input_as_output(d, add)
    vague_texts(d, labels, add)
    multi_year_equal(d, years, add)
    indicator_mismatch(d, labels, add)
    amount_guessed(d, add)
