"""Lines of a printed cell, broken by the rules of Chinese typesetting (禁则).

ReportLab's CJK wrapping lets a closing mark that would start a line hang
past the line's end (over the cell's border) and never keeps an opening mark
from ending one. Here, greedily and in time linear in the text: a line takes
as many characters as fit its width, never more; when the break that leaves
falls before a closing mark (，。、；：？！）》」』】〉%… …), after an opening
mark (（《「『【〈 …), inside "……" or "——", or inside a run of Latin letters
and digits, it moves back to the nearest break that breaks no rule (a Latin
run only as far as half the line, as ReportLab does). Only a line that has no
such break at all (a cell narrower than two characters, a line of nothing but
punctuation) is broken where it is full.

Two entry points mirror ReportLab's: ``split_text`` for a paragraph in one
font (its ``wordSplit``), ``split_frags`` for one with several fonts or hard
line breaks (its ``cjkFragSplit``). Their lines have the same shape as
ReportLab's, so drawing, splitting and chunks.py use them unchanged.
"""
from __future__ import annotations

from collections.abc import Sequence

from reportlab.pdfbase.pdfmetrics import getFont
from reportlab.platypus.paragraph import ParaLines, cjkU, makeCJKParaLine
from reportlab.rl_config import _FUZZ

# No line begins with these: closing brackets and quotes, stops, commas, 顿号, ellipsis, percent …
CANNOT_START = frozenset(
    "，。、；：？！）》」』】〉〕〗］｝’”…‥·・％‰℃°′″〃々〻ゝゞヽヾーぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ"
    "!%),.:;?]}｡､｣･\uff5e\u301c"  # ~ (full width and wave dash) may not start a line either
)
# … and none ends with these: opening brackets and quotes.
CANNOT_END = frozenset("（《「『【〈〔〖［｛‘“([{￥＄$£#＃")
# Never split between two of these: "……", "——".
NO_SPLIT_PAIRS = frozenset("…—―‥")


def _is_word(ch: str) -> bool:
    """A character of a Latin word or number, not to be split (e.g. 2024, AT&T, 1,234.50, ≥95%)."""
    return ord(ch) < 0x3000 and not ch.isspace()


def allowed(chars: Sequence[str], b: int) -> bool:
    """May a line end between chars[b - 1] and chars[b] by the punctuation rules?"""
    before, after = chars[b - 1], chars[b]
    if after in CANNOT_START or before in CANNOT_END:
        return False
    return not (before == after and after in NO_SPLIT_PAIRS)


def _break_at(chars: Sequence[str], start: int, full: int) -> int:
    """Where a line from start ends, given that chars[full] does not fit on it."""
    if full <= start + 1:
        return max(full, start + 1)  # one character wider than the line: it takes the line
    half = (start + full) >> 1
    for b in range(full, start, -1):  # the nearest break that breaks no rule
        if not allowed(chars, b):
            continue
        if _is_word(chars[b - 1]) and _is_word(chars[b]):
            if b > half:
                continue  # inside a word: look further back, but only as far as half the line
            break  # a word longer than half the line: split it where the punctuation allows
        return b
    for b in range(full, start, -1):  # a long word: any break the punctuation allows
        if allowed(chars, b):
            return b
    return full  # nothing but marks that may not be parted: break where the line is full


def break_positions(chars: Sequence[str], widths: Sequence[float], max_widths: Sequence[float],
                    hard: frozenset[int] = frozenset()) -> list[tuple[int, int, float]]:
    """(start, stop, width used) of each line; ``hard``: positions that end a line after them."""
    lines: list[tuple[int, int, float]] = []
    n = len(chars)
    i = start = 0
    used = 0.0
    max_width = max_widths[0]
    while i < n:
        used += widths[i]
        i += 1
        if i - 1 in hard:
            lines.append((start, i, used))
        elif used > max_width + _FUZZ and used > 0:
            stop = _break_at(chars, start, i - 1)
            if stop >= i:  # the character that did not fit stays (it is the line's only one)
                stop = i
            lines.append((start, stop, sum(widths[start:stop])))
            i = stop
        else:
            continue
        start = i
        used = 0.0
        max_width = max_widths[min(len(lines), len(max_widths) - 1)]
    if start < n and used > 0:  # as ReportLab: nothing but zero-width marks left makes no line
        lines.append((start, n, used))
    return lines


_widths: dict[tuple[str, float], dict[str, float]] = {}


def char_widths(text: str, font_name: str, font_size: float) -> list[float]:
    """Each character's advance, as ReportLab's stringWidth gives it (memoised per font and size)."""
    memo = _widths.get((font_name, font_size))
    if memo is None:
        memo = _widths.setdefault((font_name, font_size), {})
    out = []
    font = None
    for ch in text:
        w = memo.get(ch)
        if w is None:
            font = font or getFont(font_name)
            w = memo[ch] = font.stringWidth(ch, font_size)
        out.append(w)
    return out


def split_text(text: str, max_widths: Sequence[float], font_name: str, font_size: float) -> list[list]:
    """As ReportLab's ``wordSplit``: [extra space, line text] per line, the text in one font."""
    widths = char_widths(text, font_name, font_size)
    out = []
    for k, (a, b, used) in enumerate(break_positions(text, widths, max_widths)):
        max_width = max_widths[min(k, len(max_widths) - 1)]
        line = text[a:b]
        out.append([max_width - used, line.strip() if b < len(text) else line])
    return out


def split_frags(frags, max_widths: Sequence[float], calc_bounds: bool, encoding: str = "utf8") -> ParaLines:
    """As ReportLab's ``cjkFragSplit``: lines of frags (several fonts, hard line breaks)."""
    units: list = []
    for f in frags:
        text = f.text
        if isinstance(text, bytes):
            text = text.decode(encoding)
        if text:
            units.extend(cjkU(t, f, encoding) for t in text)
        else:
            units.append(cjkU(text, f, encoding))
    widths = [u.width for u in units]
    chars = [str(u) or "\n" for u in units]  # an empty unit (a <br/>) never joins a word
    hard = frozenset(k for k, u in enumerate(units) if hasattr(u.frag, "lineBreak"))
    lines = []
    positions = break_positions(chars, widths, max_widths, hard)
    for k, (a, b, used) in enumerate(positions):
        max_width = max_widths[min(k, len(max_widths) - 1)]
        line_break = (b - 1) in hard
        lines.append(makeCJKParaLine(units[a:b], max_width, used, max_width - used, line_break, calc_bounds))
    return ParaLines(kind=1, lines=lines)
