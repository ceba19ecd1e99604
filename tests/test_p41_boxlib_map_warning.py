"""Forty-first stop, QA of a producer's library workflow: `box-kit --map NOTE FILE` and `box-library LIB --play FILE`
print the box's sampler warning about that file (before, a 4-minute loop cut to its first 60 s was said only in
the box's log and `hatbox status`, and the command printed nothing of it)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf

from hatbox.cli import main
from tests.api.conftest import paired_server  # noqa: F401 - the fixture
from tests.api.packs import tagger_pack

SAID = "Loops/amen 4 minutes.wav is 4:00 long: the sampler plays only its first 60 s"


def _warned(control: Any, monkeypatch: Any) -> None:
    """The engine's status says the sampler's warning, as the real sampler's does once it has decoded the file."""
    plain = control.status

    def status() -> dict[str, Any]:
        s = plain()
        s.setdefault("active", {})["sampler"] = {"name": "sampler", "warnings": ["other.wav is silent", SAID]}
        return s
    monkeypatch.setattr(control, "status", status)


def test_map_and_play_print_the_samplers_warning_about_the_file(tmp_path: Path, paired_server, capsys,
                                                                 monkeypatch) -> None:
    lib = tmp_path / "mylib"
    (lib / "Loops").mkdir(parents=True)
    sf.write(lib / "Loops" / "amen 4 minutes.wav", np.linspace(-0.5, 0.5, 4800, dtype=np.float32), 48000)
    sf.write(lib / "Loops" / "short.wav", np.linspace(-0.5, 0.5, 2400, dtype=np.float32), 48000)
    assert main(["push", str(tagger_pack(tmp_path / "t.hatpack")), "--activate", "--quiet"]) == 0
    assert main(["push-library", str(lib), "--wait", "--quiet"]) == 0
    _warned(paired_server.control, monkeypatch)
    capsys.readouterr()
    assert main(["box-kit", "--map", "C5", "Loops/amen 4 minutes.wav", "--library", "mylib", "--loop"]) == 0
    out = capsys.readouterr().out
    assert f"warning: {SAID}" in out and "other.wav" not in out, out
    assert main(["box-library", "mylib", "--play", "Loops/amen 4 minutes.wav"]) == 0
    assert f"warning: {SAID}" in capsys.readouterr().out
    assert main(["box-kit", "--map", "D5", "Loops/short.wav", "--library", "mylib"]) == 0
    assert "warning" not in capsys.readouterr().out
