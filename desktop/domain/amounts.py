"""Yuan amounts: parse what people type, format the way the form prints.

Accepts "536,200.00", "536200", "53.62万", "536200元", full-width digits and
commas. Values are exact ``Decimal`` (never float) with at most 2 decimals.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

_NUMBER = re.compile(
    r"^(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)(?P<unit>万元|万|元)?$", re.ASCII
)
_MAX_DIGITS = 18  # a trillion yuan and then some; longer input is a typo
_CENT = Decimal("0.01")


@dataclass(frozen=True)
class AmountParse:
    value: Decimal | None
    error: str | None = None  # Chinese reason when value is None and text is not empty

    @property
    def empty(self) -> bool:
        return self.value is None and self.error is None


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace(" ", "").replace("，", ",").strip()


def parse_amount(text: str) -> AmountParse:
    s = normalise(text or "")
    if not s:
        return AmountParse(None)
    if s.startswith("-"):
        return AmountParse(None, "金额不能为负数")
    m = _NUMBER.match(s)
    if not m:
        return AmountParse(None, "不是有效的金额")
    digits = m.group("num").replace(",", "")
    if len(digits.split(".")[0]) > _MAX_DIGITS or len(digits) > _MAX_DIGITS + 8:
        return AmountParse(None, "金额位数过多")
    value = Decimal(digits)
    if m.group("unit") in ("万", "万元"):
        value *= 10000
    try:
        cents = value.quantize(_CENT, rounding="ROUND_DOWN")
    except InvalidOperation:
        return AmountParse(None, "金额位数过多")
    if value != cents:
        return AmountParse(None, "金额最多保留两位小数（分）")
    return AmountParse(cents)


def format_amount(value: Decimal) -> str:
    """7695386.6 -> "7,695,386.60"."""
    return f"{value.quantize(_CENT):,.2f}"


def display_amount(text: str) -> str:
    """The printed form of a raw amount: formatted when it parses, else as typed."""
    parsed = parse_amount(text)
    return format_amount(parsed.value) if parsed.value is not None else text
