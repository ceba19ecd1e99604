"""p46 QA "big": `hatbox push-library Samples` (21,042 files) packed a 1.9 GiB tar for 33 s with nothing on screen,
uploaded it, and only then the box said "the archive holds more than 20000 files", hint "split the library".  The
laptop knows the count before it packs: it refuses at once (exit 2, nothing packed or sent), naming the count, the
limit and how to split (the folders one at a time, and --fixes PARENT/.hatbox-tags.sqlite for the corrections);
the box's other limits the same way (its files' total size; a file over the per-file limit is left out); a zip
past them is refused before it is sent; `push-library --help` says them; packing says what it does."""
from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

import device.library.folder_tar as folder_tar
from device.library import archive_members
from device.library.archive_members import Limits
from hatbox import cmd_box_library, library_limits
from hatbox.cli import main
from tests.api.conftest import paired_server, spy_uploads  # noqa: F401 - the fixture


def _wav(path: Path, n: int = 2400) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(path, np.linspace(-0.5, 0.5, n, dtype=np.float32), 48000)


def _no_packing(monkeypatch: pytest.MonkeyPatch) -> None:
    def packed(*a, **k):
        raise AssertionError("the folder was packed")
    monkeypatch.setattr(folder_tar, "pack_directory", packed)


def test_a_folder_over_20000_files_is_refused_before_packing_with_how_to_split(tmp_path, paired_server,
                                                                               monkeypatch, capsys) -> None:
    lib = tmp_path / "Samples"
    assert Limits().max_files == 20_000        # the box's own limit, the QA's case (below at a tenth, p58 trim)
    # a box that says it takes 2,000 files (as it publishes its limits, p47): the QA's 20,000 at a tenth of the
    # files to make, the numbers still over a thousand (written with their commas)
    monkeypatch.setattr(paired_server.app.state.box.libraries, "limits", Limits(max_files=2_000))
    for folder, n in (("808 & 909", 1_200), ("Loops (2019)", 800)):
        (lib / folder).mkdir(parents=True)
        for i in range(n):
            (lib / folder / f"s{i}.wav").touch()
    (lib / "readme.txt").touch()                                # 2,001 files: one over
    (lib / ".hatbox-tags.sqlite").touch()                       # hidden: not packed, not counted
    _no_packing(monkeypatch)
    sent = spy_uploads(monkeypatch, cmd_box_library)
    assert main(["push-library", str(lib), "--no-fixes"]) == 2
    err = capsys.readouterr().err
    assert f"{lib} holds 2,001 files; the box takes at most 2,000 in one library; nothing was packed or sent" \
        in err, err
    assert "send its folders one push at a time, each with at most 2,000 files: hatbox push-library" in err, err
    assert "'" + str(lib / "808 & 909") + "' (1,200 files, 0 bytes); then '" + str(lib / "Loops (2019)") + \
        "' (800 files, 0 bytes)" in " ".join(err.split()), err
    assert "the 1 file at its top: move it into a folder of its own" in err, err
    assert "--fixes" not in err.split("hint:")[1]               # --no-fixes: no corrections to carry
    assert sent == [] and paired_server.app.state.box.libraries.list() == []


def test_the_split_hint_carries_the_parents_corrections(tmp_path, monkeypatch, capsys) -> None:
    """A part pushed alone looks for a database in the part only: the hint says --fixes PARENT's."""
    lib = tmp_path / "Samples"
    for i in range(4):
        (lib / "kit").mkdir(parents=True, exist_ok=True)
        (lib / "kit" / f"{i}.wav").touch()
    (lib / "big kit").mkdir()
    for i in range(9):
        (lib / "big kit" / f"{i}.wav").touch()
    monkeypatch.setattr(library_limits, "box_limits", lambda: Limits(max_files=8))
    fixes = lib / ".hatbox-tags.sqlite"
    with pytest.raises(Exception) as caught:
        library_limits.folder_fits(lib, fixes, {})
    hint = caught.value.hint
    assert "(9 files, 0 bytes: over the limit itself, send its own folders); then " in hint, hint
    assert "Samples/kit (4 files, 0 bytes)" in hint, hint
    assert hint.endswith(f"your corrections go with each: add --fixes {fixes}"), hint


