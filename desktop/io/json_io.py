"""Lossless JSON exchange of declarations, with a schema version, streamed both ways.

Export, import into an empty database and export again give the same bytes:
keys are written in a fixed order, and import keeps the timestamps.

Schema version 2 (issue 13): a declaration may carry its ``history``, the
revisions kept of it (``export --with-history``), each with its content; the
file never carries database ids (``id``, ``source_id``: they mean nothing in
another database, and are ignored when a file holds them). Version 1 files
(no ``CostItem.amount_guessed``, no history) still import.

A district's file holds up to 100,000 declarations (hundreds of MB), so neither
direction holds the file in memory: the writer writes one declaration at a
time, the reader decodes one declaration at a time from a window over the text.
The size limit applies to each declaration, not to the file.
"""
from __future__ import annotations

import codecs
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from desktop.domain.model import FISCAL_YEARS, Declaration
from desktop.io.errors import MAX_FILE_BYTES, ImportFailed
from desktop.io.output import write_atomically

FORMAT = "jixiao-declarations"
SCHEMA_VERSION = 2
READ_VERSIONS = (1, 2)  # the versions this program imports
SCHEMA_FILE = Path(__file__).with_name("schema") / f"declarations-v{SCHEMA_VERSION}.schema.json"
MAX_DECLARATION_CHARS = MAX_FILE_BYTES  # a form is a few dozen KB; anything this big is not one
CHUNK_CHARS = 1 << 20  # text read at a time


class ExchangedRevision(BaseModel):
    """One revision of a declaration's history, as the file carries it (version 2)."""

    model_config = ConfigDict(extra="forbid", title="修订")
    revision: int = Field(description="修订号：1、2、3……")
    saved_at: datetime
    reason: str = Field(description="编辑 / 定稿 / 退回草稿 / 导入 / 覆盖 / 打印 / 导出 / 恢复 …")
    code: str = Field(description="修订码：内容的 8 位校验码，打印在每页页脚")
    summary: str = ""
    content: Declaration = Field(description="该修订的内容（不含编号与时间）")


class ExchangedDeclaration(Declaration):
    """A declaration as the file carries it: ``id`` and ``source_id`` are ignored on import."""

    model_config = ConfigDict(title="Declaration")
    history: list[ExchangedRevision] | None = Field(default=None, description="修订记录，最早的在前（可省略）")


class ExchangeFile(BaseModel):
    """The top level of an exchange file."""

    model_config = ConfigDict(extra="forbid", title="绩效目标申报表交换文件")
    format: Literal["jixiao-declarations"]
    schema_version: Literal[1, 2]
    declarations: list[ExchangedDeclaration]


# A revision as the exporter is given it: (number, saved_at, reason, code, summary) and its content.
Revision = tuple[tuple[int, datetime, str, str, str], Declaration]
History = Callable[[Declaration], Sequence[Revision]]
_HISTORY = TypeAdapter(list[ExchangedRevision])
_NOT_CARRIED = {"id", "source_id"}  # database ids: meaningless in another database
_NOT_CONTENT = {"id", "source_id", "created_at", "updated_at"}


# -- writing ---------------------------------------------------------------------
# What json.dumps(..., indent=2) writes around the list of declarations.
_HEAD = f'{{\n  "format": "{FORMAT}",\n  "schema_version": {SCHEMA_VERSION},\n  "declarations": ['
_ITEM_INDENT = "\n    "  # a declaration sits two levels deep


def _declaration_text(decl: Declaration, history: History | None = None) -> str:
    data = decl.model_dump(mode="json", exclude=_NOT_CARRIED)
    if history is not None:
        data["history"] = [
            {"revision": number, "saved_at": saved_at.isoformat(), "reason": reason, "code": code,
             "summary": summary, "content": content.model_dump(mode="json", exclude=_NOT_CONTENT)}
            for (number, saved_at, reason, code, summary), content in history(decl)]
    # JSON escapes every line break inside a string, so each "\n" here is between tokens.
    return json.dumps(data, ensure_ascii=False, indent=2).replace("\n", _ITEM_INDENT)


