import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.domain.targets import parse_target


@pytest.mark.parametrize("text, kind", [
    ("≥2", "quantity"), ("100%", "quantity"), ("≤60%", "quantity"), ("≤2小时", "quantity"), ("4", "quantity"),
    ("70%", "quantity"), ("不适用", "na"), ("≤2025年9月1日", "date"), ("达到预期", "qualitative"),
    ("有效提升", "qualitative"), ("≥2次/年", "quantity"),
])
def test_the_targets_of_real_forms_parse(text, kind):
    assert parse_target(text).kind == kind


@pytest.mark.parametrize("typed, normal", [(">=95%", "≥95%"), ("<=2小时", "≤2小时"), ("＞３", ">3"), ("≥95％", "≥95%"), ("＝100%", "=100%")])
def test_ascii_and_full_width_operators_are_normalised(typed, normal):
    assert parse_target(typed).text == normal


@pytest.mark.parametrize("text", ["*", "__%", "≥**次", "X次", "2025年13月1日", "约3到5次吧abc123"])
def test_placeholders_and_nonsense_do_not_parse(text):
    t = parse_target(text)
    assert t.kind == "invalid" and t.error


@given(st.text())
def test_no_input_makes_the_target_parser_raise(text):
    parse_target(text)


@given(st.sampled_from(["", "≥", "≤", ">", "<", "="]), st.decimals(min_value=0, max_value=10**6, places=2),
       st.sampled_from(["", "%", "次", "小时", "个", "万元"]))
def test_formatted_targets_parse_back_to_the_same_value(op, number, unit):
    t = parse_target(f"{op}{number}{unit}")
    assert t.kind == "quantity" and t.number == number and t.unit == unit and t.op == op
    again = parse_target(t.text)
    assert (again.op, again.number, again.unit) == (t.op, t.number, t.unit)
