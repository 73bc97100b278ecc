"""User text to ReportLab paragraph markup: escaped, line breaks kept, fallback fonts applied.

User text is data: "<p>", "&", quotes and the like print exactly as typed.
"""
from __future__ import annotations

from xml.sax.saxutils import escape

from desktop.printing.fonts import fallback_for


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
