"""The revision code: 8 characters from the hash of a declaration's content.

Printed in every page's footer (issue 13/14), stored with each revision, and
looked up by `jixiao find-print CODE`, so a paper copy on a desk can be traced
to the exact saved state it was printed from. Pure: the same content gives the
same code on every machine, whatever its id or timestamps.
"""
from __future__ import annotations

import hashlib
import json

from desktop.domain.model import Declaration

CODE_LENGTH = 8
# Bookkeeping, not content: two copies of one form have the same code.
_NOT_CONTENT = {"id", "created_at", "updated_at", "source_id"}


def content_json(decl: Declaration) -> str:
    """The content as canonical JSON (sorted keys, no spaces): what the code hashes."""
    data = decl.model_dump(exclude=_NOT_CONTENT, mode="json")
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def revision_code(decl: Declaration) -> str:
    """Eight upper-case hex digits, e.g. "3FA2C91B"."""
    digest = hashlib.sha256(content_json(decl).encode("utf-8")).hexdigest()
    return digest[:CODE_LENGTH].upper()


def normalise_code(text: str) -> str:
    """What a user typed or copied from a page ("3fa2 c91b", "修订 3FA2C91B") as a code."""
    return "".join(ch for ch in text.upper() if ch in "0123456789ABCDEF")[-CODE_LENGTH:]
