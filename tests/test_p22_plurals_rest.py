"""Counts in messages say "1 file" / "2 files" (hatbox.text.count_words), never "file(s)": the box's library
upload, push-library, the library's link folders and the synth's note checks, each with one and with two."""
from __future__ import annotations

import io
import tarfile
import zipfile
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from device.api.libraries import Libraries
from device.library import db as libdb
from device.library.archive import ArchiveError
from device.library.folder_tar import pack_directory
from device.library.links import write_links
from hatbox.cmd_box_library import _print_library
from hatbox.library_archive import check_has_audio as _check_has_audio
from hatbox.errors import DataError, HatboxError
from trainer.synth.data import (Note, check_instrument_names, check_name_pitches, check_note_lengths,
                                duplicate_notes, load_folder)

RATE = 24000


def _wav(path: Path, seconds: float = 0.5) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(path, 0.1 * np.ones(int(RATE * seconds), np.float32), RATE)
    return path


# ------------------------------------------------------------------- laptop side: push-library
@pytest.mark.parametrize(("n", "said"), [(1, "1 link to a file already in the folder or to a folder in it "
                                              "(sent once, under its own path)"),
                                         (2, "2 links to files already in the folder or to folders in it "
                                              "(sent once, under their own path)")])
def test_links_inside_the_folder_are_counted_in_words(tmp_path: Path, n: int, said: str) -> None:
    lib = tmp_path / "lib"
    _wav(lib / "kick.wav")
    for i in range(n):
        (lib / f"again{i}.wav").symlink_to(lib / "kick.wav")
    skipped: list[tuple[str, str]] = []
    pack_directory(lib, tmp_path / "lib.tar", skipped)
    assert dict(skipped)[""] == said


@pytest.mark.parametrize(("n", "said"), [(1, "(only 1 other file)"), (2, "(only 2 other files)")])
def test_a_folder_of_no_audio_says_how_many_other_files(tmp_path: Path, n: int, said: str) -> None:
    src = tmp_path / "docs"
    src.mkdir()
    for i in range(n):
        (src / f"read{i}.txt").write_text("notes")
    archive = tmp_path / "docs.tar"
    with tarfile.open(archive, "w") as tf:
        tf.add(src, arcname="")
    with pytest.raises(HatboxError) as err:
        _check_has_audio(src, archive)
    assert f"holds no audio file {said}; nothing was sent" in err.value.args[0]


@pytest.mark.parametrize(("n", "said"), [(1, "skipped 1 hidden or operating-system file (__MACOSX"),
                                         (4, "skipped 4 hidden or operating-system files (__MACOSX")])
def test_the_upload_report_counts_skipped_files_in_words(capsys, n: int, said: str) -> None:
    _print_library(None, {"id": "lib-kit-abc123", "accepted": 1, "rejected": 0, "skipped": n, "files": [],
                    "state": "tagging"})
    assert said in capsys.readouterr().out


# ------------------------------------------------------------------- the box: an upload of hidden files only
@pytest.mark.parametrize(("members", "said"), [(("Kit/.DS_Store",), "(1 hidden or operating-system file skipped)"),
                                               (("Kit/.DS_Store", "__MACOSX/._Kit"),
                                                "(2 hidden or operating-system files skipped)")])
def test_the_box_counts_the_hidden_files_of_a_refused_upload_in_words(tmp_path: Path, members: tuple[str, ...],
                                                                      said: str) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name in members:
            zf.writestr(name, b"\x00\x05\x16\x07")
    archive = tmp_path / "up.zip"
    archive.write_bytes(buf.getvalue())
    with pytest.raises(ArchiveError) as err:
        Libraries(tmp_path / "libraries").ingest(archive, "kit", None, None)
    assert err.value.args[0] == f"no audio file in the archive was accepted {said}"


# ------------------------------------------------------------------- the library's link folders
@pytest.mark.parametrize(("tags", "said"), [(["a/b"], "cannot make a link folder for the tag 'a/b': not a folder name"),
                                            (["a/b", "c,d"], "cannot make link folders for the tags 'a/b', 'c,d': "
                                                             "not folder names")])
