"""Reading and writing many declarations at once (desktop.store.bulk), and the
glyph check made fast for validate --all: same results as before, in bulk."""
from __future__ import annotations

import sqlite3
from datetime import datetime

import pytest
from sqlalchemy.exc import IntegrityError

from desktop.domain import rules
from desktop.domain.template import registry
from desktop.store import repository
from desktop.store.repository import NotFound


def many(samples, n):
    out = []
    for i in range(n):
        d = samples[i % len(samples)].model_copy(deep=True)
        d.header.project_name = f"{d.header.project_name} {i}"
        out.append(d)
    return out


def test_iter_declarations_reads_back_what_was_saved_in_the_order_asked(repo, samples):
    saved = repo.save_all(many(samples, 23))
    ids = [d.id for d in saved][::-1]
    loaded = list(repo.iter_declarations(ids, batch=4))  # several batches, the last one short
    assert [d.id for d in loaded] == ids
    by_id = {d.id: d for d in saved}
    for d in loaded:
        assert d.content_equals(by_id[d.id])
        assert (d.created_at, d.updated_at) == (by_id[d.id].created_at, by_id[d.id].updated_at)
    assert repo.load_many(ids[:3]) == loaded[:3]
    assert repo.load(ids[0]) == loaded[0]


def test_iter_declarations_says_which_id_is_missing(repo, samples):
    saved = repo.save_all(samples[:2])
    found = repo.iter_declarations([saved[0].id, 999, saved[1].id])
    assert next(found).id == saved[0].id
    with pytest.raises(NotFound) as missing:
        next(found)
    assert missing.value.args == (999,)
    with pytest.raises(NotFound):
        repo.load(999)


@pytest.fixture
def small_batches(monkeypatch):
    monkeypatch.setattr(repository, "WRITE_BATCH", 4)


def test_save_all_reports_progress_for_each_declaration_inside_the_transaction(repo, samples, db_path,
                                                                                small_batches):
    decls = many(samples, 4 * 2 + 3)
    seen = []

    def progress(done, total):
        con = sqlite3.connect(db_path)  # another connection sees nothing before the commit
        try:
            seen.append((done, total, con.execute("select count(*) from declarations").fetchone()[0]))
        finally:
            con.close()

    repo.save_all(decls, progress=progress)
    assert [(d, t) for d, t, _ in seen] == [(i, len(decls)) for i in range(1, len(decls) + 1)]
    assert {committed for _, _, committed in seen} == {0}
    assert repo.count() == len(decls)


def test_save_all_is_all_or_nothing_across_batches(repo, samples, small_batches):
    decls = many(samples, 4 * 3)
    decls[-1].fiscal_year = None  # NOT NULL fails in the last batch
    with pytest.raises(IntegrityError):
        repo.save_all(decls)
    assert repo.count() == 0
    con = sqlite3.connect(repo.db.path)
    try:
        for table in ("cost_items", "indicators", "declaration_list", "declaration_keys"):
            assert con.execute(f"select count(*) from {table}").fetchone() == (0,), table
    finally:
        con.close()


def test_save_all_stores_the_given_counts_or_checks(repo, samples):
    given = repo.save_all(samples[:2], counts=[(7, 1), (0, 9)])
    assert [(s.error_count, s.warning_count) for s in map(repo.summary, (d.id for d in given))] == [(7, 1), (0, 9)]
    checked = repo.save(samples[2])
    problems = rules.check(samples[2], registry().get(samples[2].template_id))
    errors = sum(p.is_error for p in problems)
    s = repo.summary(checked.id)
    assert (s.error_count, s.warning_count) == (errors, len(problems) - errors)


def test_updates_keep_created_at_and_replace_the_rows(repo, samples):
    first = repo.save(samples[0])
    first.indicators = first.indicators[:2]
    first.cost_items.reverse()
    again = repo.save_all([first])[0]
    assert again.id == first.id and again.created_at == first.created_at
    loaded = repo.load(first.id)
    assert loaded.content_equals(first) and len(loaded.indicators) == 2


def test_the_same_declaration_twice_in_one_call_keeps_the_last(repo, samples):  # in one batch
    d = repo.save(samples[0])
    a, b = d.model_copy(deep=True), d.model_copy(deep=True)
    a.header.project_name, b.header.project_name = "甲", "乙"
    b.indicators = b.indicators[:1]
    repo.save_all([a, b])
    loaded = repo.load(d.id)
    assert loaded.header.project_name == "乙" and len(loaded.indicators) == 1 and repo.count() == 1


def test_an_id_that_is_gone_is_saved_as_a_new_declaration(repo, samples):
    d, other = repo.save_all(samples[:2])
    repo.delete(d.id)
    again = repo.save(d)
    assert again.id == other.id + 1 and repo.load(again.id).content_equals(samples[0])


def test_keep_timestamps_and_returned_copies(repo, samples):
    when = datetime(2023, 5, 6, 7, 8, 9, 123456)
    samples[0].updated_at = samples[0].created_at = when
    saved = repo.save_all(samples[:1], keep_timestamps=True)[0]
    assert saved.updated_at == saved.created_at == when
    assert repo.load(saved.id).updated_at == when
    assert samples[0].id is None  # the caller's declaration is not changed
    saved.header.project_name = "改了副本"
    saved.indicators[0].name = "改了副本"
    assert samples[0].header.project_name != "改了副本" and samples[0].indicators[0].name != "改了副本"


def test_previous_values_most_used_first(repo, samples):
    samples[0].header.budget_unit = "甲单位"
    repo.save_all(samples)
    assert repo.previous_values("budget_unit") == ["深圳市深汕特别合作区应急管理局", "甲单位"]
    with pytest.raises(ValueError):
        repo.previous_values("name; drop table declarations")


def test_the_fast_glyph_check_answers_as_the_font_coverage_says():
    """missing_glyphs first scans with one regex class built from the coverage;
    it must call a character drawable exactly when the coverage does."""
    import random

    from desktop.printing import fonts

    cov = fonts.bundled_coverage()
    drawable = frozenset().union(*cov.values()) | {ord(c) for c in fonts._IGNORED}  # the rare-character fonts too
    edges = {e for cp in drawable for e in (cp - 1, cp, cp + 1) if 0 <= e < 0x110000
             and ((e - 1 in drawable) != (e in drawable) or (e + 1 in drawable) != (e in drawable))}
    rng = random.Random(3)
    probes = sorted(edges | {rng.randrange(0x110000) for _ in range(20000)} | {0, 0x10FFFF})
    undrawable = fonts._undrawable()
    wrong = [hex(cp) for cp in probes if (undrawable.search(chr(cp)) is None) != (cp in drawable)]
    assert not wrong
    assert fonts.missing_glyphs("深汕特别合作区 ABC，。\n\t") == set()
    text = "网格𠀋管理\U000F0000" + "".join(map(chr, range(0x2E80, 0x2FFF)))
    expected = {ch for ch in text if ord(ch) not in drawable}
    if fonts._system_fallback_faces():  # a Windows PC with SimSun-ExtB
        expected = {ch for ch in expected if not any(ord(ch) in cps for cps in fonts._system_fallback_faces().values())}
    assert fonts.missing_glyphs(text) == expected
    assert "\U000F0000" in expected  # private use: no font has it
