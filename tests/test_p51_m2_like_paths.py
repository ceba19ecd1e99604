"""p51 review of B3 (which file of the library `box-library LIB --like/--play/--fix PATH` means): a file added to the
pushed folder since the push, or reached through a link the push did not follow, was taken as another library file
ending as it does (`--fix Samples/new/Snare.wav kick` tagged the top-level Snare.wav); a file of a folder pushed as
another library was taken "in the folder pushed as this library"; a laptop file outside every pushed folder by its
name alone; from Samples/kit/, `--fix Snare.wav hat` tagged the library's top-level Snare.wav without a word; a file
refused at upload made a bare name "2 files"; and a name in another letter case found nothing."""
from __future__ import annotations

import argparse
import io
import json
import os
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile as sf

from hatbox.cli import main
from hatbox.errors import HatboxError
from hatbox.library_path import ending_as, library_file, retaken
from tests.api.conftest import paired_server  # noqa: F401 - the fixture
from tests.api.packs import tagger_pack
from tests.cli_run import run

NAMES = ["oneshots/808/808_Kick_Long.wav", "Snare.wav", "kit/Snare.wav", "kit/Hat.wav", "oneshots/Hat.wav"]


def _noise(seed: int, n: int = 9600) -> bytes:
    buf = io.BytesIO()
    sf.write(buf, (0.3 * np.random.default_rng(seed).standard_normal(n)).astype(np.float32), 48000, format="WAV")
    return buf.getvalue()


def _folder(root: Path, name: str = "Samples", names: list[str] = NAMES) -> Path:
    """A folder of ``names`` (noise, each its own), its files' times set back (a file modified within 2 s of a push
    is not remembered in pushed.json)."""
    folder = root / name
    for i, rel in enumerate(names):
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(_noise(i + 10 * len(name)))
        os.utime(folder / rel, (1e9, 1e9))
    return folder


def _pushed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, folders: dict[Path, str]) -> None:
    """pushed.json as a push of each of ``folders`` (folder -> its archive's digest) leaves it."""
    monkeypatch.setenv("HATBOX_CONFIG", str(tmp_path / "cfg" / "remote.json"))
    (tmp_path / "cfg").mkdir(exist_ok=True)
    (tmp_path / "cfg" / "pushed.json").write_text(json.dumps({str(f.resolve()): {"sha256": d}
                                                              for f, d in folders.items()}))


def _held(folder: Path) -> dict[str, int | None]:
    return {n: (folder / n).stat().st_size for n in NAMES}


