import sqlite3

import pytest
from sqlalchemy.exc import IntegrityError

from desktop.domain.model import CostItem, Declaration, Indicator
from desktop.store.database import SCHEMA_HEAD, DatabaseError, current_revision, open_database
from desktop.store.lock import DatabaseLocked
from desktop.store.repository import Repository


def test_schema_head_constant_matches_the_migrations():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from desktop.store.database import MIGRATIONS_DIR

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    assert ScriptDirectory.from_config(cfg).get_current_head() == SCHEMA_HEAD


def test_a_new_file_gets_the_current_schema_through_the_migrations(db_path):
    with open_database(db_path) as db:
        assert current_revision(db) == SCHEMA_HEAD
    con = sqlite3.connect(db_path)
    tables = {r[0] for r in con.execute("select name from sqlite_master where type='table'")}
    assert {"declarations", "cost_items", "indicators", "alembic_version"} <= tables
    assert con.execute("pragma journal_mode").fetchone()[0] == "wal"
    con.close()


def test_every_sample_form_survives_a_round_trip(repo, samples):
    saved = repo.save_all(samples)
    for original, stored in zip(samples, saved, strict=True):
        loaded = repo.load(stored.id)
        assert loaded.content_equals(original)
        assert loaded.created_at and loaded.updated_at


def test_raw_input_that_does_not_parse_is_kept(repo):
    d = Declaration()
    d.header.total_amount = "五十万左右"
    d.header.duration_years = "两年"
    d.indicators.append(Indicator(target="≥__%"))
    d.cost_items.append(CostItem(text="x", amount="约 3 万"))
    loaded = repo.load(repo.save(d).id)
    assert loaded.header.total_amount == "五十万左右"
    assert loaded.header.duration_years == "两年"
    assert loaded.indicators[0].target == "≥__%"
    assert loaded.cost_items[0].amount == "约 3 万"


def test_rows_keep_their_order_after_edits(repo, samples):
    d = repo.save(samples[0])
    d.indicators.reverse()
    repo.save(d)
    assert [r.name for r in repo.load(d.id).indicators] == [r.name for r in d.indicators]


def test_delete_removes_the_children_too(repo, samples, db_path):
    d = repo.save(samples[0])
    repo.delete(d.id)
    con = sqlite3.connect(db_path)
    assert con.execute("select count(*) from indicators").fetchone()[0] == 0
    assert con.execute("select count(*) from cost_items").fetchone()[0] == 0
    con.close()


def test_save_all_is_all_or_nothing(repo, samples):
    bad = samples[1].model_copy(deep=True)
    bad.fiscal_year = None  # violates NOT NULL inside the same transaction
    with pytest.raises(IntegrityError):
        repo.save_all([samples[0], bad])
    assert repo.count() == 0


def test_the_list_shows_problem_counts_as_of_the_last_save(repo, samples):
    d = repo.save(samples[0])
    s = repo.summary(d.id)
    assert (s.error_count, s.warning_count) == (0, 4)  # with text.vague (issue 12)
    d.header.project_name = ""
    repo.save(d)
    assert repo.summary(d.id).error_count == 1


def test_previous_units_are_offered_most_used_first(repo, samples):
    repo.save_all(samples)
    other = samples[0].model_copy(deep=True)
    other.id = None
    other.header.applicant_unit = "另一个单位"
    repo.save(other)
    assert repo.previous_values("applicant_unit")[0].startswith("深圳市深汕特别合作区应急指挥中心")
    assert "另一个单位" in repo.previous_values("applicant_unit")


def test_a_second_writer_on_the_same_file_is_refused(db_path):
    with open_database(db_path):
        with pytest.raises(DatabaseLocked, match="已被另一个窗口打开"):
            open_database(db_path)
        # readers are welcome while the window works
        with open_database(db_path, write=False) as reader:
            assert Repository(reader).count() == 0


def test_the_lock_is_released_on_close(db_path):
    open_database(db_path).close()
    open_database(db_path).close()


def test_a_file_that_is_not_a_database_is_refused_untouched(tmp_path):
    path = tmp_path / "notes.sqlite3"
    path.write_bytes(b"this is a letter, not a database" * 10)
    before = path.read_bytes()
    with pytest.raises(DatabaseError, match="不是本程序的数据库"):
        open_database(path)
    assert path.read_bytes() == before


def test_a_database_from_a_newer_version_is_refused_untouched(db_path):
    open_database(db_path).close()
    con = sqlite3.connect(db_path)
    con.execute("update alembic_version set version_num='9999'")
    con.commit()
    con.close()
    before = db_path.read_bytes()
    with pytest.raises(DatabaseError, match="更新版本"):
        open_database(db_path)
    assert db_path.read_bytes() == before


def test_a_file_with_another_programs_tables_is_refused_and_left_untouched(db_path):
    """Such a file used to be "migrated" (our tables added, WAL switched on): it is not ours."""
    import hashlib

    import pytest

    from desktop.store.database import DatabaseError

    con = sqlite3.connect(db_path)
    con.execute("create table notes(x text)")
    con.execute("insert into notes values ('keep me')")
    con.commit()
    con.close()
    before = hashlib.sha256(db_path.read_bytes()).hexdigest()
    for write in (True, False):
        with pytest.raises(DatabaseError, match="不是本程序的数据库"):
            open_database(db_path, write=write)
    assert hashlib.sha256(db_path.read_bytes()).hexdigest() == before
    assert not list(db_path.parent.glob("*.before-migration*"))


def test_a_folder_name_with_uri_characters_is_written_and_read_in_the_right_file(tmp_path, samples):
    # Read-only opening goes through a file: URI; '%', '#' and '?' in a folder
    # name must not cut or change the path.
    path = tmp_path / "申报 50%#1?" / "jixiao.sqlite3"
    with open_database(path) as db:
        Repository(db).save_all(samples)
    path.chmod(0o444)
    try:
        with open_database(path, write=False) as db:
            assert db.read_only
            assert Repository(db).count() == 5
            assert len(Repository(db).list_summaries()) == 5
    finally:
        path.chmod(0o644)
