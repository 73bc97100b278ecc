"""The cache of parsed font tables (desktop/printing/font_cache.py): used when it is the
font's, never when the font changed or the file is damaged, and never in the way
of printing when it cannot be written."""
from __future__ import annotations

import hashlib
import io
import os
import pickle
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import SAMPLE
from desktop.printing import font_cache, fonts
from tests.disk import small_disk  # noqa: F401  (fixture)

ROOT = Path(__file__).resolve().parent.parent
HEI = fonts.paths.fonts_dir() / "wqy-microhei.ttc"  # the smaller bundled font (5 MB)

# A print whose font parser fails: it can only succeed with the fonts from the cache.
NO_PARSE = """
import sys
import reportlab.pdfbase.ttfonts as ttfonts

def parse(*args, **kwargs):
    raise AssertionError("a font was parsed instead of read from the cache")

ttfonts.TTFontFile.extractInfo = parse
from desktop.cli import main
raise SystemExit(main(sys.argv[1:]))
"""


def child_env(cache_home: Path) -> dict:
    # RL_invariant: no timestamps or random ids in the PDF, so two prints compare byte for byte.
    return {**os.environ, "PYTHONPATH": str(ROOT), "XDG_CACHE_HOME": str(cache_home), "RL_invariant": "1"}


def run(env: dict, *args, code: str | None = None) -> subprocess.CompletedProcess:
    head = ["-c", code] if code else ["-m", "desktop"]
    return subprocess.run([sys.executable, *head, *map(str, args)], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120)


def cache_folder(env: dict) -> Path:
    """Where a process with this environment keeps the font cache (it must lie in the test's folder)."""
    done = run(env, code="from desktop.printing.font_cache import font_cache_dir; print(font_cache_dir())")
    folder = Path(done.stdout.strip())
    if not folder.is_relative_to(env["XDG_CACHE_HOME"]):
        pytest.skip(f"the cache folder does not follow XDG_CACHE_HOME here: {folder}")
    return folder


@pytest.fixture
def printable(tmp_path) -> Path:
    db = tmp_path / "jixiao.sqlite3"
    done = run({**os.environ, "PYTHONPATH": str(ROOT)}, "--db", db, "import", SAMPLE)
    assert done.returncode == 0, done.stderr
    return db


def assert_fonts_embedded(pdf: Path) -> None:
    seen = set()
    for page in PdfReader(io.BytesIO(pdf.read_bytes())).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            seen.add(font["/BaseFont"])
            assert "/FontFile2" in font["/FontDescriptor"].get_object(), f"{font['/BaseFont']} not embedded"
            assert font["/BaseFont"][7:8] == "+", "embedded as a subset"
    assert any("UMing" in f for f in seen) and any("MicroHei" in f for f in seen)


def test_a_second_process_prints_from_the_cache_the_very_same_pdf(printable, tmp_path):
    env = child_env(tmp_path / "cache")
    folder = cache_folder(env)
    first, second = tmp_path / "parsed.pdf", tmp_path / "cached.pdf"
    done = run(env, "--db", printable, "print", "--all", "-o", first)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["uming.ttc-0.fontcache", "wqy-microhei.ttc-0.fontcache"]
    done = run(env, "--db", printable, "print", "--all", "-o", second, code=NO_PARSE)
    assert done.returncode == 0, done.stderr
    assert second.read_bytes() == first.read_bytes()
    assert_fonts_embedded(second)


def test_a_read_only_cache_folder_still_prints(printable, small_disk, tmp_path):  # noqa: F811
    env = child_env(small_disk.path)
    folder = cache_folder(env)
    small_disk.read_only()
    out = tmp_path / "out.pdf"
    done = run(env, "--db", printable, "print", "--all", "-o", out)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert_fonts_embedded(out)
    assert not folder.exists()


def test_a_full_disk_still_prints_and_leaves_no_part_of_a_cache_file(printable, small_disk, tmp_path):  # noqa: F811
    env = child_env(small_disk.path)
    folder = cache_folder(env)
    folder.mkdir(parents=True)
    small_disk.fill(leave=64 * 1024)  # room to start a cache file (1-1.5 MB each), not to finish it
    out = tmp_path / "out.pdf"
    done = run(env, "--db", printable, "print", "--all", "-o", out)
    small_disk.free()
    assert done.returncode == 0, done.stderr
    assert_fonts_embedded(out)
    assert list(folder.iterdir()) == []


# -- in one process: a font file of the test's own -----------------------------------
@pytest.fixture
def font(tmp_path, monkeypatch):
    """A copy of the hei font, a cache folder and a count of the parses."""
    path = tmp_path / "fonts" / "hei.ttc"
    path.parent.mkdir()
    shutil.copy2(HEI, path)
    monkeypatch.setattr(font_cache, "font_cache_dir", lambda: tmp_path / "cache")
    parses = []
    parse = fonts._parse_ttfont

    def counted(*args):
        parses.append(args[0])
        return parse(*args)

    monkeypatch.setattr(fonts, "_parse_ttfont", counted)
    f = fonts.FontFile("TestHei", str(path))

    def load():
        return fonts._load_ttfont.__wrapped__(f)  # without the per-process memo

    load.path, load.parses, load.cache = path, parses, tmp_path / "cache" / "hei.ttc-0.fontcache"
    return load


def face_state(ttfont) -> dict:
    state = {k: v for k, v in ttfont.face.__dict__.items() if k != "_pdfScale"}
    state.update({f"{k}.ustr": v.ustr for k, v in state.items() if hasattr(v, "ustr")})
    return state


