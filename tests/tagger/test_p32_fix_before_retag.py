"""Thirty-second stop: `hatbox library fix` on a file the database does not hold yet says why, when the file is in
the library: renamed or moved since the library was tagged (it named the old path as a likely typo, or only "not a
file of this library"), or added since; and what to run (tag the folder again, then fix it)."""
from __future__ import annotations

import shutil

import pytest

from device import library
from device.library.query import NotInLibrary
from hatbox.cli import main


def test_fixing_a_renamed_file_before_the_re_tag_names_its_old_name_and_the_re_tag(library_dir, small_pack, tmp_path,
                                                                                    capsys):
    db = tmp_path / "lib.db"
    library.tag_library(library_dir, small_pack, db)
    old, new = library_dir / "kicks" / "k1.wav", library_dir / "kicks" / "big kick.wav"
    old.rename(new)
    with pytest.raises(NotInLibrary) as err:
        library.set_tags(db, new, ["boom"])
    assert "same sound as kicks/k1.wav, which is gone" in str(err.value)
    assert "hatbox tag" in err.value.hint and "follow it to its new name" in err.value.hint
    assert f"--out {db}" in err.value.hint                        # run without it, it made a second database (QA)
    assert main(["library", "fix", str(db), str(new), "boom"]) == 2
    said = capsys.readouterr().err
    assert "renamed or moved since the library was tagged" in said and "Traceback" not in said
    library.tag_library(library_dir, small_pack, db)              # what the hint says to run
    assert library.set_tags(db, new, ["boom"]) == ["boom"]


def test_fixing_a_file_added_since_says_to_tag_the_folder_again(library_dir, small_pack, tmp_path):
    db = tmp_path / "lib.db"
    library.tag_library(library_dir, small_pack, db)
    added = library_dir / "hats" / "fresh hat.wav"
    shutil.copy(library_dir / "hats" / "h1.wav", added)          # same bytes, but h1.wav is still there: added
    with pytest.raises(NotInLibrary) as err:
        library.file_status(db, added)
    assert "was added to the library since it was tagged" in str(err.value) and "hatbox tag" in err.value.hint
    inside = library_dir / ".hatbox-tags.sqlite"                  # the default database: no --out to give
    library.tag_library(library_dir, small_pack, inside)
    (library_dir / "hats" / "fresh 2.wav").write_bytes((library_dir / "hats" / "h1.wav").read_bytes())
    with pytest.raises(NotInLibrary) as err:
        library.file_status(inside, library_dir / "hats" / "fresh 2.wav")
    assert "--out" not in err.value.hint and "hatbox tag" in err.value.hint


def test_a_typo_still_gets_the_near_name(library_dir, small_pack, tmp_path):
    db = tmp_path / "lib.db"
    library.tag_library(library_dir, small_pack, db)
    with pytest.raises(NotInLibrary) as err:
        library.set_tags(db, library_dir / "KICKS" / "K1.WAV", ["boom"])    # no such file: a typo
    assert "did you mean kicks/k1.wav" in str(err.value)


def test_the_box_says_a_file_its_tagging_has_not_reached_is_not_tagged_yet(tmp_path):
    """On the box a file of the library that its tagging has not reached (cancelled, or still going) got "not a
    file of this library" with a hint about typos; it is 409 "not tagged yet" with what to run."""
    import sqlite3

    from device.api.libraries import default_tagger
    from tests.api.conftest import make_box
    from tests.api.test_retag_p20 import _kit, _push_tagger, _wait_done

    box = make_box(tmp_path, tagger=default_tagger)
    _push_tagger(box, tmp_path, "1.0.0")
    lid = box.client.post("/libraries", content=_kit(), headers=box.auth).json()["id"]
    assert _wait_done(box, lid)["state"] == "done"
    con = sqlite3.connect(box.store_dir / "libraries" / lid / "tags.db")
    with con:                                                     # as a tagging cancelled before its last file
        con.execute("DELETE FROM tags WHERE path = 'kit/s2.wav'")
        con.execute("DELETE FROM files WHERE path = 'kit/s2.wav'")
    con.close()
    box.app.state.box.libraries._jobs[lid]["state"] = "cancelled"
    r = box.client.put(f"/libraries/{lid}/files/tags", json={"path": "kit/s2.wav", "tags": ["808"]}, headers=box.auth)
    assert r.status_code == 409 and r.json()["error"] == "not tagged yet", r.text
    assert "cancelled" in r.json()["message"] and f"hatbox box-library {lid} --retag" in r.json()["hint"]
    r = box.client.put(f"/libraries/{lid}/files/tags", json={"path": "kit/nope.wav", "tags": ["808"]},
                       headers=box.auth)
    assert r.status_code == 422 and "not a file of this library" in r.json()["message"]     # a typo stays a typo
    assert "hatbox tag " not in r.text


def test_fixing_a_file_outside_the_library_says_so(library_dir, small_pack, tmp_path):
    """QA: a training file given to `library fix` was said to be "added to the library since it was tagged"."""
    db = tmp_path / "lib.db"
    library.tag_library(library_dir, small_pack, db)
    outside = tmp_path / "elsewhere" / "bass.wav"
    outside.parent.mkdir()
    shutil.copy(library_dir / "kicks" / "k1.wav", outside)
    with pytest.raises(NotInLibrary) as err:
        library.set_tags(db, outside, ["bass"])
    assert f"is not inside the library {library_dir.resolve()}" in str(err.value) or \
        f"is not inside the library {library_dir}" in str(err.value)
    assert "added to the library" not in str(err.value)
