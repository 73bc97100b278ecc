"""Read the requested amount out of a cost item's free text.

A 测算依据 item explains its figure and ends with what is requested:
"…系统开发建设费用预计150万；…合计198万元。2024年申请预算58万元" asks for 58万.
So the item's amount is the last yuan amount it mentions, except one in a
clause that adds up other items ("该项总计=413400+291600=705000元", "以上合计
30万元"). A sum of the item's own parts ("按10人、每人6万元，合计60万元",
"油费…,租赁费…,合计413400元", "①…9万元…④…11万元。以上共20万") is the item's
amount.

Which clause sums what is settled by arithmetic where it can be: a sum equal
to the item's own amounts before it is the item's total; one equal to the
items before (with this one) sums items. Where the arithmetic says nothing
the wording decides (以上/上述/该项总计/汇总 sum items; 合计/共计/小计/累计/总额
sum the item's parts), and the reading is then only a guess: ``certain`` is
False, and the importer records the guess (cost.amount_guessed) until the user
confirms or edits it. A reading is also a guess when the item names several
amounts and the one taken is not marked as requested (申请, 预算, 拟 …) nor
is a total.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

_CENT = Decimal("0.01")
_MAX_DIGITS = 18  # as desktop.domain.amounts: longer is no amount
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．，＋＝", "0123456789.,+=")
# 万 before a measure word counts people or things, not money ("1万人次").
_MEASURE = "人次户件份个名平亩台套条张字公吨辆间座米册多余"
_AMOUNT = re.compile(
    r"(?<![\d.])(\d+(?:,\d{3})*(?:\.\d+)?)\s*"
    rf"(亿元|万元|元|亿(?![{_MEASURE}])|万(?![{_MEASURE}]))"
)
_UNIT = {"元": Decimal(1), "万元": Decimal(10000), "万": Decimal(10000), "亿元": Decimal(10) ** 8,
         "亿": Decimal(10) ** 8}
_CLAUSE_BREAK = re.compile(r"[，,。；;！!？?\n、]")
_SENTENCE_BREAK = re.compile(r"[。；;！!？?\n]")
# A clause that adds up: the word may stand anywhere in the clause before the figure.
_SUM_WORD = re.compile(r"合计|共计|小计|累计|总计|总额|汇总|总共|共(?:约|需|为)?[：:为约]?\s*=?\s*$")
# Wording that adds up items listed before, rather than the item's own parts.
_ITEMS_WORD = re.compile(r"以上|上述|前述|各项|该项总计|本项总计|总计|汇总")
# "=a+b+c=" (or "a+b+c=") right before the figure: the terms are in the figure's unit.
_EXPRESSION = re.compile(r"(\d+(?:,\d{3})*(?:\.\d+)?(?:\s*\+\s*\d+(?:,\d{3})*(?:\.\d+)?)+)\s*=\s*$")
# Wording that marks the amount asked for.
_REQUEST_WORD = re.compile(r"申请|申报|预算|预计|拟|安排|所需|需要|测算|估算")


@dataclass(frozen=True)
class AmountReading:
    """The amount read from one item, and whether the reading is certain."""

    value: Decimal | None
    certain: bool = True


@dataclass
class _Figure:
    value: Decimal
    lead_in: str  # text since the figure before (or the item's start)
    strong: bool = False  # marked as requested, or a total of the item's own parts
    sums_items: bool = False  # adds up other items: never the item's amount


def _number(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the patterns admit digits only
        return None


def _figures(text: str) -> Iterable[tuple[Decimal, str, str]]:
    """(value in yuan, lead-in, unit) of every amount, in order."""
    s = text.translate(_FULL_WIDTH)
    prev = 0
    for m in _AMOUNT.finditer(s):
        number = _number(m.group(1))
        if number is None or len(m.group(1)) > _MAX_DIGITS:
            continue  # no amount of a form: a code or a typo
        value = (number * _UNIT[m.group(2)]).quantize(_CENT)
        yield value, s[prev:m.start()], m.group(2)
        prev = m.end()


def _after_last(pattern: re.Pattern, text: str) -> str:
    cut = max((m.end() for m in pattern.finditer(text)), default=0)
    return text[cut:]


def _trailing_sums(values: Sequence[Decimal]) -> set[Decimal]:
    """Sums of every run of values that ends with the last one."""
    out, total = set(), Decimal(0)
    for v in reversed(values):
        total += v
        out.add(total)
    return out


def read_amount(text: str, earlier: Sequence[Decimal | None] = ()) -> AmountReading:
    """The requested amount of one cost item; ``earlier`` holds the amounts of the
    items before it (None where an item has none), so that a clause adding them up
    is told from the item's own total."""
    previous = [v if v is not None else Decimal(0) for v in earlier]
    figures: list[_Figure] = []
    parts: list[Decimal] = []  # the item's own amounts so far, runs replaced by their totals
    guessed = False
    for value, lead_in, unit in _figures(text):
        fig = _Figure(value, lead_in)
        clause = _after_last(_CLAUSE_BREAK, lead_in)
        sentence = _after_last(_SENTENCE_BREAK, lead_in)
        expression = _EXPRESSION.search(clause)
        sums = bool(_SUM_WORD.search(clause)) or expression is not None
        if sums:
            own_best = _best(figures)[0]
            if value in _trailing_sums(parts):
                fig.strong = True  # the item's own parts, added up
                _fold(parts, value)
            elif _adds_up_items(value, previous, own_best, bool(_ITEMS_WORD.search(clause))):
                fig.sums_items = True
            elif expression is not None:
                factor = _UNIT[unit]
                terms = [((t or Decimal(0)) * factor).quantize(_CENT)
                         for t in map(_number, expression.group(1).split("+"))]
                adds_up = sum(terms) == value
                if previous and set(terms) <= set(previous) | set(parts):
                    fig.sums_items = True  # adds up amounts of the items before
                elif _ITEMS_WORD.search(clause):
                    fig.sums_items = True  # "该项总计=413400+291600=705000元"
                    guessed |= not adds_up
                else:
                    fig.strong = True  # "费用=5+3=8万元": the item's own parts
                    guessed |= not adds_up
                    parts[:] = [value]
            elif _ITEMS_WORD.search(clause):
                # Says it adds up items, yet the figures do not tell: leave it out if
                # the item has an amount of its own, else take it; a guess either way.
                guessed = True
                if figures:
                    fig.sums_items = True
                else:
                    fig.strong = True
                    parts.append(value)
            else:
                fig.strong = True  # "按10人、每人6万元，合计60万元": the item's own total
                parts[:] = [value]
        else:
            fig.strong = bool(_REQUEST_WORD.search(sentence))
            parts.append(value)
        figures.append(fig)
    chosen, certain = _best(figures)
    return AmountReading(chosen, certain and not guessed)


