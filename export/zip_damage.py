"""What zipfile's error on reading one member of a pack means, in words a player can act on (p53 QA Q3: "member
'golden.npz' is corrupt or unreadable (BadZipFile: Bad CRC-32 for file 'golden.npz')" showed Python's class and
words and gave no hint).  Used by export.pack's member reads; torch-free."""
from __future__ import annotations

import zlib

NOT_HATBOX_HINT = ("this pack was not written by hatbox (or was repacked by another zip tool): build it again with "
                   "hatbox train ... --out PACK.hatpack, or ask whoever gave it to you for the file hatbox made")

# zipfile's words (the start of its message) and what they mean for the member
_SAID: tuple[tuple[str, str], ...] = (
    ("Bad CRC-32", "its bytes do not match the checksum the archive keeps for them"),
    ("File name in directory", "the archive's table of contents and the member's own header name it differently"),
    ("Bad magic number for file header", "its header in the archive is missing or overwritten"),
    ("Truncated file header", "its header in the archive is cut short"),
    ("Overlapped entries", "it overlaps another member in the archive"),
    ("Corrupt", "its header in the archive is damaged"),
)


def member_damage(exc: BaseException) -> tuple[str, str | None]:
    """(what is wrong with a member whose read raised ``exc``, in words; a hint of its own, or None for the
    caller's "copy it again, or build it again" / "was the upload cut short?")."""
    if isinstance(exc, NotImplementedError):
        return "it is stored in a way hatbox does not read (a compression method other than deflate)", NOT_HATBOX_HINT
    if isinstance(exc, RuntimeError) and "encrypted" in str(exc):
        return "it is encrypted (a pack never is)", NOT_HATBOX_HINT
    if isinstance(exc, zlib.error):
        return "its compressed bytes do not unpack", None
    if isinstance(exc, EOFError):
        return "it is cut short", None
    text = str(exc)
    for start, words in _SAID:
        if text.startswith(start):
            return words, None
    return f"it cannot be read ({text.rstrip('.') or 'no reason given'})", None
