"""The printed page around the table (issue 14, issue 13's footer): continuation headers,
batch order, the signature block, template-driven layout, revision code and QR code."""
from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import segno
from pypdf import PdfReader
from pypdf.generic import ContentStream

from cli_helpers import run
from desktop.domain.revision_code import revision_code
from desktop.domain.signature import Signature
from desktop.printing.canvas import QR_MASK, FormInfo
from desktop.printing.render import render
from desktop.services.settings import save_signature
from desktop.store.database import open_database
from desktop.store.repository import Repository

REVIEW_TEMPLATE = "shenshan-2025-review"


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pages_text(pdf: bytes) -> list[str]:
    return [squash(p.extract_text()) for p in PdfReader(io.BytesIO(pdf)).pages]


def pdftotext(pdf: bytes, tmp_path: Path) -> list[str]:
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1]


def long_form(d):
    d.indicators = [r.model_copy() for r in d.indicators for _ in range(3)]
    d.texts.policy_basis = "依据文件第一百条规定，项目资金用于网格管理工作。" * 60
    return d


# -- continuation pages ----------------------------------------------------------------------
def test_every_page_after_a_forms_first_names_its_project_and_code(samples):
    forms = [long_form(samples[0]), long_form(samples[2])]
    texts = pages_text(render(forms).pdf)
    assert len(texts) >= 6
    for t in texts:
        number = re.search(r"第(\d+)页共\d+页", t).group(1)
        owner = next(d for d in forms if d.header.project_name in t)
        header = f"项目名称：{squash(owner.header.project_name)}项目编码：{owner.header.project_code}"
        assert (header in t) == (number != "1"), t[-120:]


# -- batch order -----------------------------------------------------------------------------
def test_a_batch_prints_in_the_order_the_ids_are_listed(filled_db, tmp_path, capsys):
    out = tmp_path / "batch.pdf"
    code, stdout, _err = run(capsys, "--db", filled_db, "print", 3, 1, 2, "-o", out)
    assert code == 0, stdout
    with open_database(filled_db, write=False) as db:
        names = {i: Repository(db).load(i).header.project_name for i in (1, 2, 3)}
    first_pages = [t for t in pages_text(out.read_bytes()) if re.search(r"第1页共\d+页", t)]
    printed = [next(i for i, name in names.items() if f"项目名称{name}" in t) for t in first_pages]
    assert printed == [3, 1, 2]


def test_render_keeps_the_order_it_is_given(samples):
    order = [samples[4], samples[0], samples[2]]
    firsts = [t for t in pages_text(render(order).pdf) if re.search(r"第1页共\d+页", t)]
    assert [next(i for i, d in enumerate(order) if squash(d.header.project_name) in t) for t in firsts] == [0, 1, 2]


# -- signature block and template-driven layout ------------------------------------------------
def test_the_signature_block_prints_the_units_settings_where_the_template_enables_it(filled_db, tmp_path, capsys):
    with open_database(filled_db) as db:
        repo = Repository(db)
        d = repo.load(2)
        d.template_id = REVIEW_TEMPLATE
        repo.save(d)
        save_signature(db, d.header.applicant_unit, Signature(filled_by="王𠮷", phone="0755-8888 6666"))
    out = tmp_path / "signed.pdf"
    assert run(capsys, "--db", filled_db, "print", 2, 1, "-o", out)[0] == 0
    pages = pdftotext(out.read_bytes(), tmp_path)
    signed = "".join(p for p in pages if "车辆租赁费" in p)
    standard = "".join(p for p in pages if "民意速办工作经费" in p)
    for label in ("填报人", "联系电话", "单位负责人", "填报日期", "单位盖章"):
        assert label in signed
        assert label in standard  # the standard template prints it once the unit has one set
    with open_database(filled_db) as db:
        save_signature(db, d.header.applicant_unit, None)
    assert run(capsys, "--db", filled_db, "print", 1, "-o", out)[0] == 0
    assert "填报人" not in "".join(pdftotext(out.read_bytes(), tmp_path))  # none set: the plain form
    assert re.search(r"填报人：\s*王𠮷", signed) and re.search(r"联系电话：\s*0755-8888 6666", signed)
    # 单位负责人 and 填报日期 were not set: their lines are left blank, to be written by hand
    assert re.search(r"单位负责人：\s*填报日期：", signed) or re.search(r"单位负责人：\s*\n", signed)


def test_a_blank_signature_block_prints_labels_and_lines(samples):
    d = samples[1]
    d.template_id = REVIEW_TEMPLATE
    text = "".join(pages_text(render([d]).pdf))
    assert "填报人：联系电话：单位负责人：填报日期：单位盖章：" in text