def test_a_file_added_to_the_pushed_folder_is_no_other_file(paired_server: Any, tmp_path: Path,  # noqa: F811
                                                             capsys: pytest.CaptureFixture[str],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    assert main(["push", str(tagger_pack(tmp_path / "t.hatpack", clip=64)), "--activate", "--quiet"]) == 0
    folder = _folder(tmp_path)
    assert main(["push-library", str(folder), "--wait", "--quiet"]) == 0
    (folder / "new").mkdir()
    shutil.copy(folder / "Snare.wav", folder / "new" / "Snare.wav")         # added since it was sent
    rc, out, err = run(capsys, "box-library", "Samples", "--fix", str(folder / "new" / "Snare.wav"), "kick")
    assert (rc, out) == (2, "") and "took" not in err, (out, err)          # was: "Snare.wav: kick", the top one
    assert "a file added to the folder since it was sent is not on the box" in err, err    # the box's hint stands
    outside = _folder(tmp_path / "elsewhere", "Linked", ["Snare.wav"])
    (folder / "linked").symlink_to(outside, target_is_directory=True)      # a link the push does not follow
    rc, out, err = run(capsys, "box-library", "Samples", "--like", str(folder / "linked" / "Snare.wav"))
    assert (rc, out) == (2, "") and "took" not in err, (out, err)
    monkeypatch.chdir(folder / "kit")                           # a path from here, and a library path: which?
    rc, out, err = run(capsys, "box-library", "Samples", "--fix", "Snare.wav", "hat")
    assert (rc, out) == (2, ""), (out, err)                    # was: "Snare.wav: hat", the top-level one
    assert "'Snare.wav' is two files of library Samples: Snare.wav, as a path inside the library, and " \
           "kit/Snare.wav, the file Snare.wav here" in err, err
    rc, out, err = run(capsys, "box-library", "Samples", "--fix", "Hat.wav", "hat")   # here, and no library path
    assert rc == 0 and out.startswith("kit/Hat.wav: hat") and "note: Hat.wav matched kit/Hat.wav (in" in err, (out, err)
    rc, out, err = run(capsys, "box-library", "Samples", "--like", "../Snare.wav")   # the library's Snare.wav
    assert rc == 0 and "note: ../Snare.wav matched Snare.wav (in" in err, err


def test_a_file_of_another_librarys_folder_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    samples, kit_a = _folder(tmp_path), _folder(tmp_path, "KitA", ["Hat.wav"])
    _pushed(tmp_path, monkeypatch, {samples: "aa", kit_a: "bb"})
    with pytest.raises(HatboxError) as caught:     # was: "took ...: the folder pushed as this library"
        library_file(str(kit_a / "Hat.wav"), _held(samples), {"name": "Samples", "sha256": "aa"})
    assert f"{kit_a / 'Hat.wav'} is in {kit_a.resolve()}, which was pushed as another library" in str(caught.value)
    got = library_file(str(samples / "kit" / "Hat.wav"), _held(samples), {"name": "Samples", "sha256": "aa"})
    assert got == "kit/Hat.wav"
    with pytest.raises(HatboxError, match="pushed as another library"):       # this library's push not remembered
        library_file(str(samples / "kit" / "Hat.wav"), _held(samples), {"name": "Samples", "sha256": "cc"})
    assert library_file(str(kit_a / "Hat.wav"), _held(samples), {"name": "Samples"}) is None   # no digest: innermost


def test_a_laptop_file_of_no_pushed_folder_must_match_in_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    samples = _folder(tmp_path)
    _pushed(tmp_path, monkeypatch, {})
    down = tmp_path / "Downloads"
    down.mkdir()
    (down / "808_Kick_Long.wav").write_bytes(_noise(99, 4800))               # another sound of that name
    with pytest.raises(HatboxError) as caught:                                # was: "note: took ..." by the name
        library_file(str(down / "808_Kick_Long.wav"), _held(samples), {"name": "Samples"})
    size = (samples / NAMES[0]).stat().st_size
    assert "is in no folder pushed from this laptop, and library Samples holds no file of its name and size: " \
           f"oneshots/808/808_Kick_Long.wav ({size} bytes)" in str(caught.value)
    shutil.copy(samples / NAMES[0], down / "808_Kick_Long.wav")                # the same file, copied out
    capsys.readouterr()
    assert library_file(str(down / "808_Kick_Long.wav"), _held(samples), {"name": "Samples"}) == NAMES[0]
    assert f"808_Kick_Long.wav matched {NAMES[0]} (the library's one file of its name and size, {size} bytes" \
           in capsys.readouterr().err
    (down / "Hat.wav").write_bytes((samples / "kit" / "Hat.wav").read_bytes())   # both Hat.wav are this size
    with pytest.raises(HatboxError, match="'.*Hat.wav' is 2 files of library Samples: kit/Hat.wav, oneshots/Hat.wav"):
        library_file(str(down / "Hat.wav"), _held(samples), {"name": "Samples"})


def test_a_refused_file_is_no_match_and_letter_case_is_a_last_resort(capsys: pytest.CaptureFixture[str],
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from hatbox import box_client, library_path
    record = {"id": "lib-s", "name": "Samples", "files": [{"path": n, "ok": n != "kit/Hat.wav", "bytes": 100}
                                                          for n in NAMES]}     # kit/Hat.wav refused at upload
    monkeypatch.setattr(library_path, "call", lambda client, method, route, **kw: record)
    args = argparse.Namespace(like="Hat.wav", play=None, fix=None)
    assert retaken(None, "lib-s", args, None, box_client.BoxRefused("no", status=404))     # was: "2 files"
    assert args.like == "oneshots/Hat.wav"
    args.like = "kit/Hat.wav"                                                       # the refused one itself
    assert not retaken(None, "lib-s", args, None, box_client.BoxRefused("no", status=404))   # the box's words stand
    capsys.readouterr()
    held: dict[str, int | None] = {n: 100 for n in NAMES}
    assert library_file("808_kick_long.WAV", held, {"name": "Samples"}) == NAMES[0]          # was: None
    assert capsys.readouterr().err == f"note: 808_kick_long.WAV matched {NAMES[0]} (the library's one file whose " \
                                      "path ends so, in its letter case)\n"
    with pytest.raises(HatboxError, match="'SNARE.WAV' is 2 files of library S: Snare.wav, kit/Snare.wav"):
        ending_as("SNARE.WAV", NAMES, "S")
    assert ending_as("hat.wav", ["kit/Hat.wav", "kit/hat.wav"]) == "kit/hat.wav"      # the exact one first
