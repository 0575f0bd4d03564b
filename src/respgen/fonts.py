"""Which characters the fonts on this computer can draw.

A character no installed font has is drawn in the PDF as an empty box, which
PDF/A forbids; the response is warned (or, when final, refused) before that.
fontconfig is asked once per process.
"""

from __future__ import annotations

import bisect
import subprocess
import unicodedata
from functools import lru_cache

# Unicode's "default ignorable" code points, which are never drawn, so need no font.
_IGNORABLE = (
    (0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160), (0x17B4, 0x17B5),
    (0x180B, 0x180F), (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x206F), (0x3164, 0x3164),
    (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF), (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A), (0xE0000, 0xE0FFF),
)


@lru_cache(maxsize=1)
def _drawable() -> tuple[list[int], list[int]] | None:
    """Every character some installed font has, as sorted (starts, ends); None if fontconfig cannot say."""
    try:
        listing = subprocess.run(
            ["fc-list", "--format", "%{charset}\\n"], capture_output=True, text=True, timeout=30, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    ranges: list[tuple[int, int]] = []
    for token in listing.split():
        first, _, last = token.partition("-")
        try:
            ranges.append((int(first, 16), int(last or first, 16)))
        except ValueError:
            continue
    if not ranges:
        return None
    ranges.sort()
    merged = [list(ranges[0])]
    for low, high in ranges[1:]:
        if low <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], high)
        else:
            merged.append([low, high])
    return [r[0] for r in merged], [r[1] for r in merged]


def undrawable(text: str) -> list[str]:
    """The characters of ``text`` (each once, in order) that no installed font can draw."""
    if text.isascii():
        return []
    coverage = _drawable()
    if coverage is None:
        return []
    starts, ends = coverage
    missing: list[str] = []
    for char in dict.fromkeys(text):
        code = ord(char)
        if code < 0x80 or char.isspace() or unicodedata.category(char) in ("Cc", "Cf"):
            continue
        if any(low <= code <= high for low, high in _IGNORABLE):
            continue
        at = bisect.bisect_right(starts, code) - 1
        if at < 0 or code > ends[at]:
            missing.append(char)
    return missing