def test_the_third_template_prints_its_columns_tables_boxes_and_title(samples):
    d = samples[1]
    d.template_id = REVIEW_TEMPLATE
    text = "".join(pages_text(render([d]).pdf))
    assert text.startswith("二级项目支出绩效目标申报审核表")
    assert "年度绩效指标一级指标二级指标三级指标目标值指标解释备注" in text
    assert "长期绩效指标（实施期内，手工填写）一级指标二级指标三级指标目标值指标解释备注" in text
    assert text.index("年度绩效指标") < text.index("长期绩效指标") < text.index("主管部门审核意见")
    assert text.index("主管部门审核意见") < text.index("财政部门审核意见") < text.index("填报人")
    assert text.count("（盖章）年月日") == 2
    for row in d.indicators:  # the rows print in the first table only
        assert text.count(squash(row.explanation)) == 1


def test_the_standard_templates_print_the_standard_form(samples):
    for template in ("shenshan-2024", "caiyu-2021-101"):
        d = samples[0].model_copy(deep=True)
        d.template_id = template
        text = "".join(pages_text(render([d]).pdf))
        assert text.startswith("二级项目支出绩效目标申报表")
        assert "一级指标二级指标三级指标目标值指标解释" in text and "备注" not in text
        for absent in ("审核意见", "填报人", "单位盖章", "绩效指标"):
            assert absent not in text


# -- footer: revision code and QR ----------------------------------------------------------------
def qr_matrices(pdf: bytes) -> list[list[list[int]]]:
    """The QR code each page draws, read back from its form XObject as a module matrix."""
    reader = PdfReader(io.BytesIO(pdf))
    out = []
    for page in reader.pages:
        xobjects = page["/Resources"].get("/XObject", {})
        qr = [x.get_object() for name, x in xobjects.items() if "jixiaoQR" in name]
        assert len(qr) == 1
        rects = [tuple(round(float(v)) for v in ops) for ops, op in ContentStream(qr[0], reader).operations
                 if op == b"re"]  # in module units: a run of dark modules in a row each
        size = max(x + w for x, _y, w, _h in rects)
        matrix = [[0] * size for _ in range(size)]
        for x, y, w, _h in rects:
            for col in range(x, x + w):
                matrix[size - 1 - y][col] = 1
        out.append(matrix)
    return out


def test_every_page_carries_the_revision_code_and_its_qr_code(samples, tmp_path):
    d = long_form(samples[2])
    pdf = render([d]).pdf
    code = revision_code(d)
    pages = pdftotext(pdf, tmp_path)
    assert len(pages) >= 2
    assert all(f"修订码 {code}" in p for p in pages)  # pdftotext reads it as printed
    info = FormInfo(d.header.project_name, d.header.project_code, d.fiscal_year, code)
    expected = [list(row) for row in segno.make(info.qr_text, error="m", micro=False, mask=QR_MASK).matrix]
    assert FormInfo(revision=code, project_code=d.header.project_code, fiscal_year=d.fiscal_year).qr_text == \
        f"jixiao:{code}:{d.header.project_code}:{d.fiscal_year}"
    assert qr_matrices(pdf) == [expected] * len(pages)


def test_forms_in_a_batch_carry_their_own_codes(samples, tmp_path):
    pages = pdftotext(render(samples[:3]).pdf, tmp_path)
    codes = [re.search(r"修订码 ([0-9A-F]{8})", p).group(1) for p in pages]
    assert set(codes) == {revision_code(d) for d in samples[:3]}
    samples[0].texts.annual_goals += "。"
    assert revision_code(samples[0]) not in codes  # another content, another code


def test_a_phone_reads_the_qr_code_of_a_printed_page(samples, tmp_path):
    """Decoded from the page image at 300 dpi by zbarimg (zbar-tools), where installed."""
    if not shutil.which("zbarimg"):
        pytest.skip("zbarimg (zbar-tools) is not installed")
    d = samples[0]
    path = tmp_path / "qr.pdf"
    path.write_bytes(render([d]).pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "300", "-f", "1", "-l", "1", "-x", "0", "-y", "3000", "-W", "1000",
                    "-H", "508", "-singlefile", str(path), str(tmp_path / "corner")], check=True)
    decoded = subprocess.run(["zbarimg", "-q", "--raw", str(tmp_path / "corner.png")], capture_output=True,
                             text=True).stdout.strip()
    assert decoded == f"jixiao:{revision_code(d)}:{d.header.project_code}:{d.fiscal_year}"
