"""p48 F3: `push-library --replace` and the corrections made on the box to the library it would delete.  The box
carries nothing of an old library to a new one of the same name (each library its own tags.db), so --replace refuses,
before a byte is sent, to delete one of yours holding corrections this push does not send again, unless --yes; the
corrections exported (`box-library OLD --export-fixes`) and sent with --fixes pass, and reach the new library.
A correction made while the upload runs leaves the old library (exit 2, the JSON says it was left)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile as sf

from device.library import files_with_tag
from hatbox import cmd_box_library, library_replace
from hatbox.cli import main
from tests.api.packs import tagger_pack
from tests.test_p48_replace_push import Duo, duo, folder, run  # noqa: F401 - the fixture


def _tagged_old(duo: Duo, tmp_path: Path, fixer: str) -> tuple[Path, str]:
    """laptopA's library 'a' (3 files, tagged), with kit/s0.wav corrected to "snare" on the box by ``fixer``; then a
    file added to the folder (a changed folder: the next push sends a new library)."""
    duo.be("laptopA")
    assert main(["push", str(tagger_pack(tmp_path / "t.hatpack")), "--activate", "--quiet"]) == 0
    src = folder(tmp_path, "a")
    assert main(["push-library", str(src), "--wait", "--quiet"]) == 0
    [old] = duo.ids()
    duo.be(fixer)
    assert main(["box-library", old, "--fix", "kit/s0.wav", "snare"]) == 0
    duo.be("laptopA")
    sf.write(src / "kit" / "new.wav", np.linspace(-0.5, 0.5, 7000, dtype=np.float32), 48000)
    return src, old


def test_a_library_with_corrections_is_not_replaced_without_yes(duo: Duo, tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    src, old = _tagged_old(duo, tmp_path, "laptopB")
    rc, out, err = run(capsys, "push-library", str(src), "--replace", "--quiet")
    assert rc == 2 and duo.ids() == [old], out + err                   # nothing sent, nothing deleted
    assert f"library {old} ('a', yours) holds corrections of 1 file made on the box (laptopB's 1)" in err
    assert "nothing was sent, nothing deleted" in err and f"hatbox box-library {old} --export-fixes FILE.csv" in err
    assert "--replace --yes" in err
    rc, out, err = run(capsys, "push-library", str(src), "--replace", "--yes", "--quiet", "--json")
    got = json.loads(out)
    assert rc == 0 and got["replaced"] == [old] and duo.ids() == [got["id"]], err


def test_corrections_exported_and_sent_with_fixes_reach_the_new_library(duo: Duo, tmp_path: Path,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    src, old = _tagged_old(duo, tmp_path, "laptopA")
    csv = tmp_path / "fixes.csv"
    assert main(["box-library", old, "--export-fixes", str(csv), "--folder", str(src)]) == 0
    rc, out, err = run(capsys, "push-library", str(src), "--replace", "--fixes", str(csv), "--wait", "--quiet")
    [new] = duo.ids()
    assert rc == 0 and new != old, out + err
    assert f"--replace: deleted your older library {old}" in out
    hits = files_with_tag(duo.app.state.box.libraries.db_path(new), "snare")
    assert ("s0.wav", True) in [(h.path.name, h.corrected) for h in hits]


def test_a_correction_made_during_the_upload_keeps_the_old_library(duo: Duo, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    src, old = _tagged_old(duo, tmp_path, "laptopA")
    assert main(["box-library", old, "--fix", "kit/s0.wav"]) == 0          # back to the tagger: no correction
    real = cmd_box_library.upload

    def fixed_meanwhile(*a: Any, **k: Any) -> Any:
        body = real(*a, **k)
        duo.be("laptopB")       # another laptop's (this laptop's own would be carried: test_p48_qa_replace_weekly)
        assert main(["box-library", old, "--fix", "kit/s1.wav", "kick", "snare"]) == 0
        duo.be("laptopA")
        return body
    monkeypatch.setattr(cmd_box_library, "upload", fixed_meanwhile)
    rc, out, err = run(capsys, "push-library", str(src), "--replace", "--quiet", "--json")
    got = json.loads(out.splitlines()[-1])
    assert rc == 2 and got["replaced"] == [] and got["left"] == [old] and sorted(duo.ids()) == sorted([old, got["id"]])
    assert f"--replace: left your library {old}: library {old} ('a', yours) holds corrections of 1 file" in err
    assert "it stays beside the new library" in err and f"--replace left 1 older library of yours, as said above: " \
        f"{old}" in err


def test_deleting_a_library_being_tagged_says_its_tagging_stopped_and_the_kit_notes(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    asked: list[tuple[str, str]] = []

    def box(_client: Any, method: str, path: str, **_k: Any) -> Any:
        asked.append((method, path))
        return {"id": "lib-a-1", "kit_silenced": [{"note": 36, "name": "C2", "file": "kit/s0.wav"}]}
    monkeypatch.setattr(library_replace, "_call", box)
    done = library_replace.Replaced()
    lib = {"id": "lib-a-1", "name": "a", "state": "tagging", "accepted": 3}
    assert library_replace._delete(object(), lib, done) is True
    out = capsys.readouterr().out
    assert asked == [("DELETE", "/libraries/lib-a-1")] and done.failed == []
    assert "--replace: deleted your older library lib-a-1 ('a', 3 files); its tagging was stopped" in out
    assert "1 note of the box's kit played it and went silent: C2 kit/s0.wav" in out


def test_a_library_the_box_does_not_delete_is_left_and_said(monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    from hatbox.box_client import BoxRefused

    def busy(*_a: Any, **_k: Any) -> Any:
        raise BoxRefused("the box says: library 'lib-a-1' is still finishing the file it was tagging; nothing was "
                         "deleted", status=409, error="busy", hint="try again in a moment")
    monkeypatch.setattr(library_replace, "_call", busy)
    done = library_replace.Replaced()
    done.replaced, done.left = [], []
    assert library_replace._delete(object(), {"id": "lib-a-1", "name": "a"}, done) is False
    err = capsys.readouterr().err
    assert done.left == done.failed == ["lib-a-1"] and "--replace: left your library lib-a-1: the box did not " \
        "delete it: the box says: library 'lib-a-1' is still finishing" in err and "(try again in a moment)" in err
    with pytest.raises(library_replace.HatboxError, match="left 1 older library of yours, as said above: lib-a-1"):
        library_replace.raise_failed(done)
