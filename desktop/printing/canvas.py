"""A canvas that knows each form's page count: footer "第 X 页 共 Y 页" and the 草稿 mark.

Pages are kept until the document is complete; then each is finished with its
footer. Several forms in one PDF are numbered each on their own.
"""
from __future__ import annotations

from datetime import date

from reportlab.lib.units import mm
from reportlab.pdfgen import canvas
from reportlab.platypus import Flowable

from desktop.printing.fonts import BODY, TITLE


class FormStart(Flowable):
    """Zero-size marker: the pages from here on belong to form `index`."""

    def __init__(self, index: int, draft: bool, title: str):
        super().__init__()
        self.index, self.draft, self.title = index, draft, title

    def wrap(self, aw, ah):
        return 0, 0

    def draw(self):
        c = self.canv
        c._form_index, c._form_draft = self.index, self.draft


class NumberedCanvas(canvas.Canvas):
    def __init__(self, *args, **kwargs):
        # The default initial font is Helvetica, which is never embedded.
        if not kwargs.get("initialFontName"):
            kwargs["initialFontName"] = BODY
        super().__init__(*args, **kwargs)
        self._saved_pages: list[dict] = []
        self._form_index, self._form_draft = 0, False
        self.print_date = date.today()

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
        self.drawCentredString(width / 2, 10 * mm, f"第 {number} 页 共 {total} 页")
        self.drawRightString(width - 15 * mm, 10 * mm, f"打印日期：{self.print_date:%Y-%m-%d}")
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
