"""Settings kept with the data (the database's settings table), so that the window
and the command line read the same values and a backup carries them.

Values are JSON. The signature block is kept per 申请单位 under the key
"signature:<unit>"; "signature:" (no unit) is the default for every unit.
"""
from __future__ import annotations

from dataclasses import asdict

from desktop.domain.signature import Signature
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
    """Set (or with None, clear) the block for one unit; unit "" sets the default."""
    put(db, _SIGNATURE + unit.strip(), asdict(signature) if signature is not None else None)
