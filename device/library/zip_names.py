"""Member names of zip archives as their makers meant them.

A zip member's name is UTF-8 when its flag bit 11 says so; without it, the format says IBM code page 437 (DOS),
and Python's zipfile decodes it so.  But Linux's Info-ZIP `zip` and many other tools write UTF-8 names without
setting the flag, so a ``kïck_é.wav`` came out as ``k├»ck_├⌐.wav``: on disk, in every listing and in the tag routes,
where the producer's own spelling then matched nothing.  A name without the flag whose bytes are valid UTF-8 is
read as UTF-8 (what Info-ZIP's `unzip` does too); a real code-page-437 name with accents is almost never valid
UTF-8, and keeps its DOS reading.
"""
from __future__ import annotations

import zipfile

UTF8_FLAG = 0x800


def member_name(info: zipfile.ZipInfo) -> str:
    """The name of zip member ``info``: as stored when flagged UTF-8 or plain ASCII, else its bytes read as UTF-8
    when they are valid UTF-8, else zipfile's code page 437 reading."""
    name = info.filename
    if info.flag_bits & UTF8_FLAG or name.isascii():
        return name
    try:
        raw = name.encode("cp437")
    except UnicodeEncodeError:           # not zipfile's cp437 reading (a name set in code): keep it
        return name
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return name
