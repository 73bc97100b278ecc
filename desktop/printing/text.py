"""User text to ReportLab paragraph markup: escaped, line breaks kept, fallback fonts applied;
and the paragraph class every printed text is set in.

User text is data: "<p>", "&", quotes and the like print exactly as typed.
"""
from __future__ import annotations

from xml.sax.saxutils import escape

from reportlab.platypus import Paragraph
from reportlab.platypus.paragraph import ParaLines, _handleBulletWidth

from desktop.printing.fonts import fallback_for
from desktop.printing.linebreak import split_frags, split_text


class Para(Paragraph):
    """A Paragraph that is wrapped once per width.

    A table wraps each cell again whenever it measures, splits or draws it (3
    to 4 times per cell here, after chunks.py has wrapped it once), and CJK
    wrapping measures every character: a quarter of the time of a form. The
    lines depend only on the text, the style and the width, so the last wrap
    is reused while its width and its lines (blPara, which ReportLab's split
    replaces or deletes) are still the paragraph's; the PDF is byte for byte
    the same.
    """

    _wrapped: tuple | None = None  # (width, blPara, height) of the last wrap

    def wrap(self, availWidth, availHeight):
        done = self._wrapped
        if done is not None and done[0] == availWidth and done[1] is getattr(self, "blPara", None):
            self.width, self.height = availWidth, done[2]
            return availWidth, done[2]
        width, height = super().wrap(availWidth, availHeight)
        lines = getattr(self, "blPara", None)
        self._wrapped = (availWidth, lines, height) if lines is not None else None
        return width, height

    def breakLinesCJK(self, maxWidths):
        """ReportLab's own (ReportLab 5.1), with its line breaking replaced by linebreak.py's:
        no closing mark starts a line, no opening mark ends one, nothing hangs past the cell."""
        if not isinstance(maxWidths, (list, tuple)):
            maxWidths = [maxWidths]
        style = self.style
        self.height = 0
        _handleBulletWidth(self.bulletText, style, maxWidths)
        frags = self.frags
        if len(frags) == 1 and not hasattr(frags[0], "cbDefn") and not style.endDots:
            f = frags[0]
            if hasattr(self, "blPara") and getattr(self, "_splitpara", 0):
                return f.clone(kind=0, lines=self.blPara.lines)
            text = f.text if hasattr(f, "text") else "".join(getattr(f, "words", []))
            lines = [(extra, [line]) for extra, line in split_text(text, maxWidths, f.fontName, f.fontSize)]
            return f.clone(kind=0, lines=lines, ascent=f.fontSize, descent=-0.2 * f.fontSize)
        if not frags:
            return ParaLines(kind=0, fontSize=style.fontSize, fontName=style.fontName, textColor=style.textColor,
                             lines=[], ascent=style.fontSize, descent=-0.2 * style.fontSize)
        if hasattr(self, "blPara") and getattr(self, "_splitpara", 0):
            return self.blPara
        auto_leading = getattr(self, "autoLeading", getattr(style, "autoLeading", ""))
        return split_frags(frags, maxWidths, auto_leading not in ("", "off"))


def to_markup(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not any(fallback_for(ch) for ch in set(text) if ord(ch) > 0x7F):  # the usual case, fast for long text
        return escape(text, {'"': "&quot;"}).replace("\n", "<br/>")
    out: list[str] = []
    run_font: str | None = None
    run: list[str] = []

    def flush() -> None:
        if not run:
            return
        chunk = escape("".join(run), {'"': "&quot;"})
        out.append(f'<font name="{run_font}">{chunk}</font>' if run_font else chunk)
        run.clear()

    for ch in text:
        if ch == "\n":
            flush()
            out.append("<br/>")
            continue
        font = fallback_for(ch) if ord(ch) > 0x7F else None
        if font != run_font:
            flush()
            run_font = font
        run.append(ch)
    flush()
    return "".join(out)
