"""p50 FC, QA "liveset": `hatbox push-library kitA --replace --wait` while a kit of kitA played said "46 notes of the
box's kit played it and went silent" and every hit stopped until `box-kit --from kitA --yes`.  Now the laptop asks
the box to move the kit's notes to the new library (``moved_to``) and says "N notes of the kit now play the new
library (the same files)"; only a note whose file changed or is gone goes silent, named with why.  An older box
(no ``kit_moved`` in its answer) is said in the words of before."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from device.kit import KitNote
from hatbox.library_delete import replaced_kit_lines
from tests.test_p48_replace_push import Duo, duo, folder, run  # noqa: F401 - duo: the fixture

OLD_WORDS = "(hatbox box-kit --from LIBRARY sets the kit from the new one)"


def test_replace_moves_the_kit_and_says_so(duo: Duo, tmp_path: Path,  # noqa: F811 - the fixture
                                           capsys: pytest.CaptureFixture[str]) -> None:
    duo.be("laptopA")
    mine = folder(tmp_path, "a")
    assert run(capsys, "push-library", str(mine), "--name", "kitA", "--quiet")[0] == 0
    [old] = duo.ids()
    box = duo.app.state.box
    for entry in (KitNote(36, old, "kit/s0.wav"), KitNote(38, old, "kit/s1.wav"),
                  KitNote(70, old, "kit/s2.wav", loop=True)):          # 70: mapped by hand, a loop
        box.kit.set(box, entry)
    sf.write(mine / "kit" / "s1.wav", np.linspace(0.5, -0.5, 2880, dtype=np.float32), 48000)   # s1 changed
    sf.write(mine / "kit" / "new.wav", np.linspace(-0.5, 0.5, 7000, dtype=np.float32), 48000)
    rc, out, err = run(capsys, "push-library", str(mine), "--name", "kitA", "--replace", "--quiet")
    assert rc == 0, err
    [new] = duo.ids()
    assert "  2 notes of the kit now play the new library (the same files)" in out
    assert ("  1 note of the box's kit played it and went silent (not the same file in the new library): D2 "
            "kit/s1.wav (changed in the new library)") in out
    assert OLD_WORDS not in out
    assert {n: (e.library, e.loop, e.tag) for n, e in box.kit.notes.items()} == {36: (new, False, None),
                                                                                 70: (new, True, None)}


def test_an_older_boxs_answer_is_said_as_before() -> None:
    older = {"id": "lib-kita-1", "name": "kitA",
             "kit_silenced": [{"note": 36, "name": "C2", "library": "lib-kita-1", "file": "kit/kick.wav"}]}
    assert replaced_kit_lines(older) == [f"  1 note of the box's kit played it and went silent: C2 kit/kick.wav "
                                         f"{OLD_WORDS}"]
    assert replaced_kit_lines(None) == [] and replaced_kit_lines({"id": "x", "kit_silenced": []}) == []


def test_all_moved_says_no_silence() -> None:
    moved = [{"note": n, "name": f"N{n}", "library": "lib-new", "file": f"k{n}.wav"} for n in range(46)]
    lines = replaced_kit_lines({"id": "lib-old", "kit_silenced": [], "kit_moved": moved, "moved_to": "lib-new"})
    assert lines == ["  46 notes of the kit now play the new library (the same files)"]
