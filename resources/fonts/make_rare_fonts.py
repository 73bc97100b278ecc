"""Make the bundled fallback fonts for rare characters (resources/fonts/*.ttf.gz).

    apt-get install fonts-hanazono fonts-babelstone-han   # or: apt-get download, dpkg-deb -x
    python resources/fonts/make_rare_fonts.py [FONT_DIR ...]
    python -m desktop.printing.fonts                      # coverage.json anew

The body face (AR PL UMing) and the hei face (WenQuanYi Micro Hei) lack most
of CJK Extension A and nearly all of B to H. This keeps, of each source font,
only the ideographs (and radicals, strokes) that no earlier font has, in the
order HanaMinA, HanaMinB (GlyphWiki's Hanazono Mincho, under the Hanazono
Font License: unlimited use, copying and distribution with or without
modification), then BabelStone Han (Arphic Public License; the newest
characters Hanazono lacks). Hinting and layout tables are dropped: ReportLab
uses neither. The files are gzip-compressed (20 MB instead of 37 MB; xz
would make 15 MB but unpacks four times slower), and fonts.py unpacks one in
memory the first time a text needs it (0.2 s for the largest).

Sources used for the committed files: Debian fonts-hanazono 20170904-2.1 and
fonts-babelstone-han 15.0.5-2.
"""
from __future__ import annotations

import gzip
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FONTS = ROOT / "resources" / "fonts"

# Unified ideographs (URO, Extensions A to I), compatibility ideographs, radicals, strokes, IDCs.
BLOCKS = [(0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x20000, 0x2A6DF), (0x2A700, 0x2B73F), (0x2B740, 0x2B81F),
          (0x2B820, 0x2CEAF), (0x2CEB0, 0x2EBEF), (0x2EBF0, 0x2EE5F), (0x30000, 0x3134F), (0x31350, 0x323AF),
          (0xF900, 0xFAFF), (0x2F800, 0x2FA1F), (0x2E80, 0x2EFF), (0x2F00, 0x2FDF), (0x2FF0, 0x2FFF),
          (0x31C0, 0x31EF), (0x3005, 0x3007)]
# (output file, source file name): searched for in the given folders and the system's font folders.
OUTPUTS = [("hanamin-a.ttf.gz", "HanaMinA.ttf"), ("hanamin-b.ttf.gz", "HanaMinB.ttf"),
           ("babelstone-han.ttf.gz", "BabelStoneHan.ttf")]
MAIN_FONTS = [("uming.ttc", 0), ("wqy-microhei.ttc", 0)]


def _find(name: str, folders: list[Path]) -> Path:
    for folder in folders:
        hits = sorted(folder.rglob(name))
        if hits:
            return hits[0]
    raise SystemExit(f"{name} not found in {', '.join(map(str, folders))}")


def main(argv: list[str]) -> None:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    folders = [Path(a) for a in argv] + [Path("/usr/share/fonts/truetype")]
    have: set[int] = set()
    for name, index in MAIN_FONTS:
        have |= set(TTFont(FONTS / name, fontNumber=index, lazy=True).getBestCmap())
    wanted = {cp for a, b in BLOCKS for cp in range(a, b + 1)} - have
    for out, source in OUTPUTS:
        font = TTFont(_find(source, folders))
        take = wanted & set(font.getBestCmap())
        options = subset.Options()
        options.layout_features = []
        options.hinting = False
        options.notdef_outline = True
        options.name_IDs = ["*"]  # keep the copyright and licence records
        options.name_languages = ["*"]
        options.drop_tables += ["vhea", "vmtx", "BASE", "FFTM", "prop", "DSIG", "meta", "GSUB", "GPOS", "GDEF"]
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=take)
        subsetter.subset(font)
        raw = FONTS / out.removesuffix(".gz")
        font.save(raw)
        data = raw.read_bytes()
        raw.unlink()
        (FONTS / out).write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
        wanted -= take
        print(f"{out}: {len(take)} characters, {len(data) / 1e6:.1f} MB, "
              f"{(FONTS / out).stat().st_size / 1e6:.1f} MB compressed")
    print(f"still without a glyph in these blocks: {len(wanted)} code points (mostly unassigned)")


if __name__ == "__main__":
    main(sys.argv[1:])
