"""Line breaking by the rules of Chinese typesetting (禁则, issue 14): no printed line begins
with a closing mark or ends with an opening one, and nothing crosses a cell's border."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.printing.linebreak import CANNOT_END, CANNOT_START, allowed, break_positions
from desktop.printing.render import render
from pdf_lines import cell_lines

PUNCTUATED = ("通过持续投入，提升应急处置能力、保障能力和服务水平；建立健全“统一指挥、专常兼备、反应灵敏、上下联动”的"
              "应急管理体制，完善《应急预案》体系（含专项预案、部门预案、基层预案），确保：一、响应及时；二、处置有效；"
              "三、群众满意！同时，加强队伍建设、物资储备、信息化建设、宣传培训、演练评估等工作……力争三年内实现全区应急"
              "能力显著提升（达到省内先进水平）。覆盖率≥95%，响应时间≤30分钟？是！【重点】「专项」『基层』〈试点〉——")


def violations(lines) -> list:
    return [line for line in lines if line.text[0] in CANNOT_START or line.text[-1] in CANNOT_END]


def overflowing(lines) -> list:
    return [line for line in lines if line.x1 > line.right + 0.01 or line.x0 < line.left - 0.01]


def test_no_printed_line_breaks_the_rules_in_a_long_punctuated_text(samples, tmp_path):
    d = samples[0]
    for shift in range(4):  # the same text at four offsets: the marks fall at every place of a line
        text = ("项" * shift + PUNCTUATED) * 3
        if shift == 0:
            d.texts.policy_basis = text
        elif shift == 1:
            d.texts.annual_goals = text
        elif shift == 2:
            d.texts.long_term_goals = text
        else:
            d.indicators[0].explanation = text
    d.indicators[1].name = PUNCTUATED
    path = tmp_path / "punctuated.pdf"
    path.write_bytes(render([d]).pdf)
    lines = cell_lines(path)
    assert len(lines) > 100
    assert any(line.text.startswith("项项") for line in lines)  # the test reads the long texts' lines
    assert not violations(lines), violations(lines)[:5]
    assert not overflowing(lines), overflowing(lines)[:5]


def test_no_printed_line_of_the_five_sample_forms_breaks_the_rules(samples, tmp_path):
    path = tmp_path / "samples.pdf"
    path.write_bytes(render(samples).pdf)
    lines = cell_lines(path)
    assert len(lines) > 300
    assert not violations(lines), violations(lines)[:5]
    assert not overflowing(lines), overflowing(lines)[:5]


ALPHABET = "项目资金用于网格管理" + "，。、；：？！）》」』】〉%…" + "（《「『【〈" + "AT&T 2024 x,y."


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=ALPHABET, min_size=1, max_size=200), width=st.integers(20, 200))
def test_the_line_breaker_keeps_every_character_and_breaks_no_rule_it_could_keep(text, width):
    widths = [10.0 if ord(ch) > 0x3000 else 5.0 for ch in text]
    lines = break_positions(text, widths, [float(width)])
    assert [a for a, _b, _w in lines] == [0] + [b for _a, b, _w in lines[:-1]]  # consecutive, in order
    assert lines[-1][1] == len(text) or not text[lines[-1][1]:].strip("\u200b")
    for a, b, used in lines:
        assert used <= width + 1e-6 or b - a == 1, "wider than the cell"
        if b < len(text) and not allowed(text, b):
            # only when the line has no break the rules allow at all
            assert not any(allowed(text, k) for k in range(a + 1, b + 1))
