"""File names that are not valid UTF-8 (a Latin-1 "caf\\xe9.wav" from an old sample CD) are tagged, listed,
corrected and linked like any other: the database keeps the name's exact bytes.  A run that stops on an
error keeps what it decoded before; an internal error exits non-zero; ``library fix --clear`` on a file with
none of the producer's tags says so."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from device import library
from device.library import tag as tag_module
from device.library.runner import PackTagger
from hatbox.cli import main

LATIN1 = os.fsdecode(b"caf\xe9.wav")            # what os.listdir gives for the bytes c a f 0xE9 . w a v
SHOWN = "caf\\xe9.wav"                           # how hatbox prints it


def _latin1_copy(folder: Path, source: Path, name: str = LATIN1) -> Path:
    """Copy ``source`` into ``folder`` under a name that is not valid UTF-8 (skip where the file system
    refuses such names, as some macOS ones do)."""
    target = folder / name
    try:
        shutil.copyfile(source, target)
    except (OSError, UnicodeEncodeError) as exc:
        pytest.skip(f"this file system refuses non-UTF-8 names: {exc}")
    return target


def test_a_latin1_name_is_tagged_listed_corrected_linked_and_removed(library_dir, small_pack, tmp_path):
    db, links = tmp_path / "lib.db", tmp_path / "links"
    cafe = _latin1_copy(library_dir / "kicks", library_dir / "kicks" / "k1.wav")
    rep = library.tag_library(library_dir, small_pack, db, links_dir=links)
    assert [f for f, _ in rep.failed] == ["hats/broken.wav"] and rep.tagged == 6 and not rep.links_error
    assert library.file_status(db, cafe) == ("ok", "")
    assert library.tags_of(db, cafe) == library.tags_of(db, library_dir / "kicks" / "k1.wav")    # same audio
    listed = [u.path for u in library.unsure(db, k=50)]                        # every file the tagger tagged
    assert len(listed) == 6 and library_dir.resolve() / "kicks" / LATIN1 in listed

    again = library.tag_library(library_dir, small_pack, db)                  # known by its exact name
    assert again.unchanged == 6 and again.tagged == 0 and again.removed == 0

    assert library.set_tags(db, cafe, ["tom"]) == ["tom"]
    assert [h.path.name for h in library.files_with_tag(db, "tom")] == [LATIN1]
    assert library.current_tags(db, f"kicks/{LATIN1}") == ["tom"]
    assert [h.path.name for h in library.similar(db, cafe, k=10)].count(LATIN1) == 0    # itself left out

    library.tag_library(library_dir, small_pack, db, links_dir=links)
    link = links / "tom" / f"kicks__{LATIN1}"
    assert os.fsencode(link.name) == b"kicks__caf\xe9.wav" and link.resolve() == cafe.resolve()

    cafe.unlink()
    gone = library.tag_library(library_dir, small_pack, db)
    assert gone.removed == 1 and library.corrected_tags(db, library_dir / "kicks" / LATIN1) == []
    with pytest.raises(library.NotInLibrary):
        library.file_status(db, library_dir / "kicks" / LATIN1)


def test_the_commands_show_the_name_and_export_leaves_it_out(library_dir, small_pack, tmp_path, capsys):
    db = tmp_path / "lib.db"
    _latin1_copy(library_dir, library_dir / "kicks" / "k1.wav")
    _latin1_copy(library_dir / "hats", library_dir / "hats" / "broken.wav", os.fsdecode(b"b\xe9.wav"))
    assert main(["tag", str(library_dir), "--pack", str(small_pack), "--out", str(db)]) == 0
    out = capsys.readouterr().out
    assert "8 files: 6 tagged" in out and "2 failed" in out
    assert "failed hats/b\\xe9.wav: WAV file has no data chunk" in out       # the box's upload check's words
    assert "\\udc" not in out

    assert main(["library", "fix", str(db), str(library_dir / LATIN1), "snare"]) == 0
    assert f"{SHOWN}: snare (yours; the tagger says" in capsys.readouterr().out
    assert main(["library", "query", str(db), "--tag", "snare"]) == 0
    assert capsys.readouterr().out.split() == ["yours", f"{library_dir.resolve()}/{SHOWN}"]
    assert main(["library", "query", str(db), "--failed"]) == 0
    assert "hats/b\\xe9.wav\tWAV file has no data chunk" in capsys.readouterr().out      # named once

    assert main(["library", "fix", str(db), "kicks/k2.flac", "tom"]) == 0
    csv = tmp_path / "c.csv"
    assert main(["library", "export", str(db), "--out", str(csv)]) == 0
    out = capsys.readouterr().out
    assert "1 corrected file ->" in out and "1 corrected file left out" in out and "its name is not valid UTF-8" in out
    assert csv.read_text(encoding="utf-8").splitlines()[2:] == [f"{library_dir.resolve()}/kicks/k2.flac,tom"]


def test_a_name_no_bytes_give_fails_alone_with_its_reason(library_dir, small_pack, tmp_path, monkeypatch):
    """A lone surrogate outside surrogateescape's range (only a Windows name has one) cannot be stored:
    that file is failed with the reason, and the rest of the run is tagged."""
    odd = library_dir / "odd\ud800.wav"
    real = tag_module.audio_files
    monkeypatch.setattr(tag_module, "audio_files", lambda root, exclude=None: [*real(root, exclude), odd])
    rep = library.tag_library(library_dir, small_pack, tmp_path / "lib.db")
    assert ("odd\ud800.wav", "name is not valid UTF-8 (rename it)") in rep.failed and rep.tagged == 5


def test_a_run_stopped_by_an_unexpected_error_keeps_the_files_decoded_before_it(library_dir, small_pack, tmp_path,
                                                                                monkeypatch):
    db = tmp_path / "lib.db"
    real = PackTagger.decode

    def decode(self, path: Path):
        if path.name == "k3.aiff":
            raise RuntimeError("a bug")
        return real(self, path)

    monkeypatch.setattr(PackTagger, "decode", decode)
    with pytest.raises(RuntimeError):
        library.tag_library(library_dir, small_pack, db)          # walk order: hats/..., kicks/k1, k2, k3
    assert {library.file_status(db, library_dir / p)[0] for p in ("hats/h1.wav", "kicks/k1.wav", "kicks/k2.flac")} \
        == {"ok"}
    monkeypatch.setattr(PackTagger, "decode", real)
    rep = library.tag_library(library_dir, small_pack, db)
    assert rep.unchanged == 4 and rep.tagged == 1                # only k3 is left to do (and broken.wav fails)


def test_an_internal_error_in_tag_exits_non_zero(library_dir, small_pack, tmp_path, monkeypatch, capsys):
    import device.library
    monkeypatch.delenv("HATBOX_DEBUG", raising=False)
    monkeypatch.setattr(device.library, "tag_library", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("bug")))
    assert main(["tag", str(library_dir), "--pack", str(small_pack), "--out", str(tmp_path / "lib.db")]) == 1
    assert "internal error: RuntimeError: bug" in capsys.readouterr().err


def test_clear_on_a_file_with_no_tags_of_yours_says_so(library_dir, small_pack, tmp_path, capsys):
    db = tmp_path / "lib.db"
    sf.write(library_dir / "silent.wav", np.zeros(22050, np.float32), 44100)
    library.tag_library(library_dir, small_pack, db)
    for name, why in (("silent.wav", "not tagged by the tagger: silent (all zeros)"),
                      ("kicks/k1.wav", "the tagger says")):
        assert main(["library", "fix", str(db), name, "--clear"]) == 0
        out = capsys.readouterr().out
        assert out.startswith(f"{name}: no tags of yours to clear ({why}") and "dropped" not in out, out
    assert main(["library", "fix", str(db), "silent.wav", "hush"]) == 0
    capsys.readouterr()
    assert main(["library", "fix", str(db), "silent.wav", "--clear"]) == 0
    assert "your tags dropped" in capsys.readouterr().out
