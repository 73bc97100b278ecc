"""Rare characters print (issue 14): every CJK ideograph of the Unified block and Extensions
A and B is in a bundled font, and a printed rare name shows real glyphs of embedded fonts."""
from __future__ import annotations

import io
import gzip
import re
import subprocess
from functools import cache

from fontTools.ttLib import TTFont
from pypdf import PdfReader

from desktop import paths
from desktop.printing import fonts
from desktop.printing.render import render

URO = range(0x4E00, 0x9FFF + 1)
EXT_A = range(0x3400, 0x4DBF + 1)
EXT_B = range(0x20000, 0x2A6DF + 1)


@cache
def bundled_cmaps() -> dict[str, frozenset[int]]:
    """Each bundled font's characters, read from the font files themselves (not coverage.json)."""
    out = {}
    for f in fonts.BUNDLED + fonts.RARE:
        data = (paths.fonts_dir() / f.file).read_bytes()
        if f.file.endswith(".gz"):
            data = gzip.decompress(data)
        font = TTFont(io.BytesIO(data), fontNumber=f.subfont, lazy=True)
        assert "glyf" in font, f"{f.file}: ReportLab needs TrueType outlines"
        out[f.name] = frozenset(font.getBestCmap())
    return out


def test_every_ideograph_of_the_unified_block_and_extensions_a_and_b_is_in_a_bundled_font():
    covered = frozenset().union(*bundled_cmaps().values())
    for name, block in (("URO", URO), ("Ext A", EXT_A), ("Ext B", EXT_B)):
        missing = [f"U+{cp:X}" for cp in block if cp not in covered]
        assert not missing, f"{name}: {len(missing)} without a glyph, e.g. {missing[:5]}"
    assert fonts.missing_glyphs("".join(map(chr, [*URO, *EXT_A, *EXT_B]))) == set()


def test_the_coverage_file_says_what_the_fonts_hold():
    """missing_glyphs reads coverage.json: it must be the fonts' own cmaps."""
    coverage = fonts.bundled_coverage()
    for name, cps in bundled_cmaps().items():
        assert coverage[name] - {0} == cps - {0}, name  # U+0000 (never typed) aside


def rare_sample() -> str:
    return "".join(chr(cp) for cp in (*EXT_A[::97], *EXT_B[::613], 0x9FFF, 0x4DBF, 0x2A6DF))


def has_outline(glyph) -> bool:
    """A glyph with contours (an empty one is a space, or a box never drawn)."""
    data = getattr(glyph, "data", None)
    if data is not None:  # not yet unpacked: its header starts with the number of contours
        return len(data) >= 2 and data[:2] != b"\x00\x00"
    return glyph.numberOfContours != 0


def drawn_glyphs(pdf: bytes) -> dict[str, set[str]]:
    """For each embedded font of the PDF, the characters it draws with a glyph that has an
    outline (its ToUnicode map read against its embedded glyphs): what a reader sees."""
    reader = PdfReader(io.BytesIO(pdf))
    out: dict[str, set[str]] = {}
    seen = set()
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            if ref.idnum in seen:  # a font used on several pages is read once
                continue
            seen.add(ref.idnum)
            font = ref.get_object()
            descriptor = font["/FontDescriptor"].get_object()
            embedded = TTFont(io.BytesIO(descriptor["/FontFile2"].get_object().get_data()), lazy=True)
            codes = embedded["cmap"].getcmap(1, 0).cmap
            glyf = embedded["glyf"]
            drawn = {name for name, glyph in glyf.glyphs.items() if has_outline(glyph)}
            cmap = font["/ToUnicode"].get_object().get_data().decode("ascii")
            for code, uni in re.findall(r"<([0-9A-F]{2})> <([0-9A-F]{4,})>", cmap):
                ch = bytes.fromhex(uni).decode("utf-16-be")
                glyph = codes.get(int(code, 16))
                if glyph not in (None, ".notdef", "glyph0") and glyph in drawn:
                    out.setdefault(str(font["/BaseFont"]), set()).add(ch)
    return out


def test_a_rare_name_prints_with_glyphs_of_embedded_fonts_and_copies_out(samples, tmp_path):
    from desktop.domain.rules import check
    from desktop.domain.template import registry

    d = samples[0]
    d.header.project_name = "𠮷野家村道路维修"
    d.texts.policy_basis = "人名地名：" + rare_sample()
    assert not [p for p in check(d, registry().default, fonts.missing_glyphs) if p.code == "print.glyph_missing"]
    pdf = render([d]).pdf
    drawn = drawn_glyphs(pdf)
    everything = set().union(*drawn.values())
    not_drawn = [f"U+{ord(ch):X}" for ch in "𠮷" + rare_sample() if ch not in everything]
    assert not not_drawn, f"printed without a glyph (as a box): {not_drawn}"
    assert any("HanaMin" in name for name in drawn)
    path = tmp_path / "rare.pdf"
    path.write_bytes(pdf)
    listing = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = listing.splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows), listing  # emb column: every font embedded
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    squashed = re.sub(r"\s+", "", text)
    assert "𠮷野家村道路维修" in squashed  # copies out as typed (UTF-16 ToUnicode for characters past U+FFFF)
    assert rare_sample() in squashed


def test_only_what_no_font_has_is_reported(samples):
    from desktop.domain.rules import check
    from desktop.domain.template import registry

    d = samples[0]
    d.texts.annual_goals = "𠮷㐀" + "😀" + "\U000F0001"
    problems = [p for p in check(d, registry().default, fonts.missing_glyphs) if p.code == "print.glyph_missing"]
    assert len(problems) == 1
    assert "😀" in problems[0].message and "\U000F0001" in problems[0].message
    assert "𠮷" not in problems[0].message and "㐀" not in problems[0].message


def test_the_rare_fonts_are_loaded_only_when_a_text_needs_them(samples):
    """Printing ordinary forms never unpacks the 30 MB of rare-character fonts."""
    import subprocess as sp
    import sys

    code = ("from desktop.io.text_import import import_text_file; from pathlib import Path;"
            "from desktop.printing.render import render; from desktop.printing import fonts;"
            "render(import_text_file(Path('tests/fixtures/shenshan-emergency-2024.txt')));"
            "print(sorted(fonts._rare_registered))")
    out = sp.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                 cwd=paths.bundle_root()).stdout
    assert out.strip() == "[]"


def test_every_ideograph_of_the_unified_block_and_extensions_a_and_b_prints_as_a_glyph(samples):
    """All 70,304 of them, printed in one text: each comes out of an embedded font with an outline."""
    d = samples[0]
    everything = "".join(map(chr, [*URO, *EXT_A, *EXT_B]))
    d.texts.policy_basis = everything
    drawn = set().union(*drawn_glyphs(render([d]).pdf).values())
    not_drawn = [f"U+{ord(ch):X}" for ch in everything if ch not in drawn]
    assert not not_drawn, f"{len(not_drawn)} printed without a glyph, e.g. {not_drawn[:5]}"
