"""Huge values print (issue 9, item 9): long header values wrap instead of failing,
megabytes print in linear time, and the preview renders them without freezing the window."""
from __future__ import annotations

import io
import re
import time
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from PySide6.QtCore import QTimer

from desktop.domain.model import HEADER_FIELDS, TEXT_FIELDS
from desktop.printing.render import render
from desktop.qt import printing_ui
from desktop.store.database import open_database
from desktop.store.repository import Repository

DIGITS = "甲乙丙丁戊己庚辛壬癸"  # no label, sample form or footer uses these, nor 丑
MARK = "丑"
# The footer and the revision code; a continuation page's header (it names the form) is drawn
# last, so it is the end of its page's text.
FOOTER = re.compile(r"第\d+页共\d+页|打印日期：\d{4}-\d{2}-\d{2}|修订码[0-9A-F]{8}|项目名称：.*$")


def numbered(length: int) -> str:
    """Text that says in what order it was typed: 丑 and a number, again and again."""
    parts, total, i = [], 0, 0
    while total < length:
        part = MARK + "".join(DIGITS[int(d)] for d in str(i))
        parts.append(part)
        total += len(part)
        i += 1
    return "".join(parts)[:length]


def numbered_part(text: str) -> str:
    """The characters of text that numbered() writes, in order: whatever else the page holds is left out."""
    return "".join(ch for ch in text if ch in DIGITS or ch == MARK)


