"""Two `hatbox tag` runs with one --links folder (two databases) take turns rebuilding it.  Before, the second
cleared the first's half-made links: "links not made: cannot make links in t/clinks: File exists" (rc 1) and 35
stray "name (2).wav" links that no later run removed (12,035 links for 12,000 files)."""
from __future__ import annotations

import os
import threading
import time

from device.library import db as libdb
from device.library.links import LOCK, write_links
from export.atomic import locked_fd
from hatbox.cli import main
from tests.tagger.test_p34_tag_qa import _lib


def test_a_second_rebuild_waits_for_the_first(tmp_path, small_pack) -> None:
    lib = _lib(tmp_path, "kit/a.wav", "kit/b.wav")
    db, links = tmp_path / "lib.sqlite", tmp_path / "links"
    assert main(["tag", str(lib), "--pack", str(small_pack), "--out", str(db)]) == 0
    assert main(["library", "fix", str(db), str(lib / "kit" / "a.wav"), "kick"]) == 0
    links.mkdir()
    held = locked_fd(links / LOCK)                        # another run is rebuilding the folder
    assert held is not None
    done: list[int] = []

    def rebuild() -> None:
        con = libdb.connect(db)
        try:
            done.append(write_links(con, lib, links))
        finally:
            con.close()
    worker = threading.Thread(target=rebuild)
    worker.start()
    time.sleep(0.5)
    assert not done and not (links / "kick").exists()     # it waits
    os.close(held)
    worker.join(10)
    assert done and done[0] >= 1 and sorted(p.name for p in (links / "kick").iterdir()) == ["kit__a.wav"]
