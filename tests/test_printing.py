"""The printed form: text, fonts, page breaks, merged categories, markup, 草稿."""
from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from desktop.printing.render import render

HEADER_ROW = "一级指标二级指标三级指标目标值指标解释"


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


# The footer, the revision code beside its QR code, and a continuation page's header (drawn last).
FOOTER = re.compile(r"第\d+页共\d+页打印日期：\d{4}-\d{2}-\d{2}(修订码[0-9A-F]{8})?(项目名称：.*?项目编码：\d*)?")


def pages_text(pdf: bytes) -> list[str]:
    return [squash(p.extract_text()) for p in PdfReader(io.BytesIO(pdf)).pages]


def body_text(pdf: bytes) -> str:
    """All pages' text without footers, as one reading-order string."""
    return "".join(FOOTER.sub("", t) for t in pages_text(pdf))


def test_every_field_of_a_sample_form_can_be_copied_out_in_reading_order(samples):
    d = samples[2]
    text = body_text(render([d]).pdf)
    expected = [d.header.project_code, d.header.project_name, d.header.applicant_unit, d.header.budget_unit,
                d.header.project_type, "7,695,386.60", "3,318,800.00", d.texts.policy_basis]
    expected += [item.text for item in d.cost_items]
    expected += [d.texts.annual_goals, d.texts.long_term_goals]
    for row in d.indicators:
        expected += [row.name, row.target, row.explanation]
    expected.insert(expected.index(d.indicators[0].name), "产出指标*数量指标")  # merged labels in reading order
    position = 0
    for value in expected:
        found = text.find(squash(value), position)
        assert found >= 0, f"{value[:30]!r} missing or out of order"
        position = found


def test_every_font_in_the_pdf_is_embedded(samples):
    reader = PdfReader(io.BytesIO(render(samples).pdf))
    seen = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            seen.add(font["/BaseFont"])
            descriptor = font.get("/FontDescriptor")
            assert descriptor is not None, f"{font['/BaseFont']} not embedded"
            assert "/FontFile2" in descriptor.get_object(), f"{font['/BaseFont']} not embedded"
    assert any("UMing" in f for f in seen) and any("MicroHei" in f for f in seen)


def test_a_45_row_indicator_table_spans_pages_each_starting_with_its_header(samples):
    d = samples[3]
    rows = [r for s in samples for r in s.indicators]
    d.indicators = [r.model_copy() for r in (rows * 2)[:45]]
    result = render([d])
    texts = pages_text(result.pdf)
    indicator_pages = [i for i, t in enumerate(texts) if any(squash(r.explanation)[:12] in t for r in d.indicators)]
    assert len(indicator_pages) >= 3
    for i in indicator_pages:
        assert HEADER_ROW in texts[i]
    assert sorted(set(result.layout.header_pages)) == [i + 1 for i in indicator_pages]


def test_level1_and_level2_cells_are_merged_down_their_rows_on_every_page(samples):
    d = samples[3]
    d.indicators = [r.model_copy() for r in d.indicators for _ in range(4)]  # 产出指标 runs over a page break
    result = render([d])
    merges = result.layout.merges
    output = [m for m in merges if m.column == 0 and m.key == ("产出指标",)]
    assert len({m.page for m in output}) >= 2, "the run continues, merged, on the next page"
    assert all(m.last > m.first for m in output)
    qty = [m for m in merges if m.column == 1 and m.key == ("产出指标", "数量指标")]
    assert sum(m.last - m.first + 1 for m in qty) == 8  # 2 rows x 4 copies, one merged run per page


def test_not_applicable_rows_are_printed_for_empty_non_core_categories_in_template_order(samples):
    texts = "".join(pages_text(render([samples[0]]).pdf))
    order = ["*数量指标", "*质量指标", "*时效指标", "*成本指标", "经济效益指标不适用不适用不适用", "*社会效益指标",
             "生态效益指标不适用不适用不适用", "可持续影响指标不适用不适用不适用", "*服务对象满意度指标", "其他满意度指标不适用不适用不适用"]
    pos = 0
    for part in order:
        pos = texts.find(part, pos)
        assert pos >= 0, part


def test_user_text_is_never_markup(samples):
    d = samples[0]
    typed = "<p>AT&T 的 x<y 且 a>b，\"双引号\" '单引号' &amp; <b>不加粗</b>"
    d.texts.policy_basis = typed
    d.indicators[0].name = "<br/>培训&次数"
    text = "".join(pages_text(render([d]).pdf))
    assert squash(typed) in text
    assert "<br/>培训&次数" in text


def test_characters_missing_from_the_song_face_print_with_the_fallback_font(samples):
    d = samples[0]
    d.header.project_name = "民意速办‼刏工作经费"  # ‼ and 刏 exist only in the hei face
    pdf = render([d]).pdf
    assert "民意速办‼刏工作经费" in "".join(pages_text(pdf))


def test_emoji_and_characters_no_font_has_do_not_crash_and_are_reported(samples):
    from desktop.domain.rules import check
    from desktop.domain.template import registry
    from desktop.printing.fonts import missing_glyphs

    d = samples[0]
    d.texts.annual_goals = "目标😀与𠀋\U000F0000"
    render([d])  # prints
    problems = [p for p in check(d, registry().default, missing_glyphs) if p.code == "print.glyph_missing"]
    assert problems and "😀" in problems[0].message and "\U000F0000" in problems[0].message
    assert "𠀋" not in problems[0].message  # CJK Extension B: printed with the bundled rare-character font


def test_ten_thousand_character_texts_print_in_full(samples):
    d = samples[0]
    d.texts.policy_basis = "".join(f"第{i}条政策依据。" for i in range(1100))[:10000]
    d.indicators[0].explanation = "解释" * 5000
    result = render([d])
    text = body_text(result.pdf)
    assert squash(d.texts.policy_basis) in text
    # across pages the long row is interrupted only by the repeated header and its merged labels
    assert squash(d.indicators[0].explanation) in text.replace(HEADER_ROW, "").replace("产出指标*数量指标", "")
    assert result.pages >= 5


def test_the_draft_mark_appears_exactly_on_forms_with_errors(samples):
    good, bad = samples[0], samples[1]
    bad.header.annual_amount = "9,999,999.00"  # more than the total: an error
    result = render([good, bad])
    texts = pages_text(result.pdf)
    good_pages = [t for t in texts if "民意速办工作经费" in t or "第1页共2页" in t and "车辆" not in t]
    assert result.drafts == [1]
    for t in texts:
        is_bad_form = "车辆租赁" in t or "现有租赁车辆数" in t or "单位工作人员满意度" in t and "培训" not in t
        assert ("草稿" in t) == is_bad_form
    assert good_pages


def test_batch_pages_are_numbered_per_form(samples):
    texts = pages_text(render(samples[:2]).pdf)
    footers = [re.search(r"第(\d+)页共(\d+)页", t).groups() for t in texts]
    assert footers == [("1", "2"), ("2", "2"), ("1", "2"), ("2", "2")]


def test_amounts_print_with_separators(samples):
    d = samples[0]
    d.header.total_amount = "53.62万"
    assert "536,200.00" in "".join(pages_text(render([d]).pdf))


def test_progress_can_cancel_a_batch(samples):
    from desktop.printing.render import Cancelled

    seen = []

    def progress(done, total):
        seen.append(done)
        return done < 2

    with pytest.raises(Cancelled):
        render(samples, progress=progress)
    assert seen