def pdf_text(pdf: bytes) -> str:
    """All text in the order it is drawn, whitespace and footers left out."""
    pages = (re.sub(r"\s+", "", page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages)
    return "".join(FOOTER.sub("", text) for text in pages)


FIELDS = ([f"header.{name}" for name in HEADER_FIELDS] + [f"texts.{name}" for name in TEXT_FIELDS]
          + ["cost_items[0].text", "cost_items[0].amount"]
          + [f"indicators[0].{name}" for name in ("level1", "level2", "name", "target", "explanation")])


def test_an_800_character_header_value_prints(samples):
    """It used to stop printing with a LayoutError (the header row was taller than a page)."""
    d = samples[0]
    d.header.project_name = numbered(800)
    d.header.applicant_unit = "申请单位的名称很长" * 90
    text = pdf_text(render([d]).pdf)
    assert numbered_part(text) == d.header.project_name
    beside = "一级预算单位" + d.header.budget_unit  # drawn after the first piece of the long value
    assert d.header.applicant_unit in text.replace(beside, "")


@pytest.mark.parametrize("path", FIELDS)
def test_a_long_value_in_any_field_prints_whole_and_in_order(samples, path):
    """10,000 characters run over several pages even in the widest column; in the
    narrow ones they make a table longer than one that is laid out whole."""
    d = samples[0]
    value = numbered(10_000)
    d.set(path, value)
    result = render([d])
    assert numbered_part(pdf_text(result.pdf)) == value
    assert result.pages > 2


def test_a_100000_character_text_prints_every_character(samples):
    """Spaces, line breaks, markup and fallback-font characters across the seams
    where long text is handed to ReportLab a window at a time."""
    d = samples[0]
    lines = [f"第{i}段 AT&T 的 x<y  \"引号\"\t‼刏 <b>不加粗</b>\r\n\n条目{i:05d}，" + "政策依据正文" * 9 for i in range(2000)]
    d.texts.policy_basis = "".join(lines)[:100_000]
    result = render([d])
    assert re.sub(r"\s+", "", d.texts.policy_basis) in pdf_text(result.pdf).replace("草稿（有错误，未定稿）", "")
    assert result.pages > 60


def test_a_100000_character_explanation_has_the_header_row_on_every_page(samples):
    d = samples[0]
    d.indicators[0].explanation = numbered(100_000)
    result = render([d])
    assert numbered_part(pdf_text(result.pdf)) == d.indicators[0].explanation
    first = min(result.layout.header_pages)
    assert sorted(set(result.layout.header_pages)) == list(range(first, result.pages + 1))


def test_a_long_category_label_prints_in_place_and_the_categories_stay_merged(samples):
    d = samples[3]
    d.indicators[0].level2 = numbered(3000)
    result = render([d])
    assert numbered_part(pdf_text(result.pdf)) == d.indicators[0].level2
    long_runs = [m for m in result.layout.merges if m.column == 1 and m.key[1] == d.indicators[0].level2]
    assert len({m.page for m in long_runs}) > 2  # one run, merged on each page it covers


TRICKY = st.sampled_from(list("政策依据，。（）abcXYZ09 \t\n<&>\"'‼刏\xad\u200b\xa0\u3000😀\u0301\x01")
                         + ["\r\n", "AT&T ", "一二三四五六七八九十"])


@settings(max_examples=30, deadline=None)
@given(parts=st.lists(TRICKY, min_size=200, max_size=1500), width=st.sampled_from([50, 160, 390]))
def test_cut_text_keeps_every_character_in_order_and_each_piece_within_its_height(parts, width):
    """Long text is handed to ReportLab a window at a time (windows of a few
    hundred characters in a narrow column): nothing is lost or doubled at the seams."""
    from desktop.printing.chunks import chunk_text, is_loose, line_marks
    from desktop.printing.fonts import register_fonts
    from desktop.printing.layout import BODY_STYLE

    register_fonts()
    text = "".join(parts)
    pieces = chunk_text(text, BODY_STYLE, width, 150)
    printed = "".join(line_marks(line) for piece in pieces for line in piece.blPara.lines)
    typed = text.replace("\r\n", "\n")
    assert printed.replace("\n", "") == "".join(ch for ch in typed if not is_loose(ch) and ch != "\n")
    assert all(piece.height <= 150 for piece in pieces)


# -- the preview -------------------------------------------------------------------------


def big_window(window_factory, db_path, samples, length=150_000):
    samples[0].indicators[0].explanation = numbered(length)
    with open_database(db_path) as db:
        Repository(db).save_all(samples)
    window = window_factory()
    window.open_declaration(1)
    return window


def test_the_preview_renders_a_big_declaration_without_freezing_the_window(qtbot, window_factory, db_path, samples):
    window = big_window(window_factory, db_path, samples)
    start = time.perf_counter()
    expected = render([window.doc.declaration]).pages
    on_ui_thread = time.perf_counter() - start
    ticks = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    preview = window.preview_tab
    window.tabs.setCurrentWidget(preview)
    assert preview.status.text() == "正在生成预览…"
    qtbot.waitUntil(lambda: preview.pdf_document.pageCount() == expected, timeout=60_000)
    timer.stop()
    gap = max(b - a for a, b in pairwise(ticks))
    print(f"\nrendering {expected} pages: {on_ui_thread * 1000:.0f} ms on the UI thread; "
          f"longest gap between 10 ms ticks while rendered off it: {gap * 1000:.0f} ms")
    assert gap < 0.5
    assert preview.status.text().startswith(f"共 {expected} 页")


def test_closing_the_window_while_the_preview_renders_is_quiet(qtbot, window_factory, db_path, samples):
    window = big_window(window_factory, db_path, samples)
    window.tabs.setCurrentWidget(window.preview_tab)
    job = window.preview_tab._job
    assert job is not None and not job.done
    window.close()
    assert job.cancelled
    job.wait()  # stops at the next page; the result is dropped


def test_an_edit_during_rendering_drops_the_stale_result(qtbot, window_factory, db_path, samples):
    window = big_window(window_factory, db_path, samples, length=50_000)
    preview = window.preview_tab
    window.tabs.setCurrentWidget(preview)
    stale = preview._job
    window.doc.set_field("header.project_name", "改过的项目名称")
    assert stale.cancelled and preview._job is None
    pdf = preview.current_pdf()  # as Ctrl+P asks for it: waits for a new rendering
    assert "改过的项目名称" in pdf_text(pdf)
    stale.wait()
    qtbot.wait(3 * printing_ui.PREVIEW_POLL_MS)
    assert preview.pdf == pdf
