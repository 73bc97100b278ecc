"""Gathers a declaration's CheckContext from the store, for checking.check."""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from weakref import WeakKeyDictionary

from desktop.domain.check_context import CheckContext
from desktop.domain.model import Declaration
from desktop.domain.problems import Problem
from desktop.services.checking import check, counts
from desktop.store import context_queries as q, years
from desktop.store.bulk import read_declarations
from desktop.store.repository import Repository


# -- the known options, read once per Repository ---------------------------------------------
# A value is known when the user added it to the list, or another declaration uses it: a
# declaration's own saved value does not make itself known (else a typo in 项目类型 would stop
# being flagged a second after it was typed, once autosaved). Counting the uses scans every
# declaration (100-400 ms at 100,000): done once per Repository (a command, a window) and kept
# in step with what it saves; read again when the option lists (option_values) change.
class KnownOptions:
    def __init__(self, listed: Mapping[str, frozenset[str]], uses: dict[str, dict[str, int]]):
        self.listed = listed
        self.uses = uses
        self._memo: dict[tuple, Mapping[str, frozenset[str]]] = {}

    def for_declaration(self, stored: Mapping[str, str] | None) -> Mapping[str, frozenset[str]]:
        """The known values for a declaration whose stored option values are ``stored``."""
        key = tuple(sorted(stored.items())) if stored else ()
        found = self._memo.get(key)
        if found is None:
            own = dict(key)
            found = {}
            for path in {*self.listed, *self.uses}:
                values = set(self.listed.get(path, ()))
                values.update(v for v, n in self.uses.get(path, {}).items() if n - (v == own.get(path)) > 0)
                found[path] = frozenset(values)
            self._memo[key] = found
        return found

    def saved(self, before: Mapping[int, Mapping[str, str]], after: Iterable[Declaration]) -> None:
        """Count the uses again after declarations were saved (``before``: their stored values then)."""
        for d in after:
            old = before.get(d.id, {}) if d.id is not None else {}
            for column in q.OPTION_FIELDS:
                path = f"header.{column}"
                was, now = old.get(path, ""), getattr(d.header, column).strip()
                if was == now:
                    continue
                uses = self.uses.setdefault(path, {})
                if was:
                    uses[was] = uses.get(was, 1) - 1
                if now:
                    uses[now] = uses.get(now, 0) + 1
                self._memo.clear()


_KNOWN: WeakKeyDictionary[Repository, tuple[tuple, KnownOptions]] = WeakKeyDictionary()


def _option_lists_state(repo: Repository) -> tuple:
    con = repo.db.connect()
    try:
        return tuple(con.execute("SELECT count(*), coalesce(max(rowid), 0) FROM option_values").fetchone())
    finally:
        con.close()


def known_options_of(repo: Repository) -> KnownOptions:
    """The known options, cached for this repository."""
    state = _option_lists_state(repo)
    cached = _KNOWN.get(repo)
    if cached is not None and cached[0] == state:
        return cached[1]
    found = KnownOptions(q.option_lists(repo.db), q.option_uses(repo.db))
    _KNOWN[repo] = (state, found)
    return found


def forget_known_options(repo: Repository) -> None:
    """After an import or a restore into this repository's file by other means."""
    _KNOWN.pop(repo, None)


def stored_before(repo: Repository, decls: Iterable[Declaration]) -> dict[int, dict[str, str]]:
    """The stored option values of these declarations, for remember_saved (none when nothing is cached)."""
    if repo not in _KNOWN:
        return {}
    return q.stored_options(repo.db, [d.id for d in decls if d.id is not None])


def remember_saved(repo: Repository, decls: Iterable[Declaration], before: Mapping[int, Mapping[str, str]]) -> None:
    """These declarations were saved: their option values count as used from now on."""
    cached = _KNOWN.get(repo)
    if cached is not None:
        cached[1].saved(before, decls)


# -- many at a time (validate, import, recounts): a few queries per batch ---------------------
def key_of(decl: Declaration) -> tuple[str, int]:
    """(项目编码, 申报年度) as the year rules compare them."""
    return decl.header.project_code.strip(), decl.fiscal_year


