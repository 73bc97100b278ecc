"""Export and import stream (issue 10): a district's 100,000 declarations are written
and read one at a time, with the same bytes, the same refusals and all-or-nothing
imports as when everything was held in memory. Speed and peak memory at full size
are measured by benchmarks/stream.py, not here."""
from __future__ import annotations

import json
import tracemalloc
from collections.abc import Iterator

import pytest

from conftest import SAMPLE
from cli_helpers import db_dump as db_content
from desktop.cli import main
from desktop.domain.model import Declaration
from desktop.io.errors import ImportFailed
from desktop.io.excel import export_xlsx, import_xlsx
from desktop.io.json_io import FORMAT, SCHEMA_VERSION, ExchangeFile, dumps, export_json, iter_json, loads
from desktop.io.output import OutputRefused
from test_attacks_io import JSON_ATTACKS, tricky_declaration

SMALL_WINDOW = 64  # characters read at a time: every declaration crosses many window ends


def whole_file_dumps(decls: list[Declaration]) -> str:
    """The exchange file as it was written before streaming: one json.dumps of everything."""
    payload = ExchangeFile(format=FORMAT, schema_version=SCHEMA_VERSION,
                           declarations=[d.model_dump() for d in decls])
    # database ids are never written, nor an empty history (schema version 2)
    data = payload.model_dump(mode="json", exclude={"declarations": {"__all__": {"id", "source_id", "history"}}})
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def numbered(samples: list[Declaration], n: int) -> Iterator[Declaration]:
    """n declarations, made one at a time (as the database hands them out)."""
    for i in range(n):
        d = samples[i % len(samples)].model_copy(deep=True)
        d.header.project_name = f"{d.header.project_name} {i + 1}"
        d.header.project_code = f"{d.header.project_code[:-6]}{i + 1:06d}"  # each its own project (no duplicates)
        yield d