def test_tags_that_cannot_be_folders_are_named_in_the_singular_or_plural(tmp_path: Path, tags: list[str],
                                                                          said: str) -> None:
    con = libdb.connect(tmp_path / "lib.db")
    with con:
        con.execute("INSERT INTO files (path, size, mtime_ns, status) VALUES ('k.wav', 1, 1, 'ok')")
        con.executemany("INSERT INTO user_tags (path, tag) VALUES ('k.wav', ?)", [(t,) for t in tags])
    with pytest.raises(HatboxError) as err:
        write_links(con, tmp_path, tmp_path / "links")
    con.close()
    assert err.value.args[0] == said and not (tmp_path / "links").exists()


# ------------------------------------------------------------------- the synth's note checks
@pytest.mark.parametrize(("names", "said"), [(["Sax, alto"], "instrument folder name 'Sax, alto' cannot be chosen"),
                                             (["Sax, alto", " pad"], "instrument folder names 'Sax, alto', ' pad' "
                                                                     "cannot be chosen")])
def test_instrument_names_play_cannot_choose_are_counted_right(names: list[str], said: str) -> None:
    with pytest.raises(DataError) as err:
        check_instrument_names(names)
    assert err.value.args[0].startswith(said)
    assert f"rename the folder{'s' if len(names) > 1 else ''} without commas" in err.value.hint


@pytest.mark.parametrize(("n", "said"), [(1, "1 note file is shorter than"), (2, "2 note files are shorter than")])
def test_short_note_files_are_counted_in_words(tmp_path: Path, n: int, said: str) -> None:
    files = [_wav(tmp_path / "soft" / f"{60 + i}.wav", seconds=0.05) for i in range(n)]
    with pytest.raises(DataError) as err:
        check_note_lengths(files + [_wav(tmp_path / "soft" / "70.wav")], 2.0)
    assert err.value.args[0].startswith(said)


@pytest.mark.parametrize(("n", "said"), [(1, "1 note file is named with a pitch its audio does not have: "),
                                         (2, "2 note files are named with a pitch their audio does not have: ")])
def test_misnamed_notes_are_counted_in_words(n: int, said: str) -> None:
    notes = [Note("soft", 60 + i, 100, np.zeros(4, np.float32), f"soft/{60 + i}.wav", measured=65.0 + i)
             for i in range(n)]
    with pytest.raises(DataError) as err:
        check_name_pitches(notes)
    assert err.value.args[0].startswith(said)


@pytest.mark.parametrize(("n", "said"), [(1, "1 note file holds the same audio as another: "),
                                         (2, "2 note files hold the same audio as another: ")])
def test_copied_notes_are_counted_in_words(n: int, said: str) -> None:
    audio = np.ones(8, np.float32)
    notes = [Note("soft", 60, 100, audio, f"soft/60 copy{i}.wav") for i in range(n + 1)]
    warning = duplicate_notes(notes)
    assert warning is not None and warning.startswith(said)


@pytest.mark.parametrize(("n", "said"), [(1, "1 file is audio of a kind hatbox cannot read: "),
                                         (2, "2 files are audio of a kind hatbox cannot read: ")])
def test_unreadable_audio_is_counted_in_words(tmp_path: Path, n: int, said: str) -> None:
    for i in range(n):
        (tmp_path / "notes" / "sax").mkdir(parents=True, exist_ok=True)
        (tmp_path / "notes" / "sax" / f"C{4 + i}.m4a").write_bytes(b"\x00\x00\x00\x18ftypM4A ")
    with pytest.raises(DataError) as err:
        load_folder(tmp_path / "notes", RATE, 0.5)
    assert err.value.args[0].startswith(said)
    assert err.value.hint.startswith(f"convert {'it' if n == 1 else 'them'} to WAV or FLAC")      # hint in number too
