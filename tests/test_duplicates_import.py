"""import with declarations whose 项目编码 and 申报年度 are taken (issue 13): refuse (default),
skip, replace (the old state kept as a revision), keep — on the command line and in the window."""
from __future__ import annotations

import json

import pytest
from PySide6.QtWidgets import QMessageBox

from conftest import SAMPLE
from desktop.io.json_io import export_json
from desktop.store.database import open_database
from desktop.store.repository import Repository
from tests.cli_helpers import db_dump, run


def _load(path, decl_id):
    with open_database(path, write=False) as db:
        return Repository(db).load(decl_id)


def _count(path):
    with open_database(path, write=False) as db:
        return Repository(db).count()


@pytest.fixture
def incoming(filled_db, tmp_path):
    """A file with a changed version of declaration 1 (same 项目编码 and 申报年度) and a new project."""
    changed = _load(filled_db, 1)
    changed.id = None
    changed.header.project_name = "民意速办工作经费（修订）"
    changed.indicators[0].target = "≥3次"
    new = _load(filled_db, 2)
    new.id = None
    new.header.project_code = "440313241071500999999"
    new.header.project_name = "新项目"
    path = tmp_path / "来件.json"
    export_json([changed, new], path)
    return path


def test_refused_by_default_nothing_saved_and_the_duplicates_listed(filled_db, capsys):
    before = db_dump(filled_db)
    code, out, err = run(capsys, "--db", filled_db, "import", SAMPLE)
    assert code == 2 and out == ""
    assert "没有导入任何申报表" in err and "以下 5 份申报表的项目编码和申报年度与已有的申报表相同" in err
    assert "《车辆租赁费》（项目编码 440313241071500400006，2024 年度）：已有编号 2 的申报表" in err
    assert "--on-duplicate skip" in err
    assert db_dump(filled_db) == before  # not a row saved, changed or lost


def test_duplicates_inside_one_import_are_refused_too(db_path, capsys, tmp_path):
    from desktop.io.text_import import import_text_file

    first = import_text_file(SAMPLE)[0]
    path = tmp_path / "twice.json"
    export_json([first, first.model_copy(deep=True)], path)
    code, out, err = run(capsys, "--db", db_path, "import", path)
    assert code == 2 and out == "" and "本次导入的文件中有另一份" in err
    assert _count(db_path) == 0
    code, out, _err = run(capsys, "--db", db_path, "import", path, "--on-duplicate", "skip")
    assert code == 0 and len(out.splitlines()) == 1


def test_skip_imports_only_the_new_ones(filled_db, capsys, incoming):
    stored = _load(filled_db, 1)
    code, out, err = run(capsys, "--db", filled_db, "import", incoming, "--on-duplicate", "skip")
    assert code == 0, err
    assert out == "6\t新项目\n"
    assert "已跳过 1 份" in err and "已有编号 1 的申报表" in err
    assert _count(filled_db) == 6
    assert _load(filled_db, 1).content_equals(stored)


def test_replace_overwrites_and_keeps_the_old_state_as_a_revision(filled_db, capsys, incoming):
    from desktop.services.declarations import save
    from desktop.services.revisions import history, load_revision

    with open_database(filled_db) as db:  # edited since its import (as the window saves: no revision yet)
        repo = Repository(db)
        edited = repo.load(1)
        edited.texts.policy_basis += "（补充）"
        save(repo, edited)
    stored = _load(filled_db, 1)
    code, out, err = run(capsys, "--db", filled_db, "import", incoming, "--on-duplicate", "replace")
    assert code == 0, err
    assert out.splitlines() == ["1\t民意速办工作经费（修订）", "6\t新项目"]
    assert "已覆盖 1 份" in err
    assert _count(filled_db) == 6  # replaced in place: no third declaration of the project
    now = _load(filled_db, 1)
    assert now.header.project_name == "民意速办工作经费（修订）" and now.indicators[0].target == "≥3次"
    assert now.created_at == stored.created_at
    with open_database(filled_db, write=False) as db:
        repo = Repository(db)
        revisions = history(repo, 1)  # newest first
        assert revisions[0].reason == "导入" and load_revision(repo, 1, revisions[0].number).content_equals(now)
        kept = [r for r in revisions if r.reason == "覆盖"]  # the state before the import, restorable
        assert len(kept) == 1 and load_revision(repo, 1, kept[0].number).content_equals(stored)
    code, out, _err = run(capsys, "--db", filled_db, "diff", 1, "--rev", kept[0].number, "--json")
    changed = json.loads(out)["indicators"]
    assert [(r["old"]["target"], r["new"]["target"]) for r in changed] == [("≥2", "≥3次")]


