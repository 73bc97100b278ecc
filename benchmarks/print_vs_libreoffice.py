"""Whole-process print of the five sample forms: jixiao vs. LibreOffice converting the same forms from .docx.

    python benchmarks/print_vs_libreoffice.py [--runs 7] [--root DIR]

jixiao: ``python -m desktop --db DB print --all -o OUT.pdf`` on a database
holding the five forms of tests/fixtures/shenshan-emergency-2024.txt.
LibreOffice: ``soffice --headless --convert-to pdf`` of one .docx with the
same five forms (a title and tables with the form's labels and values, as
units keep the form in Word), with the bundled fonts made visible to it so
both print the same faces. LibreOffice's first run creates its profile (a
cold start, reported on its own); the counted runs reuse it, as on a PC
where LibreOffice has been used before; likewise jixiao's warm-up run
leaves its font cache (the user cache folder) for the counted runs. The two
are run in turn, several times: median, min and max of wall and CPU time
(CPU: Unix only), and the ratio of the medians. Quote the CPU ratio on a
busy machine, where wall times wait for a core.

``--root DIR`` times the jixiao of another checkout (e.g. ``git archive HEAD``
unpacked in /tmp/head) for a before/after comparison.

Needs LibreOffice Writer: ``apt-get install -y libreoffice-writer-nogui``
(Debian/Ubuntu). Only this benchmark needs it, not the tests.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "fixtures" / "shenshan-emergency-2024.txt"
BODY_FONT, TITLE_FONT = "AR PL UMing CN", "WenQuanYi Micro Hei"  # the bundled faces (resources/fonts)


def write_docx(decls, path: Path) -> None:
    """The forms as a Word user lays them out: title, header rows (label | value | label | value),
    the wide text rows, the indicator table with its 一级 cells merged; a page break between forms."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_BREAK
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    from desktop.domain.template import registry
    from desktop.printing.layout import HEADER_ROWS, WIDE_ROWS, cost_text, printed_indicators

    doc = Document()
    sec = doc.sections[0]
    sec.orientation, sec.page_width, sec.page_height = WD_ORIENT.PORTRAIT, Mm(210), Mm(297)
    sec.left_margin, sec.right_margin, sec.top_margin, sec.bottom_margin = Mm(25), Mm(15), Mm(15), Mm(18)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = BODY_FONT, Pt(10.5)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), BODY_FONT)
    templates = registry()
    for n, d in enumerate(decls):
        t = templates.get(d.template_id)
        title = doc.add_paragraph()
        title.alignment = 1  # centre
        run = title.add_run(t.title)
        run.font.size, run.font.name = Pt(18), TITLE_FONT
        run.element.rPr.rFonts.set(qn("w:eastAsia"), TITLE_FONT)
        head = doc.add_table(rows=len(HEADER_ROWS), cols=4)
        head.style = "Table Grid"
        for r, pair in enumerate(HEADER_ROWS):
            for c, field in enumerate(pair):
                head.cell(r, 2 * c).text = t.label(field)
                head.cell(r, 2 * c + 1).text = str(d.get(field))
        wide = doc.add_table(rows=len(WIDE_ROWS), cols=4)
        wide.style = "Table Grid"
        for r, field in enumerate(WIDE_ROWS):
            wide.cell(r, 0).text = t.label(field)
            value = cost_text(d) if field == "cost_basis" else d.get(field)
            cell = wide.cell(r, 1).merge(wide.cell(r, 3))
            first, *rest = value.split("\n")
            cell.text = first
            for line in rest:
                cell.add_paragraph(line)
        rows = printed_indicators(d, t)
        ind = doc.add_table(rows=1 + len(rows), cols=5)
        ind.style = "Table Grid"
        for c, label in enumerate(["一级指标", "二级指标", "三级指标", "目标值", "指标解释"]):
            ind.cell(0, c).text = label
        for r, row in enumerate(rows, 1):
            level2 = ("*" if t.is_core(row.level1, row.level2) else "") + row.level2
            for c, v in enumerate([row.level1, level2, row.name, row.target, row.explanation]):
                ind.cell(r, c).text = v
        for col in (0, 1):  # merge runs of equal 一级 / 二级 cells, as the official form does
            start = 1
            for r in range(2, len(rows) + 2):
                if r == len(rows) + 1 or ind.cell(r, col).text != ind.cell(start, col).text:
                    if r - 1 > start:
                        text = ind.cell(start, col).text
                        ind.cell(start, col).merge(ind.cell(r - 1, col)).text = text
                    start = r
        if n < len(decls) - 1:
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    doc.save(path)