def iter_dumps(decls: Iterable[Declaration], history: History | None = None) -> Iterator[str]:
    """The exchange file in pieces, one declaration each: together the very text that
    json.dumps(..., ensure_ascii=False, indent=2) of the whole file gave before streaming.
    ``history(decl)``: the revisions to carry with each declaration (none when not given)."""
    yield _HEAD
    separator = _ITEM_INDENT
    for decl in decls:
        yield separator + _declaration_text(decl, history)
        separator = "," + _ITEM_INDENT
    yield "]\n}\n" if separator == _ITEM_INDENT else "\n  ]\n}\n"


def dumps(decls: Iterable[Declaration], history: History | None = None) -> str:
    return "".join(iter_dumps(decls, history))


def export_json(decls: Iterable[Declaration], out: Path, history: History | None = None) -> None:
    """Any iterable (a generator reading the database in batches): one declaration in memory at a time."""
    def write(tmp: Path) -> None:
        with open(tmp, "wb", buffering=CHUNK_CHARS) as f:  # bytes: no newline translation on Windows
            for piece in iter_dumps(decls, history):
                f.write(piece.encode("utf-8"))

    write_atomically(out, write)


# -- reading -----------------------------------------------------------------------
class _HugeNumber:
    """An integer literal too long to be anything in a declaration (Python's int()
    refuses more than 4,300 digits with a ValueError, and SQLite holds 19)."""

    def __init__(self, digits: str):
        self.digits = len(digits.lstrip("-"))


def _parse_int(digits: str):
    return int(digits) if len(digits) <= 100 else _HugeNumber(digits)


class _DuplicateKey(Exception):
    """An object names a key twice (json.loads would keep the last one, silently)."""


def _no_duplicates(pairs: list) -> dict:
    found = dict(pairs)
    if len(found) != len(pairs):
        raise _DuplicateKey
    return found


class _Tagged(dict):
    """An object as read again to find where a key is repeated: ``twice`` names it."""

    twice: str | None = None


def _tagging(pairs: list) -> dict:
    found = _Tagged(pairs)
    if len(found) != len(pairs):
        seen: set = set()
        for key, _value in pairs:
            if key in seen:
                found.twice = key
                break
            seen.add(key)
    return found


def _repeated(value, prefix: tuple) -> tuple[str, str] | None:
    """(path of the object, key) for the first object in ``value`` read with a key twice."""
    stack = [(prefix, value)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict):
            twice = getattr(value, "twice", None)
            if twice is not None:
                return ".".join(map(str, path)) or "（最外层）", twice
            stack.extend(reversed([(path + (k,), v) for k, v in value.items()]))
        elif isinstance(value, list):
            stack.extend(reversed([(path + (i,), v) for i, v in enumerate(value)]))
    return None


def _twice(source: str, where: str, key: str) -> ImportFailed:
    shown = key if len(key) <= 40 else key[:40] + "…"
    return ImportFailed(f"{source}：{where} 中“{shown}”出现了两次，无法确定该用哪一个。")


_DECODER = json.JSONDecoder(parse_int=_parse_int, object_pairs_hook=_no_duplicates)
_FINDER = json.JSONDecoder(parse_int=_parse_int, object_pairs_hook=_tagging)  # only after _DuplicateKey
_NOT_SPACE = re.compile(r"[^ \t\n\r]")
# Text that may decode to a lone surrogate or a huge number: only then is a value walked.
_SUSPECT = re.compile(r"\\u[dD][89a-fA-F]|[\ud800-\udfff]|\d{101}")


def _cut_short(exc: json.JSONDecodeError, size: int) -> bool:
    """Whether the error may only mean that the text stops in the middle of the value."""
    return exc.pos >= size - 8 or exc.msg.startswith("Unterminated string")


class _TooLarge(ImportFailed):
    """A value longer than any declaration."""


