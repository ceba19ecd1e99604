"""QA round 34 of `hatbox tag`: a sample drive's root-only lost+found, a named pipe called *.wav, the summary's
counts with a folder that cannot be opened or files deleted during the run, audio in formats hatbox does not read,
a reason that repeated its file's path, `--tag` of a tag no file carries, a read-only database for `library fix`.

The tests run as root (CI does too), where chmod bites nobody: the failing OS calls are faked instead."""
from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import struct
import threading
from pathlib import Path

import pytest
import soundfile as sf

from device import library
from device.library.tag import Decoding
from hatbox.cli import main
from tests.tagger.conftest import thump

RATE = 44100


def _lib(tmp_path: Path, *names: str) -> Path:
    """A library folder under ``tmp_path`` holding a 0.5 s :func:`thump` WAV at each of ``names`` (relative)."""
    root = tmp_path / "lib"
    for i, name in enumerate(names):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        sf.write(root / name, thump(RATE, seed=i), RATE)
    return root


def _deny(monkeypatch: pytest.MonkeyPatch, folder: Path, *, look: bool = True, listing: bool = True) -> None:
    """Make ``folder`` what a normal user meets in a folder not theirs (EACCES): with ``look`` nothing inside it can
    be looked at (Path.stat of its names), with ``listing`` it cannot be listed (os.scandir): both for mode 700 of
    another user (a drive's lost+found), ``look`` alone for mode 644, ``listing`` alone for mode 311."""
    real_stat, real_scandir = Path.stat, os.scandir

    def fake_stat(self: Path, *, follow_symlinks: bool = True) -> os.stat_result:
        if look and self.parent == folder:
            raise PermissionError(13, "Permission denied", str(self))
        return real_stat(self, follow_symlinks=follow_symlinks)

    def fake_scandir(path: object = ".") -> object:
        if listing and Path(os.fspath(path)) == folder:
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(Path, "stat", fake_stat)
    monkeypatch.setattr(os, "scandir", fake_scandir)


@pytest.mark.parametrize("listing", [True, False], ids=["mode-700-of-another-user", "mode-644"])
def test_a_root_only_lost_and_found_is_named_not_an_internal_error(tmp_path, small_pack, monkeypatch, capsys,
                                                                    listing):
    """Before: "internal error: PermissionError: [Errno 13] Permission denied: 'drive/lost+found/.hatbox-links'"
    (scan.py asked whether the folder held a --links list, which EACCES answers with an exception)."""
    lib = _lib(tmp_path, "Kits/808/kick.wav", "lost+found/x.wav", "private/y.wav")
    _deny(monkeypatch, lib / "lost+found", listing=listing)
    _deny(monkeypatch, lib / "private", listing=listing)
    db = tmp_path / "drive.sqlite"
    assert main(["tag", str(lib), "--pack", str(small_pack), "--out", str(db)]) == 0
    captured = capsys.readouterr()
    assert "internal error" not in captured.err
    assert "1 file: " in captured.out and "1 folder could not be opened" in captured.out
    assert "  failed private/: cannot open the folder (Permission denied)" in captured.out
    assert "lost+found" not in captured.out                  # fsck's folder, root's on every drive: skipped quietly


