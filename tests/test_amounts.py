from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.domain.amounts import format_amount, parse_amount


@pytest.mark.parametrize(
    "text, value",
    [
        ("536,200.00", "536200.00"),
        ("536200", "536200.00"),
        ("53.62万", "536200.00"),
        ("96.5万元", "965000.00"),
        ("７,６９５,３８６.６０", "7695386.60"),
        ("600000元", "600000.00"),
        ("0", "0.00"),
    ],
)
def test_accepts_the_ways_people_write_amounts(text, value):
    assert parse_amount(text).value == Decimal(value)


@pytest.mark.parametrize("text", ["abc", "-5", "1,2", "0.001", "1.2.3", "12万万", "9" * 40])
def test_rejects_what_is_not_an_amount_with_a_reason(text):
    parsed = parse_amount(text)
    assert parsed.value is None and parsed.error


def test_empty_is_empty_not_an_error():
    assert parse_amount("  ").empty


def test_prints_with_thousands_separators():
    assert format_amount(Decimal("7695386.6")) == "7,695,386.60"


@given(st.text())
def test_no_input_makes_the_parser_raise(text):
    parse_amount(text)


@given(st.decimals(min_value=0, max_value=Decimal("1e15"), places=2, allow_nan=False, allow_infinity=False))
def test_formatted_amounts_parse_back_to_the_same_value(value):
    assert parse_amount(format_amount(value)).value == value
