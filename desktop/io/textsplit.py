"""Undo the flattening of multi-line cells seen in real documents.

Exports run numbered items together ("…96.5万元。 2.民意速办…"), wrap them in
``<p>`` paragraphs, or number them "1、" and "3.①…④…". Items are recognised
only where the numbers follow each other (1, 2, 3 …), so "96.5万元" or
"2024年" never start an item.
"""
from __future__ import annotations

import re

_P_TAG = re.compile(r"</?p\s*>", re.IGNORECASE)
# An item number stands at the start, after a space or after punctuation ("…完成巡查；2.开展培训").
_ARABIC = re.compile(r"(?:(?<=[\s。；;：:！!？?，,])|^)(\d{1,2})\s*(?:、|[.．](?!\d))")
_BRACKETED = re.compile(r"[(（](\d{1,2})[)）]")
_CIRCLED_DIGITS = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_CIRCLED = re.compile(f"([{_CIRCLED_DIGITS}])")
# Item numbers of a list, tried in this order: 1. / 1、, then (1) / （1）, then ①.
_LISTS = ((_ARABIC, int), (_BRACKETED, int), (_CIRCLED, lambda c: _CIRCLED_DIGITS.index(c) + 1))
_CN_NUMERALS = "一二三四五六七八九十"
_CHINESE = re.compile(r"(?:(?<=\s)|^)([一二三四五六七八九十])、")


def html_paragraphs(text: str) -> list[str]:
    """Split on <p> tags (when present); drop the tags and empty pieces."""
    if not _P_TAG.search(text):
        return [text.strip()] if text.strip() else []
    return [p.strip() for p in _P_TAG.split(text) if p.strip()]


def _sequential_starts(text: str, pattern: re.Pattern, value) -> list[re.Match]:
    starts, expected = [], 1
    for m in pattern.finditer(text):
        if value(m.group(1)) == expected:
            starts.append(m)
            expected += 1
    return starts


def split_numbered(text: str) -> tuple[list[str], bool]:
    """Split text into its numbered items 1., 2., … (or 1、2、…; else (1) （1） ①).

    Returns (pieces, numbered). With ``numbered`` true each piece is one item
    with its number removed; otherwise the single piece is the whole text.
    """
    text = " ".join(html_paragraphs(text))
    for pattern, value in _LISTS:
        starts = _sequential_starts(text, pattern, value)
        if len(starts) > 1 and starts[0].start() == 0:
            break
    else:
        starts = _sequential_starts(text, _ARABIC, int)
    if not starts or starts[0].start() != 0:
        return ([text.strip()] if text.strip() else []), False
    pieces = []
    for i, m in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(text)
        pieces.append(text[m.end():end].strip())
    return pieces, True


def restore_paragraphs(text: str) -> str:
    """Turn a flattened cell back into lines: one per <p>, numbered item or 一、 section."""
    lines: list[str] = []
    for para in html_paragraphs(text):
        cuts = {m.start() for m in _sequential_starts(para, _CHINESE, lambda c: _CN_NUMERALS.index(c) + 1)}
        for pattern, value in _LISTS:
            starts = _sequential_starts(para, pattern, value)
            if pattern is _ARABIC or len(starts) > 1:
                cuts |= {m.start() for m in starts}
        cuts.discard(0)
        prev = 0
        for cut in sorted(cuts):
            lines.append(para[prev:cut].strip())
            prev = cut
        lines.append(para[prev:].strip())
    return "\n".join(line for line in lines if line)
