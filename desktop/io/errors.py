"""Errors shared by all importers."""


class ImportFailed(Exception):
    """A file that cannot be imported; the message is one clear Chinese sentence."""


MAX_FILE_BYTES = 20 * 1024 * 1024  # a form is a few dozen KB; anything this big is not one


def unreadable(name: str, kind: str, exc: Exception) -> ImportFailed:
    """One clear message for a file the parser choked on."""
    chain = {type(e).__name__ for e in (exc, exc.__cause__, exc.__context__) if e is not None}
    if any("XML" in n or "Entit" in n or "DTD" in n for n in chain):
        return ImportFailed(f"{name}：{kind} 文件内部的 XML 无效或含有不安全的结构（如实体展开），已拒绝。")
    return ImportFailed(f"{name}：无法读取 {kind} 文件（{type(exc).__name__}）。")