class _Text:
    """The file's text, arriving in chunks; only the part not yet decoded is kept."""

    def __init__(self, chunks: Iterator[str], source: str, window: int = CHUNK_CHARS):
        self.chunks = chunks
        self.source = source
        self.window = window  # characters read at a time
        self.buf = ""
        self.pos = 0
        self.lines = 0  # line breaks in the text already dropped
        self.eof = False

    def more(self, at_least: int = 0) -> bool:
        """Drop what was decoded and append at least ``at_least`` characters (a window by
        default); False at the end."""
        at_least = at_least or self.window
        if self.pos:
            self.lines += self.buf.count("\n", 0, self.pos)
            self.buf = self.buf[self.pos:]
            self.pos = 0
        parts, got = [self.buf], 0
        while got < at_least and not self.eof:
            chunk = next(self.chunks, None)
            if chunk is None:
                self.eof = True
            elif chunk:
                parts.append(chunk)
                got += len(chunk)
        self.buf = "".join(parts)
        return got > 0

    def peek(self) -> str:
        """The next character that is not white space ("" at the end)."""
        while True:
            found = _NOT_SPACE.search(self.buf, self.pos)
            self.pos = found.start() if found else len(self.buf)
            if self.pos < len(self.buf) or not self.more():
                return self.buf[self.pos:self.pos + 1]

    def take(self, chars: str) -> str:
        """Consume the next character, one of ``chars``; anything else is a syntax error."""
        found = self.peek()
        if not found or found not in chars:
            raise self.invalid(self.pos)
        self.pos += 1
        return found

    def invalid(self, pos: int) -> ImportFailed:
        line = self.lines + self.buf.count("\n", 0, pos) + 1
        return ImportFailed(f"{self.source}：不是有效的 JSON（第 {line} 行）。")

    def value(self, path: tuple) -> tuple[object, int, int]:
        """The next JSON value, decoded, and where its text is in ``buf``; reads on until it is complete."""
        self.peek()
        decoder = _DECODER
        while True:
            start = self.pos
            try:
                value, end = decoder.raw_decode(self.buf, start)
                complete = end < len(self.buf) or self.eof  # a number may go on in the next chunk
            except _DuplicateKey:  # read it again, to the end of the value, to say where
                decoder = _FINDER
                continue
            except json.JSONDecodeError as exc:
                if self.eof or not _cut_short(exc, len(self.buf)):
                    raise self.invalid(exc.pos) from None
                complete = False
            except RecursionError:  # the parser gives up near 1,000 levels; an exchange file has 4
                where = _too_deep_at(self.buf, start, path)
                raise ImportFailed(f"{self.source}：内容有误（{where}：嵌套层数过多），不是申报表交换文件。") from None
            if complete:
                self.pos = end
                if decoder is _FINDER:
                    where, key = _repeated(value, path) or (".".join(map(str, path)) or "（最外层）", "?")
                    raise _twice(self.source, where, key)
                return value, start, end
            held = len(self.buf) - start
            if held > MAX_DECLARATION_CHARS:
                where = ".".join(map(str, path)) or "（最外层）"
                raise _TooLarge(f"{self.source}：内容有误（{where}：超过 {MAX_DECLARATION_CHARS // 1024 // 1024} MB，"
                                "一份申报表不会这么大），不是申报表交换文件。")
            # Doubling keeps a long value linear in time; the limit bounds the memory.
            self.more(min(max(self.window, held), MAX_DECLARATION_CHARS + 1 - held))


def _refused(source: str, reason: str) -> ImportFailed:
    return ImportFailed(f"{source}：内容有误（{reason}）。")


def _not_exchange(source: str) -> ImportFailed:
    return ImportFailed(f"{source}：不是申报表交换文件（缺少 \"format\": \"{FORMAT}\"）。")


def _check_header(header: dict, source: str, listed: bool = True, partial: bool = False) -> None:
    """Everything but the declarations themselves, in the order the whole-file reader
    checked it. ``partial``: the fields read so far, before the declarations; those
    still to come are checked at the end."""
    if (not partial or "format" in header) and header.get("format") != FORMAT:
        raise _not_exchange(source)
    bad = _unstorable(header)
    if bad:
        raise _refused(source, bad)
    if (not partial or "schema_version" in header) and header.get("schema_version") not in READ_VERSIONS:
        version = str(header.get("schema_version"))[:20]
        supported = "、".join(map(str, READ_VERSIONS))
        raise ImportFailed(f"{source}：交换文件版本 {version} 不受支持（本程序支持 {supported}）。")
    if partial:
        return  # a field it does not know is named at the end, after these, as before streaming
    try:
        ExchangeFile.model_validate({**header, **({"declarations": []} if listed else {})})
    except ValidationError as exc:
        raise _refused(source, _first_error(exc)) from None


