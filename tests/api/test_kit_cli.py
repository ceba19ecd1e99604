"""`hatbox box-kit` against a served box: make the kit from a tagged library, set, list and clear notes."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from device.notes import parse_note
from hatbox.cli import main
from tests.api.conftest import PairedServer
from tests.api.packs import tagger_pack
from tests.api.quick_waits import quick  # noqa: F401  (the fixture)
from tests.cli_run import run as _run

pytestmark = pytest.mark.usefixtures("quick")    # a RecordingControl box: no sampler warnings to wait for


def test_box_kit_from_a_library_then_a_note_by_name_then_cleared(tmp_path: Path, paired_server: PairedServer,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "drums" / "kit"
    folder.mkdir(parents=True)
    for name, n in (("boom.wav", 4800), ("crack.wav", 9600)):
        sf.write(folder / name, np.linspace(-0.5, 0.5, n, dtype=np.float32), 48000)
    assert main(["push", str(tagger_pack(tmp_path / "t.hatpack")), "--activate"]) == 0
    assert main(["push-library", str(tmp_path / "drums"), "--wait", "--quiet"]) == 0
    assert main(["box-library", "drums", "--fix", "kit/boom.wav", "kick"]) == 0
    assert main(["box-library", "drums", "--fix", "kit/crack.wav", "snare"]) == 0
    capsys.readouterr()
    rc, out, _ = _run(capsys, "box-kit")
    assert rc == 0 and "the kit is empty" in out and "--from LIBRARY" in out
    rc, out, err = _run(capsys, "box-kit", "--from", "drums")
    assert rc == 0, err
    assert "  C2 ( 36)  kit/boom.wav  (tag kick, library drums)" in out and "D2 ( 38)  kit/crack.wav" in out
    rc, out, err = _run(capsys, "box-kit", "--map", "F#2", "kit/crack.wav", "--loop")   # the only library: no --library
    assert rc == 0 and "F#2 ( 42)  kit/crack.wav  (loop, library drums)" in out, err
    rc, out, err = _run(capsys, "box-kit", "--map", "H2", "kit/crack.wav")
    assert rc != 0 and "--map: 'H2' is not a note" in err
    rc, out, err = _run(capsys, "box-kit", "--map", "C3", "kit/nope.wav")
    assert rc != 0 and "holds no file kit/nope.wav" in err
    rc, out, _ = _run(capsys, "box-kit", "--unmap", "36")
    assert rc == 0 and "kit/boom.wav" not in out
    rc, out, _ = _run(capsys, "box-kit", "--clear")
    assert rc == 0 and "empty" in out
    assert any(m.get("op") == "sample" and m.get("note") == 42 and m.get("loop") for m in paired_server.control.sent)


def test_note_names_and_numbers() -> None:
    assert [parse_note(t) for t in ("36", "C2", "c2", "F#2", "Gb2", "C-1", "G9", "A4")] == [36, 36, 36, 42, 42, 0,
                                                                                          127, 69]
    for bad in ("H2", "128", "G#9", "C", "", "C#x"):
        with pytest.raises(ValueError):
            parse_note(bad)


def test_a_kit_of_other_samples_is_replaced_by_from_only_when_asked(tmp_path: Path, paired_server: PairedServer,
                                                                    capsys: pytest.CaptureFixture[str],
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Kit QA (fortieth stop): `box-kit --from` dropped a hand-made kit without a word (the panel asks twice)."""
    import io
    for lib in ("drums", "loops"):
        folder = tmp_path / lib / "kit"
        folder.mkdir(parents=True)
        sf.write(folder / "boom.wav", np.linspace(-0.5, 0.5, 4800, dtype=np.float32), 48000)
    assert main(["push", str(tagger_pack(tmp_path / "t.hatpack")), "--activate"]) == 0
    for lib in ("drums", "loops"):
        assert main(["push-library", str(tmp_path / lib), "--wait", "--quiet"]) == 0
        assert main(["box-library", lib, "--fix", "kit/boom.wav", "kick"]) == 0
    assert main(["box-kit", "--map", "C5", "kit/boom.wav", "--library", "loops", "--loop"]) == 0
    capsys.readouterr()
    monkeypatch.setattr("sys.stdin", io.StringIO("n\n"))
    rc, out, err = _run(capsys, "box-kit", "--from", "drums")       # p47: the question on stderr
    assert rc == 0 and "the kit holds 1 note set by hand (C5 kit/boom.wav (library loops)): replace the whole kit?" \
        in err                                                          # (p49 M6: set by hand, any library)
    assert "the kit was not replaced" in out and len(paired_server.app.state.box.kit.notes) == 1
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    rc, _, err = _run(capsys, "box-kit", "--from", "drums")
    assert rc == 2 and "no answer to the question" in err and "--yes" in err
    rc, out, _ = _run(capsys, "box-kit", "--from", "drums", "--yes")
    assert rc == 0 and "C2 ( 36)  kit/boom.wav  (tag kick, library drums)" in out and "C5 ( 72)" not in out
    assert "replaced 1 note set by hand: C5 kit/boom.wav (library loops)" in out
    rc, out, _ = _run(capsys, "box-kit", "--from", "drums")                # of that library only: not asked
    assert rc == 0 and "replace the whole kit" not in out


def test_two_libraries_of_one_name_are_told_apart_in_the_kit_listing() -> None:
    """Kit QA (fortieth stop): two libraries called test both listed as `(library test)`."""
    from hatbox.cmd_kit import describe
    note = {"name": "G#4", "note": 68, "file": "tick.wav", "tag": None, "loop": False, "missing": False}
    kit = {"notes": [{**note, "library": "lib-test-08cd8c", "library_name": "test"},
                     {**note, "note": 80, "name": "G#5", "library": "lib-test-1a2b3c", "library_name": "test"},
                     {**note, "note": 36, "name": "C2", "library": "lib-drums-aaaaaa", "library_name": "drums"}]}
    lines = describe(kit)
    assert "(library test (lib-test-08cd8c))" in lines[0] and "(library test (lib-test-1a2b3c))" in lines[1]
    assert lines[2].endswith("(library drums)")
