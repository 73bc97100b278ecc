"""Revisions as data: their compact encoding and the one-line summary of a change.

Pure (no SQL, no Qt). A revision's content is the declaration's canonical JSON
(``revision_code.content_json``: what the revision code hashes, without id,
timestamps or source_id), compressed with zlib in one of two ways:

- ``F`` + zlib(json): a full copy, readable on its own;
- ``D`` + zlib(json, dictionary = the previous revision's json): a delta. Two
  states of one form share almost all their text, so the delta holds little
  more than what changed (a few hundred bytes instead of a few KB).

Every ``KEYFRAME_EVERY``-th revision of a declaration is full, so that reading
any revision decodes a short chain, and a delta is kept only when it is
smaller than the full copy. Revisions are never changed once written, so a
chain, once readable, stays readable.
"""
from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Callable, Sequence
from difflib import SequenceMatcher

from desktop.domain.model import HEADER_FIELDS, TEXT_FIELDS, Declaration
from desktop.domain.revision_code import CODE_LENGTH, content_json

FULL, DELTA = b"F", b"D"
KEYFRAME_EVERY = 32  # revision numbers 1, 33, 65, … are full copies
_LEVEL = 6  # level 9 makes deltas no smaller and full copies 1 % smaller, at twice the time
# zlib uses at most the last 32 KB of a dictionary; a longer form still
# compresses well against it (the start of the form is its header).
_WINDOW = 32 * 1024


class BadRevision(ValueError):
    """Content that does not decode (a broken chain, or bytes that are not a revision)."""


def is_keyframe(number: int) -> bool:
    return (number - 1) % KEYFRAME_EVERY == 0


def encode(text: str, previous: str | None, number: int) -> bytes:
    """The stored content of revision ``number`` whose canonical JSON is ``text``;
    ``previous``: the JSON of revision number - 1 (None when there is none)."""
    data = text.encode("utf-8")
    full = FULL + zlib.compress(data, _LEVEL)
    if previous is None or is_keyframe(number):
        return full
    packer = zlib.compressobj(_LEVEL, zdict=previous.encode("utf-8")[-_WINDOW:])
    delta = DELTA + packer.compress(data) + packer.flush()
    return delta if len(delta) < len(full) else full


def needs_previous(content: bytes) -> bool:
    """Whether decoding ``content`` needs the JSON of the revision before it."""
    return content[:1] == DELTA


def decode(content: bytes, previous: str | None) -> str:
    """The canonical JSON of a revision (``previous``: that of the revision before, for a delta)."""
    kind, body = content[:1], content[1:]
    try:
        if kind == FULL:
            return zlib.decompress(body).decode("utf-8")
        if kind == DELTA:
            if previous is None:
                raise BadRevision("a delta without the revision before it")
            unpacker = zlib.decompressobj(zdict=previous.encode("utf-8")[-_WINDOW:])
            return (unpacker.decompress(body) + unpacker.flush()).decode("utf-8")
    except (zlib.error, UnicodeDecodeError) as exc:
        raise BadRevision(str(exc)) from exc
    raise BadRevision(f"unknown kind {kind!r}")


def decode_chain(contents: Sequence[bytes]) -> str:
    """The JSON of the last of ``contents``: revisions in order, starting at a full copy."""
    text: str | None = None
    for content in contents:
        text = decode(content, text)
    if text is None:
        raise BadRevision("no content")
    return text


def declaration_of(text: str) -> Declaration:
    """The declaration a revision holds (no id, no timestamps: the caller sets them)."""
    return Declaration.model_validate(json.loads(text))


def canonical(decl: Declaration) -> str:
    return content_json(decl)


def code_of(text: str) -> str:
    """The revision code of a canonical JSON text: revision_code(decl) without dumping decl again."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:CODE_LENGTH].upper()


# -- what changed --------------------------------------------------------------------
def _short(label: str) -> str:
    """A label without its note in brackets: 项目总金额（中期规划，元） -> 项目总金额."""
    return label.split("（", 1)[0].split("(", 1)[0].strip() or label


def _row_changes(old: Sequence[tuple], new: Sequence[tuple]) -> tuple[int, int, int]:
    """(changed, added, removed) rows between two tables, rows matched in order."""
    changed = added = removed = 0
    for op, i1, i2, j1, j2 in SequenceMatcher(None, list(old), list(new), autojunk=False).get_opcodes():
        if op == "replace":
            common = min(i2 - i1, j2 - j1)
            changed += common
            added += (j2 - j1) - common
            removed += (i2 - i1) - common
        elif op == "insert":
            added += j2 - j1
        elif op == "delete":
            removed += i2 - i1
    return changed, added, removed


def change_summary(old: Declaration | None, new: Declaration,
                   label: Callable[[str], str] = lambda path: path) -> str:
    """One line of what changed from ``old`` to ``new``, e.g. "改了 年度目标、2 个指标；加 1 行指标".

    ``label(path)`` names a field (the template's labels); None for ``old``: the first revision."""
    if old is None:
        return "第一个版本"
    changed: list[str] = []
    notes: list[str] = []
    if old.status != new.status:
        notes.append(f"改为{new.status}")
    if old.fiscal_year != new.fiscal_year:
        changed.append("申报年度")
    for group, fields in (("header", HEADER_FIELDS), ("texts", TEXT_FIELDS)):
        for f in fields:
            if getattr(getattr(old, group), f) != getattr(getattr(new, group), f):
                changed.append(_short(label(f"{group}.{f}")))
    if old.template_id != new.template_id:
        changed.append("表样")
    more: list[str] = []
    for kind, unit, what in (("cost_items", "项", "测算"), ("indicators", "行", "指标")):
        rows_old = [tuple(r.model_dump().values()) for r in getattr(old, kind)]
        rows_new = [tuple(r.model_dump().values()) for r in getattr(new, kind)]
        n_changed, n_added, n_removed = _row_changes(rows_old, rows_new)
        if n_changed:
            changed.append(f"{n_changed} {'个' if kind == 'indicators' else '项'}{what}")
        if n_added:
            more.append(f"加 {n_added} {unit}{what}")
        if n_removed:
            more.append(f"删 {n_removed} {unit}{what}")
    parts = notes[:]
    if changed:
        shown = changed if len(changed) <= 4 else changed[:3] + [f"等 {len(changed)} 处"]
        parts.append("改了 " + "、".join(shown))
    parts.extend(more)
    return "；".join(parts) or "内容未变"


def as_text(decl: Declaration, label: Callable[[str], str] = lambda path: path) -> str:
    """The form as plain lines (a revision shown read-only, and compared line by line)."""
    from desktop.domain.form import COST_COLUMNS, INDICATOR_COLUMNS

    lines = [f"申报年度：{decl.fiscal_year}", f"状态：{decl.status}"]
    lines += [f"{_short(label(f'header.{f}'))}：{getattr(decl.header, f)}" for f in HEADER_FIELDS]
    for f in TEXT_FIELDS:
        lines += ["", f"【{_short(label(f'texts.{f}'))}】", *(getattr(decl.texts, f).splitlines() or [""])]
    cost_names = dict(COST_COLUMNS)
    lines += ["", f"【{_short(label('cost_basis'))}】"]
    for i, c in enumerate(decl.cost_items, 1):
        lines.append(f"{i}. {c.text}　{cost_names['amount']}：{c.amount}")
    lines += ["", "【绩效指标】"]
    for i, r in enumerate(decl.indicators, 1):
        lines.append(f"{i}. " + " | ".join(f"{name}：{getattr(r, key)}" for key, name in INDICATOR_COLUMNS))
    return "\n".join(lines) + "\n"
