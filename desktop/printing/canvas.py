"""A canvas that knows each form's page count: footer "第 X 页 共 Y 页" and the 草稿 mark.

Pages are kept until the document is complete; then each is finished with its
footer. Several forms in one PDF are numbered each on their own. Every page's
footer carries the form's revision code ("修订码 3FA2C91B", the content hash
of what was printed, see desktop.domain.revision_code) and, small in the
bottom left corner, a QR code of the code with 项目编码 and 申报年度; every page
after a form's first names the form in its header (项目名称, 项目编码).
"""
from __future__ import annotations

from datetime import date

from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas
from reportlab.platypus import Flowable

from desktop.printing.fonts import BODY, TITLE, fallback_for

QR_SIZE = 11 * mm  # version 3 (29 modules): 0.38 mm a module
QR_BOTTOM = 4.5 * mm  # inside most printers' margins; its top 2.5 mm (6 modules of quiet zone) below the frame
QR_CODE_CHARS = 40  # a 项目编码 has 21 digits; the QR code stays small and readable
# Error correction M with one fixed mask pattern (choosing the best of eight costs 3 ms a form; any is valid).
QR_MASK = 2
FOOTER_Y = 10 * mm


@dataclass(frozen=True)
class FormInfo:
    """What each page of a form says about it beyond its table."""

    project_name: str = ""
    project_code: str = ""
    fiscal_year: int | str = ""
    revision: str = ""  # the revision code, "" for none

    @property
    def qr_text(self) -> str:
        """What the footer's QR code holds: jixiao:修订码:项目编码:申报年度 (a code of absurd
        length cut to QR_CODE_CHARS characters: the revision code alone names the form)."""
        return f"jixiao:{self.revision}:{self.project_code[:QR_CODE_CHARS]}:{self.fiscal_year}"


class FormStart(Flowable):
    """Zero-size marker: the pages from here on belong to form `index`."""

    def __init__(self, index: int, draft: bool, title: str, info: FormInfo | None = None):
        super().__init__()
        self.index, self.draft, self.title = index, draft, title
        self.info = info or FormInfo(project_name=title)

    def wrap(self, aw, ah):
        return 0, 0

    def draw(self):
        c = self.canv
        c._form_index, c._form_draft, c._form_info = self.index, self.draft, self.info


def runs_by_font(text: str, font: str) -> list[tuple[str, str]]:
    """text as (font, part) runs: each character the font lacks in the fallback font that has it."""
    runs: list[tuple[str, str]] = []
    for ch in text:
        f = (fallback_for(ch) or font) if ord(ch) > 0x7F else font
        if runs and runs[-1][0] == f:
            runs[-1] = (f, runs[-1][1] + ch)
        else:
            runs.append((f, ch))
    return runs


def text_width(text: str, font: str, size: float) -> float:
    return sum(stringWidth(part, f, size) for f, part in runs_by_font(text, font))


def draw_text(c: canvas.Canvas, x: float, y: float, text: str, font: str, size: float) -> float:
    """Draw user text at (x, y) with fallback fonts for rare characters; returns its width."""
    start = x
    for f, part in runs_by_font(text, font):
        c.setFont(f, size)
        c.drawString(x, y, part)
        x += stringWidth(part, f, size)
    return x - start


def fitted(text: str, font: str, size: float, width: float) -> str:
    """text, cut with "…" so that it is no wider than width (in time linear in what fits)."""
    if text_width(text, font, size) <= width:
        return text
    room = width - text_width("…", font, size)
    used = 0.0
    for i, ch in enumerate(text):
        used += text_width(ch, font, size)
        if used > room:
            return text[:i] + "…"
    return text


