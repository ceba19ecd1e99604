"""p49 review of F7 on the box: "more like this" of a library of 1-2 other files gave closeness 0 to a near-identical
file (a musician reads "not alike at all"): the box answers closeness null there and `box-library --like` prints the
cosine; DELETE /audition of an engine that refuses the stop was a 500 (it caught only a stopped engine): 422 in
its own words, through device/api/engine_send.py as the knob routes; the audition's 60 s is the sampler's
(device.library.decode.PLAYED_SECONDS), not a copy."""
from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile as sf

from device.api.audition import file_length
from device.api.libraries import default_tagger
from device.control import EngineStoppedError
from hatbox.cli import main
from hatbox.errors import HatboxError
from tests.api.conftest import make_box, paired_server, zip_bytes  # noqa: F401 - the fixture
from tests.api.packs import tagger_pack
from tests.api.test_retag_p20 import _wait_done


def _noise(seed: int, seconds: float = 0.2) -> bytes:
    buf = io.BytesIO()
    rng = np.random.default_rng(seed)
    sf.write(buf, (0.3 * rng.standard_normal(int(48000 * seconds))).astype(np.float32), 48000, format="WAV")
    return buf.getvalue()


def test_two_other_files_get_closeness_null_not_zero(tmp_path: Path) -> None:
    box = make_box(tmp_path, tagger=default_tagger)
    assert box.push(tagger_pack(tmp_path / "t.hatpack", clip=64)).status_code == 201
    files = {f"breaks/b{i}.wav": _noise(i) for i in range(3)}
    lid = box.client.post("/libraries", content=zip_bytes(files), headers=box.auth).json()["id"]
    assert _wait_done(box, lid)["state"] == "done"
    r = box.client.get(f"/libraries/{lid}/similar", params={"path": "breaks/b0.wav"}, headers=box.auth)
    assert r.status_code == 200, r.text
    hits = r.json()
    assert len(hits) == 2 and [h["closeness"] for h in hits] == [None, None], hits   # was [96-ish, 0]
    assert all(isinstance(h["score"], float) for h in hits)


def test_box_library_like_prints_the_cosine_where_the_box_gives_no_closeness(
        paired_server: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: F811 - the fixture
    assert main(["push", str(tagger_pack(tmp_path / "t.hatpack", clip=64)), "--activate", "--quiet"]) == 0
    folder = tmp_path / "Breaks"
    folder.mkdir()
    for i in range(3):
        (folder / f"b{i}.wav").write_bytes(_noise(i))
    assert main(["push-library", str(folder), "--wait", "--quiet"]) == 0
    lid = paired_server.app.state.box.libraries.list()[0]["id"]
    capsys.readouterr()
    assert main(["box-library", lid, "--like", "b0.wav"]) == 0
    rows = [line.split() for line in capsys.readouterr().out.splitlines()]
    assert len(rows) == 2 and all(r[0].startswith(("0.", "1.", "-")) and len(r[0].split(".")[1]) == 3
                                  for r in rows), rows


def test_a_stop_the_engine_refuses_is_a_422_in_the_audition_s_words(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    box = make_box(tmp_path)

    def refuse(msg: dict[str, Any]) -> None:
        raise HatboxError("the sampler is not loaded\nmore")
    monkeypatch.setattr(box.control, "send", refuse)
    r = box.client.delete("/audition", headers=box.auth)
    assert r.status_code == 422, r.text                      # was 500 "DELETE /audition failed unexpectedly"
    assert r.json()["error"] == "rejected"
    assert r.json()["message"] == "the engine did not stop the audition: the sampler is not loaded"


def test_a_stopped_engine_is_still_a_503(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    box = make_box(tmp_path)

    def stopped(msg: dict[str, Any]) -> None:
        raise EngineStoppedError("the audio engine did not answer within 2 s", may_apply=True)
    monkeypatch.setattr(box.control, "send", stopped)
    r = box.client.delete("/audition", headers=box.auth)
    assert r.status_code == 503, r.text
    assert r.json()["message"] == ("the audition was not stopped: the audio engine did not answer within 2 s; it "
                                   "may still stop once the engine answers; nothing changed")


def test_the_audition_s_length_is_held_to_the_sampler_s_own_limit(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    wav = tmp_path / "long.wav"
    wav.write_bytes(_noise(1, seconds=3.0))
    assert file_length(wav) == pytest.approx(3.0)
    monkeypatch.setattr("device.library.decode.PLAYED_SECONDS", 1.0)     # one constant, not a copy
    assert file_length(wav) == 1.0