def fontconfig_with_bundled_fonts(folder: Path) -> Path:
    """A fontconfig file that adds resources/fonts to the system's fonts, for LibreOffice only."""
    conf = folder / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
        f"  <dir>{ROOT / 'resources' / 'fonts'}</dir>\n"
        f"  <cachedir>{folder / 'fontconfig-cache'}</cachedir>\n</fontconfig>\n", encoding="utf-8")
    return conf


try:
    import resource
except ImportError:  # Windows: wall times only
    resource = None  # type: ignore[assignment]


def _children_cpu() -> float:
    if resource is None:
        return 0.0
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def timed(cmd: list[str], out: Path | None = None, cpu: list[float] | None = None, **kw) -> float:
    """Wall seconds the whole process took (its CPU seconds appended to ``cpu``); exits when
    it failed or did not write ``out`` (soffice exits 0 also when it could not load the file)."""
    if out is not None:
        out.unlink(missing_ok=True)
    cpu_before, start = _children_cpu(), time.perf_counter()
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **kw)
    took = time.perf_counter() - start
    if cpu is not None:
        cpu.append(_children_cpu() - cpu_before)
    if done.returncode != 0 or (out is not None and not out.is_file()):
        sys.exit(f"failed ({done.returncode}): {' '.join(cmd)}\n{done.stderr.decode(errors='replace')}")
    return took


def summary(name: str, times: list[float]) -> str:
    return (f"{name:<40} median {statistics.median(times):6.3f} s   min {min(times):6.3f}   "
            f"max {max(times):6.3f}   ({len(times)} runs)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=7, help="counted runs of each (default 7)")
    ap.add_argument("--root", type=Path, default=ROOT, help="checkout whose jixiao is timed (default: this one)")
    args = ap.parse_args()
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        sys.exit("LibreOffice (soffice) not found. Install it with\n"
                 "  apt-get update && apt-get install -y libreoffice-writer-nogui\n"
                 "(Windows: install LibreOffice and put its program folder on PATH).")
    sys.path.insert(0, str(ROOT))
    from desktop.io.text_import import import_text_file

    decls = import_text_file(SAMPLE)
    with tempfile.TemporaryDirectory(prefix="jixiao-vs-lo-") as tmp_name:
        tmp = Path(tmp_name)
        docx = tmp / "forms.docx"
        write_docx(decls, docx)
        db = tmp / "forms.sqlite3"
        root = args.root.resolve()
        jixiao = [sys.executable, "-m", "desktop", "--db", str(db)]
        timed(jixiao + ["import", str(SAMPLE)], cwd=root)
        env = {**os.environ, "FONTCONFIG_FILE": str(fontconfig_with_bundled_fonts(tmp))}
        lo = [soffice, f"-env:UserInstallation={(tmp / 'lo-profile').as_uri()}", "--headless",
              "--convert-to", "pdf", "--outdir", str(tmp / "lo"), str(docx)]
        print(f"five sample forms, one PDF; jixiao of {root}; {soffice}")
        lo_pdf, our_pdf = tmp / "lo" / "forms.pdf", tmp / "jixiao.pdf"
        ours_cmd = jixiao + ["print", "--all", "-o", str(our_pdf)]
        cold = timed(lo, lo_pdf, env=env)  # creates the profile and the font cache
        timed(ours_cmd, our_pdf, cwd=root)  # warm-up (and its font cache)
        ours: list[float] = []
        theirs: list[float] = []
        ours_cpu: list[float] = []
        theirs_cpu: list[float] = []
        for _ in range(args.runs):  # in turn, so that a busy moment of the machine hits both
            ours.append(timed(ours_cmd, our_pdf, ours_cpu, cwd=root))
            theirs.append(timed(lo, lo_pdf, theirs_cpu, env=env))
        print(summary("jixiao print --all -o out.pdf, wall", ours))
        print(summary("soffice --convert-to pdf, wall", theirs))
        if resource is not None:
            print(summary("jixiao, CPU (user + sys)", ours_cpu))
            print(summary("soffice, CPU (user + sys)", theirs_cpu))
        print(f"{'soffice, first run (new profile), wall':<40} {cold:13.3f} s")
        pairs = sorted(b / a for a, b in zip(ours, theirs, strict=True))
        cpu = (f", {statistics.median(theirs_cpu) / statistics.median(ours_cpu):.1f}x CPU"
               if resource is not None else "")
        print(f"LibreOffice / jixiao: {statistics.median(theirs) / statistics.median(ours):.1f}x wall "
              f"(medians; pair by pair {pairs[0]:.1f}x to {pairs[-1]:.1f}x){cpu}   goal: >= 10x")


if __name__ == "__main__":
    main()
