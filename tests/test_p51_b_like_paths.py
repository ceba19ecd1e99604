"""p51 QA B3: `hatbox box-library Samples --like /path/to/Samples/oneshots/808/808_Kick_Long.wav` (tab-completed in
one's own folder) was refused, "... is not a path inside the library", and a bare `808_Kick_Long.wav` "is not a
file of library".  A PATH the box does not take is now read as the file it means: a laptop file in the folder
pushed as the library (pushed.json), else the one file of the library whose path ends as it does, with a note; a
name several files have is refused, naming them.  --play and --fix read PATH the same way."""
from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile as sf

from hatbox.cli import main
from hatbox.errors import HatboxError
from hatbox.library_path import ending_as, pushed_path
from tests.api.conftest import paired_server  # noqa: F401 - the fixture
from tests.api.packs import tagger_pack
from tests.cli_run import run

NAMES = ["oneshots/808/808_Kick_Long.wav", "oneshots/808/808_Kick_Short.wav", "Snare.wav", "kit/Snare.wav",
         "kit/Hat.wav", "oneshots/Hat.wav"]


def _noise(seed: int) -> bytes:
    buf = io.BytesIO()
    sf.write(buf, (0.3 * np.random.default_rng(seed).standard_normal(9600)).astype(np.float32), 48000, format="WAV")
    return buf.getvalue()


def _folder(root: Path) -> Path:
    """A folder "Samples" of :data:`NAMES`, its files' times set back (a file modified within 2 s of a push is not
    remembered in pushed.json: hatbox.library_memory.RACY_S)."""
    folder = root / "Samples"
    for i, name in enumerate(NAMES):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(_noise(i))
        os.utime(folder / name, (1e9, 1e9))
    return folder


def test_like_play_and_fix_take_a_laptop_path_or_a_bare_name(paired_server: Any, tmp_path: Path,  # noqa: F811
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["push", str(tagger_pack(tmp_path / "t.hatpack", clip=64)), "--activate", "--quiet"]) == 0
    folder = _folder(tmp_path)
    assert main(["push-library", str(folder), "--wait", "--quiet"]) == 0
    assert str(folder.resolve()) in json.loads((tmp_path / "cfg" / "pushed.json").read_text())
    rc, want, _ = run(capsys, "box-library", "Samples", "--like", NAMES[0])
    assert rc == 0 and len(want.splitlines()) == len(NAMES) - 1
    rc, out, err = run(capsys, "box-library", "Samples", "--like", str(folder / NAMES[0]))
    assert (rc, out) == (0, want), err                     # was: "'...' is not a path inside the library"
    assert f"note: {folder / NAMES[0]} matched {NAMES[0]} (in {folder.resolve()}, the folder pushed as this " \
           "library)" in err
    rc, out, err = run(capsys, "box-library", "Samples", "--like", "808_Kick_Long.wav")
    assert (rc, out) == (0, want) and f"note: 808_Kick_Long.wav matched {NAMES[0]} (the library's one file whose " \
                                      "path ends so)\n" in err       # was: "is not a file of library"
    rc, out, err = run(capsys, "box-library", "Samples", "--play", "808_Kick_Short.wav")
    assert rc == 0 and out == f"playing {NAMES[1]} on the box\n", err
    assert paired_server.control.sent[-1]["path"].endswith(NAMES[1])
    rc, out, err = run(capsys, "box-library", "Samples", "--fix", "808_Kick_Short.wav", "hat")
    assert rc == 0 and out.startswith(f"{NAMES[1]}: hat"), (out, err)
    assert f"note: 808_Kick_Short.wav matched {NAMES[1]}" in err, err
    rc, out, err = run(capsys, "box-library", "Samples", "--fix", "Hat.wav", "hat")        # two Hat.wav: neither
    assert rc == 2 and "'Hat.wav' is 2 files of library Samples: kit/Hat.wav, oneshots/Hat.wav" in err, err
    rc, out, err = run(capsys, "box-library", "Samples", "--like", str(folder / "kit" / "Snare.wav"), "--json")
    assert rc == 0 and " matched kit/Snare.wav (in" in err       # the push's record, not "Snare.wav" too
    assert "kit/Snare.wav" not in {row["path"] for row in json.loads(out)}
    rc, out, err = run(capsys, "box-library", "Samples", "--play", "Snare.wav")      # a library path as it is
    assert rc == 0 and out == "playing Snare.wav on the box\n" and "took" not in err
    rc, out, err = run(capsys, "box-library", "Samples", "--like", "kit/Nothing.wav")
    assert rc == 2 and "kit/Nothing.wav is not a file of library" in err          # the box's answer, as before


def test_a_name_several_files_end_in_is_refused_naming_them() -> None:
    with pytest.raises(HatboxError) as caught:
        ending_as("snare.wav".replace("s", "S"), NAMES, "Samples")
    assert caught.value.args[0] == "'Snare.wav' is 2 files of library Samples: Snare.wav, kit/Snare.wav"
    assert ending_as("808/808_Kick_Long.wav", NAMES) == NAMES[0]            # the end of a library path
    assert ending_as("/home/me/Samples/oneshots/808/808_Kick_Long.wav", NAMES) == NAMES[0]   # a laptop path
    assert ending_as("other/Hat.wav", NAMES) is None and ending_as("Kick.wav", NAMES) is None   # whole names only
    assert ending_as("/home/me/Samples/Snare.wav", NAMES) == "Snare.wav"      # kit/Snare.wav is no end of it
    with pytest.raises(HatboxError):
        ending_as("/home/me/Samples/kit/Snare.wav", NAMES)                   # both are its ends


def test_the_push_record_says_which_folder_is_the_library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HATBOX_CONFIG", str(tmp_path / "cfg" / "remote.json"))
    folder = _folder(tmp_path)
    (tmp_path / "cfg").mkdir()
    assert pushed_path(folder / "kit" / "Snare.wav", NAMES, "") is None           # nothing pushed: not known
    (tmp_path / "cfg" / "pushed.json").write_text(json.dumps({str(folder.resolve()): {"sha256": "aa"},
                                                              str((folder / "kit").resolve()): {"sha256": "bb"}}))
    assert pushed_path(folder / "kit" / "Snare.wav", NAMES, "aa") == ("kit/Snare.wav", str(folder.resolve()))
    assert pushed_path(folder / "kit" / "Snare.wav", NAMES, "bb") == ("Snare.wav", str((folder / "kit").resolve()))
    assert pushed_path(folder / "kit" / "Snare.wav", NAMES, "") == ("Snare.wav", str((folder / "kit").resolve()))
    assert pushed_path(folder / "kit" / "Gone.wav", NAMES, "aa") is None          # no file here