def test_keep_keeps_both_and_flags_them(filled_db, capsys, incoming):
    before = {d["id"]: d["warnings"] for d in json.loads(run(capsys, "--db", filled_db, "list", "--json")[1])}
    code, out, err = run(capsys, "--db", filled_db, "import", incoming, "--on-duplicate", "keep")
    assert code == 0, err
    assert [line.split("\t")[0] for line in out.splitlines()] == ["6", "7"]
    assert _load(filled_db, 1).header.project_name == "民意速办工作经费"
    listed = {d["id"]: d for d in json.loads(run(capsys, "--db", filled_db, "list", "--json")[1])}
    assert listed[1]["warnings"] == before[1] + 1  # the one stored before is flagged too
    _code, out, _err = run(capsys, "--db", filled_db, "validate", 1, 6, "--json")
    flagged = [(p["declaration"], p["message"]) for p in json.loads(out) if p["code"] == "duplicate.code_year"]
    assert [d for d, _m in flagged] == [1, 6]
    assert "编号 6" in flagged[0][1] and "编号 1" in flagged[1][1]


def test_an_unknown_mode_is_refused(filled_db, capsys, incoming):
    with pytest.raises(SystemExit):
        run(capsys, "--db", filled_db, "import", incoming, "--on-duplicate", "merge")


# -- the window: asked once per import -----------------------------------------------------
@pytest.mark.parametrize(("answer", "names"), [
    (None, ["民意速办工作经费"]),  # 取消: nothing imported
    ("skip", ["民意速办工作经费", "新项目"]),
    ("replace", ["民意速办工作经费（修订）", "新项目"]),
    ("keep", ["民意速办工作经费", "民意速办工作经费（修订）", "新项目"]),
])
def test_the_window_asks_once_per_import(window_factory, filled_db, incoming, monkeypatch, answer, names):
    from desktop.qt import import_export_ui

    before = db_dump(filled_db)
    asked = []

    def ask(parent, duplicates):
        asked.append([d.describe() for d in duplicates])
        return answer

    monkeypatch.setattr(import_export_ui, "ask_on_duplicate", ask)
    done = []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text: done.append(text))
    w = window_factory(filled_db)
    w.import_paths([incoming])
    assert asked == [["《民意速办工作经费（修订）》（项目编码 440313241071500300007，2024 年度）：已有编号 1 的申报表"]]
    shown = sorted(s.project_name for s in w.list_model.items if s.project_name.startswith(("民意", "新")))
    assert shown == sorted(names)
    if answer is None:
        assert done == [] and db_dump(filled_db) == before
    else:
        assert len(done) == 1
        assert ("跳过了 1 份" in done[0]) == (answer == "skip")
        assert ("覆盖了项目编码和申报年度相同的已有申报表" in done[0]) == (answer == "replace")


def test_the_question_offers_skip_replace_keep_and_cancel(qtbot, monkeypatch):
    from desktop.qt import import_export_ui
    from desktop.services.importing import Duplicate

    seen = {}

    def fake_exec(box):
        seen["buttons"] = [b.text() for b in box.buttons()]
        seen["text"] = box.text()
        box.buttons()[[b.text() for b in box.buttons()].index("覆盖")].click()

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    got = import_export_ui.ask_on_duplicate(None, [Duplicate("车辆租赁费", "440313241071500400006", 2024, (2,))])
    assert got == "replace"
    assert sorted(seen["buttons"]) == sorted(["跳过", "覆盖", "保留两份", "取消"])
    assert "已有编号 2 的申报表" in seen["text"] and "修订记录" in seen["text"]


def test_replace_with_two_in_the_files_imports_the_last(filled_db, capsys, tmp_path):
    first = _load(filled_db, 2)
    first.id = None
    first.header.project_name = "车辆租赁费（第一稿）"
    second = first.model_copy(deep=True)
    second.header.project_name = "车辆租赁费（第二稿）"
    path = tmp_path / "两稿.json"
    export_json([first, second], path)
    code, out, err = run(capsys, "--db", filled_db, "import", path, "--on-duplicate", "replace")
    assert code == 0, err
    assert out == "2\t车辆租赁费（第二稿）\n" and _count(filled_db) == 5
    assert "《车辆租赁费（第一稿）》" in err and "本次导入的文件中有另一份" in err


def test_replace_refuses_a_finalised_form_and_an_ambiguous_one_changing_nothing(filled_db, capsys, incoming):
    """A submitted (定稿) form is not overwritten quietly, and with two stored copies of one
    项目编码 and 年度 the import does not pick one by itself."""
    assert run(capsys, "--db", filled_db, "finalize", 1)[0] == 0
    before = db_dump(filled_db)
    code, out, err = run(capsys, "--db", filled_db, "import", incoming, "--on-duplicate", "replace")
    assert code == 2 and out == ""
    assert "已定稿" in err and "编号 1" in err and "jixiao draft" in err
    assert db_dump(filled_db) == before

    assert run(capsys, "--db", filled_db, "draft", 1)[0] == 0
    again = _load(filled_db, 1)
    again.id = None
    copy = filled_db.parent / "copy.json"
    export_json([again], copy)
    assert run(capsys, "--db", filled_db, "import", copy, "--on-duplicate", "keep")[0] == 0
    before = db_dump(filled_db)
    code, out, err = run(capsys, "--db", filled_db, "import", incoming, "--on-duplicate", "replace")
    assert code == 2 and out == ""
    assert "不止一份" in err and "编号 1、6" in err
    assert db_dump(filled_db) == before
