"""The tagger's command-line paths at their edges (p22): a semicolon-separated training CSV (a European Excel's)
reads like the comma one, with a note; an undecodable file's message names it once, with libsndfile's reason;
Ctrl-C during `hatbox tag` says in one line how many files were saved (exit 130, the bar cleared, the same
command goes on); --threads below 1 is a usage error; tag folders that differ only in surrounding spaces are
merged with a warning naming them; a second `hatbox tag` on a database in use is refused at once, touching
nothing."""
from __future__ import annotations

import fcntl
import os
import sqlite3
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from device.audio import audiofile
from device.library import tag as tag_module
from device.library.db import lock_path
from hatbox.cli import main
from hatbox.errors import AudioFileError
from trainer.csvtext import separator
from trainer.tagger.data import load_items

from .conftest import hiss, thump


@pytest.fixture
def pack(small_pack) -> Path:
    """The conftest's small untrained tagger pack (needs torch to be made)."""
    pytest.importorskip("torch")
    return small_pack


def _tag(library: Path, pack: Path, db: Path, *more: str) -> int:
    return main(["tag", str(library), "--pack", str(pack), "--out", str(db), *more])


def _saved(db: Path) -> int:
    """How many files the database holds as tagged."""
    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT COUNT(*) FROM files WHERE status = 'ok'").fetchone()[0]
    finally:
        con.close()


# ------------------------------------------------------------------------------------------ 1. semicolons
def _samples(folder: Path) -> list[str]:
    """Write two kicks and two hats under ``folder``; their names relative to it."""
    names = []
    for i, (name, make) in enumerate((("k0", thump), ("k1", thump), ("h0", hiss), ("h1", hiss))):
        sf.write(folder / f"{name}.wav", make(16000, seed=i), 16000)
        names.append(f"{name}.wav")
    return names


@pytest.mark.parametrize("header", ["", "path;tag\n", "file;label\n", "# my drums, v2\n\npath;tag\n",
                                    "\ufeffpath;tag\r\n"])
def test_a_semicolon_csv_reads_like_the_comma_one(tmp_path, header):
    names = _samples(tmp_path)
    tags = ["kick;808", "kick", "hat", "hat;open"]
    (tmp_path / "comma.csv").write_text("".join(f"{n},{t.replace(';', ',')}\n" for n, t in zip(names, tags)))
    (tmp_path / "semi.csv").write_text(header + "".join(f"{n};{t}\r\n" for n, t in zip(names, tags)),
                                       encoding="utf-8")
    comma_notes, semi_notes = [], []
    assert load_items(tmp_path / "semi.csv", semi_notes) == load_items(tmp_path / "comma.csv", comma_notes)
    assert [n for n in semi_notes if "semicolons" in n] == [
        f"note: {tmp_path / 'semi.csv'} is separated by semicolons (as Excel writes it where the decimal mark is "
        "a comma): read it so"]
    assert not any("semicolons" in n for n in comma_notes)


def test_the_shared_rule_judges_a_headerless_csv_by_its_first_row():
    assert separator("a.wav;kick\n", None) == ";" and separator("a.wav,kick\n", None) == ","
    assert separator("kick;1.wav,kick\n", None) == ","                     # a comma: the comma form
    assert separator("a.wav;\n", None) == ","                              # one cell: nothing to judge by
    assert separator("a.wav;kick\n") == ","                                # the effect CSV's header rule is kept
    assert separator("input;output;drive\n") == ";"


# ------------------------------------------------------------------------------------------ 2. undecodable audio
def test_an_undecodable_file_is_named_once_with_its_reason(tmp_path):
    bad = tmp_path / "junk.wav"
    bad.write_bytes(b"this is no audio at all" * 4)
    for call, words in ((audiofile.info, "cannot read"), (audiofile.read, "cannot decode")):
        with pytest.raises(AudioFileError) as info:
            call(bad)
        assert str(info.value) == f"{words} {bad}: format not recognised"


def test_hatbox_tag_names_a_broken_file_once(library_dir, pack, tmp_path, capsys):
    assert _tag(library_dir, pack, tmp_path / "lib.db") == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if "broken.wav" in x)
    assert line.count("broken.wav") == 1 and line.startswith("  failed hats/broken.wav: ")  # was twice
    assert "Error opening" not in line and line.endswith(": WAV file has no data chunk")   # the box's upload words


# ------------------------------------------------------------------------------------------ 3. Ctrl-C
def _ctrl_c_after(monkeypatch, files: int) -> None:
    """Ctrl-C arrives while `hatbox tag` works on the file after the first ``files``."""
    real, calls = tag_module._one, [0]

    def one(*args, **kwargs):
        calls[0] += 1
        if calls[0] > files:
            raise KeyboardInterrupt
        return real(*args, **kwargs)
    monkeypatch.setattr(tag_module, "_one", one)


