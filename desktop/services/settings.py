"""Settings kept with the data (the database's settings table), so that the window
and the command line read the same values and a backup carries them.

Values are JSON. The signature block is kept per 申请单位 under the key
"signature:<unit>"; "signature:" (no unit) is the default for every unit.
"""
from __future__ import annotations

from dataclasses import asdict, replace as replace_fields

from desktop.domain.short_text import LINE_LIMIT, line_problem
from desktop.domain.signature import Signature
from desktop.services.errors import ServiceError
from desktop.store.database import Database
from desktop.store.settings import get, put

_SIGNATURE = "signature:"


def load_signature(db: Database, unit: str) -> Signature | None:
    """The unit's signature block, else the default one, else None (nothing set)."""
    for key in (_SIGNATURE + unit.strip(), _SIGNATURE):
        value = get(db, key)
        if isinstance(value, dict):
            known = {k: str(v) for k, v in value.items() if k in Signature.__dataclass_fields__}
            return Signature(**known)
    return None


def save_signature(db: Database, unit: str, signature: Signature | None) -> None:
    """Set (or with None, clear) the block for one unit; unit "" sets the default.
    ServiceError, nothing saved, for a line that cannot print (control characters, too long)."""
    problem = signature_problem(unit, signature)
    if problem:
        raise ServiceError(problem)
    put(db, _SIGNATURE + unit.strip(), asdict(signature) if signature is not None else None)


def signature_problem(unit: str, signature: Signature | None) -> str | None:
    """Why this block cannot be saved (a line that cannot print), or None."""
    lines = [("申请单位", unit)] + (signature.lines() if signature is not None else [])
    for label, value in lines:
        problem = line_problem(value, 200 if label == "申请单位" else LINE_LIMIT)
        if problem:
            return f"签字栏的“{label}”{problem}，没有保存。"
    return None


def own_signature(db: Database, unit: str) -> Signature | None:
    """The block set for exactly this unit ("" the default), without falling back to the default."""
    value = get(db, _SIGNATURE + unit.strip())
    if not isinstance(value, dict):
        return None
    return Signature(**{k: str(v) for k, v in value.items() if k in Signature.__dataclass_fields__})


def signature_units(db: Database) -> list[str]:
    """The units that have a block of their own (not the default), by name."""
    con = db.connect()
    try:
        rows = con.execute("SELECT key FROM settings WHERE substr(key, 1, ?) = ? AND key != ? ORDER BY key",
                           (len(_SIGNATURE), _SIGNATURE, _SIGNATURE)).fetchall()
    finally:
        con.close()
    return [key[len(_SIGNATURE):] for (key,) in rows]


def update_signature(db: Database, unit: str, values: dict[str, str], replace: bool = False) -> Signature | None:
    """Change some lines of a unit's block (unit "" the default) and save it; returns what is now in effect.

    The lines not named keep what the unit prints today (its own block, else the
    default), so setting one phone number does not blank the rest; ``replace``
    starts from an empty block instead. With ``replace`` and no values the unit's
    own block is removed, and it prints the default again.
    """
    unknown = set(values) - set(Signature.__dataclass_fields__)
    if unknown:
        raise ValueError(f"not a line of the signature block: {sorted(unknown)}")
    if replace and not values:
        save_signature(db, unit, None)
        return load_signature(db, unit)
    base = Signature() if replace else (load_signature(db, unit) or Signature())
    signature = replace_fields(base, **{k: v.strip() for k, v in values.items()})
    save_signature(db, unit, signature)
    return signature
