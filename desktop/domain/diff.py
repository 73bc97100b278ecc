"""What changed between two declarations (or two revisions of one): pure comparison.

- header fields and 申报年度: old and new value;
- texts (政策依据, 年度目标, 长期目标): old and new, with the changed characters
  (difflib opcodes) so a view can highlight them;
- 测算依据 items: aligned by their text (difflib over the item list); an item
  whose text is the same but whose amount changed is "changed";
- indicator rows matched by 一级指标 + 二级指标 + 三级指标 (the n-th row of a
  repeated name matches the n-th): added, removed, changed (目标值 or 指标解释),
  with ``weaker`` when the new 目标值 is less ambitious (year_rules.weaker).

Read by `jixiao diff` (as JSON) and desktop.qt.compare_view, the same data.
"""
from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Literal

from desktop.domain.form import COST_COLUMNS, INDICATOR_COLUMNS
from desktop.domain.model import HEADER_FIELDS, TEXT_FIELDS, CostItem, Declaration, Indicator
from desktop.domain.year_rules import indicator_key, weaker

RowChangeKind = Literal["same", "added", "removed", "changed"]
# A piece of a text diff: ("equal" | "replace" | "delete" | "insert", old text, new text).
Piece = tuple[str, str, str]
Label = Callable[[str], str]

COST_LABELS = dict(COST_COLUMNS)
INDICATOR_LABELS = dict(INDICATOR_COLUMNS)


def pieces(old: str, new: str) -> list[Piece]:
    """The two texts cut where they differ, character by character."""
    if old == new:
        return [("equal", old, new)] if old else []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    return [(tag, old[i1:i2], new[j1:j2]) for tag, i1, i2, j1, j2 in matcher.get_opcodes()]


@dataclass(frozen=True)
class FieldChange:
    field: str  # path, e.g. "header.project_name", "texts.annual_goals", "fiscal_year"
    label: str
    old: str
    new: str

    @property
    def changed(self) -> bool:
        return self.old != self.new

    def pieces(self) -> list[Piece]:
        return pieces(self.old, self.new)

    def as_dict(self, with_pieces: bool = False) -> dict:
        out: dict[str, object] = {"field": self.field, "label": self.label, "old": self.old, "new": self.new}
        if with_pieces:
            out["changes"] = [{"op": tag, "old": a, "new": b} for tag, a, b in self.pieces() if tag != "equal"]
        return out


@dataclass(frozen=True)
class RowChange:
    change: RowChangeKind
    old_index: int | None
    new_index: int | None
    old: dict[str, str] | None  # the row's fields (None when added)
    new: dict[str, str] | None  # (None when removed)
    fields: tuple[str, ...] = ()  # the fields that differ, for "changed"
    weaker: bool = False  # indicators: the new 目标值 asks less than the old one

    def as_dict(self) -> dict:
        return {"change": self.change, "old_index": self.old_index, "new_index": self.new_index,
                "old": self.old, "new": self.new, "fields": list(self.fields), "weaker": self.weaker}


@dataclass(frozen=True)
class Comparison:
    header: list[FieldChange]  # every header field, changed or not (a view shows them all)
    texts: list[FieldChange]
    cost_items: list[RowChange]
    indicators: list[RowChange]  # in the new declaration's order, removed rows where they stood

    @property
    def same(self) -> bool:
        return not (any(f.changed for f in self.header) or any(f.changed for f in self.texts)
                    or any(r.change != "same" for r in self.cost_items)
                    or any(r.change != "same" for r in self.indicators))

    def counts(self) -> dict[str, int]:
        """How many fields and rows changed, for a one-line summary."""
        rows = [*self.cost_items, *self.indicators]
        return {
            "fields": sum(f.changed for f in (*self.header, *self.texts)),
            "added": sum(r.change == "added" for r in rows),
            "removed": sum(r.change == "removed" for r in rows),
            "changed": sum(r.change == "changed" for r in rows),
            "weaker": sum(r.weaker for r in self.indicators),
        }

    def summary(self) -> str:
        """One line in Chinese: what changed, in counts."""
        if self.same:
            return "内容相同"
        c = self.counts()
        parts = [f"{c['fields']} 处字段改动" if c["fields"] else "",
                 f"新增 {c['added']} 行" if c["added"] else "", f"删除 {c['removed']} 行" if c["removed"] else "",
                 f"修改 {c['changed']} 行" if c["changed"] else "",
                 f"{c['weaker']} 个目标值低于对比版本" if c["weaker"] else ""]
        return "，".join(p for p in parts if p)

    def as_dict(self) -> dict:
        """Only what changed (the JSON of `jixiao diff`)."""
        return {
            "same": self.same,
            "header": [f.as_dict() for f in self.header if f.changed],
            "texts": [f.as_dict(with_pieces=True) for f in self.texts if f.changed],
            "cost_items": [r.as_dict() for r in self.cost_items if r.change != "same"],
            "indicators": [r.as_dict() for r in self.indicators if r.change != "same"],
        }


