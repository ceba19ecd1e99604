"""Forty-first stop, QA with damaged files: a library whose library.json the box made again from its files and tags
(device/api/library_fixes.py rebuild_record) lost the digest a laptop recognises it by and the id of the pack that
tagged it: `push-library` sent a second copy, and box-library no longer said which tagger tagged it.  Now the
rebuilt record names the installed tagger pack whose id tags.db holds, and keeps the digest of its files' paths and
sizes, by which the laptop recognises the same folder; a library.json gone is said as missing, not damaged."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import soundfile as sf

from device.api.libraries import Libraries
from device.library import tag_library
from hatbox.cli import main
from tests.api.conftest import paired_server  # noqa: F401 - the fixture
from tests.api.packs import tagger_pack


def _folder(tmp_path: Path) -> Path:
    """A folder of 3 samples (kit/s0.wav...) and a readme the box leaves out."""
    kit = tmp_path / "lib3" / "kit"
    kit.mkdir(parents=True)
    for i in range(3):
        sf.write(kit / f"s{i}.wav", np.linspace(-0.5, 0.5, 2400 + 480 * i, dtype=np.float32), 48000)
    (tmp_path / "lib3" / "readme.txt").write_text("my kit\n")
    return tmp_path / "lib3"


def _start_again(box) -> None:
    """The box's libraries read again from disk, as at a start."""
    box.libraries = Libraries(box.libraries.root, box.config.tagger, box.config.library_limits)


def _sent_and_damaged(tmp_path: Path, paired_server, capsys, how: str) -> tuple[Path, object, str, str]:
    """lib3 sent (with a correction), tagged, then its library.json removed or cut (``how``) and read again."""
    pack = tagger_pack(tmp_path / "t.hatpack")
    lib = _folder(tmp_path)
    db = lib / ".hatbox-tags.sqlite"
    tag_library(lib, pack, db)
    assert main(["library", "fix", str(db), str(lib / "kit" / "s1.wav"), "djembe"]) == 0
    assert main(["push", str(pack), "--activate", "--quiet"]) == 0
    assert main(["push-library", str(lib), "--wait", "--quiet"]) == 0
    box = paired_server.app.state.box
    (held,) = box.libraries.list()
    record = box.libraries.root / held["id"] / "library.json"
    if how == "missing":
        record.unlink()
    else:
        record.write_bytes(record.read_bytes()[:80])
    _start_again(box)
    capsys.readouterr()
    return lib, box, held["id"], held["tagger"]


def test_a_rebuilt_library_keeps_its_tagger_and_is_recognised(tmp_path, paired_server, capsys):
    lib, box, lid, tagger = _sent_and_damaged(tmp_path, paired_server, capsys, "missing")
    assert main(["push-library", str(lib), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert f"is already on the box as library {lid}" in out and "its files were not sent again" in out, out
    assert len(box.libraries.list()) == 1
    got = box.libraries.get(lid)
    assert got["sha256"].startswith("files:") and got["name"] == "lib3" and got["tagger"] == tagger, got
    assert sorted((f["path"], f["bytes"]) for f in got["files"]) == sorted(
        (p.relative_to(lib).as_posix(), p.stat().st_size) for p in (lib / "kit").iterdir())


def test_a_folder_changed_since_is_not_taken_for_the_rebuilt_library(tmp_path, paired_server, capsys):
    lib, box, lid, _ = _sent_and_damaged(tmp_path, paired_server, capsys, "damaged")
    sf.write(lib / "kit" / "s1.wav", np.linspace(-0.5, 0.5, 9000, dtype=np.float32), 48000)   # another size
    assert main(["push-library", str(lib), "--wait", "--quiet"]) == 0
    assert "already on the box" not in capsys.readouterr().out
    assert len(box.libraries.list()) == 2


def test_a_missing_record_is_said_missing(tmp_path: Path) -> None:
    from tests.api.conftest import make_box, wav_bytes, zip_bytes
    box = make_box(tmp_path)
    assert box.push(tagger_pack(tmp_path / "t.hatpack")).status_code == 201
    kit = zip_bytes({f"kit/s{i}.wav": wav_bytes(2400 + 480 * i) for i in range(2)})
    lid = box.client.post("/libraries", params={"name": "lib3"}, content=kit, headers=box.auth).json()["id"]
    box.app.state.box.libraries.wait(lid, 20)
    (box.store_dir / "libraries" / lid / "library.json").unlink()
    again = make_box(tmp_path)
    rec = again.client.get("/status", headers=again.auth).json()["recovery"]
    assert rec["libraries_rebuilt"] == [lid] and rec["libraries_missing"] == [lid], rec
    assert json.loads((box.store_dir / "libraries" / lid / "library.json").read_bytes())["name"] == "lib3"


def test_a_library_s_name_is_read_from_its_id() -> None:
    from device.api.library_rebuild import name_of_id
    assert name_of_id("lib-lib3-0e8031") == "lib3" and name_of_id("lib-kick-808-b7862e") == "kick-808"
    assert name_of_id("something-else") == "something-else"
