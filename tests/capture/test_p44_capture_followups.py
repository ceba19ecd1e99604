"""p44 regression QA follow-ups of capture: the box's full disk said in words (507) before a capture starts, with
nothing left behind; a laptop whose disk fills mid-set says "interrupted: ..." and the same command fetches the take
the box still holds instead of capturing it again; finished captures never downloaded swept a day later; a knob
repeated in one setting refused; the simulated gear says what it clamped or ignored."""
from __future__ import annotations

import errno
import json
import time
from pathlib import Path
from typing import Any

import pytest

from device.api.app import ApiConfig, create_app
from device.api.capture_routes import capture_bytes, sweep
from device.audio.sim_gear import DriveGear, knob_notes
from hatbox import cmd_capture
from hatbox.capture_set import parse_setting
from hatbox.cli import main
from hatbox.errors import HatboxError
from tests.api.conftest import FAST_ENGINE
from tests.capture.helpers import LoopBox, drive
from tests.capture.test_p44_capture_cli import _captures, served  # noqa: F401  (the served box fixture)

MIB = 1024 * 1024


def test_a_full_box_disk_is_said_before_the_capture_and_leaves_nothing(
        served: LoopBox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from device.audio import audiofile
    monkeypatch.setattr(audiofile, "free_bytes", lambda folder: int(2.31 * MIB))
    args = ["box-capture", str(tmp_path / "set2"), "--knob", "drive=0", "--seconds", "10", "--yes"]
    assert main(args) != 0
    err = capsys.readouterr().err
    assert "the capture did not start: the box's disk is full: about 3.73 MiB needed, 2.31 MiB free" in err, err
    assert "nothing was written" in err and "OSError" not in err
    assert not _captures(served)
    root = tmp_path / "box" / "captures"
    assert not root.exists() or not any(root.iterdir())
    assert 3.6 * MIB < capture_bytes(10, 48000) < 3.8 * MIB


def test_a_full_laptop_disk_mid_set_says_interrupted_and_fetches_the_take_again(
        served: LoopBox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    real = cmd_capture._download

    def full(client: Any, cid: str, name: str, dst: Path, sha256: Any) -> None:
        if dst.name == "take_drive12.wav":
            raise OSError(errno.ENOSPC, "No space left on device", str(dst))
        real(client, cid, name, dst, sha256)

    monkeypatch.setattr(cmd_capture, "_download", full)
    out = tmp_path / "set"
    args = ["box-capture", str(out), "--knob", "drive=0", "--knob", "drive=12", "--knob", "drive=24",
            "--seconds", "5", "--yes"]
    assert main(args) != 0
    err = capsys.readouterr().err
    assert f"interrupted: 1 of 3 settings captured in {out}" in err and "the same command captures the rest" in err
    assert "the disk is full" in err and not (out / "take_drive12.wav").exists()
    assert len(_captures(served)) == 2
    held = [p for p in (tmp_path / "box" / "captures").iterdir() if p.is_dir()]
    assert len(held) == 1 and json.loads((held[0] / "capture.json").read_text())["state"] == "done"
    monkeypatch.setattr(cmd_capture, "_download", real)
    assert main(args) == 0
    said = capsys.readouterr().out
    assert "downloading drive=12: the box still holds its take" in said and "captured drive=24" in said
    assert [m["knobs"] for m in _captures(served)] == [{"drive": 0.0}, {"drive": 12.0}, {"drive": 24.0}]
    assert len((out / "pairs.csv").read_text().splitlines()) == 4
    assert not any((tmp_path / "box" / "captures").iterdir())
    assert json.loads((out / "capture.json").read_text())["pending"] == {}


def _finished(root: Path, cid: str, state: str, age_s: float) -> Path:
    folder = root / cid
    folder.mkdir(parents=True)
    (folder / "request.json").write_text(json.dumps({"id": cid, "name": cid, "knobs": {}, "seconds": 5}))
    (folder / "capture.json").write_text(json.dumps({"id": cid, "state": state}))
    import os
    for p in folder.iterdir():
        os.utime(p, (time.time() - age_s, time.time() - age_s))
    return folder


def test_done_captures_never_downloaded_go_a_day_later(tmp_path: Path) -> None:
    root = tmp_path / "captures"
    _finished(root, "fresh-done", "done", 3600)
    _finished(root, "old-done", "done", 86400 + 60)
    _finished(root, "old-failed", "failed", 86400 + 60)
    _finished(root, "fresh-cancelled", "cancelled", 10)
    assert sorted(sweep(root, None, 0.0)) == ["fresh-cancelled", "old-done", "old-failed"]
    assert [p.name for p in root.iterdir()] == ["fresh-done"]
    assert sweep(root, None) == []


def test_a_knob_repeated_in_one_setting_is_refused() -> None:
    for text in ("drive=0,drive=5", "drive=0,drive[dB]=5"):
        with pytest.raises(HatboxError, match="gives the knob 'drive' twice"):
            parse_setting(text)
    assert parse_setting("drive=0,tone=5").knobs == {"drive": 0.0, "tone": 5.0}


def test_the_simulated_gear_says_what_it_clamped_and_ignored() -> None:
    notes = knob_notes(DriveGear(48000), {"drive": -5.0, "tone": 3000.0, "gain": 3.0, "Drive Level": 1.0})
    assert len(notes) == 3
    assert "holds drive to 0..36: drive=-5 played as drive=0" in notes[0]
    assert "has no knob 'gain'" in notes[1] and "ignored" in notes[1] and "'Drive Level'" in notes[2]


def test_box_capture_prints_the_simulated_gears_notes(served: LoopBox, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    args = ["box-capture", str(tmp_path / "odd"), "--knob", "drive=100,gain=2", "--seconds", "5", "--yes"]
    assert main(args) == 0
    err = capsys.readouterr().err
    assert "note: the simulated drive holds drive to 0..36: drive=100 played as drive=36" in err, err
    assert "note: the simulated drive has no knob 'gain'" in err
    assert served.io.gear.values["drive"] == 36.0


def test_a_disk_that_fills_as_the_request_is_written_is_507_and_leaves_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from fastapi.testclient import TestClient

    import export.atomic
    box, codes = LoopBox(drive(), latency=240, block=512, speed=40.0), []
    try:
        client = TestClient(create_app(tmp_path / "box", box, ApiConfig(engine=FAST_ENGINE, on_code=codes.append)))
        token = client.post("/pair", json={"code": codes[-1], "name": "t"}).json()["token"]
        auth = {"Authorization": f"Bearer {token}"}

        def full(*args: Any, **kwargs: Any) -> Any:
            raise OSError(errno.ENOSPC, "No space left on device")
        monkeypatch.setattr(export.atomic, "atomic_output", full)
        r = client.post("/captures", json={"name": "x", "knobs": {}, "seconds": 5}, headers=auth)
        assert r.status_code == 507 and "nothing was written" in r.json()["message"], r.text
        assert not any((tmp_path / "box" / "captures").iterdir()) and not _captures(box)
    finally:
        box.close()
