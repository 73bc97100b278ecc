"""The signature block printed under a form (填报人 / 联系电话 / 单位负责人 / 填报日期 / 单位盖章).

Set once per 申请单位 (kept in the database's settings table by
desktop.services.settings) and printed when the form's template enables it.
An empty value prints as a blank line to be filled in by hand.
"""
from __future__ import annotations

from dataclasses import dataclass

# The lines of the block, in printed order; 单位盖章 is a space for the seal, never typed.
LABELS = ("填报人", "联系电话", "单位负责人", "填报日期")
SEAL_LABEL = "单位盖章"


@dataclass(frozen=True)
class Signature:
    filled_by: str = ""   # 填报人
    phone: str = ""       # 联系电话
    head: str = ""        # 单位负责人
    date: str = ""        # 填报日期, as it should print ("" leaves it to be written by hand)

    def lines(self) -> list[tuple[str, str]]:
        """(label, value) in printed order, without the seal."""
        return list(zip(LABELS, (self.filled_by, self.phone, self.head, self.date), strict=True))
