"""What a reader sees on a printed page, read back from the PDF: each line of text in
each table cell (its words as poppler's pdftotext places them) and the cell's borders
(the vertical rules the page draws)."""
from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader
from pypdf.generic import ContentStream

NS = "{http://www.w3.org/1999/xhtml}"


@dataclass
class Word:
    page: int
    text: str
    x0: float
    x1: float
    top: float
    bottom: float


@dataclass
class Rule:
    """A vertical line: x, and its extent from top to bottom (points from the page top)."""

    x: float
    top: float
    bottom: float


def words(pdf: Path) -> list[Word]:
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, check=True).stdout
    root = ET.fromstring(re.sub(rb"<head>.*</head>", b"", out, flags=re.S))  # only the pages are read
    found = []
    for n, page in enumerate(root.iter(NS + "page")):
        for w in page.iter(NS + "word"):
            found.append(Word(n, w.text or "", float(w.get("xMin")), float(w.get("xMax")),
                              float(w.get("yMin")), float(w.get("yMax"))))
    return found


def _mul(m, n):
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2, e * a2 + f * c2 + e2,
            e * b2 + f * d2 + f2)


def vertical_rules(pdf: Path) -> dict[int, list[Rule]]:
    """The vertical lines each page strokes (table borders), in pdftotext's coordinates."""
    reader = PdfReader(str(pdf))
    rules: dict[int, list[Rule]] = {}
    for n, page in enumerate(reader.pages):
        height = float(page.mediabox.height)
        ctm = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
        stack = []
        start = None
        found = rules.setdefault(n, [])
        for operands, op in ContentStream(page.get_contents(), reader).operations:
            if op == b"q":
                stack.append(ctm)
            elif op == b"Q":
                ctm = stack.pop()
            elif op == b"cm":
                ctm = _mul(tuple(float(v) for v in operands), ctm)
            elif op == b"m":
                start = _apply(ctm, operands)
            elif op == b"l" and start is not None:
                end = _apply(ctm, operands)
                if abs(end[0] - start[0]) < 0.01 and abs(end[1] - start[1]) > 1:
                    found.append(Rule(start[0], height - max(start[1], end[1]), height - min(start[1], end[1])))
                start = end
    return rules


def _apply(ctm, operands):
    x, y = (float(v) for v in operands)
    a, b, c, d, e, f = ctm
    return a * x + c * y + e, b * x + d * y + f


@dataclass
class CellLine:
    page: int
    text: str
    x0: float
    x1: float
    left: float  # the cell's borders
    right: float


def cell_lines(pdf: Path) -> list[CellLine]:
    """Every line of text inside a table cell: the words on one baseline between the same two rules."""
    rules = vertical_rules(pdf)
    lines: dict[tuple, list[Word]] = {}
    borders: dict[tuple, tuple[float, float]] = {}
    for w in words(pdf):
        middle = (w.top + w.bottom) / 2
        crossing = [r.x for r in rules.get(w.page, []) if r.top - 0.5 <= middle <= r.bottom + 0.5]
        lefts = [x for x in crossing if x <= w.x0 + 0.5]
        rights = [x for x in crossing if x >= w.x0 + 0.5]
        if not lefts or not rights:
            continue  # outside the tables: title, footer
        left, right = max(lefts), min(rights)
        key = (w.page, round(w.bottom, 1), left)
        lines.setdefault(key, []).append(w)
        borders[key] = (left, right)
    out = []
    for key, ws in lines.items():
        ws.sort(key=lambda w: w.x0)
        out.append(CellLine(key[0], "".join(w.text for w in ws), ws[0].x0, max(w.x1 for w in ws), *borders[key]))
    return out