def contexts_for(repo: Repository, decls: Sequence[Declaration],
                 known: KnownOptions | None = None,
                 pending: Mapping[tuple[str, int], Sequence[int]] | None = None) -> list[CheckContext]:
    """The CheckContext of each of decls, as context_for would give it, in a few queries
    for the whole batch. ``known`` spares reading the known options again (one scan of
    every declaration); ``pending`` adds ids not yet visible to this connection (an
    import's own declarations) to the duplicates of their key."""
    if known is None:
        known = known_options_of(repo)
    con = repo.db.connect()
    try:
        keys = [key_of(d) for d in decls]
        same = years.ids_by_key(con, keys)
        linked = years.existing(con, (d.source_id for d in decls if d.source_id is not None))
        earlier = years.latest_by_key(con, ((c, y - 1) for c, y in keys))
        prev_ids: list[int | None] = []
        for d, (code, year) in zip(decls, keys, strict=True):
            if d.source_id is not None and d.source_id in linked:
                prev_ids.append(d.source_id)
                continue
            found = earlier.get((code, year - 1)) if code else None
            prev_ids.append(found if found != d.id else None)
        # Last year's declaration is often in the same batch (validate reads a project's years in a row).
        loaded: dict[int, Declaration] = {d.id: d for d in decls if d.id is not None}
        stored = q.stored_options(repo.db, list(loaded))
        wanted = sorted({i for i in prev_ids if i is not None and i not in loaded})
        for start in range(0, len(wanted), 500):  # within SQLite's limit of parameters
            loaded.update(read_declarations(con, wanted[start:start + 500]))
    finally:
        con.close()
    out = []
    for d, key, prev in zip(decls, keys, prev_ids, strict=True):
        others = [i for i in same.get(key, ()) if i != d.id]
        if pending:
            others += [i for i in pending.get(key, ()) if i != d.id and i not in others]
        own = stored.get(d.id) if d.id is not None else None
        out.append(CheckContext(known_options=known.for_declaration(own), previous_year=loaded.get(prev) if prev is not None else None,
                                same_code_year=tuple(sorted(others))))
    return out


def checked(repo: Repository, decls: Sequence[Declaration],
            known: KnownOptions | None = None) -> list[list[Problem]]:
    """Each declaration's problems, with its context (the year rules included)."""
    return [check(d, c) for d, c in zip(decls, contexts_for(repo, decls, known), strict=True)]


def iter_checked(repo: Repository, decls: Iterable[Declaration], batch: int = 500,
                 known: KnownOptions | None = None) -> Iterator[tuple[Declaration, list[Problem]]]:
    """(declaration, problems) of a stream of declarations, contexts gathered a batch at a time
    (the known options read once: pass ``known`` when calling again for the same work)."""
    if known is None:
        known = known_options_of(repo)
    part: list[Declaration] = []
    for d in decls:
        part.append(d)
        if len(part) == batch:
            yield from zip(part, checked(repo, part, known), strict=True)
            part = []
    if part:
        yield from zip(part, checked(repo, part, known), strict=True)


def dependents(repo: Repository, keys: Iterable[tuple[str, int]], ids: Iterable[int] = ()) -> list[int]:
    """Stored declarations whose year rules may change when declarations with these keys
    (and ids) change: the same 项目编码 and 申报年度 (duplicates), the next 申报年度 of
    the project, and copies forward of those ids."""
    keys = [(c, y) for c, y in keys if c]
    con = repo.db.connect()
    try:
        found = years.ids_by_key(con, [*keys, *((c, y + 1) for c, y in keys)])
        out = {i for group in found.values() for i in group}
        out.update(years.copies_of(con, ids))
    finally:
        con.close()
    return sorted(out)


def copies_of(repo: Repository, decl_id: int) -> list[int]:
    """The declarations copied forward from this one (not in the 回收站)."""
    con = repo.db.connect()
    try:
        return years.copies_of(con, [decl_id])
    finally:
        con.close()


def recount(repo: Repository, ids: Iterable[int], batch: int = 500) -> None:
    """Check these declarations again with their context and store their problem counts
    (the list's 问题 column): after a change elsewhere made them duplicates, or changed
    their 上年度. Their modification times stay."""
    wanted = sorted(set(ids))
    if not wanted:
        return
    rows = [(*counts(problems), d.id) for d, problems in iter_checked(repo, repo.iter_declarations(wanted), batch)
            if d.id is not None]
    years.set_counts(repo.db, rows)