def test_the_summary_adds_up_and_failed_names_a_folder_that_could_not_be_opened(tmp_path, small_pack, monkeypatch,
                                                                                capsys):
    """Before: "1 file: 1 tagged, 0 unchanged, 1 failed" (the folder counted as a failed file), and `library query
    --failed` then said "every audio file of the library is tagged"."""
    lib = _lib(tmp_path, "kit/a.wav", "private/b.wav")
    _deny(monkeypatch, lib / "private", look=False)          # mode 311: it can be entered, not listed
    db = tmp_path / "perm.sqlite"
    assert main(["tag", str(lib), "--pack", str(small_pack), "--out", str(db)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("1 file: 1 tagged, 0 unchanged, 0 failed, 0 removed from the database; 1 folder could "
                          "not be opened (below); "), out
    assert main(["library", "query", str(db), "--failed"]) == 0
    got = capsys.readouterr()
    out = got.out
    assert "every audio file of the library is tagged" not in got.out + got.err      # said on stderr when piped
    assert "not opened (1 folder the last hatbox tag could not open" in out and f"{lib / 'private'}/\t" in out
    monkeypatch.undo()
    assert main(["tag", str(lib), "--pack", str(small_pack), "--out", str(db)]) == 0     # opened again: forgotten
    capsys.readouterr()
    assert library.failures(db, "folder") == []


def test_a_named_pipe_called_wav_fails_with_a_reason_instead_of_hanging(tmp_path, small_pack):
    """Before: `hatbox tag` waited forever on it (its content hash opened the pipe for reading)."""
    lib = _lib(tmp_path, "a.wav")
    fifo = lib / "b.wav"
    os.mkfifo(fifo)
    done: dict = {}
    run = threading.Thread(target=lambda: done.update(rep=library.tag_library(
        lib, small_pack, tmp_path / "fifo.sqlite", decoding=Decoding(checked=True))), daemon=True)
    run.start()
    run.join(60)
    if run.is_alive():                      # the old code: let it go (a writer that closes at once), then fail
        with open(os.open(fifo, os.O_WRONLY), "wb"):
            pass
        run.join(60)
        pytest.fail("hatbox tag waited on a named pipe")
    rep = done["rep"]
    assert rep.tagged == 1 and rep.failed == [("b.wav", "not a regular file (a named pipe): nothing to read")]
    assert library.failures(tmp_path / "fifo.sqlite", "error")[0][0].name == "b.wav"      # listed by --failed


def test_what_is_no_regular_file_is_named_plainly():
    from device.library.scan import not_regular
    assert not_regular(stat.S_IFREG | 0o644) == ""
    assert [not_regular(kind | 0o644) for kind in (stat.S_IFIFO, stat.S_IFSOCK, stat.S_IFCHR, stat.S_IFBLK)] == \
        ["a named pipe", "a socket", "a device", "a device"]


def test_files_deleted_during_the_run_left_the_library_and_did_not_fail(tmp_path, small_pack, monkeypatch, capsys):
    """Before: "3 files: 1 tagged, 0 unchanged, 2 failed", each "cannot stat: No such file or directory", and the
    hint `library query DB --failed` listed none of them."""
    lib = _lib(tmp_path, "early/a.wav", "late/b.wav", "late/c.wav")
    real = library.tag_library

    def deleting(*args, progress=None, **kw):          # the producer deletes a folder while the run goes on
        def prog(done: int, total: int) -> None:
            if done == 1:
                shutil.rmtree(lib / "late")
            progress(done, total)
        return real(*args, progress=prog, **kw)

    monkeypatch.setattr(library, "tag_library", deleting)
    assert main(["tag", str(lib), "--pack", str(small_pack), "--out", str(tmp_path / "dd.sqlite")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("3 files: 1 tagged, 0 unchanged, 0 failed, 2 left the library during the run, "
                          "0 removed from the database; "), out
    assert "cannot stat" not in out and "failed late" not in out
    assert "note: the 2 files that left the library during the run were deleted or moved away while it was " \
           "tagged, e.g. late/b.wav" in out


def test_audio_in_formats_hatbox_does_not_read_is_named_with_what_to_do(tmp_path, small_pack, capsys):
    """Before: .m4a, .opus, .wv and .rf64 files were left out without a word."""
    lib = _lib(tmp_path, "kick.wav")
    for name in ("apple_loop.m4a", "voice.opus", "grooves/beat.mid"):        # a drum kit's MIDI grooves: no audio
        (lib / name).parent.mkdir(exist_ok=True)
        (lib / name).write_bytes((lib / "kick.wav").read_bytes())
    assert main(["tag", str(lib), "--pack", str(small_pack), "--out", str(tmp_path / "o.sqlite")]) == 0
    out = capsys.readouterr().out
    assert "note: 2 audio files in a format hatbox does not read (.m4a .opus) were left out, e.g. apple_loop.m4a: " \
           "convert them to WAV or FLAC (hatbox reads .wav" in out, out
    assert out.startswith("1 file: 1 tagged")


def _unfinished_recording(path: Path) -> None:
    """A WAV whose RIFF and data sizes are 0 (a recorder that never finished) with 0.5 s of 16-bit audio after."""
    pcm = (thump(RATE) * 32767).astype("<i2").tobytes()
    fmt = struct.pack("<HHIIHH", 1, 1, RATE, RATE * 2, 2, 16)
    path.write_bytes(b"RIFF" + struct.pack("<I", 0) + b"WAVEfmt " + struct.pack("<I", 16) + fmt + b"data"
                     + struct.pack("<I", 0) + pcm)


def test_a_reason_does_not_repeat_the_file_path(tmp_path, small_pack):
    """Before: "failed riff0_data0.wav: rec/riff0_data0.wav: its header says it holds no audio, but ..."."""
    lib = _lib(tmp_path, "rec/ok.wav")
    _unfinished_recording(lib / "rec" / "riff0_data0.wav")
    rep = library.tag_library(lib, small_pack, tmp_path / "r.sqlite", decoding=Decoding(checked=True))
    why = dict(rep.failed)["rec/riff0_data0.wav"]
    assert why.startswith("its header says it holds no audio, but ") and str(lib) not in why, why


def test_a_tag_no_file_carries_says_so(tmp_path, small_pack, capsys):
    """Before: `library query DB --tag kick` printed nothing, exit 0."""
    lib = _lib(tmp_path, "a.wav")
    db = tmp_path / "t.sqlite"
    library.tag_library(lib, small_pack, db)
    library.set_tags(db, "a.wav", ["shaker"])             # the producer's tag replaces the tagger's
    capsys.readouterr()
    assert main(["library", "query", str(db), "--tag", "kick"]) == 0
    assert capsys.readouterr().err.strip() == "no file carries 'kick' (the library's tags: shaker)"


def test_a_read_only_database_makes_fix_say_so_not_an_internal_error(tmp_path, small_pack, monkeypatch, capsys):
    """Before: "internal error: OperationalError: attempt to write a readonly database" (a database file of mode
    444; root writes it anyway, so it is opened read-only here)."""
    lib = _lib(tmp_path, "a.wav")
    db = tmp_path / "ro.sqlite"
    library.tag_library(lib, small_pack, db)
    real = sqlite3.connect
    monkeypatch.setattr(sqlite3, "connect", lambda path, **kw: real(f"file:{path}?mode=ro", uri=True, **kw))
    capsys.readouterr()
    assert main(["library", "fix", str(db), "a.wav", "snare"]) == 2
    err = capsys.readouterr().err
    assert "internal error" not in err and "the database file is read-only; nothing was changed" in err, err
    assert "chmod u+w" in err
    monkeypatch.undo()
    assert library.corrected_tags(db, "a.wav") == []