def dumped(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


# -- JSON out ------------------------------------------------------------------------
@pytest.mark.parametrize("count", [0, 1, 5])
def test_the_streamed_json_export_is_byte_identical_to_the_whole_file_dump(tmp_path, samples, count):
    decls = samples[:count] + ([tricky_declaration()] if count else [])
    decls[0:1] = [d.model_copy(update={"id": 7}) for d in decls[0:1]]  # an id is never written
    out = tmp_path / "forms.json"
    export_json(iter(decls), out)
    assert out.read_bytes() == whole_file_dumps(decls).encode("utf-8")
    assert dumps(decls) == whole_file_dumps(decls)


def test_a_generator_of_declarations_exports_and_imports_back_equal(tmp_path, samples):
    out = tmp_path / "many.json"
    export_json(numbered(samples, 1000), out)
    back = list(iter_json(out, window=SMALL_WINDOW * 64))
    assert [d.model_dump() for d in back] == [d.model_dump() for d in numbered(samples, 1000)]
    assert [d.model_dump() for d in iter_json(out)] == [d.model_dump() for d in back]


def test_writing_holds_one_declaration_at_a_time(tmp_path, samples):
    out = tmp_path / "many.json"
    tracemalloc.start()
    try:
        export_json(numbered(samples, 2000), out)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert out.stat().st_size > 12_000_000
    assert peak < 5_000_000, f"{peak:,} bytes at the peak"


def test_a_failure_midway_through_a_json_export_leaves_no_file(tmp_path, samples):
    def failing() -> Iterator[Declaration]:
        yield from numbered(samples, 300)
        raise OSError(28, "No space left on device")

    out = tmp_path / "forms.json"
    out.write_bytes(b"an earlier export")
    with pytest.raises(OSError):
        export_json(failing(), out)
    assert out.read_bytes() == b"an earlier export"
    assert [p.name for p in tmp_path.iterdir()] == ["forms.json"]


# -- JSON in ---------------------------------------------------------------------------
def test_reading_holds_one_declaration_at_a_time(tmp_path, samples):
    big = tmp_path / "many.json"
    export_json(numbered(samples, 2000), big)
    tracemalloc.start()
    try:
        count = sum(1 for _ in iter_json(big))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == 2000
    assert peak < big.stat().st_size, f"{peak:,} bytes at the peak for a {big.stat().st_size:,}-byte file"


def test_the_size_limit_is_per_declaration_not_per_file(tmp_path, samples):
    big = tmp_path / "big.json"
    export_json(numbered(samples, 3500), big)  # more than the 20 MB a whole file could have
    assert big.stat().st_size > 20 * 1024 * 1024
    assert sum(1 for _ in iter_json(big)) == 3500
    huge = samples[1].model_copy(deep=True)
    huge.texts.policy_basis = "长" * (21 * 1024 * 1024)
    one_too_big = tmp_path / "one-too-big.json"
    one_too_big.write_text(dumps([samples[0], huge, samples[2]]), encoding="utf-8")
    with pytest.raises(ImportFailed, match=r"^one-too-big\.json：内容有误（declarations\.1：超过 20 MB"):
        list(iter_json(one_too_big))


def attack_after_good_ones(text: str, good: list[Declaration]) -> str:
    """The attack file with good declarations before its first one."""
    items = json.loads(dumps(good))["declarations"]
    head = '"declarations": ['
    return text.replace(head, head + ", ".join(map(json.dumps, items)) + ", ", 1)


@pytest.mark.parametrize("window", [SMALL_WINDOW, 1 << 20], ids=["small window", "default window"])
@pytest.mark.parametrize("case", JSON_ATTACKS)
def test_every_json_attack_is_refused_by_the_streaming_reader(tmp_path, samples, case, window):
    text, where = JSON_ATTACKS[case]
    bad = tmp_path / "bad.json"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(ImportFailed) as refused:
        list(iter_json(bad, window=window))
    assert str(refused.value).startswith("bad.json：内容有误（") and where in str(refused.value)
    # the same attack after 300 good declarations: found there, named by its own index
    bad.write_text(attack_after_good_ones(text, list(numbered(samples, 300))), encoding="utf-8")
    with pytest.raises(ImportFailed) as refused:
        list(iter_json(bad, window=window))
    assert where.replace("declarations.0", "declarations.300") in str(refused.value)


@pytest.mark.parametrize("text, message", [
    ("", "不是有效的 JSON（第 1 行）"),
    ("[]", "不是申报表交换文件"),
    ('{"format": "jixiao-declarations", "schema_version": 1, "declarations": [{}]}\n{}', "不是有效的 JSON（第 2 行）"),
    ('{"format": "jixiao-declarations", "schema_version": 1}', "declarations：缺少此项"),
    ('{"format": "jixiao-declarations", "schema_version": 1, "declarations": {}}', "declarations：应为列表"),
    ('{"format": "jixiao-declarations", "schema_version": 1, "declarations": [], "x": 1}', "x：不认识的项目"),
    ('{"format": "jixiao-declarations", "schema_version": 1, "declarations": [], "declarations": []}',
     "declarations：出现了两次"),  # a second list cannot take back declarations already read
    ('{"declarations": [{"fiscal_year": 2024}], "schema_version": 1, "format": "other"}', "不是申报表交换文件"),
    ('{"declarations": [{"fiscal_year": 2024}], "format": "jixiao-declarations", "schema_version": 3}', "版本 3"),
    ('{"format": "jixiao-declarations", "schema_version": 1, "declarations": [{"fiscal_year": 2024}', "第 1 行"),
])
def test_the_file_around_the_declarations_is_checked_too(tmp_path, text, message):
    bad = tmp_path / "bad.json"
    bad.write_text(text, encoding="utf-8")
    for window in (1, SMALL_WINDOW, 1 << 20):
        with pytest.raises(ImportFailed, match=message):
            list(iter_json(bad, window=window))


def test_fields_after_the_declarations_and_a_bom_are_read(tmp_path, samples):
    data = json.loads(dumps(samples[:2]))
    reordered = {"declarations": data["declarations"], "schema_version": 1, "format": FORMAT}
    path = tmp_path / "hand-made.json"
    path.write_bytes(b"\xef\xbb\xbf" + dumped(reordered).encode("utf-8"))
    assert [d.model_dump() for d in iter_json(path, window=SMALL_WINDOW)] == \
           [d.model_dump() for d in loads(dumps(samples[:2]))]


def test_bytes_that_are_not_utf8_late_in_the_file_are_refused(tmp_path, samples):
    path = tmp_path / "latin.json"
    path.write_bytes(dumps(list(numbered(samples, 200))).encode("utf-8")[:-40] + b"\xff\xfe" + b"}" * 40)
    with pytest.raises(ImportFailed, match="不是 UTF-8 编码的 JSON 文件"):
        list(iter_json(path))


# -- imports: all or nothing ------------------------------------------------------------
def test_a_large_streamed_import_is_all_or_nothing(tmp_path, samples, filled_db, capsys):
    good = tmp_path / "2000.json"
    export_json(numbered(samples, 2000), good)
    before = db_content(filled_db)
    # the same file with its last declaration out of range: nothing of the 2,000 is saved
    data = good.read_text(encoding="utf-8")
    cut = data.rindex('"fiscal_year": 2024')
    bad = tmp_path / "2000-bad-last.json"
    bad.write_text(data[:cut] + '"fiscal_year": 2101' + data[cut + len('"fiscal_year": 2024'):], encoding="utf-8")
    assert main(["--db", str(filled_db), "import", str(SAMPLE), str(bad)]) == 2
    err = capsys.readouterr().err
    assert "declarations.1999.fiscal_year：申报年度 2101 不在 2000–2100 之间" in err
    assert db_content(filled_db) == before
    # a file cut short at the end: nothing saved either
    truncated = tmp_path / "2000-truncated.json"
    truncated.write_text(data[:-10], encoding="utf-8")
    assert main(["--db", str(filled_db), "import", str(truncated)]) == 2
    assert "不是有效的 JSON" in capsys.readouterr().err
    assert db_content(filled_db) == before
    # and the good file saves every one, numbered after the five already there
    assert main(["--db", str(filled_db), "import", str(good)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2000 and lines[0] == "6\t民意速办工作经费 1" and lines[-1].startswith("2005\t")
    assert main(["--db", str(filled_db), "list", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 2005


def test_cancelling_a_streamed_import_midway_saves_nothing(tmp_path, samples, repo):
    from desktop.services.errors import Cancelled
    from desktop.services.importing import import_files

    good = tmp_path / "1200.json"
    export_json(numbered(samples, 1200), good)
    seen: list[str] = []

    def cancel_after_the_first_batch(done: int, total: int, what: str) -> bool:
        seen.append(what)
        return "已读取" not in what

    with pytest.raises(Cancelled):
        import_files(repo, [good], cancel_after_the_first_batch)
    assert repo.count() == 0 and any("已读取 500 份" in w for w in seen)
    done = import_files(repo, [good])
    assert repo.count() == 1200 and [s.id for s in done.saved] == list(range(1, 1201))
    assert done.saved[1].name == "车辆租赁费 2" and (done.saved[1].errors, done.saved[1].warnings) == (0, 2)


# -- Excel in write-only mode ----------------------------------------------------------
def test_the_write_only_excel_export_round_trips_exactly_from_a_generator(tmp_path, samples):
    from openpyxl import load_workbook

    decls = [tricky_declaration(), *samples]
    out = tmp_path / "forms.xlsx"
    export_xlsx(iter(decls), out)
    back = import_xlsx(out)
    assert [d.model_dump(exclude={"id", "created_at", "updated_at"}) for d in back] == \
           [d.model_dump(exclude={"id", "created_at", "updated_at"}) for d in decls]
    ws = load_workbook(out)["应急保障工作经费"]
    items = len(samples[2].cost_items)  # rows: title, 5 header rows, 申报年度, 政策依据, 测算依据 and its items, …
    heading, indicators = 9, 9 + items + 3
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A1:E1", "D2:E2", "B7:E7", "B8:E8", f"A{heading}:A{heading + items}", f"B{heading}:D{heading}"} <= merged
    assert ws.row_dimensions[1].height == 30 and ws.row_dimensions[8].height > 30  # the long 政策依据 row
    assert {c: ws.column_dimensions[c].width for c in "ABCDE"} == {"A": 14, "B": 16, "C": 24, "D": 14, "E": 44}
    assert ws["B10"].border.left.style == "thin" and ws["E2"].border.right.style == "thin"
    assert ws[f"A{indicators}"].value == "一级指标" and ws[f"A{indicators}"].font.bold
    assert ws[f"A{indicators}"].fill.fgColor.rgb.endswith("F0F0F0")
    assert all(c.data_type == "s" for row in ws.iter_rows() for c in row if isinstance(c.value, str))


def test_excel_refuses_a_bad_value_in_a_generator_and_writes_no_file(tmp_path, samples):
    def with_a_bad_third() -> Iterator[Declaration]:
        for i, d in enumerate(numbered(samples, 5)):
            if i == 2:
                d.cost_items[0].text += "\x01"
            yield d

    out = tmp_path / "forms.xlsx"
    out.write_bytes(b"an earlier export")
    with pytest.raises(OutputRefused, match="^第 3 份申报表《应急保障工作经费 3》的“测算依据”第 1 条含有 Excel 无法保存的控制字符 U\\+0001"):
        export_xlsx(with_a_bad_third(), out)
    assert out.read_bytes() == b"an earlier export"
    assert [p.name for p in tmp_path.iterdir()] == ["forms.xlsx"]


def test_the_command_line_exports_in_batches_and_reads_back(tmp_path, samples, capsys):
    first, second = tmp_path / "a.sqlite3", tmp_path / "b.sqlite3"
    source = tmp_path / "1200.json"
    export_json(numbered(samples, 1200), source)
    assert main(["--db", str(first), "import", str(source)]) == 0
    assert main(["--db", str(first), "export", "--all", "-o", str(tmp_path / "1.json")]) == 0
    assert main(["--db", str(second), "import", str(tmp_path / "1.json")]) == 0
    assert main(["--db", str(second), "export", "--all", "-o", str(tmp_path / "2.json")]) == 0
    assert capsys.readouterr().out.endswith("已导出 1200 份申报表：" + str(tmp_path / "2.json") + "\n")
    assert (tmp_path / "1.json").read_bytes() == (tmp_path / "2.json").read_bytes()
    xlsx = tmp_path / "out.xlsx"
    assert main(["--db", str(second), "export", "1", "600", "1200", "-o", str(xlsx)]) == 0
    assert [d.header.project_name for d in import_xlsx(xlsx)] == \
           ["民意速办工作经费 1", "应急值班值守综合业务经费 600", "应急值班值守综合业务经费 1200"]


def test_the_window_names_the_first_thirty_imported_and_counts_the_rest(qtbot, window_factory, monkeypatch, tmp_path,
                                                                        samples):
    from PySide6.QtWidgets import QMessageBox

    source = tmp_path / "31.json"
    export_json(numbered(samples, 31), source)
    window = window_factory()
    summary: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text: summary.append(text))
    window.import_paths([source])
    assert window.list_model.rowCount() == 31
    assert "导入 31 份申报表" in summary[0] and "· 车辆租赁费 2（错误 0，警告 2）" in summary[0]
    assert "应急值班值守综合业务经费 30（" in summary[0] and "31（" not in summary[0]
    assert summary[0].endswith("……另有 1 份")
