"""The 指标库: entries, their pinyin keys, where they belong in a template, and ranking.

Pure: the store reads entries and the user's past rows, the services build a
``SuggestIndex`` from them once (on first use), and the popup, the picker and
``jixiao library search`` all rank through ``SuggestIndex.search``.

Matching: Chinese substring of the 三级指标 (or its keywords), full pinyin
("manyidu") and pinyin initials ("myd"), then fuzzy matches (rapidfuzz) for
near misses. Ranking: strong matches (name, pinyin, initials) before weak ones
(keywords, fuzzy); among equals the user's own rows (same 申请单位 first, then by
how often and how recently used) before library entries.
"""
from __future__ import annotations

import bisect
import heapq
import itertools
import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from desktop.domain.template import Template

HISTORY_SOURCE = "本人历史"  # the label of suggestions from the user's own declarations
OWN_SOURCE = "本人"  # entries the user put into the library (加入指标库)
SAMPLE_SOURCE = "样表"
GENERAL_SOURCE = "通用"
PLACEHOLDER = "__"  # where an entry's typical target leaves the number to the user

# A run of placeholder characters where the number goes: "≥__次", "≥X%", "≤**小时".
_PLACEHOLDER_RUN = re.compile(r"[_＿*＊×？?]+|(?<![A-Za-z])[xX](?![A-Za-z])")


@dataclass(frozen=True)
class LibraryEntry:
    level1: str
    level2: str
    name: str
    target: str = ""  # typical 目标值: "≥95%", or with a placeholder "≥__次"
    explanation: str = ""  # 指标解释, with the "=" formula for ratios
    keywords: str = ""  # more words it is found by, separated by spaces or 、
    source: str = ""  # 样表 / 通用 / an imported library's name / 本人

    @property
    def key(self) -> tuple[str, str, str]:
        """Same category + same name = same entry."""
        return (self.level1, self.level2, self.name)

    def texts(self) -> dict[str, str]:
        return {"target": self.target, "explanation": self.explanation, "keywords": self.keywords}


class HistoryRow(NamedTuple):
    """The user's saved rows of one indicator in one 申请单位: how often and when last
    (a tuple: a database of 10,000 declarations has some 20,000 of them)."""

    level1: str
    level2: str
    name: str
    unit: str
    uses: int
    last_used: str  # ISO time of the newest declaration that has it
    target: str  # as in that newest row
    explanation: str


@dataclass(slots=True)
class _Candidate:
    level1: str
    level2: str
    name: str
    target: str
    explanation: str
    keywords: str
    source: str
    history: bool
    uses: int = 0
    last_used: str = ""
    units: dict[str, int] = field(default_factory=dict)
    when: datetime | None = None  # last_used, read once
    bonus: float = 0.0  # how often and how recently, computed once


@dataclass(frozen=True)
class Suggestion:
    level1: str  # placed in the template asked for (its own categories when none)
    level2: str
    name: str
    target: str
    explanation: str
    source: str
    keywords: str = ""
    uses: int = 0  # rows saved with it (history only)
    score: float = 0.0

    @property
    def is_history(self) -> bool:
        return self.source == HISTORY_SOURCE

    def as_dict(self) -> dict:
        return {"level1": self.level1, "level2": self.level2, "name": self.name, "target": self.target,
                "explanation": self.explanation, "keywords": self.keywords, "source": self.source,
                "uses": self.uses, "score": round(self.score, 2)}


# -- texts ------------------------------------------------------------------------------
def clean(text: object) -> str:
    """A cell's text as stored: no surrounding space, no stray line breaks."""
    return " ".join(str(text or "").split())


def clean_category(text: object) -> str:
    """A category as written on a form: the core mark "*" and spaces dropped."""
    return clean(text).replace(" ", "").lstrip("*＊")


def normalize_target(text: object) -> str:
    """A typical target with any placeholder for the number written "__": "≥X次" -> "≥__次"."""
    s = clean(text)
    return _PLACEHOLDER_RUN.sub(PLACEHOLDER, s) if _PLACEHOLDER_RUN.search(s) else s


