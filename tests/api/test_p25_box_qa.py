"""The laptop's box commands after a hands-on QA pass over a musician's first evening (twenty-fifth stop)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from hatbox.cli import main
from tests.api.conftest import PairedServer
from tests.api.packs import gain_pack


def test_a_second_rollback_says_where_the_packs_went_and_not_that_the_box_is_busy(paired_server: PairedServer,
                                                                                  tmp_path: Path, capsys) -> None:
    """Before: "the box cannot do that now: no earlier effect pack to roll back to", no hint: it read as busy."""
    assert main(["push", str(gain_pack(tmp_path / "a.hatpack", "fuzz", "1.0.0")), "--activate", "--quiet"]) == 0
    assert main(["push", str(gain_pack(tmp_path / "b.hatpack", "fuzz", "2.0.0")), "--activate", "--quiet"]) == 0
    assert main(["box-pack", "--rollback", "effect"]) == 0
    capsys.readouterr()
    assert main(["box-pack", "--rollback", "effect"]) == 2
    err = capsys.readouterr().err
    assert "the box cannot do that: no earlier effect pack to roll back to" in err and " now" not in err
    assert "the packs rolled back from stay installed: make one active again with hatbox box-pack ID --activate" in err


def test_packs_are_told_apart_by_install_time_and_found_by_their_hash(paired_server: PairedServer, tmp_path: Path,
                                                                      capsys) -> None:
    """Before: two trainings of one pedal listed as the same name, version and size, and the hash at the end of an
    id (all that tells them apart) was "no pack"."""
    assert main(["push", str(gain_pack(tmp_path / "a.hatpack", "fuzz", "0.1.0")), "--quiet"]) == 0
    assert main(["push", str(gain_pack(tmp_path / "b.hatpack", "fuzz", "0.1.0", pad_bytes=64, seed=1)), "--quiet"]) == 0
    capsys.readouterr()
    assert main(["box-pack"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and all(", installed 20" in line for line in lines)
    pid = lines[1].split()[0]
    assert main(["box-pack", pid.rsplit("-", 1)[1], "--activate"]) == 0
    assert paired_server.app.state.box.store.active()["effect"] == pid


def test_a_library_is_found_by_its_name_as_a_pack_is(paired_server: PairedServer, tmp_path: Path, capsys) -> None:
    import numpy as np
    import soundfile as sf

    from tests.api.packs import tagger_pack
    assert main(["push", str(tagger_pack(tmp_path / "t.hatpack")), "--activate", "--quiet"]) == 0
    kit = tmp_path / "My Kit"
    kit.mkdir()
    t = np.arange(24000) / 48000
    sf.write(kit / "hit.wav", 0.5 * np.exp(-t * 30) * np.sin(2 * np.pi * 60 * t), 48000)
    assert main(["push-library", str(kit), "--wait", "--quiet"]) == 0
    capsys.readouterr()
    assert main(["box-library", "my kit"]) == 0                  # the name, in any case (was: no library 'my kit')
    by_name = capsys.readouterr().out
    lid = paired_server.app.state.box.libraries.list()[0]["id"]
    assert main(["box-library", lid]) == 0 and capsys.readouterr().out == by_name


def _tagged_kit(paired_server: PairedServer, tmp_path: Path) -> str:
    """A library of two hits on the box, tagged: its id."""
    import numpy as np
    import soundfile as sf

    from tests.api.packs import tagger_pack
    assert main(["push", str(tagger_pack(tmp_path / "t.hatpack")), "--activate", "--quiet"]) == 0
    kit = tmp_path / "kit"
    kit.mkdir()
    t = np.arange(24000) / 48000
    for i in range(2):
        sf.write(kit / f"hit{i}.wav", 0.5 * np.exp(-t * 30) * np.sin(2 * np.pi * (60 + 50 * i) * t), 48000)
    assert main(["push-library", str(kit), "--wait", "--quiet"]) == 0
    return paired_server.app.state.box.libraries.list()[0]["id"]


def test_a_damaged_tag_database_is_named_and_a_retag_makes_a_new_one(paired_server: PairedServer, tmp_path: Path,
                                                                     capsys) -> None:
    """Before: a cut tags.db was listed done, then every read of it was a 500 "Internal Server Error" (or SQLite's
    words with the box's own path), and --retag --wait failed on it too, with exit code 0."""
    lid = _tagged_kit(paired_server, tmp_path)
    db = paired_server.app.state.box.libraries.root / lid / "tags.db"
    with open(db, "r+b") as fh:                 # a bad block in the middle of the file
        fh.seek(1500)
        fh.write(b"\xff" * 3000)
    capsys.readouterr()
    for extra in ([], ["--unsure"], ["--tag", "kick"]):
        assert main(["box-library", lid, *extra]) == 2, extra
        err = capsys.readouterr().err
        assert f"the tag database of library '{lid}' is damaged (" in err and "Internal Server Error" not in err, err
        assert f"hint: tag it again to make a new one: hatbox box-library {lid} --retag" in err and str(db) not in err
    assert main(["box-library", lid, "--retag", "--wait", "--quiet"]) == 0
    assert "tagging done: " in capsys.readouterr().out
    assert (db.parent / "tags.db.damaged").exists()
    assert main(["box-library", lid, "--unsure"]) == 0


def test_status_says_an_active_pack_the_engine_refused_is_not_playing(capsys) -> None:
    """Before: `hatbox status` listed a pack the engine refused at start as active, and never showed the engine's
    own warnings (the refusal was only on the box's terminal, twice)."""
    from hatbox.status_report import print_status
    print_status({"name": "hatbox", "version": "0", "versions": {}, "packs": [], "libraries": 0, "disk": {},
                   "active": {"effect": "effect-drive-1", "synth": None, "tagger": "tagger-t-1"},
                   "engine": {"active": {"effect": None, "synth": None}, "xruns": 0, "load_mean": 0.0,
                              "warnings": ["start-up pack for effect refused: it runs at 48000 Hz"]}})
    out = capsys.readouterr().out.splitlines()
    assert "  effect  effect-drive-1  (not playing: the engine did not load it, see the warning below)" in out
    assert "  tagger  tagger-t-1" in out                       # a tagger never plays: nothing to say
    assert "  warning: start-up pack for effect refused: it runs at 48000 Hz" in out


def test_the_box_log_says_rollbacks_revokes_and_corrections_in_words(tmp_path: Path, caplog) -> None:
    """Before: "POST /slots/effect/rollback by 'laptop' (200)" (which pack now?), "DELETE /tokens/38eda4de by '?'"
    for a laptop revoking its own pairing (its name was looked up after), and no line when a tagging ended."""
    import logging

    from tests.api.conftest import make_box
    with caplog.at_level(logging.INFO, logger="hatbox.api"):
        box = make_box(tmp_path)
        one = box.push(gain_pack(tmp_path / "a.hatpack", "fuzz", "1.0.0")).json()["pack"]["id"]
        two = box.push(gain_pack(tmp_path / "b.hatpack", "fuzz", "2.0.0")).json()["pack"]["id"]
        assert box.client.post("/slots/effect/rollback", headers=box.auth).status_code == 200
        assert box.client.post("/slots/effect/deactivate", headers=box.auth).status_code == 200
        me = box.client.get("/tokens", headers=box.auth).json()[0]["id"]
        assert box.client.delete(f"/tokens/{me}", headers=box.auth).status_code == 204
    said = [r.getMessage() for r in caplog.records if r.name == "hatbox.api" and r.levelno == logging.INFO]
    assert f"the effect slot rolled back to {one} (was {two}) by 'test'" in said
    assert f"the effect slot emptied (was {one}) by 'test'" in said
    assert f"the pairing of 'test' (token {me}) revoked by 'test'" in said


def test_the_box_log_says_when_a_tagging_ends_and_what_a_correction_was(paired_server: PairedServer,
                                                                         tmp_path: Path, caplog) -> None:
    import logging
    with caplog.at_level(logging.INFO, logger="hatbox.api"):
        lid = _tagged_kit(paired_server, tmp_path)
        assert main(["box-library", lid, "--fix", "hit0.wav", "snare"]) == 0
    said = [r.getMessage() for r in caplog.records if r.name == "hatbox.api" and r.levelno == logging.INFO]
    assert any(line.startswith(f"library {lid}: tagging done (2 tagged, ") for line in said), said
    assert any(line.startswith(f"library {lid}: hit0.wav tagged snare (a correction) by ") for line in said), said


def test_pushing_a_tagger_says_which_checks_do_not_apply_to_it(paired_server: PairedServer, tmp_path: Path,
                                                               capsys) -> None:
    """Before: "passed every check: ..., knobs, realtime", and box-pack marked both "ok" though both were skipped."""
    from tests.api.packs import tagger_pack
    assert main(["push", str(tagger_pack(tmp_path / "t.hatpack"))]) == 0
    out = capsys.readouterr().out
    assert "passed every check that applies: " in out and "(knobs, realtime do not apply to this kind)" in out
    pid = paired_server.app.state.box.store.ids()[0]
    assert main(["box-pack", pid]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(line.split()[:3] == ["-", "knobs", "skipped:"] for line in lines), lines
    assert any(line.split()[:2] == ["ok", "contract"] for line in lines), lines


def test_a_library_sent_before_any_tagger_is_pointed_at_once_a_tagger_is_active(paired_server: PairedServer,
                                                                                tmp_path: Path, capsys) -> None:
    """Before: --retag with a tagger installed but not active said "push a tagger pack", and making it active said
    nothing of the library waiting for it.  Since the thirty-second stop the box tags it when the tagger becomes
    active (it pointed at --retag before)."""
    import numpy as np
    import soundfile as sf

    from tests.api.packs import tagger_pack
    kit = tmp_path / "kit"
    kit.mkdir()
    sf.write(kit / "hit.wav", 0.5 * np.sin(2 * np.pi * 80 * np.arange(24000) / 48000), 48000)
    assert main(["push-library", str(kit), "--quiet"]) == 0
    assert main(["push", str(tagger_pack(tmp_path / "t.hatpack")), "--quiet"]) == 0
    lid = paired_server.app.state.box.libraries.list()[0]["id"]
    tagger = paired_server.app.state.box.store.ids()[0]
    capsys.readouterr()
    assert main(["box-library", lid, "--retag"]) == 2
    assert f"hint: make the tagger pack on the box active (hatbox box-pack {tagger} --activate)" in \
        capsys.readouterr().err
    assert main(["box-pack", tagger, "--activate"]) == 0
    assert (f"  library kit (1 file), sent before a tagger was active, is being tagged with it: hatbox box-library "
            f"{lid} --wait follows it") in capsys.readouterr().out
    assert main(["box-library", lid, "--wait", "--quiet"]) == 0
    assert "tagging done" in capsys.readouterr().out


def test_box_pack_lists_each_packs_headline_score(paired_server: PairedServer, tmp_path: Path, capsys) -> None:
    """Two trainings of one pedal told apart by what they scored (QA: same name, version and size)."""
    import json
    import zipfile
    src = gain_pack(tmp_path / "a.hatpack", "fuzz", "0.1.0")
    scored = tmp_path / "scored.hatpack"                 # the same pack with a held-out error in its manifest
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(scored, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "manifest.json":
                m = json.loads(data)
                m["metrics"] = {**m.get("metrics", {}), "val_esr": 0.00195}
                data = json.dumps(m).encode()
            zout.writestr(item, data)
    assert main(["push", str(scored), "--quiet"]) == 0
    capsys.readouterr()
    assert main(["box-pack"]) == 0
    assert ", held-out error 0.00195, installed 20" in capsys.readouterr().out


def _damaged_kit(paired_server: PairedServer, tmp_path: Path) -> tuple[Any, str, Path]:
    """A tagged library on the box whose tags.db has a bad block: (the box's Libraries, its id, the database)."""
    lid = _tagged_kit(paired_server, tmp_path)
    libs = paired_server.app.state.box.libraries
    db = libs.root / lid / "tags.db"
    with open(db, "r+b") as fh:                 # a bad block in the middle of the file
        fh.seek(1500)
        fh.write(b"\xff" * 3000)
    return libs, lid, db


def test_a_retag_whose_record_cannot_be_written_leaves_the_damaged_database_in_place(
        paired_server: PairedServer, tmp_path: Path, monkeypatch) -> None:
    """Before: the record said "tagging" on disk before the damaged database was set aside, so a failure between the
    two left a record of a tagging that never started; now the database is set aside first and put back."""
    import pytest
    libs, lid, db = _damaged_kit(paired_server, tmp_path)
    damaged = db.read_bytes()
    before = libs.get(lid)

    def full(info) -> None:
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(libs, "_save", full)
    pack = paired_server.app.state.box.store.pack_path(before["tagger"])
    with pytest.raises(OSError):
        libs.retag(lid, pack, before["tagger"])
    assert db.read_bytes() == damaged and not (db.parent / "tags.db.damaged").exists()
    assert libs.get(lid) == before


def test_a_damaged_database_that_cannot_be_set_aside_leaves_the_record_as_it_was(
        paired_server: PairedServer, tmp_path: Path, monkeypatch) -> None:
    """Before: the record was written "tagging" first, so a set-aside that failed left it saying a tagging ran."""
    import os

    import pytest

    import device.api.libraries as libraries_module
    libs, lid, db = _damaged_kit(paired_server, tmp_path)
    record = (db.parent / "library.json").read_bytes()
    before = libs.get(lid)
    real = os.replace

    def refused(a, b) -> None:
        if Path(b).name.startswith("tags.db.damaged"):
            raise PermissionError(13, "Permission denied")
        real(a, b)
    monkeypatch.setattr(libraries_module.os, "replace", refused)
    with pytest.raises(OSError):
        libs.retag(lid, paired_server.app.state.box.store.pack_path(before["tagger"]), before["tagger"])
    monkeypatch.setattr(libraries_module.os, "replace", real)
    assert (db.parent / "library.json").read_bytes() == record and libs.get(lid) == before


def test_every_score_a_box_listing_shows_is_said_in_full_by_pack_inspect() -> None:
    """The score keys live in one place (device.store.SCORE_WORDS); `hatbox pack inspect` words each of them."""
    from device.store import SCORE_KEYS, SCORE_WORDS
    from hatbox.cmd_pack import SCORES
    assert SCORE_KEYS == tuple(SCORE_WORDS) and set(SCORE_KEYS) <= set(SCORES)


def test_an_unverified_signature_is_not_counted_as_passed() -> None:
    """Before (twenty-eighth stop's QA): an unsigned pack's push said "passed every check: archive, signature, ..."."""
    from hatbox.cmd_remote import _checks_words
    checks = [{"check": "archive", "ok": True, "detail": "ok"},
              {"check": "signature", "ok": True, "detail": "unsigned (this box does not require signatures)"},
              {"check": "onnx", "ok": True, "detail": "ok"}]
    assert _checks_words(checks) == "passed every check: archive, onnx; signature: unsigned"
    checks[1]["detail"] = "signed by trusted key 0123456789abcdef"
    assert _checks_words(checks) == "passed every check: archive, signature, onnx"
