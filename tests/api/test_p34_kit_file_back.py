"""A kit note whose file was missing when the box started plays again once the file is back.  Before: the listing
dropped the MISSING mark as soon as the file was there again, while the note played silence (-106.6 dBFS) until the
next restart or a new mapping (thirty-fourth stop's QA)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from device.api.sim import RecordingControl
from hatbox.errors import AudioFileError
from tests.api.conftest import make_box
from tests.api.test_kit import _tagged_library


def refusing_missing_files(self: RecordingControl, message: dict[str, Any]) -> None:
    """The sampler's answer to a mapping of a file that is not there (device/audio/sampler.py)."""
    if message.get("op") == "sample" and message.get("path") and not Path(message["path"]).is_file():
        raise AudioFileError(f"no audio file at {message['path']}")
    self.sent.append(message)


def test_a_note_whose_file_comes_back_is_mapped_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    box, lid = _tagged_library(tmp_path)
    r = box.client.put("/kit/notes/48", json={"library": lid, "file": "kit/fx.wav"}, headers=box.auth)
    assert r.status_code == 200, r.text
    sample = box.store_dir / "libraries" / lid / "files" / "kit" / "fx.wav"
    aside = sample.with_name("fx.wav.aside")
    sample.rename(aside)                                        # the file is gone when the box starts
    monkeypatch.setattr(RecordingControl, "send", refusing_missing_files)
    again = make_box(tmp_path)
    assert again.app.state.box.kit.applied.wait(10)
    assert again.client.get("/kit", headers=again.auth).json()["notes"][0]["missing"] is True
    aside.rename(sample)                                        # and back
    before = len(again.control.sent)
    notes = again.client.get("/kit", headers=again.auth).json()["notes"]
    assert notes[0]["missing"] is False
    mapped = [m for m in again.control.sent[before:] if m.get("op") == "sample" and m.get("note") == 48]
    assert mapped and Path(mapped[0]["path"]) == sample
    count = len([m for m in again.control.sent if m.get("note") == 48])
    again.client.get("/kit", headers=again.auth)
    assert len([m for m in again.control.sent if m.get("note") == 48]) == count     # mapped once, not every listing