def _cost(c: CostItem) -> dict[str, str]:
    return {"text": c.text, "amount": c.amount}


def _indicator(r: Indicator) -> dict[str, str]:
    return {name: getattr(r, name) for name, _label in INDICATOR_COLUMNS}


def _differing(old: dict[str, str], new: dict[str, str]) -> tuple[str, ...]:
    return tuple(k for k in new if old.get(k, "").strip() != new[k].strip())


def compare_costs(old: list[CostItem], new: list[CostItem]) -> list[RowChange]:
    """Items aligned by their text; paired in order where texts were rewritten."""
    a, b = [c.text.strip() for c in old], [c.text.strip() for c in new]
    out: list[RowChange] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        pairs = min(i2 - i1, j2 - j1) if tag == "replace" else (i2 - i1 if tag == "equal" else 0)
        for k in range(pairs):
            o, n = _cost(old[i1 + k]), _cost(new[j1 + k])
            changed = _differing(o, n)
            out.append(RowChange("changed" if changed else "same", i1 + k, j1 + k, o, n, changed))
        for i in range(i1 + pairs, i2):
            out.append(RowChange("removed", i, None, _cost(old[i]), None))
        for j in range(j1 + pairs, j2):
            out.append(RowChange("added", None, j, None, _cost(new[j])))
    return out


def _keys(rows: list[Indicator]) -> Iterator[tuple[tuple[str, str, str], int]]:
    """Each row's key with its occurrence number (the n-th row of a repeated name)."""
    seen: dict[tuple[str, str, str], int] = {}
    for row in rows:
        key = indicator_key(row)
        seen[key] = seen.get(key, 0) + 1
        yield key, seen[key]


def compare_indicators(old: list[Indicator], new: list[Indicator]) -> list[RowChange]:
    where = {k: i for i, k in enumerate(_keys(old))}
    out: list[RowChange] = []
    matched: set[int] = set()
    for j, k in enumerate(_keys(new)):
        i = where.get(k)
        n = _indicator(new[j])
        if i is None:
            out.append(RowChange("added", None, j, None, n))
            continue
        matched.add(i)
        o = _indicator(old[i])
        changed = _differing(o, n)
        out.append(RowChange("changed" if changed else "same", i, j, o, n, changed,
                             weaker=weaker(n["target"].strip(), o["target"].strip())))
    for i, row in enumerate(old):
        if i in matched:
            continue
        removed = RowChange("removed", i, None, _indicator(row), None)
        # Before the first row that stood after it last time, else at the end.
        at = next((p for p, r in enumerate(out) if r.old_index is not None and r.old_index > i), len(out))
        out.insert(at, removed)
    return out


def compare(old: Declaration, new: Declaration, label: Label | None = None) -> Comparison:
    """``old`` is the earlier side (last year, another declaration, a revision), ``new`` this one."""
    if label is None:
        from desktop.domain.template import registry

        label = registry().get(new.template_id).label
    header = [FieldChange("fiscal_year", "申报年度", str(old.fiscal_year), str(new.fiscal_year))]
    header += [FieldChange(f"header.{f}", label(f"header.{f}"), getattr(old.header, f), getattr(new.header, f))
               for f in HEADER_FIELDS]
    texts = [FieldChange(f"texts.{f}", label(f"texts.{f}"), getattr(old.texts, f), getattr(new.texts, f))
             for f in TEXT_FIELDS]
    return Comparison(header, texts, compare_costs(old.cost_items, new.cost_items),
                      compare_indicators(old.indicators, new.indicators))
