"""p50 MF4: the three readers of a links folder's MADE list (clear_links, another_library, runs_links) read it one
way (device.library.links._made_entries): empty entries and ones climbing out of the folder (``..``) are never
followed, removed or counted."""
from __future__ import annotations

import os
from pathlib import Path

from device.library.links import MADE, _made_entries, another_library, clear_links, runs_links


def _folder(tmp_path: Path) -> tuple[Path, Path, Path]:
    """(library, links folder, a file outside both); the list names a link climbing out (``../out.wav``) first, then
    a run's link, an empty entry and a missing one."""
    lib, links, outside = tmp_path / "lib", tmp_path / "links", tmp_path / "other" / "s.wav"
    (lib / "kit").mkdir(parents=True)
    (lib / "kit" / "k.wav").write_bytes(b"RIFF")
    outside.parent.mkdir()
    outside.write_bytes(b"RIFF")
    (links / "kick").mkdir(parents=True)
    os.symlink(lib / "kit" / "k.wav", links / "kick" / "kit__k.wav")
    os.symlink(outside, tmp_path / "out.wav")                  # beside the links folder, reached only by ".."
    (links / MADE).write_text("\0".join(["../out.wav", "kick/kit__k.wav", "", "kick/gone.wav"]) + "\0")
    return lib, links, outside


def test_the_list_is_read_one_way_by_all_three(tmp_path: Path) -> None:
    lib, links, outside = _folder(tmp_path)
    assert _made_entries(links) == ["kick/kit__k.wav", "kick/gone.wav"]
    assert runs_links(links, lib) == [links / "kick" / "kit__k.wav"]
    assert another_library(links, lib) == ""                   # the run's link points into this library
    assert another_library(links, outside.parent) == str(lib / "kit" / "k.wav")     # not "../out.wav", listed first
    assert clear_links(links, lib) == {links / "kick"}
    assert (tmp_path / "out.wav").is_symlink() and not (links / "kick" / "kit__k.wav").exists()
    assert not (links / MADE).exists()


def test_a_list_of_old_one_a_line_entries_is_read_the_same(tmp_path: Path) -> None:
    lib, links, _ = _folder(tmp_path)
    (links / MADE).write_text("../out.wav\nkick/kit__k.wav\n\n")
    assert _made_entries(links) == ["kick/kit__k.wav"]
    assert runs_links(links, lib) == [links / "kick" / "kit__k.wav"]
