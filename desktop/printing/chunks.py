"""Long cell text cut into row-sized paragraphs, in time linear in its length.

A table can break between rows but not well inside one, so a long cell is
printed as several rows of at most ``budget`` points each. Cutting one
paragraph with ``Paragraph.split`` again and again wraps the whole remainder
anew at every cut: quadratic, hours for a megabyte. So the text is given to
ReportLab a window at a time: the window is wrapped once and cut into pieces
of whole lines, each made as ``Paragraph.split`` makes its first part; every
piece but the window's last is kept (its lines end before the window does,
so the window's end did not change them), and the next window starts in the
text where the kept lines end. A text that fits in one window is cut exactly
as before.
"""
from __future__ import annotations

from reportlab.platypus import Paragraph
from reportlab.platypus.paragraph import FragLine, ParaLines

from desktop.printing.text import Para, to_markup

PIECES_PER_WINDOW = 8  # the window's last piece is wrapped twice: one in eight


def is_loose(ch: str) -> bool:
    """Spacing that ReportLab may collapse into one space or drop at a line end;
    every other character reaches a line unchanged (a line feed becomes a hard break)."""
    return ch != "\n" and (ch.isspace() or ch == "\u200b")


def chunk_paragraph(par: Paragraph, width: float, budget: float) -> list[Paragraph]:
    """Cut a paragraph into pieces no taller than budget, so a table can break
    between rows instead of inside one (ReportLab's in-row split leaves slivers
    and stray header rows at page ends)."""
    pieces, cur = [], par
    while True:
        _w, h = cur.wrap(width, 1e9)
        if h <= budget:
            pieces.append(cur)
            return pieces
        parts = cur.split(width, budget)
        if len(parts) < 2:
            pieces.append(cur)
            return pieces
        pieces.append(parts[0])
        cur = parts[1]


def chunk_text(text: str, style, width: float, budget: float, cls=Para) -> list[Paragraph]:
    """User text as paragraphs (of class cls) no taller than budget: one unless it is long."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    window = _window_chars(style, width, budget)
    pieces: list[Paragraph] = []
    pos = 0
    while True:
        end = pos + window
        if end >= len(text):
            return pieces + chunk_paragraph(cls(to_markup(text[pos:]), style), width, budget)
        cut = _cut_lines(cls(to_markup(text[pos:end]), style), width, budget)
        if len(cut) < 2:  # narrow glyphs: not even one piece is certain yet
            window *= 2
            continue
        kept = cut[:-1]
        after = _end_of_lines(text, pos, [line for piece in kept for line in piece.blPara.lines])
        if after is None or after <= pos:  # lines not found in the text: cut at the window's end instead
            kept, after = cut, end
        pieces += kept
        pos = after
        window = _window_chars(style, width, budget)


def _cut_lines(par: Paragraph, width: float, budget: float) -> list[Paragraph]:
    """par, wrapped once, as pieces of whole lines no taller than budget.

    Each piece is made as ``Paragraph.split`` makes its first part (ReportLab
    5.1 internals): it keeps its lines, so it is never wrapped again.
    """
    par.wrap(width, 1e9)
    blpara, leading = par.blPara, par.style.leading
    lines = blpara.lines
    per_piece = max(1, int(budget / leading))  # as Paragraph.split counts the lines that fit
    frags_of = par._get_split_blParaFunc()
    pieces = []
    for start in range(0, len(lines), per_piece):
        stop = min(start + per_piece, len(lines))
        piece = par.__class__(None, par.style, frags=frags_of(blpara, start, stop))
        piece.blPara = ParaLines(kind=1, lines=lines[start:stop], aH=budget, aW=width)
        last = lines[stop - 1]
        piece._JustifyLast = not (isinstance(last, FragLine) and getattr(last, "lineBreak", False))
        piece._splitpara = 1
        piece.height, piece.width = (stop - start) * leading, width
        pieces.append(piece)
    return pieces


def _window_chars(style, width: float, budget: float) -> int:
    """Characters for PIECES_PER_WINDOW pieces of CJK text (more pieces of narrower text)."""
    per_line = width / style.fontSize
    lines = max(1, int(budget / style.leading))
    return max(256, int(PIECES_PER_WINDOW * lines * per_line))


def line_marks(line) -> str:
    """What a wrapped line shows: its characters (loose spaces left out) and "\\n" for a hard break."""
    if isinstance(line, (tuple, list)):  # a one-font paragraph: (extra space, [text])
        texts = line[1]
        hard_break = False
    else:
        texts = [w.text for w in line.words]
        hard_break = bool(getattr(line, "lineBreak", False))
    marks = "".join(ch for t in texts for ch in t if not is_loose(ch))
    return marks + "\n" if hard_break else marks


def _end_of_lines(text: str, pos: int, lines) -> int | None:
    """Where in text, read from pos, the given lines end; None when they do not match it."""
    i, n = pos, len(text)
    for line in lines:
        marks = line_marks(line)
        if text.startswith(marks, i):  # the usual case: no spaces in the line
            i += len(marks)
            continue
        for mark in marks:
            while i < n and is_loose(text[i]):
                i += 1
            if i >= n or text[i] != mark:
                return None
            i += 1
    return i
