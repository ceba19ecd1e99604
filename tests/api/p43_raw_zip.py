"""Zips as other machines write them, for the p43 name tests: member names as raw bytes, the UTF-8 flag (bit 11)
clear, as macOS's Archive Utility (UTF-8, decomposed accents) and a Japanese Windows (Shift-JIS) write them."""
from __future__ import annotations

import struct
import zlib
from pathlib import Path


def raw_zip(path: Path, members: list[tuple[bytes, bytes]], flags: int = 0) -> Path:
    """Write a zip of stored ``members`` [(name bytes, data)] with general-purpose ``flags`` (0: no UTF-8 flag)."""
    central, out = [], bytearray()
    for name, data in members:
        crc, offset = zlib.crc32(data), len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, flags, 0, 0, 0x21, crc, len(data), len(data),
                           len(name), 0) + name + data
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, flags, 0, 0, 0x21, crc, len(data),
                                   len(data), len(name), 0, 0, 0, 0, 0, offset) + name)
    start = len(out)
    for c in central:
        out += c
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), len(out) - start, start, 0)
    path.write_bytes(bytes(out))
    return path