def test_a_folder_over_the_total_size_is_refused_before_packing(tmp_path, paired_server, monkeypatch,
                                                                capsys) -> None:
    lib = tmp_path / "kit"
    for i in range(3):
        _wav(lib / f"{i}.wav", 24_000)
    monkeypatch.setattr(paired_server.app.state.box.libraries, "limits", Limits(max_total_bytes=100_000))   # p47
    _no_packing(monkeypatch)
    assert main(["push-library", str(lib), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "kit's files come to 141 KiB; the box takes at most 97.7 KiB in one library; nothing was packed" in err
    assert paired_server.app.state.box.libraries.list() == []


def test_a_file_over_the_per_file_limit_is_left_out_and_the_rest_goes(tmp_path, paired_server, monkeypatch,
                                                                      capsys) -> None:
    lib = tmp_path / "kit"
    _wav(lib / "small.wav", 2400)
    _wav(lib / "long" / "huge.wav", 48_000)
    monkeypatch.setattr(paired_server.app.state.box.libraries, "limits", Limits(max_file_bytes=50_000))   # p47
    assert main(["push-library", str(lib), "--quiet", "--no-fixes"]) == 0
    out = capsys.readouterr().out
    assert "skipped long/huge.wav: 93.8 KiB, over the box's limit of 48.8 KiB a file: not sent" in out, out
    [held] = paired_server.app.state.box.libraries.list()
    assert held["accepted"] == 1 and "rejected" not in out.split("accepted,")[0]


def test_a_zip_over_20000_members_is_refused_before_it_is_sent(tmp_path, paired_server, monkeypatch,
                                                               capsys) -> None:
    """(A box that says it takes 2,000 files, as in the folder's test: a tenth of the members to write.)"""
    monkeypatch.setattr(paired_server.app.state.box.libraries, "limits", Limits(max_files=2_000))
    big = tmp_path / "big.zip"
    with zipfile.ZipFile(big, "w") as zf:
        for i in range(2_001):
            zf.writestr(f"kit/{i}.wav", b"")
    sent = spy_uploads(monkeypatch, cmd_box_library)
    assert main(["push-library", str(big), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "big.zip: the archive holds more than 2000 files (the box's limits for one library); nothing was sent" \
        in err, err
    assert sent == [] and paired_server.app.state.box.libraries.list() == []


def test_help_says_the_limits_as_the_box_has_them(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["push-library", "--help"])
    said = " ".join(capsys.readouterr().out.split())
    assert f"at most {archive_members.MAX_FILES:,} files and " \
           f"{archive_members.bytes_words(archive_members.MAX_TOTAL_BYTES)} in one library, " \
           f"{archive_members.bytes_words(archive_members.MAX_FILE_BYTES)} a file" in said, said
    assert Limits().max_files == archive_members.MAX_FILES


def test_packing_is_said_as_it_goes_and_not_with_quiet(tmp_path, paired_server, monkeypatch, capsys) -> None:
    lib = tmp_path / "kit"
    for i in range(3):
        _wav(lib / f"{i}.wav")
    monkeypatch.setenv("HATBOX_PROGRESS", "plain")
    assert main(["push-library", str(lib), "--no-fixes"]) == 0
    err = capsys.readouterr().err
    assert "packing kit: 3 files (14.2 KiB) into a temporary archive ..." in err, err
    assert "packing kit: 100%, 14.2 KiB of 14.2 KiB" in err, err
    assert main(["push-library", str(lib), "--no-fixes", "--quiet", "--again"]) == 0
    assert "packing" not in capsys.readouterr().err
