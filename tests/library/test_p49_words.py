"""p49 QA "month": a producer's words over weeks on the laptop's library - a word renamed or dropped in every
correction at once (`library fix DB --rename-word OLD NEW` / `--drop-word WORD`), corrections in words the tagger does
not have said by `hatbox tag` and `library export`, "none of my words" (`--none`, exported as ``path,``), the fix line
naming every tag the tagger gave and a new word said, the box's corrections said missing from an export of a pushed
library, and the pack that tagged a library named."""
from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest
import soundfile as sf

from device import library
from hatbox.cli import main
from tests.tagger.conftest import hiss, small_pack, thump  # noqa: F401 - small_pack: a fixture

FILES = ("a.wav", "b.wav", "c.wav", "d.wav")


@pytest.fixture
def tagged(tmp_path: Path, small_pack: Path) -> tuple[Path, Path]:  # noqa: F811
    """A library of four files tagged by ``small_pack`` (words kick, hat) into its own database."""
    lib = tmp_path / "lib"
    lib.mkdir()
    for i, name in enumerate(FILES):
        sf.write(lib / name, (thump if i % 2 else hiss)(16000, seed=i), 16000)
    assert main(["tag", str(lib), "--pack", str(small_pack)]) == 0
    return lib, lib / ".hatbox-tags.sqlite"


def _fix(db: Path, *args: str) -> int:
    return main(["library", "fix", str(db), *args])


def _rows(csv_file: Path) -> dict[str, list[str]]:
    with csv_file.open(newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.reader(fh) if r and not r[0].startswith("#")][1:]
    return {Path(r[0]).name: r[1:] for r in rows}


def test_a_renamed_word_changes_in_every_correction_and_the_export(tagged, tmp_path, capsys):
    lib, db = tagged
    assert _fix(db, "a.wav", "dusty") == 0 and _fix(db, "b.wav", "dusty", "kick") == 0
    assert _fix(db, "c.wav", "lofi", "dusty") == 0 and _fix(db, "d.wav", "glitch") == 0
    capsys.readouterr()
    assert _fix(db, "--rename-word", "dusty", "lofi", "--yes") == 0            # lofi in use: a merge (p49 M8)
    assert "renamed 'dusty' to 'lofi' in the corrections of 3 files" in capsys.readouterr().out
    assert library.corrected_tags(db, "a.wav") == ["lofi"]
    assert library.corrected_tags(db, "b.wav") == ["kick", "lofi"]
    assert library.corrected_tags(db, "c.wav") == ["lofi"]                 # had both: one kept
    assert _fix(db, "--drop-word", "glitch") == 0
    out = capsys.readouterr().out
    assert "dropped 'glitch' from the corrections of 1 file" in out
    assert "the tagger's tags stand again" in out and "d.wav" in out
    assert library.corrected_tags(db, "d.wav") == []
    assert main(["library", "export", str(db), "--out", str(tmp_path / "fixes.csv")]) == 0
    rows = _rows(tmp_path / "fixes.csv")
    assert rows == {"a.wav": ["lofi"], "b.wav": ["kick", "lofi"], "c.wav": ["lofi"]}


def test_renaming_a_word_no_correction_uses_is_refused_with_the_words_used(tagged, capsys):
    _lib, db = tagged
    assert _fix(db, "a.wav", "dusty") == 0
    capsys.readouterr()
    assert _fix(db, "--rename-word", "glitch", "x") == 2
    err = capsys.readouterr().err
    assert "no correction of this library uses the word 'glitch'" in err and "dusty" in err
    assert library.corrected_tags(db, "a.wav") == ["dusty"]
    assert _fix(db, "a.wav", "--rename-word", "dusty", "lofi") == 2            # a FILE with it: refused
    assert library.corrected_tags(db, "a.wav") == ["dusty"]


def test_a_rename_reaches_the_kept_corrections_of_files_that_left(tagged, small_pack):  # noqa: F811
    lib, db = tagged
    assert _fix(db, "a.wav", "dusty") == 0
    away = lib.parent / "a.wav"
    (lib / "a.wav").rename(away)
    assert main(["tag", str(lib), "--pack", str(small_pack)]) == 0            # a.wav left: its tags kept
    assert _fix(db, "--rename-word", "dusty", "lofi") == 0
    away.rename(lib / "a.wav")
    assert main(["tag", str(lib), "--pack", str(small_pack)]) == 0            # back: with the new word
    assert library.corrected_tags(db, "a.wav") == ["lofi"]


def test_tag_and_export_say_the_words_the_tagger_does_not_have(tagged, small_pack, tmp_path, capsys):  # noqa: F811
    lib, db = tagged
    for name in ("a.wav", "b.wav"):
        assert _fix(db, name, "dusty") == 0
    assert _fix(db, "c.wav", "glitch", "kick") == 0
    capsys.readouterr()
    assert main(["tag", str(lib), "--pack", str(small_pack)]) == 0
    out = capsys.readouterr().out
    assert "3 of your corrections use words this tagger does not have: dusty (2), glitch (1)" in out
    assert f"hatbox library fix {db} --rename-word dusty NEW" in out and "--drop-word glitch" in out
    assert main(["library", "export", str(db), "--out", str(tmp_path / "f.csv")]) == 0
    assert "use words this tagger does not have: dusty (2), glitch (1)" in capsys.readouterr().out
    assert _fix(db, "--rename-word", "dusty", "hat") == 0 and _fix(db, "--drop-word", "glitch") == 0
    capsys.readouterr()
    assert main(["tag", str(lib), "--pack", str(small_pack)]) == 0
    assert "does not have" not in capsys.readouterr().out


