"""p59 QA Q1 findings 1 and 4 on how `hatbox device run` checks its --output before it installs the packs it was
given (hatbox/box_start_checks.py):

1: --output wrote over any file (a musician's WAV, a notes.txt, the --synth pack itself), exit 0: now `hatbox render
   --out`'s rule (audiofile.refuse_foreign) and a .wav name, unless --force; never the pack given.
4: --output on a full disk or /dev/full passed the check; the pack was installed, then the take failed."""
from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import soundfile as sf

from device.audio import audiofile
from device.audio.alsa_io import AudioConfig
from device.audio.server_config import ServerConfig
from device.store import PackStore
from tests.engine.helpers import RATE, tone
from tests.engine.test_p59_M1_input_check import _refused, box  # noqa: F401 (the box fixture)


def test_an_output_hatbox_did_not_write_is_refused_unless_forced(tmp_path: Path, box: Any) -> None:
    sf.write(str(tmp_path / "my-guitar.wav"), tone(0.5, amp=0.5), RATE, subtype="PCM_16")     # a musician's take
    (tmp_path / "notes.txt").write_text("my notes\n")
    mine, notes = (tmp_path / "my-guitar.wav").read_bytes(), (tmp_path / "notes.txt").read_bytes()
    _refused(box(["--output", "my-guitar.wav"]), "my-guitar.wav is there and hatbox did not write it", tmp_path)
    _refused(box(["--output", "notes.txt"]), "notes.txt: cannot write audio of that kind; nothing was started",
             tmp_path)
    assert (tmp_path / "my-guitar.wav").read_bytes() == mine and (tmp_path / "notes.txt").read_bytes() == notes
    r = box(["--output", "my-guitar.wav", "--force"])
    assert r.returncode == 0 and "installed and active" in r.stdout, r.stderr
    assert sf.info(str(tmp_path / "my-guitar.wav")).subtype == "FLOAT"        # the take, as asked


def test_the_boxs_own_take_and_a_render_are_written_over_without_force(tmp_path: Path, box: Any) -> None:
    assert box(["--output", "take.wav"]).returncode == 0
    assert audiofile.written_by_hatbox(tmp_path / "take.wav")                # the take carries the hatbox tag (p59 M6)
    r = box(["--output", "take.wav"])                                        # a second run over it
    assert r.returncode == 0, r.stderr
    audiofile.write(tmp_path / "render.wav", tone(0.2), RATE)                # `hatbox render --out`'s file
    assert box(["--output", "render.wav"]).returncode == 0
    assert audiofile.check_output(tmp_path / "take.wav") == tmp_path / "take.wav"       # render --out: one rule


def test_the_pack_given_is_never_the_take(tmp_path: Path, box: Any) -> None:
    pack = (tmp_path / "g.hatpack").read_bytes()
    for extra in ([], ["--force"]):
        r = box(["--output", "g.hatpack", *extra])
        assert r.returncode == 2 and "is the --effect pack" in r.stderr, r.stderr
    assert (tmp_path / "g.hatpack").read_bytes() == pack
    assert not (tmp_path / "store" / "active.json").exists() or PackStore(tmp_path / "store").ids() == []


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs Linux's /dev/full")
def test_an_output_that_takes_nothing_installs_nothing(tmp_path: Path, box: Any,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    _refused(box(["--output", "/dev/full"]), "cannot write the output /dev/full: No space left on device", tmp_path)
    with monkeypatch.context() as m:
        m.setattr(audiofile, "free_bytes", lambda folder: 20_000)            # a disk with 20 KB left
        _refused(box(["--output", "full.wav"]),
                 "the disk is full: about 60.2 KiB needed, 19.5 KiB free (the take's first 0.3 s)", tmp_path)
    assert not (tmp_path / "full.wav").exists()
    assert box(["--output", "/dev/null"]).returncode == 0                     # a device that takes it


def test_the_room_asked_for_is_the_takes_first_seconds_or_the_whole_shorter_take() -> None:
    from hatbox.box_start_checks import MIN_ROOM_S, take_seconds
    audio = AudioConfig(rate=RATE, period=128, periods=3)
    scan = SimpleNamespace(frames=RATE * 60)
    assert take_seconds(ServerConfig(audio=audio), scan) == MIN_ROOM_S
    assert take_seconds(ServerConfig(audio=audio, seconds=0.3), scan) == 0.3
    assert take_seconds(ServerConfig(audio=audio), SimpleNamespace(frames=RATE // 2)) == 0.5
