"""p59 QA Q1 finding 1 on how `hatbox device run` checks its --output before it installs the packs it was
given (hatbox/box_start_checks.py):

1: --output wrote over any file (a musician's WAV, a notes.txt, the --synth pack itself), exit 0: now `hatbox render
   --out`'s rule (audiofile.refuse_foreign) and a .wav name, unless --force; never the pack given."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import soundfile as sf

from device.audio import audiofile
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
    assert audiofile.written_by_hatbox(tmp_path / "take.wav")                # the recorder's take: no software tag
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