def test_none_of_my_words_is_a_correction_listed_apart_and_exported_as_an_empty_tag(tagged, small_pack,  # noqa: F811
                                                                                    tmp_path, capsys):
    lib, db = tagged
    con = sqlite3.connect(db)
    con.execute("UPDATE tags SET hit = 1, score = CASE tag WHEN 'hat' THEN 0.9 ELSE 0.8 END WHERE path = 'a.wav'")
    con.commit()
    con.close()
    capsys.readouterr()
    assert _fix(db, "a.wav", "--none") == 0
    assert "a.wav: (none: yours; the tagger says hat 0.90, kick 0.80)" in capsys.readouterr().out
    assert _fix(db, "b.wav", "kick") == 0
    counts = library.list_tags(db)
    assert "" not in counts
    assert all(h.path.name != "a.wav" for t in counts for h in library.files_with_tag(db, t))
    assert all(p.name != "a.wav" for p, _t, _s in library.untagged(db))
    capsys.readouterr()
    assert main(["library", "query", str(db), "--untagged"]) == 0
    assert "(none: yours; the tagger says" in capsys.readouterr().out
    assert main(["tag", str(lib), "--pack", str(small_pack)]) == 0             # kept across a re-tag
    assert library.corrected_tags(db, "a.wav") == [""]
    out = tmp_path / "fixes.csv"
    assert main(["library", "export", str(db), "--out", str(out)]) == 0
    assert "1 of them carries none of the words" in capsys.readouterr().out
    lines = out.read_text(encoding="utf-8").splitlines()
    assert f"{lib / 'a.wav'}," in lines                                        # path, EMPTY tag field
    assert _rows(out) == {"a.wav": [""], "b.wav": ["kick"]}
    assert _fix(db, "a.wav", "--clear") == 0                                   # back to the tagger
    assert "back to the tagger" in capsys.readouterr().out
    assert library.corrected_tags(db, "a.wav") == []


def test_a_push_reads_none_corrections_to_send_them_with_the_rest(tagged, capsys):
    from hatbox.fixes_given import given_corrections
    lib, db = tagged
    assert _fix(db, "a.wav", "--none") == 0 and _fix(db, "b.wav", "kick") == 0
    capsys.readouterr()
    assert given_corrections(db, "fixes.db") == {lib / "a.wav": [""], lib / "b.wav": ["kick"]}
    assert capsys.readouterr().err == ""           # said only when an older box refuses them (library_fixes)


def test_the_fix_line_names_every_tag_and_a_new_word(tagged, capsys):
    _lib, db = tagged
    con = sqlite3.connect(db)
    con.execute("UPDATE tags SET hit = 1, score = CASE tag WHEN 'hat' THEN 0.81 ELSE 0.85 END WHERE path = 'b.wav'")
    con.commit()
    con.close()
    capsys.readouterr()
    assert _fix(db, "b.wav", "lo-fi") == 0
    out = capsys.readouterr().out
    assert "b.wav: lo-fi (yours; the tagger says kick 0.85, hat 0.81)" in out
    assert "'lo-fi' is a new word (the tagger's words: kick, hat)" in out
    assert _fix(db, "c.wav", "lo-fi") == 0
    assert "1 other file of your corrections carries it" in capsys.readouterr().out
    assert _fix(db, "a.wav", "Ki-ck") == 0                         # the tagger's kick, spelled otherwise
    assert "'Ki-ck' is a new word (the tagger's words: kick, hat); did you mean 'kick'?" in capsys.readouterr().out
    assert _fix(db, "d.wav", "kick") == 0
    assert "new word" not in capsys.readouterr().out


def test_export_of_a_pushed_library_says_the_boxs_corrections_are_not_in_it(tagged, tmp_path, monkeypatch, capsys):
    lib, db = tagged
    monkeypatch.setenv("HATBOX_CONFIG", str(tmp_path / "cfg" / "remote.json"))
    assert _fix(db, "a.wav", "kick") == 0
    capsys.readouterr()
    assert main(["library", "export", str(db), "--out", str(tmp_path / "f.csv")]) == 0
    assert "made on the box" not in capsys.readouterr().out                   # never pushed: nothing said
    (tmp_path / "cfg").mkdir()
    (tmp_path / "cfg" / "pushed.json").write_text(json.dumps({str(lib.resolve()): {"fingerprint": "x"}}))
    assert main(["library", "export", str(db), "--out", str(tmp_path / "f.csv")]) == 0
    out = capsys.readouterr().out
    assert "corrections made on the box are not in this file: `hatbox box-library NAME --export-fixes box-fixes.csv " \
           "--folder " in out                                   # no name recorded: NAME (p53: it said lib)


def test_the_pack_that_tagged_the_library_is_named(tagged, small_pack, capsys):  # noqa: F811
    from export.pack import read_pack
    lib, db = tagged
    m = read_pack(small_pack).manifest
    capsys.readouterr()
    assert main(["library", "query", str(db)]) == 0
    assert f"tagged by {m.name} {m.version} (its words: kick, hat)" in capsys.readouterr().err
    con = sqlite3.connect(db)                              # as if mywords 0.1.0 had tagged it
    for key, value in (("model", "0123456789abcdef"), ("pack_model", "0123456789abcdef"), ("pack", "mywords 0.1.0")):
        con.execute("UPDATE meta SET value = ? WHERE key = ?", (value, key))
    con.execute("UPDATE files SET model = '0123456789abcdef'")
    con.commit()
    con.close()
    assert main(["tag", str(lib), "--pack", str(small_pack)]) == 0
    assert (f"this database was tagged by mywords 0.1.0 (another pack): tagging all 4 files again with {m.name} "
            f"{m.version}") in capsys.readouterr().out