def _first_error(exc: ValidationError, prefix: tuple = ()) -> str:
    first = exc.errors()[0]
    where = ".".join(str(p) for p in prefix + tuple(first["loc"]))
    return f"{where}：{_reason(first)}"


def _declaration(text: _Text, value, start: int, end: int, index: int) -> Declaration:
    path = ("declarations", index)
    if _SUSPECT.search(text.buf, start, end):
        bad = _unstorable(value, path)
        if bad:
            raise _refused(text.source, bad)
    if isinstance(value, dict) and "history" in value:  # version 2: read and checked, not imported
        history = value.pop("history")
        if history is not None:
            try:
                _HISTORY.validate_python(history)
            except ValidationError as exc:
                raise _refused(text.source, _first_error(exc, path + ("history",))) from None
    try:
        decl = Declaration.model_validate(value)
    except ValidationError as exc:
        raise _refused(text.source, _first_error(exc, path)) from None
    decl.source_id = None  # another database's id
    if decl.fiscal_year not in FISCAL_YEARS:
        raise _refused(text.source, f"declarations.{index}.fiscal_year：申报年度 {decl.fiscal_year} 不在 "
                                    f"{FISCAL_YEARS[0]}–{FISCAL_YEARS[-1]} 之间")
    decl.id = None
    return decl


def _declarations(text: _Text) -> Iterator[Declaration]:
    """The "declarations" array, one element at a time."""
    if text.peek() != "[":
        value, start, end = text.value(("declarations",))
        bad = _unstorable(value, ("declarations",)) if _SUSPECT.search(text.buf, start, end) else None
        raise _refused(text.source, bad or "declarations：应为列表")
    text.pos += 1
    if text.peek() == "]":
        text.pos += 1
        return
    index = 0
    while True:
        value, start, end = text.value(("declarations", index))
        yield _declaration(text, value, start, end, index)
        index += 1
        if text.take(",]") == "]":
            return


def _parse(text: _Text) -> Iterator[Declaration]:
    """The declarations of an exchange file, checked one by one as they are read.

    The file's own fields are checked before the first declaration as far as
    they have been read (every file this program writes has them first); a
    hand-made file with some after "declarations" is checked for those at the
    end. A refusal may come after declarations were yielded: callers save them
    in one transaction, so that a bad declaration anywhere saves nothing."""
    if text.peek() != "{":  # not an object: invalid JSON, or JSON that is no exchange file
        try:
            text.value(())
        except _TooLarge:
            pass
        raise _not_exchange(text.source)
    text.pos += 1
    header: dict = {}  # every other field; one given twice is refused, as inside the declarations
    listed = False
    if text.peek() == "}":
        text.pos += 1
    else:
        while True:
            if text.peek() != '"':
                raise text.invalid(text.pos)
            key, _start, _end = text.value(())
            text.take(":")
            if key == "declarations":
                if listed:  # a second list cannot replace declarations already read
                    raise _refused(text.source, "declarations：出现了两次")
                listed = True
                _check_header(header, text.source, partial=True)
                yield from _declarations(text)
            else:
                if key in header:
                    raise _twice(text.source, "（最外层）", str(key))
                header[key], _start, _end = text.value((key,))
            if text.take(",}") == "}":
                break
    if text.peek():
        raise text.invalid(text.pos)  # more after the object
    _check_header(header, text.source, listed)


def loads(text: str, source: str = "JSON") -> list[Declaration]:
    return list(_parse(_Text(iter([text]), source)))


def _file_chunks(path: Path, size: int) -> Iterator[str]:
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    try:
        with open(path, "rb") as f:
            while True:
                raw = f.read(size)
                yield decoder.decode(raw, final=not raw)
                if not raw:
                    return
    except OSError as exc:
        raise ImportFailed(f"{path.name}：无法读取文件（{exc.strerror}）。") from exc
    except UnicodeDecodeError:
        raise ImportFailed(f"{path.name}：不是 UTF-8 编码的 JSON 文件。") from None


