"""Read the requested amount out of a cost item's free text.

A 测算依据 item explains its figure and ends with what is requested:
"…系统开发建设费用预计150万；…合计198万元。2024年申请预算58万元" asks for 58万.
So the item's amount is the last yuan amount it mentions, except one in a
clause that adds up several items ("该项总计=413400+291600=705000元").
"""
from __future__ import annotations

import re
from decimal import Decimal

_AMOUNT = re.compile(r"(\d+(?:,\d{3})*(?:\.\d+)?)\s*(万元|万|元)")
_CLAUSE_BREAK = re.compile(r"[，,。；;：:\s（）()]")
_GRAND_TOTAL = ("总计",)


def requested_amount(text: str) -> Decimal | None:
    found: Decimal | None = None
    for m in _AMOUNT.finditer(text):
        clause_start = max((b.end() for b in _CLAUSE_BREAK.finditer(text, 0, m.start())), default=0)
        clause = text[clause_start:m.start()]
        if any(word in clause for word in _GRAND_TOTAL):
            continue
        value = Decimal(m.group(1).replace(",", ""))
        if m.group(2).startswith("万"):
            value *= 10000
        found = value.quantize(Decimal("0.01"))
    return found