def placeholder_span(target: str) -> tuple[int, int] | None:
    """Where the number is to be typed in a target taken from the library, if anywhere."""
    at = target.find(PLACEHOLDER)
    return (at, at + len(PLACEHOLDER)) if at >= 0 else None


# -- pinyin -----------------------------------------------------------------------------
_TONES = str.maketrans({**dict.fromkeys("āáǎà", "a"), **dict.fromkeys("ōóǒò", "o"), **dict.fromkeys("ēéěè", "e"),
                        **dict.fromkeys("īíǐì", "i"), **dict.fromkeys("ūúǔù", "u"), **dict.fromkeys("ǖǘǚǜü", "v"),
                        "ń": "n", "ň": "n", "ǹ": "n", "ḿ": "m", "ê": "e"})
_MAX_PHRASE = 4  # pypinyin's phrases that matter here are short


@lru_cache(maxsize=1)
def _pinyin_data() -> tuple[dict, dict]:
    from pypinyin.constants import PHRASES_DICT, PINYIN_DICT

    return PINYIN_DICT, PHRASES_DICT


_CHAR: dict[str, str] = {}  # a character -> its usual reading, toneless
_PHRASE: dict[str, tuple[str, ...] | None] = {}  # a phrase -> its readings, toneless (None: not a phrase)
_NOT_CHINESE = re.compile(r"[^\u3400-\u9fff\uf900-\ufaff]+")


def _phrase(text: str) -> tuple[str, ...] | None:
    found = _PHRASE.get(text, ())
    if found == ():
        readings = _pinyin_data()[1].get(text)
        found = _PHRASE[text] = tuple(r[0].translate(_TONES) for r in readings) if readings else None
    return found


def _char(ch: str) -> str:
    found = _CHAR.get(ch)
    if found is None:
        reading = _pinyin_data()[0].get(ord(ch))
        found = _CHAR[ch] = reading.split(",")[0].translate(_TONES) if reading else ch.lower()
    return found


@lru_cache(maxsize=65536)
def pinyin_syllables(text: str) -> tuple[str, ...]:
    """Toneless pinyin of each Chinese character ("lv" for 率), other runs kept lower-cased.

    Reads pypinyin's dictionaries directly, longest phrase first (as its default
    segmentation does), so that 比重 is "bi zhong" and 通过率 "tong guo lv", at
    a fraction of ``lazy_pinyin``'s cost: the history of 10,000 declarations is
    keyed in a second on first use."""
    out: list[str] = []
    at = 0
    for m in _NOT_CHINESE.finditer(text + "\n"):
        run = text[at:m.start()]  # Chinese characters
        i, n = 0, len(run)
        while i < n:
            for size in range(min(_MAX_PHRASE, n - i), 1, -1):
                readings = _phrase(run[i:i + size])
                if readings is not None:
                    out.extend(readings)
                    i += size
                    break
            else:
                out.append(_char(run[i]))
                i += 1
        out.extend(re.sub(r"[^0-9a-z]+", " ", m.group().lower()).split())
        at = m.end()
    return tuple(out)


def pinyin_keys(text: str) -> tuple[str, str]:
    """(full pinyin, initials): 满意度 -> ("manyidu", "myd")."""
    syllables = pinyin_syllables(text)
    return "".join(syllables), "".join(s[0] for s in syllables if s)


# -- categories -------------------------------------------------------------------------
def _is_cost(name: str) -> bool:
    return "成本" in name


def place(level1: str, level2: str, template: Template) -> tuple[str, str] | None:
    """Where an entry of (level1, level2) goes in ``template``; None when it has no place.

    The same pair when the template has it; else the same 二级指标 under its one
    一级指标; else the cost categories, which the two frameworks file differently:
    shenshan-2024 has 产出指标/成本指标, 财预〔2021〕101号 makes 成本指标 a 一级指标
    with 经济/社会/生态环境成本指标 (a plain 成本指标 goes to 经济成本指标)."""
    order = template.category_order
    if (level1, level2) in order:
        return (level1, level2)
    owners = [l1 for (l1, l2) in order if l2 == level2]
    if len(owners) == 1:
        return (owners[0], level2)
    if _is_cost(level1) or _is_cost(level2):
        costs = [pair for pair in order if _is_cost(pair[1])]
        if costs:
            return costs[0]
    return None