def test_ctrl_c_says_how_many_files_were_saved_and_the_same_command_goes_on(library_dir, pack, tmp_path, capsys,
                                                                           monkeypatch):
    from tqdm import tqdm
    db = tmp_path / "lib.db"
    monkeypatch.setenv("HATBOX_PROGRESS", "bar")        # the live bar, cleared (hatbox.progress; a log gets lines)
    _ctrl_c_after(monkeypatch, 4)
    assert _tag(library_dir, pack, db) == 130
    captured = capsys.readouterr()
    saved = _saved(db)
    assert 0 < saved <= 4
    line = (f"hatbox: tagging stopped (Ctrl-C): {saved} files tagged and saved in {db}; run the same command "
            "again to continue where it stopped")
    assert captured.err.endswith(line + "\n") and captured.err.count("\n") == 1     # one line, the bar cleared
    assert captured.err.split("\r")[-1] == line + "\n" and "Traceback" not in captured.err
    assert not list(getattr(tqdm, "_instances", ())) and captured.out == ""
    monkeypatch.undo()
    assert _tag(library_dir, pack, db) == 0                                      # the lock went with the run
    assert f"{saved} unchanged" in capsys.readouterr().out and _saved(db) == 5           # all but broken.wav


def test_ctrl_c_before_any_file_is_saved_says_so(library_dir, pack, tmp_path, capsys, monkeypatch):
    _ctrl_c_after(monkeypatch, 0)
    assert _tag(library_dir, pack, tmp_path / "lib.db") == 130
    assert "hatbox: tagging stopped (Ctrl-C): 0 files tagged and saved in " in capsys.readouterr().err


# ------------------------------------------------------------------------------------------ 4. --threads
@pytest.mark.parametrize("value", ["0", "-1"])
def test_threads_below_one_is_a_usage_error(tmp_path, capsys, value):
    for argv in (["tag", str(tmp_path), "--pack", str(tmp_path / "p.hatpack")],
                 ["train", "tagger", str(tmp_path), "--out", str(tmp_path / "t.hatpack")]):
        with pytest.raises(SystemExit) as exit_:
            main([*argv, f"--threads={value}"])
        err = capsys.readouterr().err
        assert exit_.value.code == 2 and "usage: hatbox" in err
        assert f"argument --threads: {value} is out of range: give 1 or more" in err
    assert os.listdir(tmp_path) == []


# ------------------------------------------------------------------------------------------ 5. tag folders
def test_tag_folders_that_differ_only_in_surrounding_spaces_merge_with_a_warning(tmp_path):
    for folder, make in (("kick", thump), ("kick ", thump), (" kick", thump), ("hat", hiss)):
        (tmp_path / folder).mkdir()
        sf.write(tmp_path / folder / "a.wav", make(16000), 16000)
    notes: list[str] = []
    items = load_items(tmp_path, notes)
    assert sorted(it.tags for it in items) == [("hat",)] + [("kick",)] * 3
    assert notes == [f"warning: tag folders ' kick', 'kick' and 'kick ' in {tmp_path} differ only in the spaces "
                     "around their names: their files are merged into one tag, 'kick'"]


def test_tag_folders_with_distinct_names_bring_no_warning(tmp_path):
    for i, folder in enumerate(("kick", "kick2", "hat")):      # three sounds: copies would be one sample
        (tmp_path / folder).mkdir()
        sf.write(tmp_path / folder / "a.wav", np.full(800, 0.1 + 0.01 * i, np.float32), 16000)
    notes: list[str] = []
    load_items(tmp_path, notes)
    assert notes == []


# ------------------------------------------------------------------------------------------ 6. one run per database
def _hold_lock(db: Path) -> int:
    """Lock ``db`` as a running `hatbox tag` does (its pid in the file); the fd to close to let go."""
    fd = os.open(lock_path(db), os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    os.write(fd, f"{os.getpid()}\n".encode())
    return fd


def test_a_second_hatbox_tag_on_a_database_in_use_is_refused_touching_nothing(library_dir, pack, tmp_path, capsys):
    db = tmp_path / "lib.db"
    fd = _hold_lock(db)
    try:
        assert _tag(library_dir, pack, db, "--links", str(tmp_path / "links")) == 2
    finally:
        os.close(fd)
    captured = capsys.readouterr()
    assert captured.err == (f"hatbox: error: {db} is being tagged by another hatbox tag (pid {os.getpid()}); wait "
                            "for it or use another --out\n")
    assert captured.out == "" and sorted(os.listdir(tmp_path)) == ["lib", "lib.db.lock"]
    assert _tag(library_dir, pack, db) == 0 and _saved(db) == 5          # the lock went with its holder
    assert _tag(library_dir, pack, db) == 0                              # the file left behind is no stale lock


def test_the_lock_is_held_while_tagging_and_released_after(library_dir, pack, tmp_path, monkeypatch):
    db, seen = tmp_path / "lib.db", []
    real = tag_module._one

    def one(*args, **kwargs):
        if not seen:
            fd = os.open(lock_path(db), os.O_RDWR)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                seen.append("free")
            except BlockingIOError:
                seen.append("held")
            finally:
                os.close(fd)
            seen.append(lock_path(db).read_text().strip())
        return real(*args, **kwargs)
    monkeypatch.setattr(tag_module, "_one", one)
    assert _tag(library_dir, pack, db) == 0
    assert seen == ["held", str(os.getpid())]
    fd = _hold_lock(db)                                                   # free again once the run ended
    os.close(fd)