def _adds_up_items(value: Decimal, previous: Sequence[Decimal], own: Decimal | None, says_so: bool) -> bool:
    """Whether value is the sum of the items just before (with this item's amount so far):
    two items at least, or one with this one's; a single item before only when the wording
    says so ("以上合计"), since an item may well cost as much as the one before."""
    run, count = Decimal(0), 0
    for v in reversed(previous):
        run += v
        count += 1
        if own is not None and run + own == value:
            return True
        if run == value and (count >= 2 or says_so):
            return True
    return False


def _fold(parts: list[Decimal], total: Decimal) -> None:
    """Replace the run of parts that adds up to ``total`` with it."""
    run = Decimal(0)
    for i in range(len(parts) - 1, -1, -1):
        run += parts[i]
        if run == total:
            del parts[i:]
            parts.append(total)
            return


def _best(figures: Sequence[_Figure]) -> tuple[Decimal | None, bool]:
    """The amount to take and whether that is certain: the last one, when it is
    marked as requested or is a total; else the last marked one (a guess); else
    the last one, certain only when it is the only amount named."""
    candidates = [f for f in figures if not f.sums_items]
    if not candidates:
        return None, True
    values = {f.value for f in candidates}
    last = candidates[-1]
    if last.strong:
        return last.value, True
    strong = [f for f in candidates if f.strong]
    chosen = strong[-1] if strong else last
    return chosen.value, len(values) == 1


def requested_amount(text: str) -> Decimal | None:
    """The amount of an item read on its own (without the items before it)."""
    return read_amount(text).value


def read_cost_items(texts: Sequence[str]) -> list[AmountReading]:
    """Each item's reading, the items before it known: a clause adding up items is
    never counted again as an item's amount."""
    out: list[AmountReading] = []
    for text in texts:
        out.append(read_amount(text, [r.value for r in out]))
    return out
