"""What the box refuses an archive member for before reading a byte of it, its name above all: one rule for the box's
unpacking (device.library.archive) and `hatbox push-library`'s check of a zip or tar before it sends it (p43
leftovers: a folder's names were checked on the laptop, an archive's only on the box, after the whole upload).

A member is refused before it is read for an unsafe path (device.library.member_checks.safe_relpath: not UTF-8, a
control character, ``..``...), for being a link, a device file or not audio, or over a limit (:func:`precheck`),
and for a path that another member kept earlier spells in the other Unicode form (device.library.paths
.other_spelling).  :func:`verdict` gives that for one member; :class:`NameCheck` keeps the refusals of names member
by member, and :func:`refused_names` walks an archive with it as the box's unpacking does.
"""
from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, NamedTuple

from device.library.member_checks import (NESTED_ARCHIVE, format_problem, is_metadata_member, is_nested_archive,
                                          safe_relpath)
from device.library.paths import other_spelling
from hatbox.text import display_name

if TYPE_CHECKING:
    from device.library.archive import Entry, Limits


class Verdict(NamedTuple):
    """A member before a byte of it is read: its path (or why its name is unsafe), how a report shows it, why it is
    refused ("" when it may be unpacked), and whether that is for its name."""

    rel: PurePosixPath | str
    shown: str
    why: str
    by_name: bool


def precheck(e: Entry, rel: PurePosixPath | str, limits: Limits) -> str:
    """Why ``e`` is refused before reading a byte of it ("" if it may be extracted)."""
    if isinstance(rel, str):
        return rel
    if e.kind == "link":
        return "links are not allowed"
    if e.kind in ("device", "other"):
        return "device files, FIFOs and special files are not allowed"
    if rel.suffix.lower() not in limits.extensions:
        if is_nested_archive(rel.name):
            return NESTED_ARCHIVE
        return format_problem(rel.suffix)
    if e.encrypted:
        return "encrypted archive members are not supported"
    if e.size > limits.max_file_bytes:
        return f"{e.size} bytes is over the per-file limit of {limits.max_file_bytes}"
    if e.size > limits.ratio_floor_bytes and e.size / max(e.packed, 1) > limits.max_ratio:
        return (f"compression ratio {e.size / max(e.packed, 1):.0f}:1 is over "
                f"{limits.max_ratio:.0f}:1: refusing a possible archive bomb")
    return ""


def verdict(e: Entry, limits: Limits, kept: dict[str, str]) -> Verdict:
    """The box's verdict on member ``e`` before reading it; ``kept``: the paths (NFC) of the members kept so far ->
    their names as the archive spells them."""
    rel = safe_relpath(e.name)
    shown = display_name(e.name) if isinstance(rel, str) else str(rel)    # "./kit/x.xml" as kit/x.xml
    why = e.problem or precheck(e, rel, limits)
    if why:
        return Verdict(rel, shown, why, isinstance(rel, str) and not e.problem)
    other = other_spelling(e.name, str(rel), kept)
    return Verdict(rel, shown, other, bool(other))


class NameCheck:
    """The box's refusals of names, member by member in the archive's order (:meth:`see`): ``refused`` holds (the
    member as the box's answer names it, why) of each so far.  A member counts as kept when nothing refuses it before
    it is read (the box also refuses audio that does not decode, which a later spelling of its name would then
    replace); hidden and system files are skipped, as the box skips them."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.kept: dict[str, str] = {}              # the paths (NFC) kept so far -> their spelling in the archive
        self.refused: list[tuple[str, str]] = []

    def see(self, e: Entry) -> None:
        """Take member ``e``, the next in the archive's order; one the box skips as metadata
        (device.library.member_checks.is_metadata_member, macOS's ``Icon\\r`` too) is neither refused nor kept."""
        if is_metadata_member(e.name):
            return
        found = verdict(e, self.limits, self.kept)
        if found.by_name:
            self.refused.append((found.shown, found.why))
        elif not found.why:
            self.kept.setdefault(found.shown, e.name)


def refused_names(archive: Path, limits: Limits | None = None) -> list[tuple[str, str]]:
    """(the member as the box's answer names it, why) of each member of the zip or tar ``archive`` that the box's
    unpacking would refuse for its name, read as the box reads it (device.library.archive.each_member: a zip's
    Shift-JIS names too; its hidden and system files skipped; :class:`NameCheck`).  [] when the archive cannot be
    read (the box says why)."""
    from device.library.archive import ArchiveError, Limits, each_member
    check = NameCheck(limits or Limits())
    try:
        for e in each_member(archive, check.limits):
            check.see(e)
    except (ArchiveError, OSError):
        return []
    return check.refused