def test_the_cached_font_is_the_parsed_font(font):
    parsed = font()
    cached = font()
    assert len(font.parses) == 1 and font.cache.is_file()
    assert face_state(cached) == face_state(parsed)
    assert {k: type(v) for k, v in vars(cached.face).items()} == {k: type(v) for k, v in vars(parsed.face).items()}
    assert vars(cached).keys() == vars(parsed).keys()
    assert (cached.fontName, cached._asciiReadable, cached.shapable) == (parsed.fontName, parsed._asciiReadable,
                                                                        parsed.shapable)
    assert cached.face._pdfScale(2048) == parsed.face._pdfScale(2048)
    assert cached.stringWidth("深汕特别合作区 ABC", 10.5) == parsed.stringWidth("深汕特别合作区 ABC", 10.5)
    assert cached.face.makeSubset([0, 65, 0x6DF1, 0x6C55]) == parsed.face.makeSubset([0, 65, 0x6DF1, 0x6C55])


def test_a_font_changed_under_the_same_size_and_mtime_is_parsed_again(font):
    before = font()
    glyph = before.face.charToGlyph[ord("A")]
    assert glyph < len(before.face.hmetrics)
    offset = before.face.table["hmtx"]["offset"] + 4 * glyph  # the advance width of "A"
    st = font.path.stat()
    data = bytearray(font.path.read_bytes())
    width = struct.unpack_from(">H", data, offset)[0]
    struct.pack_into(">H", data, offset, width + 100)
    font.path.write_bytes(data)
    os.utime(font.path, ns=(st.st_atime_ns, st.st_mtime_ns))  # only the hash can tell
    assert font.path.stat().st_size == st.st_size and font.path.stat().st_mtime_ns == st.st_mtime_ns
    after = font()
    assert len(font.parses) == 2
    assert after.face.charWidths[ord("A")] != before.face.charWidths[ord("A")]
    assert face_state(font()) == face_state(after) and len(font.parses) == 2  # and the new cache is used


def test_a_touched_or_replaced_font_is_parsed_again(font):
    font()
    os.utime(font.path, ns=(0, 10**18))
    font()
    assert len(font.parses) == 2
    shutil.copy(fonts.paths.fonts_dir() / "uming.ttc", font.path)  # another font under the same name
    assert font().face.familyName.ustr.startswith("AR PL UMing")
    assert len(font.parses) == 3


def _forged(body) -> bytes:
    blob = pickle.dumps(body)
    return font_cache.MAGIC + hashlib.sha256(blob).digest() + blob


def _body(blob: bytes) -> dict:
    return pickle.loads(blob[len(font_cache.MAGIC) + font_cache.DIGEST:])


def _width_flipped(blob: bytes) -> bytes:
    """A glyph width changed by a bit: still a sound pickle, so only the checksum can tell."""
    at = blob.index(b"G" + struct.pack(">d", 1000.0)) + 8  # the hei font's usual CJK width, pickled
    return blob[:at] + bytes([blob[at] ^ 1]) + blob[at + 1:]


class _Mkdir:
    """Unpickling this calls os.mkdir: what a planted cache file could do with a plain pickle.load."""

    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return os.mkdir, (str(self.path),)


@pytest.mark.parametrize("damage", [
    lambda b, _: b[: len(b) // 2],                                   # cut short
    lambda b, _: _width_flipped(b),                                  # one bit flipped
    lambda b, _: b"",                                                # emptied
    lambda b, _: os.urandom(len(b)),                                 # noise
    lambda b, _: _forged({"source": None}),                          # sound, but not a font cache
    lambda b, marker: _forged(_body(b) | {"names": _Mkdir(marker)}),  # would run code when loaded
    lambda b, _: _forged(_body(b) | {"face": None}),                 # the right source, tables broken
], ids=["truncated", "bit-flipped", "empty", "noise", "foreign", "code", "broken-tables"])
def test_a_damaged_cache_file_is_ignored_and_made_anew(font, damage, tmp_path):
    expected = face_state(font())
    marker = tmp_path / "code-ran"
    font.cache.write_bytes(damage(font.cache.read_bytes(), marker))
    assert face_state(font()) == expected
    assert len(font.parses) == 2
    assert not marker.exists()
    assert face_state(font()) == expected and len(font.parses) == 2  # the cache was rewritten sound


def test_a_cache_folder_that_cannot_be_made_costs_only_the_parse(font, tmp_path):
    (tmp_path / "cache").write_text("a file where the folder should be")
    expected = face_state(font())
    assert face_state(font()) == expected
    assert len(font.parses) == 2
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


# -- the other half of the print path's speed: each paragraph wrapped once per width -----
def test_wrapping_once_per_width_prints_the_very_same_pdf(samples, monkeypatch):
    """Para reuses its last wrap (desktop/printing/text.py): fewer wraps, not one byte different,
    also with texts cut into pieces and tables split over pages."""
    from reportlab import rl_config
    from reportlab.platypus import Paragraph

    from desktop.printing.render import render
    from desktop.printing.text import Para

    monkeypatch.setattr(rl_config, "invariant", 1)  # no timestamps or random ids
    samples[0].texts.policy_basis = "依据文件第一百条规定，项目资金用于网格管理工作。" * 400
    samples[3].indicators = [r.model_copy() for r in samples[3].indicators for _ in range(5)]
    wraps = []
    line_breaking = Para.breakLinesCJK  # Para breaks lines by its own rules (linebreak.py)
    monkeypatch.setattr(Para, "breakLinesCJK", lambda self, widths: wraps.append(1) or line_breaking(self, widths))
    once = render(samples).pdf
    fewer = len(wraps)
    monkeypatch.setattr(Para, "wrap", Paragraph.wrap)
    wraps.clear()
    every_time = render(samples).pdf
    assert fewer < len(wraps) * 0.6
    assert once == every_time
