"""Read a data file as UTF-8 text; a byte that is not UTF-8 is reported with its line.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "bad.yaml"
>>> _ = p.write_bytes(b"a: 1\\nb: caf\\xe9\\n")
>>> read_text(p)
Traceback (most recent call last):
...
dealgraph.ontology.errors.DataError: 1 problem:
.../bad.yaml:2: not UTF-8 text: byte 0xe9 at column 7 (save the file as UTF-8)
>>> line_at("a\\nb\\nc", 4)
3
"""

from __future__ import annotations

from pathlib import Path

from ..ontology.errors import DataError, Problem

__all__ = ["read_text", "line_at"]


def read_text(path: str | Path) -> str:
    """The file's text (UTF-8, a leading byte-order mark dropped)."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise DataError([Problem(str(path), None, None, f"cannot read: {exc.strerror or exc}")]) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        line = data.count(b"\n", 0, exc.start) + 1
        raise DataError(
            [
                Problem(
                    str(path),
                    line,
                    None,
                    f"not UTF-8 text: byte {data[exc.start]:#04x} at column "
                    f"{exc.start - line_start + 1} (save the file as UTF-8)",
                )
            ]
        ) from None
    return text.removeprefix("\ufeff")


def line_at(text: str, offset: int) -> int:
    """The 1-based line of character ``offset`` in ``text``."""
    return text.count("\n", 0, max(0, offset)) + 1
