"""目标值 grammar.

    target  := "不适用" | quantity | date | qualitative
    quantity:= [op] number [unit]          op: ≥ ≤ > < =  (>=, <=, ＞＜＝ normalised)
    date    := [op] YYYY年M月[D日] | [op] YYYY-MM-DD
    qualitative := short text without digits or placeholders ("达到预期", "有效提升")
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from desktop.domain.form import NOT_APPLICABLE
MAX_QUALITATIVE = 30
_OPS = {">=": "≥", "<=": "≤", "⩾": "≥", "⩽": "≤", "≧": "≥", "≦": "≤", ">": ">", "<": "<", "=": "=", "≥": "≥", "≤": "≤"}
_OP = r"(?P<op>>=|<=|⩾|⩽|≧|≦|≥|≤|>|<|=)?"
_QUANTITY = re.compile(_OP + r"\s*(?P<num>[0-9]+(?:,[0-9]{3})*(?:\.[0-9]+)?)\s*(?P<unit>[^0-9\s]{0,8})$")
_DATE_CN = re.compile(_OP + r"\s*(?P<y>[0-9]{4})年(?P<m>[0-9]{1,2})月(?:(?P<d>[0-9]{1,2})日)?(?:前|之前|以前)?$")
_DATE_ISO = re.compile(_OP + r"\s*(?P<y>[0-9]{4})[-/.](?P<m>[0-9]{1,2})[-/.](?P<d>[0-9]{1,2})$")
_PLACEHOLDER = re.compile(r"[*_＊＿×xX？?]{1,}|^[-—…]+$")
_UNIT_OK = re.compile(r"^[%‰]$|^[^\W\d_][\w/]*$|^[^\W\d_]*/[^\W\d_]+$")


@dataclass(frozen=True)
class Target:
    kind: str  # "na" | "quantity" | "date" | "qualitative" | "invalid"
    text: str  # normalised text
    op: str = ""
    number: Decimal | None = None
    unit: str = ""
    when: date | None = None
    error: str = ""

    @property
    def is_percent(self) -> bool:
        return self.kind == "quantity" and self.unit == "%"


def _norm(text: str) -> str:
    # NFKC turns ＞＜＝％ and full-width digits into ASCII; ≥ ≤ stay.
    return unicodedata.normalize("NFKC", text).strip()


@lru_cache(maxsize=4096)  # several rules read each target on every keystroke; a Target is immutable
def parse_target(raw: str) -> Target:
    s = _norm(raw or "")
    if not s:
        return Target("invalid", s, error="目标值为空")
    if s == NOT_APPLICABLE:
        return Target("na", s)
    s = re.sub(r"\s+", "", s)
    for pat in (_DATE_CN, _DATE_ISO):
        m = pat.match(s)
        if m:
            op = _OPS.get(m.group("op") or "", "")
            try:
                when = date(int(m.group("y")), int(m.group("m")), int(m.group("d") or 1))
            except ValueError:
                return Target("invalid", s, error=f"“{raw}”不是有效的日期")
            return Target("date", s.replace(m.group("op") or "", op, 1), op=op, when=when)
    m = _QUANTITY.match(s)
    if m:
        op = _OPS.get(m.group("op") or "", "")
        unit = m.group("unit")
        if _PLACEHOLDER.search(unit):
            return Target("invalid", s, error=f"目标值“{raw}”含占位符，请填写实际的值")
        if unit and not _UNIT_OK.match(unit):
            return Target("invalid", s, error=f"目标值“{raw}”的单位“{unit}”无法识别")
        try:
            number = Decimal(m.group("num").replace(",", ""))
        except InvalidOperation:  # pragma: no cover - regex admits digits only
            return Target("invalid", s, error=f"目标值“{raw}”中的数字无法识别")
        text = f"{op}{m.group('num')}{unit}"
        return Target("quantity", text, op=op, number=number, unit=unit)
    if _PLACEHOLDER.search(s):
        return Target("invalid", s, error=f"目标值“{raw}”含占位符（如 *、_、X），请填写实际的值")
    if any(ch.isdigit() for ch in s):
        return Target("invalid", s, error=f"目标值“{raw}”无法识别：应为“≥2次”“100%”“≤2小时”“≤2025年9月1日”或简短文字")
    if len(s) > MAX_QUALITATIVE:
        return Target("invalid", s, error=f"定性目标值过长（{len(s)} 字），请写在指标解释中，目标值不超过 {MAX_QUALITATIVE} 字")
    return Target("qualitative", s)