def iter_json(path: Path, window: int = CHUNK_CHARS) -> Iterator[Declaration]:
    """The declarations of an exchange file, one at a time, however large the file;
    ``window`` characters are read at a time (tests make it small).

    Every refusal of the whole-file reader is kept; a bad declaration or bad
    JSON is found when reading reaches it, after earlier ones were yielded."""
    return _parse(_Text(_file_chunks(path, window), path.name, window))


def import_json(path: Path) -> list[Declaration]:
    return list(iter_json(path))


_SURROGATE = re.compile("[\ud800-\udfff]")


def _unstorable(data, prefix: tuple = ()) -> str | None:
    """"path：reason" for the first value that no database (nor UTF-8 file) can hold:
    a lone surrogate from a "\\ud800" escape, or an absurdly long number."""
    stack = [(prefix, data)]
    while stack:  # not recursive: the data may nest hundreds of levels
        path, value = stack.pop()
        where = ".".join(map(str, path)) or "（最外层）"
        if isinstance(value, dict):
            if any(_SURROGATE.search(k) for k in value):
                return f"{where}：有一个名称含有无效字符（不成对的代理项）"
            stack.extend(reversed([(path + (k,), v) for k, v in value.items()]))
        elif isinstance(value, list):
            stack.extend(reversed([(path + (i,), v) for i, v in enumerate(value)]))
        elif isinstance(value, str) and (m := _SURROGATE.search(value)):
            return f"{where}：含有无效字符 U+{ord(m.group()):04X}（不成对的代理项，不是任何文字）"
        elif isinstance(value, _HugeNumber):
            return f"{where}：数字有 {value.digits:,} 位，超出范围"
    return None


_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{},:]')


def _too_deep_at(text: str, start: int = 0, prefix: tuple = (), limit: int = 64) -> str:
    """The path where the nesting of the JSON value at ``start`` first goes deeper than
    ``limit``, counting from the top of the file (``prefix`` is the value's own path)."""
    path: list = list(prefix)  # per open container: the current key or index
    key = ""
    for m in _TOKEN.finditer(text, start):
        token = m.group()
        if token in "[{":
            if len(path) >= limit:
                break
            path.append(0 if token == "[" else "")
        elif token in "]}":
            if len(path) > len(prefix):
                path.pop()
        elif token == ",":
            if len(path) > len(prefix) and isinstance(path[-1], int):
                path[-1] += 1
        elif token == ":":
            if len(path) > len(prefix):
                path[-1] = key
        else:
            key = token[1:-1]
    shown = ".".join(map(str, path[:8]))
    return (shown + "…" if len(path) > 8 else shown) or "（最外层）"


# Pydantic's reasons in Chinese; any other is shown in pydantic's own words.
_REASONS = {
    "missing": "缺少此项", "extra_forbidden": "不认识的项目", "string_type": "应为文字",
    "int_type": "应为整数", "int_parsing": "应为整数", "int_from_float": "应为整数",
    "finite_number": "应为有限的数", "list_type": "应为列表", "model_type": "应为对象", "dict_type": "应为对象",
}


def _reason(error: Mapping[str, Any]) -> str:
    kind = error["type"]
    if kind == "literal_error":
        return "应为 " + str(error.get("ctx", {}).get("expected", "")).replace(" or ", " 或 ")
    if kind.startswith(("datetime", "date_")):
        return "应为日期时间，如 2024-01-01T08:00:00"
    return _REASONS.get(kind, error["msg"])


def json_schema() -> dict:
    schema = ExchangeFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"jixiao/declarations-v{SCHEMA_VERSION}.schema.json"
    # Never written (database ids); a file holding it is still read, the value ignored.
    for name in ("Declaration", "ExchangedDeclaration"):
        schema["$defs"][name]["properties"].pop("source_id", None)
    return schema


def write_schema() -> Path:
    SCHEMA_FILE.parent.mkdir(exist_ok=True)
    SCHEMA_FILE.write_text(json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return SCHEMA_FILE


if __name__ == "__main__":
    print(write_schema())
