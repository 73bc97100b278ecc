"""The tables ReportLab parses from a font file, kept between processes.

Parsing the two bundled TTC files costs about 0.2 s at every process start;
restoring the parsed tables from a cache file in the user cache folder
(``font_cache_dir``) about a third of that, most of it reading and hashing
the font files, which printing needs anyway (the glyphs of the subsets are
copied from them).

A cache file is used only when the font file's size, mtime and SHA-256 all
match what it was made from, and so does ReportLab's version: a changed font
is never used stale. A damaged file (its own SHA-256 does not match, or it
does not load) is ignored and made anew; it can hold nothing but builtin
values, so loading one never runs code. It is written to a temporary file
and renamed, and failing to write it (read-only home, full disk) only means
the next process parses again.
"""
from __future__ import annotations

import gc
import hashlib
import io
import os
import pickle
import tempfile
from functools import lru_cache
from pathlib import Path

from desktop import paths

MAGIC = b"jixiao-fontcache-1\n"  # the layout of a cache file; change it when the layout changes
DIGEST = 32  # SHA-256 of the pickled body, after the magic
# Not pickled: the file's bytes (read anew, they are hashed anyway), the scale function
# (rebuilt), the per-document subset state and the encoding (made fresh, as TTFont does).
_FACE_SKIP = frozenset({"_ttf_data", "_pdfScale"})
_FONT_SKIP = frozenset({"face", "encoding", "state"})


def font_cache_dir() -> Path:
    from platformdirs import user_cache_dir  # imported late: only needed here

    return Path(user_cache_dir(paths.APP_NAME, appauthor=False)) / "fonts"


def load(f, path: Path, parse):
    """The TTFont of FontFile f at path: restored from its cache file when that is still
    the font's, else ``parse(f, path, data)`` and the cache file written. A ``.gz``
    font file is hashed as it is on disk and used unpacked."""
    with open(path, "rb") as fh:  # size and mtime of the very bytes that are hashed and used
        st = os.fstat(fh.fileno())
        data = fh.read()
    source = {"name": f.name, "subfont": f.subfont, "size": st.st_size, "mtime_ns": st.st_mtime_ns,
              "sha256": hashlib.sha256(data).hexdigest()}
    if path.suffix == ".gz":  # a rare-character font, kept compressed (resources/fonts/make_rare_fonts.py)
        import gzip

        data = gzip.decompress(data)
    cache = _cache_file(path, f.subfont)
    state = _read(cache) if cache else None
    if state is not None and state.get("source") == source and state.get("environment") == _environment():
        try:
            return _restored(state, path, data)
        except Exception:  # sound file, wrong content (another version's layout): parse instead
            pass
    font = parse(f, path, data)
    if cache:
        _write(cache, source, font)
    return font


def _cache_file(path: Path, subfont: int) -> Path | None:
    try:
        return font_cache_dir() / f"{path.name}-{subfont}.fontcache"
    except Exception:  # no cache folder to be had: print without the cache
        return None


@lru_cache(maxsize=1)
def _environment() -> dict:
    """What else the parsed tables depend on: ReportLab's parser, and whether it may shape text."""
    import reportlab
    from reportlab.pdfbase import ttfonts

    return {"reportlab": reportlab.Version, "shaping": ttfonts.uharfbuzz is not None}


class _BuiltinsOnly(pickle.Unpickler):
    """The cache holds only builtin values: loading it can never import or call anything."""

    def find_class(self, module, name):
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a font cache")


def _state(font) -> dict:
    from reportlab.pdfbase.ttfonts import TTFNameBytes

    face = {k: v for k, v in font.face.__dict__.items() if k not in _FACE_SKIP}
    names = {k: v.ustr for k, v in face.items() if isinstance(v, TTFNameBytes)}  # bytes that remember their text
    for k in names:
        del face[k]
    return {"font": {k: v for k, v in font.__dict__.items() if k not in _FONT_SKIP}, "face": face, "names": names}


def _restored(state: dict, path: Path, data: bytes):
    """The TTFont as TTFont(name, str(path)) makes it, from its pickled attributes."""
    from weakref import WeakKeyDictionary

    from reportlab.pdfbase.ttfonts import TTEncoding, TTFNameBytes, TTFont, TTFontFace

    face = TTFontFace.__new__(TTFontFace)
    face.__dict__.update(state["face"])
    for k, text in state["names"].items():
        setattr(face, k, TTFNameBytes(text.encode("utf8"), "utf8"))  # the same bytes, the same .ustr
    face._ttf_data = data
    face.filename = str(path)
    upm = face.unitsPerEm
    face._pdfScale = (lambda x: x) if upm == 1000 else (lambda x, m=1000 / upm: x * m)  # as extractInfo makes it
    font = TTFont.__new__(TTFont)
    font.__dict__.update(state["font"])
    font.face, font.encoding, font.state = face, TTEncoding(), WeakKeyDictionary()
    return font


def _read(cache: Path) -> dict | None:
    """What a cache file holds, or None: none there, unreadable, or damaged."""
    try:
        blob = cache.read_bytes()
    except OSError:
        return None
    head = len(MAGIC)
    body = blob[head + DIGEST:]
    if blob[:head] != MAGIC or hashlib.sha256(body).digest() != blob[head:head + DIGEST]:
        return None
    collecting = gc.isenabled()
    gc.disable()  # 300,000 new objects would run the collector dozens of times for nothing
    try:
        state = _BuiltinsOnly(io.BytesIO(body)).load()
    except Exception:  # whatever a damaged file makes of the loader
        return None
    finally:
        if collecting:
            gc.enable()
    return state if isinstance(state, dict) else None


def _write(cache: Path, source: dict, font) -> None:
    """Write the cache file atomically; any failure only means the next process parses again."""
    tmp = None
    try:
        body = pickle.dumps({"source": source, "environment": _environment(), **_state(font)},
                            protocol=pickle.HIGHEST_PROTOCOL)
        _BuiltinsOnly(io.BytesIO(body)).load()  # a value the loader would refuse: write nothing
        cache.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cache.parent, prefix=cache.name + ".", suffix=".part")
        with os.fdopen(fd, "wb") as out:
            out.write(MAGIC + hashlib.sha256(body).digest() + body)
        os.replace(tmp, cache)
        tmp = None
    except Exception:
        pass
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
