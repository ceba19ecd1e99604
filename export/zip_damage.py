"""What zipfile's error on reading one member of a pack means, in words a player can act on (p53 QA Q3: "member
'golden.npz' is corrupt or unreadable (BadZipFile: Bad CRC-32 for file 'golden.npz')" showed Python's class and
words and gave no hint).  Used by export.pack's member reads; torch-free."""
from __future__ import annotations

import zipfile
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


def member_damage(exc: BaseException, method: int | None = None) -> tuple[str, str | None]:
    """(what is wrong with a member whose read raised ``exc``, its whole predicate: "is encrypted (a pack never is)",
    "is damaged: its header ..."; a hint of its own, or None for the caller's).  ``method``: the member's compression
    method (ZipInfo.compress_type), named when zipfile cannot read it (bzip2 and lzma it reads; deflate64 it does
    not)."""
    if isinstance(exc, NotImplementedError):
        name = zipfile.compressor_names.get(method, f"method {method}") if method is not None else None
        return (f"uses a compression method hatbox cannot read{f' ({name})' if name else ''}", NOT_HATBOX_HINT)
    if isinstance(exc, RuntimeError) and "encrypted" in str(exc):
        return "is encrypted (a pack never is)", NOT_HATBOX_HINT
    return f"is damaged: {_damage(exc)}", None


def _damage(exc: BaseException) -> str:
    """What is damaged in a member whose read raised ``exc`` (no encryption, no unknown method), in words."""
    if isinstance(exc, zlib.error):
        return "its compressed bytes do not unpack"
    if isinstance(exc, EOFError):
        return "it is cut short"
    text = str(exc)
    for start, words in _SAID:
        if text.startswith(start):
            return words
    return f"it cannot be read ({text.rstrip('.') or 'no reason given'})"


# zipfile's words on opening an archive and what they mean
_ARCHIVE_SAID: tuple[tuple[str, str], ...] = (
    ("File is not a zip file", "its end, the archive's table of contents, is missing"),
    ("Truncated central directory", "its table of contents is cut short"),
    ("Bad magic number for central directory", "its table of contents is overwritten"),
    ("Bad offset for central directory", "its table of contents is not where its end says"),
)


def archive_damage(exc: BaseException) -> str:
    """What is wrong with a zip archive (one that starts as a zip) that zipfile could not open with ``exc``, in
    words: "its end, the archive's table of contents, is missing" for a file cut short."""
    text = str(exc)
    for start, words in _ARCHIVE_SAID:
        if text.startswith(start):
            return words
    return f"it cannot be read ({text.rstrip('.') or 'no reason given'})"