def known_category(level1: str, level2: str, templates: Iterable[Template]) -> bool:
    return any((level1, level2) in t.category_order for t in templates)


# -- ranking ----------------------------------------------------------------------------
STRONG = 65  # a match of the name, its pinyin or initials; below: keywords and fuzzy matches
_FUZZY_CUTOFF = 72
_LOG_USES = math.log1p(30)


def _blob(texts: list[str]) -> tuple[str, list[int]]:
    """All texts in one string (searched in C), with where each starts."""
    starts = list(itertools.accumulate((len(t) + 1 for t in texts), initial=0))[:-1]
    return "\n".join(texts), starts


def _when(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text) if text else None
    except ValueError:
        return None


def _usage(c: _Candidate, unit: str, now: datetime) -> tuple[int, float]:
    """(origin rank, bonus): the user's rows of the same unit first, then their other rows,
    then the library; among rows, how often (up to 12) and how recently (up to 8)."""
    if not c.history:
        return 0, 0.0
    same = c.units.get(unit, 0) if unit else 0
    bonus = 12 * min(1.0, math.log1p(same or c.uses) / _LOG_USES)
    age = max(0, (now - c.when).days) if c.when is not None else 3650
    return (2 if same else 1), bonus + 8 * math.exp(-age / 365)


class _Subset:
    """The candidates of one category (or all), with their texts joined for searching in C.
    Made on first use of that category: the popup searches only the row's category."""

    def __init__(self, index: SuggestIndex, members: list[int]):
        self.members = members
        self.lower = [index.lower[i] for i in members]
        self.fulls = [index.fulls[i] for i in members]
        self.initials = [index.initials[i] for i in members]
        self.name_blob, self.name_starts = _blob(self.lower)
        self.full_blob, self.full_starts = _blob(self.fulls)
        self.init_blob, self.init_starts = _blob(self.initials)
        self.kw_blob, self.kw_starts = _blob([index.items[i].keywords.lower() for i in members])


