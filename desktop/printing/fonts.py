"""Fonts for printing: the bundled TrueType fonts, embedded as subsets.

Body text uses AR PL UMing (a song/ming face), the title WenQuanYi Micro Hei
(a hei face). A character the body font lacks is drawn with the first
fallback font that has it: the hei face, then the bundled rare-character
fonts (``RARE``: Hanazono Mincho A/B and BabelStone Han, subsets made by
resources/fonts/make_rare_fonts.py, covering CJK Extensions A to F and most of G and
H), then Windows' SimSun-ExtB when the PC has it. One that no font has
(emoji, private use) is reported before printing (``print.glyph_missing``)
instead of printing as an empty box unnoticed.

The rare fonts are kept gzip-compressed; one is unpacked and registered only
when a text needs it, so printing ordinary forms loads nothing more.

Which characters each font covers is read from ``coverage.json`` beside the
fonts (regenerate with ``python -m desktop.printing.fonts``), so checking
text while the user types never has to parse a 20 MB font.

What ReportLab parses from the font files for printing is kept between
processes by font_cache.py.
"""
from __future__ import annotations

import io
import json
import os
import re
import sys
import threading
import time
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from desktop import paths

BODY = "JixiaoSong"
TITLE = "JixiaoHei"


@dataclass(frozen=True)
class FontFile:
    name: str
    file: str
    subfont: int = 0


BUNDLED = (FontFile(BODY, "uming.ttc"), FontFile(TITLE, "wqy-microhei.ttc"))
# Rare characters, after the hei face, in this order; each holds only what the fonts before it lack.
RARE = (FontFile("JixiaoRareA", "hanamin-a.ttf.gz"), FontFile("JixiaoRareB", "hanamin-b.ttf.gz"),
        FontFile("JixiaoRareC", "babelstone-han.ttf.gz"))
