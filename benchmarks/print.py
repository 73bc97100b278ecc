"""Printing speed: font loading, one form, the five sample forms, 100 forms in one PDF.

    python benchmarks/print.py

Font loading is shown both ways: parsed from the font files (a first run, or
after the fonts changed; it writes the cache) and restored from the cache in
the user cache folder (every later run). The whole process against
LibreOffice: benchmarks/print_vs_libreoffice.py.
"""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def timed(fn, runs=5):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def font_loading(which: str = "BUNDLED") -> tuple[float, float]:
    """Seconds to load the bundled fonts (or the RARE ones, unpacked the first time a text
    needs one) without a cache (parse, write the cache) and from it."""
    from desktop.printing import font_cache, fonts

    def load():
        for f in getattr(fonts, which):
            fonts._load_ttfont.__wrapped__(f)  # past the per-process memo

    real = font_cache.font_cache_dir
    with tempfile.TemporaryDirectory() as tmp:
        font_cache.font_cache_dir = lambda: Path(tmp)  # a cache of its own, empty at first
        try:
            cold = timed(load, runs=1)
            cached = timed(load)
        finally:
            font_cache.font_cache_dir = real
    return cold, cached


def main() -> None:
    from desktop.io.text_import import import_text_file
    from desktop.printing.fonts import register_fonts
    from desktop.printing.render import render

    forms = import_text_file(ROOT / "tests" / "fixtures" / "shenshan-emergency-2024.txt")
    cold, cached = font_loading()
    print(f"font loading (once per process): {cold * 1000:.0f} ms parsed (first run), {cached * 1000:.0f} ms from the cache")
    cold, cached = font_loading("RARE")
    print(f"rare-character fonts (only when a text has such a character): {cold * 1000:.0f} ms unpacked and parsed"
          f" (first run), {cached * 1000:.0f} ms unpacked and restored from the cache")
    register_fonts()
    render(forms[:1])  # warm
    one = timed(lambda: render(forms[:1]))
    five = timed(lambda: render(forms))
    hundred_forms = [forms[i % 5] for i in range(100)]
    hundred = timed(lambda: render(hundred_forms), runs=2)
    print(f"1 form:     {one * 1000:7.0f} ms")
    print(f"5 forms:    {five * 1000:7.0f} ms  ({five / 5 * 1000:.0f} ms per form)")
    print(f"100 forms:  {hundred * 1000:7.0f} ms  ({hundred / 100 * 1000:.0f} ms per form)   goal: < 150 ms per form, linear")
    rare = forms[0].model_copy(deep=True)
    rare.header.project_name = "𠮷野家" + rare.header.project_name
    rare.texts.policy_basis += "㐀䶮𠀋𡈽𪚲" * 20
    render([rare])  # the rare fonts registered once per process
    print(f"1 form with rare characters: {timed(lambda: render([rare])) * 1000:7.0f} ms")


if __name__ == "__main__":
    main()