class SuggestIndex:
    """Library entries and the user's history, keyed once for fast matching."""

    def __init__(self, entries: Iterable[LibraryEntry], history: Iterable[HistoryRow] = ()):
        by_key: dict[tuple[str, str, str], _Candidate] = {}
        for h in history:
            key = (h.level1, h.level2, h.name)
            c = by_key.get(key)
            if c is None:
                c = by_key[key] = _Candidate(h.level1, h.level2, h.name, h.target, h.explanation, "",
                                             HISTORY_SOURCE, True)
            if h.last_used > c.last_used:
                c.target, c.explanation, c.last_used = h.target, h.explanation, h.last_used
            c.uses += h.uses
            c.units[h.unit] = c.units.get(h.unit, 0) + h.uses
        items = list(by_key.values())
        self.built = datetime.now()
        for c in items:
            c.when = _when(c.last_used)
            c.bonus = _usage(c, "", self.built)[1]  # for any other unit than the row's own
        self.history_count = len(items)
        items += [_Candidate(e.level1, e.level2, e.name, e.target, e.explanation, e.keywords, e.source, False)
                  for e in entries]
        self.items = items
        self.names = [c.name for c in items]
        keys = [pinyin_keys(c.name) for c in items]
        self.fulls = [k[0] for k in keys]
        self.initials = [k[1] for k in keys]
        self.lower = [n.lower() for n in self.names]
        self._placed: dict[tuple[str, int], list[tuple[str, str] | None]] = {}
        self._subsets: dict[tuple, _Subset] = {}
        self._syllable_starts: dict[int, set[int]] = {}

    def __len__(self) -> int:
        return len(self.items)

    # -- categories --------------------------------------------------------------------
    def placed(self, template: Template | None) -> list[tuple[str, str] | None]:
        """Each candidate's category in ``template`` (its own when None), computed once per template."""
        if template is None:
            return [(c.level1, c.level2) for c in self.items]
        key = (template.id, template.version)
        found = self._placed.get(key)
        if found is None:
            memo: dict[tuple[str, str], tuple[str, str] | None] = {}
            found = []
            for c in self.items:
                pair = (c.level1, c.level2)
                if pair not in memo:
                    memo[pair] = place(c.level1, c.level2, template)
                found.append(memo[pair])
            self._placed[key] = found
        return found

    def subset(self, template: Template | None, level1: str = "", level2: str = "") -> _Subset:
        """The candidates placed in that category of the template (all when none given)."""
        key = (template.id if template else None, template.version if template else None, level1, level2)
        found = self._subsets.get(key)
        if found is None:
            if not level1 and not level2:
                members = list(range(len(self.items)))
            else:
                placed = self.placed(template)
                members = [i for i, where in enumerate(placed) if where is not None
                           and (not level2 or where[1] == level2) and (not level1 or where[0] == level1)]
            found = self._subsets[key] = _Subset(self, members)
        return found

    # -- matching ----------------------------------------------------------------------
    @staticmethod
    def _hits(blob: str, starts: list[int], needle: str, line_start: bool = False) -> dict[int, int]:
        """Member -> offset of the first occurrence of needle in its text (only at its start)."""
        found: dict[int, int] = {}
        if not needle:
            return found
        pattern = ("(?m)^" if line_start else "") + re.escape(needle)
        for m in re.finditer(pattern, blob):
            at = m.start()
            j = bisect.bisect_right(starts, at) - 1
            if j not in found:
                found[j] = at - starts[j]
        return found

    def _syllable_start(self, i: int, offset: int) -> bool:
        starts = self._syllable_starts.get(i)
        if starts is None:
            starts, at = set(), 0
            for s in pinyin_syllables(self.names[i]):
                starts.add(at)
                at += len(s)
            self._syllable_starts[i] = starts
        return offset in starts

    def _match(self, sub: _Subset, query: str, limit: int) -> dict[int, float]:
        """Member -> match quality (0-100) for a normalised query."""
        scores: dict[int, float] = {}

        def hit(j: int, quality: float) -> None:
            if quality > scores.get(j, 0):
                scores[j] = quality

        for j, at in self._hits(sub.name_blob, sub.name_starts, query).items():
            hit(j, 100 if sub.lower[j] == query else 92 if at == 0 else 85 - min(10, at))
        letters = re.sub(r"[\s']+", "", query)
        pinyin = bool(letters) and letters.isascii() and letters.isalnum()
        short = len(letters) < 2
        for j in self._hits(sub.kw_blob, sub.kw_starts, query, line_start=pinyin and short):
            hit(j, 60)
        if pinyin:
            # One letter: only names starting with it (anything else matches half the library).
            for j, at in self._hits(sub.init_blob, sub.init_starts, letters, line_start=short).items():
                hit(j, 97 if sub.initials[j] == letters else 90 if at == 0 else 75 - min(5, at))
            if not short:
                for j, at in self._hits(sub.full_blob, sub.full_starts, letters).items():
                    if sub.fulls[j] == letters:
                        hit(j, 100)
                    elif at == 0:
                        hit(j, 95)
                    elif self._syllable_start(sub.members[j], at):
                        hit(j, 82 - min(5, at / 4))
                    else:
                        hit(j, 62)
                if len(letters) >= 3:  # two letters in order match nearly everything
                    self._in_order(sub.init_blob, sub.init_starts, letters, hit)
            strong = sum(1 for q in scores.values() if q >= STRONG)
            if len(letters) >= 4 and strong < limit:  # near misses only while real matches are few
                self._fuzzy(letters, sub.fulls, scores, 80)
        elif len(query) >= 2:
            self._in_order(sub.name_blob, sub.name_starts, query, hit)
            if sum(1 for q in scores.values() if q >= STRONG) < limit:
                self._fuzzy(query, sub.lower, scores, _FUZZY_CUTOFF)
        return scores

    @staticmethod
    def _in_order(blob: str, starts: list[int], query: str, hit) -> None:
        """Every character of the query in order, others between: 培训满意 finds 培训人员满意度,
        pxmyd finds its initials pxrymyd. The fewer between, the better."""
        pattern = "[^\\n]*?".join(re.escape(ch) for ch in query)
        for m in re.finditer(pattern, blob):
            j = bisect.bisect_right(starts, m.start()) - 1
            hit(j, 70 - min(12, len(m.group()) - len(query)))

    @staticmethod
    def _fuzzy(query: str, choices: list[str], scores: dict[int, float], cutoff: float) -> None:
        from rapidfuzz import fuzz, process

        for _choice, score, j in process.extract(query, choices, scorer=fuzz.partial_ratio,
                                                  score_cutoff=cutoff, limit=None):
            if j not in scores:
                # a near miss: below every real match, ordered by closeness
                scores[j] = 30 + (score - cutoff) / (100 - cutoff) * 30

    def search(self, text: str, *, template: Template | None = None, level1: str = "", level2: str = "",
               unit: str = "", limit: int = 10, now: datetime | None = None) -> list[Suggestion]:
        """The best matches of ``text``, best first, at most ``limit``; one per name and category.

        ``level1``/``level2`` (a row's categories in ``template``) keep only the
        entries placed there; ``unit`` (the row's 申请单位) puts that unit's rows first."""
        query = unicodedata.normalize("NFKC", text or "").strip().lower()
        if not query:
            return []
        sub = self.subset(template, level1, level2)
        now = now or self.built
        items, members = self.items, sub.members
        # One number per match, best highest: tier, then origin, then quality + bonus (< 130),
        # then the shorter name; the best few are taken without sorting every match.
        values = []
        for j, quality in self._match(sub, query, limit).items():
            i = members[j]
            c = items[i]
            if c.history:
                origin, bonus = _usage(c, unit, now) if (now is not self.built or unit in c.units) else (1, c.bonus)
            else:
                origin, bonus = 0, 0.0
            score = quality + bonus
            values.append(((10000 if quality >= STRONG else 0) + origin * 1000 + score - len(c.name) / 1000, i, score))
        want = limit * 3 + 10  # room for the duplicates _suggestions drops
        top = heapq.nlargest(want, values) if len(values) > want else values
        top.sort(key=lambda v: (-v[0], items[v[1]].name, v[1]))
        found = self._suggestions([(i, score) for _v, i, score in top], self.placed(template), limit)
        if len(found) < limit and len(top) < len(values):  # duplicates used up the cut: take all
            values.sort(key=lambda v: (-v[0], items[v[1]].name, v[1]))
            found = self._suggestions([(i, score) for _v, i, score in values], self.placed(template), limit)
        return found

    def browse(self, *, template: Template | None = None, level1: str = "", level2: str = "",
               unit: str = "", now: datetime | None = None) -> list[Suggestion]:
        """Every candidate of a category (all when none), the user's own first, then by name."""
        placed = self.placed(template)
        now = now or datetime.now()
        ranked = []
        for i in self.subset(template, level1, level2).members:
            c = self.items[i]
            where = placed[i]
            origin, bonus = _usage(c, unit, now)
            order = template.category_order.get(where, 999) if template is not None and where else 999
            ranked.append(((order, -origin, -bonus, c.name, i), bonus, i))
        ranked.sort()
        return self._suggestions([(i, score) for _key, score, i in ranked], placed, None)

    def _suggestions(self, ranked: list[tuple[int, float]], placed, limit: int | None) -> list[Suggestion]:
        out: list[Suggestion] = []
        seen: set[tuple[str, str, str]] = set()
        for i, score in ranked:
            c = self.items[i]
            l1, l2 = placed[i] or (c.level1, c.level2)
            key = (l1, l2, c.name)
            if key in seen:  # the user's row and a library entry of the same name: the user's first
                continue
            seen.add(key)
            out.append(Suggestion(l1, l2, c.name, c.target, c.explanation, c.source, c.keywords, c.uses, score))
            if limit is not None and len(out) >= limit:
                break
        return out
