"""p51 beatmaker QA (K4): `box-kit --from LIB` put a producer's own word (three loops fixed to `break`) on one note and
said nothing of the word's other two files, while it listed the empty drum notes: it says them now, with a --map that
puts one on the next free note."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from hatbox.cli import main
from hatbox.kit_words import unplaced_lines
from tests.api.conftest import PairedServer, paired_server  # noqa: F401 - the fixture
from tests.api.packs import tagger_pack
from tests.cli_run import run as _run

KIT = {"notes": [{"note": 36, "name": "C2", "file": "kit/kick.wav", "tag": "kick", "library": "x"},
                 {"note": 60, "name": "C4", "file": "loops/b1.wav", "tag": "break", "loop": True, "library": "x"},
                 {"note": 61, "name": "C#4", "file": "fx/rise.wav", "tag": "fx", "library": "x"}]}


def test_a_word_s_files_on_no_note_are_said_with_a_map_to_the_next_free_note() -> None:
    files = {"break": ["loops/b1.wav", "loops/b2.wav", "loops/b3.wav"], "kick": ["kit/kick.wav", "kit/k2.wav"],
             "fx": ["fx/rise.wav"]}
    lines = unplaced_lines(KIT, {"break": 3, "kick": 2, "fx": 1}, "my lib", lambda tag, n: files[tag][:n])
    assert lines == ["break: 2 other files of this word are on no note (loops/b2.wav, loops/b3.wav): hatbox box-kit "
                     "--map D4 loops/b2.wav --library 'my lib' --loop puts one on D4"]     # kick: a drum word


def test_a_file_of_the_word_on_another_note_is_not_counted_and_no_files_listed_says_how_to_list() -> None:
    assert unplaced_lines(KIT, {"fx": 2}, "x", lambda tag, n: ["fx/rise.wav", "loops/b1.wav"]) == []
    line, = unplaced_lines(KIT, {"fx": 2}, "x")
    assert line.startswith("fx: 1 other file of this word is on no note: hatbox box-library x --tag fx lists them")
    assert unplaced_lines(KIT, None, "x") == []                          # a box that did not say: nothing


def test_box_kit_from_says_the_other_break_files(tmp_path: Path, paired_server: PairedServer,  # noqa: F811
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "beats"
    (folder / "kit").mkdir(parents=True)
    (folder / "loops").mkdir()
    sf.write(folder / "kit" / "boom.wav", np.linspace(-0.5, 0.5, 4800, dtype=np.float32), 48000)
    for i in (1, 2, 3):
        sf.write(folder / "loops" / f"b{i}.wav", 0.3 * np.sin(np.arange(96000 + i) / 20).astype(np.float32), 48000)
    assert main(["push", str(tagger_pack(tmp_path / "t.hatpack")), "--activate"]) == 0
    assert main(["push-library", str(folder), "--wait", "--quiet"]) == 0
    assert main(["box-library", "beats", "--fix", "kit/boom.wav", "kick"]) == 0
    for i in (1, 2, 3):
        assert main(["box-library", "beats", "--fix", f"loops/b{i}.wav", "break"]) == 0
    capsys.readouterr()
    rc, out, err = _run(capsys, "box-kit", "--from", "beats")
    assert rc == 0, err
    line = next(x for x in out.splitlines() if x.startswith("break: "))
    assert "2 other files of this word are on no note" in line and "--library beats --loop" in line, out