class NumberedCanvas(canvas.Canvas):
    def __init__(self, *args, **kwargs):
        # The default initial font is Helvetica, which is never embedded.
        if not kwargs.get("initialFontName"):
            kwargs["initialFontName"] = BODY
        super().__init__(*args, **kwargs)
        self._saved_pages: list[dict] = []
        self._form_index, self._form_draft, self._form_info = 0, False, FormInfo()
        self.print_date = date.today()
        self._qr_forms: dict[str, str] = {}  # QR text -> name of the form XObject drawing it

    def showPage(self):
        self._saved_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        totals: dict[int, int] = {}
        for page in self._saved_pages:
            totals[page["_form_index"]] = totals.get(page["_form_index"], 0) + 1
        seen: dict[int, int] = {}
        for page in self._saved_pages:
            self.__dict__.update(page)
            idx = self._form_index
            seen[idx] = seen.get(idx, 0) + 1
            self._finish_page(seen[idx], totals[idx])
            super().showPage()
        super().save()

    def _finish_page(self, number: int, total: int) -> None:
        width, _height = self._pagesize
        if self._form_draft:
            self._draft_mark()
        self.saveState()
        self.setFont(BODY, 9)
        self.setFillColorRGB(0, 0, 0)
        self.drawCentredString(width / 2, FOOTER_Y, f"第 {number} 页 共 {total} 页")
        self.drawRightString(width - 15 * mm, FOOTER_Y, f"打印日期：{self.print_date:%Y-%m-%d}")
        info: FormInfo = self._form_info
        left = 25 * mm  # the frame's left edge (the binding margin)
        if info.revision:
            self._draw_qr(info.qr_text, left, QR_BOTTOM)
            self.setFont(BODY, 9)
            self.drawString(left + QR_SIZE + 2 * mm, FOOTER_Y, f"修订码 {info.revision}")
        if number > 1 and (info.project_name or info.project_code):
            self._continuation_header(info, left, width)
        self.restoreState()

    def _continuation_header(self, info: FormInfo, left: float, width: float) -> None:
        """项目名称 and 项目编码 above the table of every page after a form's first."""
        _w, height = self._pagesize
        y = height - 10 * mm
        room = width - left - 15 * mm - (50 * mm if self._form_draft else 0)  # the 草稿 note is on the right
        code = fitted(f"项目编码：{info.project_code}", BODY, 9, room / 2) if info.project_code else ""
        code_w = text_width(code, BODY, 9)
        name = fitted(info.project_name, BODY, 9, room - code_w - stringWidth("项目名称：", BODY, 9) - 6 * mm)
        x = left + draw_text(self, left, y, f"项目名称：{name}", BODY, 9) + 6 * mm
        if code:
            draw_text(self, x, y, code, BODY, 9)

    def _draw_qr(self, text: str, x: float, y: float) -> None:
        """The QR code of text, QR_SIZE square with its lower left corner at (x, y); drawn
        once per form into a form XObject that each of its pages places."""
        name = self._qr_forms.get(text)
        if name is None:
            import segno

            matrix = segno.make(text, error="m", micro=False, mask=QR_MASK, boost_error=False).matrix
            n = len(matrix)
            name = f"jixiaoQR{len(self._qr_forms)}"
            self._qr_forms[text] = name
            # In module units (one scale for the whole code), a rectangle per run of dark modules
            # in a row: a tenth of the operators and no number formatting per module.
            runs = []
            for r, row in enumerate(matrix):
                c = 0
                while c < n:
                    if row[c]:
                        start = c
                        while c < n and row[c]:
                            c += 1
                        runs.append(f"{start} {n - 1 - r} {c - start} 1 re")
                    else:
                        c += 1
            self.beginForm(name, lowerx=0, lowery=0, upperx=QR_SIZE, uppery=QR_SIZE)
            self.scale(QR_SIZE / n, QR_SIZE / n)
            self.setFillColorRGB(0, 0, 0)
            self.addLiteral("\n".join(runs) + "\nf")
            self.endForm()
        self.saveState()
        self.translate(x, y)
        self.doForm(name)
        self.restoreState()

    def _draft_mark(self) -> None:
        width, height = self._pagesize
        self.saveState()
        self.setFillColorRGB(0.85, 0.1, 0.1)
        self.setFillAlpha(0.16)
        self.translate(width / 2, height / 2)
        self.rotate(35)
        self.setFont(TITLE, 120)
        self.drawCentredString(0, -40, "草稿")
        self.restoreState()
        self.saveState()
        self.setFillColorRGB(0.75, 0.1, 0.1)
        self.setFont(TITLE, 10)
        self.drawRightString(width - 15 * mm, height - 10 * mm, "草稿（有错误，未定稿）")
        self.restoreState()