# Last, Windows' SimSun-ExtB when the PC has it.
SYSTEM_FALLBACKS = (
    FontFile("SimSunExtB", str(Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts" / "simsunb.ttf")),
)
COVERAGE_FILE = "coverage.json"
_IGNORED = frozenset("\n\r\t")


def _font_path(f: FontFile) -> Path:
    p = Path(f.file)
    return p if p.is_absolute() else paths.fonts_dir() / p


@lru_cache(maxsize=1)
def _coverage_ranges() -> dict[str, list[tuple[int, int]]]:
    """coverage.json as read: per font, its (first, last) code point ranges."""
    data = json.loads((paths.fonts_dir() / COVERAGE_FILE).read_text(encoding="utf-8"))
    return {name: [(a, b) for a, b in ranges] for name, ranges in data.items()}


@lru_cache(maxsize=1)
def bundled_coverage() -> dict[str, frozenset[int]]:
    out = {}
    for name, ranges in _coverage_ranges().items():
        cps: set[int] = set()
        for a, b in ranges:
            cps.update(range(a, b + 1))
        out[name] = frozenset(cps)
    return out


@lru_cache(maxsize=1)
def _undrawable() -> re.Pattern:
    """Any character the bundled fonts cannot draw (and not ignored), as one regex class.

    missing_glyphs asks it first: scanning a text in C finds the usual answer
    (nothing missing) about 10x faster than a set of the text's characters,
    and validate --all checks every field of every declaration."""
    # Merged from the ranges, not from sets of code points: the rare-character fonts cover
    # some 100,000, and expanding them cost 50 ms of the first check (the window's start).
    spans = sorted([r for ranges in _coverage_ranges().values() for r in ranges]
                   + [(ord(ch), ord(ch)) for ch in _IGNORED])
    ranges: list[list[int]] = []
    for a, b in spans:
        if ranges and a <= ranges[-1][1] + 1:
            ranges[-1][1] = max(ranges[-1][1], b)
        else:
            ranges.append([a, b])

    def esc(cp: int) -> str:
        return f"\\x{cp:02x}" if cp < 0x20 else re.escape(chr(cp))

    return re.compile("[^" + "".join(esc(a) if a == b else f"{esc(a)}-{esc(b)}" for a, b in ranges) + "]")


def missing_glyphs(text: str) -> set[str]:
    """Characters of text that neither the body font nor a fallback can draw."""
    if _undrawable().search(text) is None:
        return set()
    cov = bundled_coverage().values()
    missing = {ch for ch in set(text) - _IGNORED if not any(ord(ch) in cps for cps in cov)}
    if missing and _system_fallback_faces():
        missing = {ch for ch in missing if not any(ord(ch) in cps for cps in _system_fallback_faces().values())}
    return missing


@lru_cache(maxsize=1)
def _system_fallback_faces() -> dict[str, frozenset[int]]:
    faces = {}
    for f in SYSTEM_FALLBACKS:
        if Path(f.file).is_file():
            try:
                faces[f.name] = frozenset(_load_ttfont(f).face.charToGlyph)
            except Exception:  # a broken system font is simply not used
                continue
    return faces


@cache
def _load_ttfont(f: FontFile):
    """The font as ReportLab's TTFont, its parsed tables from the cache when they are
    still those of the file (font_cache.py); one object per font and process (a
    system fallback is asked for by both _system_fallback_faces and register_fonts)."""
    from desktop.printing import font_cache  # not needed to check text, only to print

    return font_cache.load(f, _font_path(f), _parse_ttfont)


def _parse_ttfont(f: FontFile, path: Path, data: bytes):
    """ReportLab's own parse (the slow path), of the bytes that font_cache hashed."""
    from reportlab.pdfbase.ttfonts import TTFont

    named = io.BytesIO(data)
    named.name = str(path)  # what TTFont(name, str(path)) records as the face's filename
    return TTFont(f.name, named, subfontIndex=f.subfont)


_registered: float | None = None
# The preview renders on a worker thread while the window may print: a font
# registered twice at once would leave two documents with different font objects.
_registering = threading.Lock()


def _utf16_to_unicode_cmap() -> None:
    """ReportLab 5.1 writes a character beyond U+FFFF into a font's ToUnicode CMap as
    ``<20BB7>``, which no reader understands: 𠮷 and every CJK Extension B to H
    character could not be copied out of the PDF. The PDF wants UTF-16BE
    (``<D842DFB7>``); for every other character the two are the same, byte for byte."""
    from reportlab.pdfbase import ttfonts

    original = ttfonts.makeToUnicodeCMap
    if getattr(original, "utf16", False):
        return

    def make(fontname, subset):
        if all(v <= 0xFFFF for v in subset):
            return original(fontname, subset)
        text = original(fontname, [0] * len(subset))
        head, _sep, tail = text.partition(f"{len(subset)} beginbfchar")
        chars = "\n".join(f"<{i:02X}> <{chr(v).encode('utf-16-be').hex().upper()}>" for i, v in enumerate(subset))
        body = tail.split("endbfchar", 1)[1]
        return f"{head}{len(subset)} beginbfchar\n{chars}\nendbfchar{body}"

    make.utf16 = True  # type: ignore[attr-defined]
    ttfonts.makeToUnicodeCMap = make


def register_fonts() -> float:
    """Register the print fonts with ReportLab once; returns the seconds it took."""
    global _registered
    with _registering:
        if _registered is not None:
            return 0.0
        from reportlab.pdfbase import pdfmetrics

        start = time.perf_counter()
        _utf16_to_unicode_cmap()
        for f in BUNDLED:
            pdfmetrics.registerFont(_load_ttfont(f))
        for f in SYSTEM_FALLBACKS:
            if f.name in _system_fallback_faces():
                pdfmetrics.registerFont(_load_ttfont(f))
        _registered = time.perf_counter() - start
        return _registered


def fallback_for(ch: str) -> str | None:
    """The font to draw ch with when the body font lacks it (None: the body font has it or nobody has)."""
    cp = ord(ch)
    cov = bundled_coverage()
    if cp in cov[BODY]:
        return None
    if cp in cov[TITLE]:
        return TITLE
    for f in RARE:
        if cp in cov.get(f.name, ()):
            _register_rare(f)
            return f.name
    for name, cps in _system_fallback_faces().items():
        if cp in cps:
            return name
    return None


_rare_registered: set[str] = set()
_registering_rare = threading.Lock()


def _register_rare(f: FontFile) -> None:
    """Unpack and register a rare-character font the first time a text needs it."""
    if f.name in _rare_registered:
        return
    with _registering_rare:
        if f.name not in _rare_registered:
            from reportlab.pdfbase import pdfmetrics

            pdfmetrics.registerFont(_load_ttfont(f))
            _rare_registered.add(f.name)


def write_coverage() -> Path:
    """Regenerate coverage.json from the bundled font files."""
    data = {}
    for f in BUNDLED + RARE:
        cps = sorted(_load_ttfont(f).face.charToGlyph)
        ranges: list[list[int]] = []
        for cp in cps:
            if ranges and cp == ranges[-1][1] + 1:
                ranges[-1][1] = cp
            else:
                ranges.append([cp, cp])
        data[f.name] = ranges
    out = paths.fonts_dir() / COVERAGE_FILE
    out.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
    return out


if __name__ == "__main__":
    print(write_coverage(), file=sys.stderr)
