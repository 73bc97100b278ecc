"""The declaration as the user typed it.

Every field is kept as raw text so that nothing the user typed is ever lost,
even when it does not parse; parsed values (amounts, years, targets) are
derived on demand by ``desktop.domain.amounts`` / ``targets`` and judged by
``desktop.domain.rules``.
"""
from __future__ import annotations

import re
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


Status = Literal["草稿", "定稿"]


class _Model(BaseModel):
    # Plain assignment without re-validation: values are raw strings, and the
    # editor assigns on every keystroke.
    model_config = ConfigDict(extra="forbid")


class Header(_Model):
    project_code: str = ""
    project_name: str = ""
    applicant_unit: str = ""
    budget_unit: str = ""
    duration_years: str = ""
    project_type: str = ""
    is_new: str = ""
    allocation_method: str = ""
    total_amount: str = ""
    annual_amount: str = ""


class Texts(_Model):
    policy_basis: str = ""
    annual_goals: str = ""
    long_term_goals: str = ""


class CostItem(_Model):
    text: str = ""
    amount: str = ""
    # The amount an importer chose among several in the text when it was not
    # certain (cost.amount_guessed). Empty once the user confirms or when the
    # reading was certain; the warning shows while amount still equals it.
    amount_guessed: str = ""


class Indicator(_Model):
    level1: str = ""
    level2: str = ""
    name: str = ""
    target: str = ""
    explanation: str = ""

    def is_blank(self) -> bool:
        return not (self.name.strip() or self.target.strip() or self.explanation.strip())


HEADER_FIELDS = tuple(Header.model_fields)
TEXT_FIELDS = tuple(Texts.model_fields)
COST_FIELDS = tuple(CostItem.model_fields)
INDICATOR_FIELDS = tuple(Indicator.model_fields)


# The 申报年度 a declaration may have: what the window's year box offers. The
# field itself stays unchecked (rows already stored must keep loading);
# importers refuse a year outside it.
FISCAL_YEARS = range(2000, 2101)


class Declaration(_Model):
    id: int | None = None
    template_id: str = "shenshan-2024"
    fiscal_year: int = Field(default_factory=lambda: datetime.now().year + 1)
    status: Status = "草稿"
    # The declaration this one was copied forward from (复制到下一年度), if any.
    source_id: int | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    header: Header = Field(default_factory=Header)
    texts: Texts = Field(default_factory=Texts)
    cost_items: list[CostItem] = Field(default_factory=list)
    indicators: list[Indicator] = Field(default_factory=list)

    # -- field paths -------------------------------------------------------
    def get(self, path: str):
        obj, attr = _resolve(self, path)
        return getattr(obj, attr)

    def set(self, path: str, value) -> None:
        obj, attr = _resolve(self, path)
        setattr(obj, attr, value)

    def content_equals(self, other: Declaration) -> bool:
        """Same form content, ignoring id and timestamps."""
        skip = {"id", "created_at", "updated_at", "source_id"}
        return self.model_dump(exclude=skip) == other.model_dump(exclude=skip)



_PATH = re.compile(r"^(header|texts)\.(\w+)$|^(cost_items|indicators)\[(\d+)\]\.(\w+)$")
TOP_LEVEL = ("template_id", "fiscal_year", "status")


def _resolve(decl: Declaration, path: str):
    if path in TOP_LEVEL:
        return decl, path
    m = _PATH.match(path)
    if not m:
        raise KeyError(path)
    if m.group(1):
        obj, attr = getattr(decl, m.group(1)), m.group(2)
    else:
        obj, attr = getattr(decl, m.group(3))[int(m.group(4))], m.group(5)
    if attr not in type(obj).model_fields:
        raise KeyError(path)
    return obj, attr
