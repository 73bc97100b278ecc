"""The declaration list's queries (desktop.store.listing), without a window.

Sorts, filters and search run in SQL over tables that triggers keep in step
with declarations (schema 0003); these tests hold them to what the window's
list promises, and to every way a declaration can change.
"""
from __future__ import annotations

import shutil
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from desktop.domain.amounts import parse_amount
from desktop.store.database import SCHEMA_HEAD, current_revision, open_database
from desktop.store.listing import SORTS, Listing, ListQuery, order_by
from desktop.store.repository import Repository

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def listed(repo, samples):
    """The five samples in two years, two units, both statuses, one amount that does not parse."""
    start = datetime(2026, 1, 1, 9, 0)
    for i, d in enumerate(samples):
        d.updated_at = start + timedelta(minutes=i // 2)  # ties on updated_at too
        d.fiscal_year = 2024 + i % 2
        d.status = "定稿" if i in (1, 3) else "草稿"
    samples[4].header.applicant_unit = "深汕特别合作区财政局"
    samples[3].header.annual_amount = "约六千元"
    saved = repo.save_all(samples, keep_timestamps=True)
    return Listing(repo.db), {d.id: d for d in saved}


def expected_order(listing: Listing, key: str, descending: bool) -> list[int]:
    """The order as a plain ORDER BY fetched row by row (what json_group_array must keep)."""
    con = listing.db.connect()
    try:
        return [r[0] for r in con.execute("SELECT id FROM declaration_list" + order_by(key, descending))]
    finally:
        con.close()


@pytest.mark.parametrize("key", SORTS)
@pytest.mark.parametrize("descending", [False, True])
def test_every_sort_orders_all_declarations_with_ties_by_id(listed, key, descending):
    listing, decls = listed
    order = listing.order(key, descending)
    assert order == expected_order(listing, key, descending)
    assert sorted(order) == sorted(decls)
    rows = listing.summaries(order)

    def value(i):
        s = rows[i]
        return {"project_name": s.project_name, "applicant_unit": s.applicant_unit, "fiscal_year": s.fiscal_year,
                "status": s.status, "problems": (s.error_count, s.warning_count), "updated_at": s.updated_at,
                "amount": parse_amount(decls[i].header.annual_amount).value or -1}[key]

    assert order == sorted(decls, key=lambda i: (value(i), i), reverse=descending)


def test_an_amount_that_does_not_parse_sorts_first(listed):
    listing, decls = listed
    odd = next(i for i, d in decls.items() if d.header.annual_amount == "约六千元")
    assert listing.order("amount", descending=False)[0] == odd
    assert listing.order("amount", descending=True)[-1] == odd


def test_year_unit_and_status_filters_combine(listed):
    listing, decls = listed
    assert listing.matching(ListQuery()) is None  # no filter: everything, without reading a set
    assert set(listing.ids(ListQuery(year=2024))) == {i for i, d in decls.items() if d.fiscal_year == 2024}
    assert set(listing.ids(ListQuery(status="定稿"))) == {i for i, d in decls.items() if d.status == "定稿"}
    unit = "深汕特别合作区财政局"
    assert listing.ids(ListQuery(unit=unit, year=2024)) == [i for i, d in decls.items() if d.header.applicant_unit == unit]
    assert listing.ids(ListQuery(unit=unit, year=2025)) == []
    assert listing.count(ListQuery(status="草稿")) == 3 and listing.count() == 5


def test_filter_choices_come_from_the_data(listed):
    listing, _ = listed
    assert listing.years() == [2025, 2024]
    assert listing.units() == ["深圳市深汕特别合作区应急指挥中心（深圳市深汕特别合作区网格管理中心）", "深汕特别合作区财政局"]


def names(listing: Listing, text: str) -> set[str]:
    return {s.project_name for s in listing.summaries(listing.ids(ListQuery(text=text))).values()}


def test_search_finds_substrings_of_names_units_codes_amounts_and_texts(listed):
    listing, decls = listed
    assert names(listing, "车辆") == {"车辆租赁费"}  # 2 characters: shorter than a trigram
    assert names(listing, "车") == {"车辆租赁费"}
    assert names(listing, "租赁费") == {"车辆租赁费"}  # 3 and more: the trigram index
    assert names(listing, "3,318,800") == {"应急保障工作经费"}  # the amount as typed
    assert names(listing, "241071500400") == {"车辆租赁费"}  # a fragment of its 项目编码
    assert names(listing, "深汕特别合作区财政") == {"应急值班值守综合业务经费"}  # the unit
    basis = decls[next(iter(decls))].texts.policy_basis
    phrase = basis[10:16]
    assert names(listing, phrase) >= {decls[next(iter(decls))].header.project_name}  # the texts
    assert names(listing, "不存在的词") == set()


def test_every_word_must_match_short_or_long(listed):
    listing, _ = listed
    assert names(listing, "保障 经费") == {"应急保障工作经费"}
    assert names(listing, "值班 综合业务") == {"应急值班值守综合业务经费"}
    assert names(listing, "  工作经费   民意  ") == {"民意速办工作经费"}
    assert names(listing, "车辆 民意") == set()


def test_search_text_is_data_not_syntax(repo):
    d = repo.save_all([_named('50%_"折扣" AND OR NEAR(a b) * ^项目')])[0]
    listing = Listing(repo.db)
    for text in ('50%', '%', '_', '"折扣"', 'AND', 'NEAR(a', '*', '^项', '"', 'OR'):
        assert listing.ids(ListQuery(text=text)) == [d.id], text
    assert listing.ids(ListQuery(text="%_")) == [d.id]
    for text in ("5%", "5_", "5%0", "a_d"):  # % and _ are no wildcards, short words or long
        assert listing.ids(ListQuery(text=text)) == [], text


def test_ascii_search_ignores_case(repo):
    d = repo.save_all([_named("OA 系统 Upgrade")])[0]
    listing = Listing(repo.db)
    assert listing.ids(ListQuery(text="upgrade")) == [d.id]
    assert listing.ids(ListQuery(text="oa")) == [d.id]


def _named(name: str):
    from desktop.domain.model import Declaration

    d = Declaration()
    d.header.project_name = name
    return d


def test_the_list_and_search_follow_every_write(repo, samples):
    listing = Listing(repo.db)
    d = repo.save(samples[1])
    assert listing.ids(ListQuery(text="车辆租赁")) == [d.id]
    d.header.project_name = "公务用车运行维护费"
    d.header.annual_amount = "60万"
    repo.save(d)
    assert listing.ids(ListQuery(text="车辆租赁")) == []
    assert listing.ids(ListQuery(text="运行维护")) == [d.id]
    assert listing.ids(ListQuery(text="用车")) == [d.id]
    assert listing.summaries([d.id])[d.id].project_name == "公务用车运行维护费"
    other = repo.save(samples[2])
    assert listing.order("amount", descending=True) == [other.id, d.id]  # 3,318,800 > 600,000 (60万)

    # Writers other than the repository are followed too: the triggers are in the file.
    con = sqlite3.connect(repo.db.path)
    with con:
        con.execute("UPDATE declarations SET project_name = '直接改名', fiscal_year = 2030 WHERE id = ?", (d.id,))
    con.close()
    assert listing.ids(ListQuery(text="直接改名")) == [d.id]
    assert listing.ids(ListQuery(text="直接")) == [d.id]
    assert listing.years() == [2030, 2024]

    repo.delete(d.id)
    assert listing.ids(ListQuery(text="直接改名")) == []
    assert listing.ids(ListQuery()) == [other.id]
    assert listing.summaries([d.id]) == {}


def test_page_reads_a_slice_of_the_order(listed):
    listing, _ = listed
    query = ListQuery(sort="project_name", descending=False)
    everything = listing.ids(query)
    page = listing.page(query, 1, 3)
    assert [s.id for s in page] == everything[1:4]


def test_a_schema_0002_database_migrates_to_0003_with_search_and_a_backup(tmp_path):
    old = tmp_path / "old.sqlite3"
    shutil.copy(FIXTURES / "schema-0002.sqlite3", old)
    con = sqlite3.connect(old)
    before = list(con.iterdump())
    con.close()
    with open_database(old) as db:
        assert current_revision(db) == SCHEMA_HEAD
        assert db.backup_path is not None and "before-migration-0002" in db.backup_path.name
        backup = sqlite3.connect(db.backup_path)
        assert list(backup.iterdump()) == before
        backup.close()
        listing = Listing(db)
        assert listing.count() == 6
        assert names(listing, "车辆") == {"车辆租赁费"}
        assert names(listing, "abc") == {"ABC 系统运维（金额未定）"}
        assert names(listing, "3,318,800") == {"应急保障工作经费"}
        assert names(listing, "系统运维") == {"ABC 系统运维（金额未定）"}
        # amounts parsed by the migration; the one that does not parse sorts first
        order = listing.order("amount", descending=False)
        assert listing.summaries(order[:1])[order[0]].annual_amount == "五十万左右"
        assert listing.summaries(order[-1:])[order[-1]].annual_amount == "3,318,800.00"
        # and what is saved after the migration is listed and found like the rest
        repo = Repository(db)
        d = repo.load(order[0])
        d.header.project_name = "迁移后改名"
        repo.save(d)
        assert names(listing, "迁移后") == {"迁移后改名"}


def test_a_longer_short_word_narrows_the_last_result_and_stays_right(repo, samples):
    listing = Listing(repo.db)
    saved = repo.save_all(samples)
    assert names(listing, "应") == {d.header.project_name for d in saved}  # every unit has 应急
    assert names(listing, "车") == {"车辆租赁费"}
    assert names(listing, "车辆") == {"车辆租赁费"}  # looked for among the last result only
    assert names(listing, "辆车") == set()
    # a save in between is seen: the narrowing starts afresh
    d = samples[0].model_copy(update={"id": None})
    d.header.project_name = "公务车辆运行费"
    repo.save(d)
    assert names(listing, "车") == {"车辆租赁费", "公务车辆运行费"}
    assert names(listing, "车辆") == {"车辆租赁费", "公务车辆运行费"}
    # ASCII case is ignored as LIKE ignores it; other letters are compared as typed
    e = samples[1].model_copy(update={"id": None})
    e.header.project_name = "Ｏa 升级"
    repo.save(e)
    assert names(listing, "Ｏ") == {"Ｏa 升级"}
    assert names(listing, "ＯA") == {"Ｏa 升级"}
    assert names(listing, "ｏ") == set()


def test_a_short_word_searched_within_a_filter_does_not_narrow_the_next_search(listed):
    listing, _ = listed
    assert listing.ids(ListQuery(year=2024, text="车")) == []  # 车辆租赁费 is of 2025
    assert names(listing, "车辆") == {"车辆租赁费"}
    assert names(listing, "2025 车") == {"车辆租赁费"}
