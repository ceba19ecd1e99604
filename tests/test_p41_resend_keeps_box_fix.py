"""Forty-first stop, QA of the corrections sent with a library: sending a folder again whose library is on the box
sends the laptop's corrections to it; one the producer made on the box since (box-library --fix) was silently put
back to the laptop's.  Now the box's is kept and the laptop says so, with how to change it; a correction changed on
the laptop only still goes, and sending the same twice changes nothing."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import soundfile as sf

from device.api.library_fixes import put_fixes, read_fixes
from device.library import tag_library
from hatbox.cli import main
from tests.api.conftest import paired_server  # noqa: F401 - the fixture
from tests.api.packs import tagger_pack


def _folder(tmp_path: Path) -> Path:
    """A folder of 3 samples (kit/s0.wav...)."""
    kit = tmp_path / "lib1" / "kit"
    kit.mkdir(parents=True)
    for i in range(3):
        sf.write(kit / f"s{i}.wav", np.linspace(-0.5, 0.5, 2400 + 480 * i, dtype=np.float32), 48000)
    return tmp_path / "lib1"


def _fixes(box, lid: str) -> dict[str, list[str]]:
    """The box's corrections of library ``lid`` (path: tags)."""
    return {f["path"]: f["tags"] for f in read_fixes(box.libraries.db_path(lid), box.libraries.files_path(lid))}


def test_a_correction_made_on_the_box_is_kept_when_the_folder_is_sent_again(tmp_path, paired_server, capsys):
    pack = tagger_pack(tmp_path / "t.hatpack")
    lib = _folder(tmp_path)
    db = lib / ".hatbox-tags.sqlite"
    tag_library(lib, pack, db)
    assert main(["library", "fix", str(db), str(lib / "kit" / "s1.wav"), "djembe"]) == 0
    assert main(["library", "fix", str(db), str(lib / "kit" / "s2.wav"), "clap"]) == 0
    assert main(["push", str(pack), "--activate", "--quiet"]) == 0
    assert main(["push-library", str(lib), "--wait", "--quiet"]) == 0
    first = capsys.readouterr().out
    assert "your corrections of 2 files" in first and "corrected differently" not in first, first
    box = paired_server.app.state.box
    (held,) = box.libraries.list()
    lid = held["id"]
    assert main(["box-library", lid, "--fix", "kit/s1.wav", "snare"]) == 0     # the producer, on the box
    assert main(["library", "fix", str(db), str(lib / "kit" / "s2.wav"), "rim"]) == 0   # and on the laptop
    capsys.readouterr()

    assert main(["push-library", str(lib), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "your corrections of 1 file (from " in out, out
    assert (f"1 file corrected differently on the box: kept the box's (hatbox box-library {lid} --fix PATH TAG to "
            "change it)") in out, out
    assert "kit/s1.wav: snare on the box, djembe here" in out, out
    assert _fixes(box, lid) == {"kit/s1.wav": ["snare"], "kit/s2.wav": ["rim"]}   # s2 changed on the laptop only

    assert main(["push-library", str(lib), "--quiet"]) == 0        # again: the same, nothing more changes
    again = capsys.readouterr().out
    assert "kit/s1.wav: snare on the box, djembe here" in again and "corrections of 0 files" not in again, again
    assert _fixes(box, lid) == {"kit/s1.wav": ["snare"], "kit/s2.wav": ["rim"]}


def test_corrections_waiting_for_a_tagger_keep_the_box_s_own_too(tmp_path: Path) -> None:
    """A library with no tag database yet keeps the corrections sent in fixes.json: the same rule."""
    folder = tmp_path / "lib-a-0e8031"
    folder.mkdir()
    assert put_fixes(folder, [("kit/a.wav", ["kick"])], False) == []            # a first push: no conflict
    assert put_fixes(folder, [("kit/a.wav", ["kick"])], False) == []            # twice: nothing changes
    assert put_fixes(folder, [("kit/a.wav", ["tom"])], False) == []             # changed on the laptop: it goes
    (folder / "fixes.json").write_text('{"kit/a.wav": ["snare"]}')              # made on the box meanwhile
    kept = put_fixes(folder, [("kit/a.wav", ["tom"]), ("kit/b.wav", ["hat"])], False)
    assert kept == [{"path": "kit/a.wav", "box": ["snare"], "yours": ["tom"]}]
    assert json.loads((folder / "fixes.json").read_text()) == {"kit/a.wav": ["snare"], "kit/b.wav": ["hat"]}
