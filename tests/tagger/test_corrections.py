"""The producer's own tags for library files: they replace the tagger's in every listing, outlive
re-tagging, go with the file, refuse bad input without writing, and become training data."""
from __future__ import annotations

import io
import os
import time
import zipfile

import numpy as np
import pytest
import soundfile as sf

from device import library
from hatbox.cli import main
from hatbox.errors import HatboxError

from .conftest import box_with_kicks, hiss, thump


def _effective(db) -> dict[str, set[str]]:
    """file name -> every tag it is listed under (by files_with_tag)."""
    out: dict[str, set[str]] = {}
    for tag in library.list_tags(db):
        for h in library.files_with_tag(db, tag):
            out.setdefault(h.path.name, set()).add(tag)
    return out


def test_a_correction_replaces_the_taggers_tags_everywhere(library_dir, small_pack, tmp_path):
    db, links = tmp_path / "lib.db", tmp_path / "links"
    library.tag_library(library_dir, small_pack, db)
    before = _effective(db)
    k1 = library_dir / "kicks" / "k1.wav"
    assert library.set_tags(db, k1, ["hat", " dusty "]) == ["dusty", "hat"]
    after = _effective(db)
    assert after["k1.wav"] == {"hat", "dusty"}
    assert {n: t for n, t in after.items() if n != "k1.wav"} == {n: t for n, t in before.items() if n != "k1.wav"}
    counts = library.list_tags(db)
    assert counts["dusty"] == 1 and set(counts) == {"kick", "hat", "dusty"}
    hat = library.files_with_tag(db, "hat")
    assert hat[0].path == k1 and hat[0].corrected and hat[0].score == 1.0
    assert not any(h.corrected for h in hat[1:])
    assert library.corrected_tags(db, "kicks/k1.wav") == ["dusty", "hat"]
    assert set(library.tags_of(db, k1)) == {"kick", "hat"}                 # the tagger's scores are kept
    library.tag_library(library_dir, small_pack, db, links_dir=links)        # links follow the correction
    assert sorted(p.name for p in (links / "dusty").iterdir()) == ["kicks__k1.wav"]
    assert library.set_tags(db, k1, []) == []                                # back to the tagger
    assert _effective(db) == before and "dusty" not in library.list_tags(db)


def test_corrections_outlive_retagging_and_go_with_the_file(library_dir, small_pack, tmp_path):
    db = tmp_path / "lib.db"
    library.tag_library(library_dir, small_pack, db)
    library.set_tags(db, "kicks/k1.wav", ["snare"])
    library.set_tags(db, "hats/h1.wav", ["ride"])
    sf.write(library_dir / "kicks" / "k1.wav", hiss(44100, seed=9), 44100)     # edited: tagged again
    os.utime(library_dir / "kicks" / "k1.wav", ns=(1, 1))
    (library_dir / "hats" / "h1.wav").unlink()                                 # deleted
    rep = library.tag_library(library_dir, small_pack, db)
    assert rep.tagged == 1 and rep.removed == 1
    assert library.corrections(db) == {library_dir.resolve() / "kicks" / "k1.wav": ["snare"]}
    assert "ride" not in library.list_tags(db)
    sf.write(library_dir / "hats" / "h1.wav", hiss(48000, seed=4), 48000)      # back: the same bytes again
    library.tag_library(library_dir, small_pack, db)
    assert library.corrected_tags(db, "hats/h1.wav") == ["ride"]      # kept while it was away (p47 G3)


@pytest.mark.parametrize("tags", [[""], ["a,b"], ["kick/snare"], ["#x"], ["x" * 65], ['say "hi"'], ["a\nb"]])
def test_a_bad_tag_is_refused_and_nothing_changes(library_dir, small_pack, tmp_path, tags):
    db = tmp_path / "lib.db"
    library.tag_library(library_dir, small_pack, db)
    library.set_tags(db, "kicks/k1.wav", ["tom"])
    with pytest.raises(HatboxError, match="cannot be a tag"):
        library.set_tags(db, "kicks/k1.wav", ["hat", *tags])
    assert library.corrected_tags(db, "kicks/k1.wav") == ["tom"]


def test_files_outside_the_database_cannot_be_corrected(library_dir, small_pack, tmp_path):
    db = tmp_path / "lib.db"
    library.tag_library(library_dir, small_pack, db)
    with pytest.raises(HatboxError, match="not a file of this library"):
        library.set_tags(db, "kicks/none.wav", ["kick"])
    with pytest.raises(HatboxError, match="not a file of this library"):
        library.set_tags(db, "../../etc/passwd", ["kick"])
    assert library.corrections(db) == {}


def test_exported_corrections_retag_the_training_data(library_dir, small_pack, tmp_path):
    from trainer.tagger.data import load_sources
    db = tmp_path / "lib.db"
    library.tag_library(library_dir, small_pack, db)
    library.set_tags(db, "kicks/k1.wav", ["tom"])
    library.set_tags(db, "hats/deep/h2.ogg", ["shaker", "hat"])
    out = tmp_path / "fixes" / "corrections.csv"
    assert library.export_csv(db, out) == 2 and not list(out.parent.glob("*.partial"))
    train = tmp_path / "train"                          # the producer's own folder-per-tag set
    for tag, name, sound in (("kick", "k1.wav", thump(44100, seed=1)), ("kick", "k9.wav", thump(44100, seed=7)),
                             ("hat", "h9.wav", hiss(44100, seed=8))):
        (train / tag).mkdir(parents=True, exist_ok=True)
        sf.write(train / tag / name, sound, 44100)
    (train / "kick" / "k1.wav").unlink()
    os.symlink(library_dir / "kicks" / "k1.wav", train / "kick" / "k1.wav")   # the same file in both
    items = {it.path.name: it.tags for it in load_sources([train, out])}
    assert items == {"k1.wav": ("tom",), "k9.wav": ("kick",), "h9.wav": ("hat",), "h2.ogg": ("hat", "shaker")}
    assert {it.path.name: it.tags for it in load_sources([out, train])}["k1.wav"] == ("kick",)


def test_cli_fix_query_export(library_dir, small_pack, tmp_path, capsys):
    db = tmp_path / "lib.db"
    assert main(["tag", str(library_dir), "--pack", str(small_pack), "--out", str(db)]) == 0
    capsys.readouterr()
    assert main(["library", "fix", str(db), str(library_dir / "kicks" / "k2.flac"), "tom"]) == 0
    out = capsys.readouterr().out
    assert "k2.flac: tom (yours; the tagger says" in out
    assert main(["library", "query", str(db), "--tag", "tom"]) == 0
    assert capsys.readouterr().out.split() == ["yours", str(library_dir.resolve() / "kicks" / "k2.flac")]
    assert main(["library", "export", str(db), "--out", str(tmp_path / "c.csv")]) == 0
    assert "1 corrected file ->" in capsys.readouterr().out
    assert (tmp_path / "c.csv").read_text().splitlines()[2].endswith("k2.flac,tom")      # under the mark, the header
    assert main(["library", "query", str(db), "--unsure", "-k", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and all("(its other tags: " in line and "k2.flac" not in line   # yours: not unsure
                                   for line in lines)           # multi-label: the tag in doubt, the others given
    assert not any(" or " in line for line in lines)        # a multi-label pack: both tags may be yes, not "or"
    assert main(["library", "fix", str(db), "kicks/k2.flac", "--clear"]) == 0
    assert "back to the tagger" in capsys.readouterr().out
    assert main(["library", "fix", str(db), "kicks/k2.flac"]) == 2                 # neither tags nor --clear
    assert "--clear" in capsys.readouterr().err
    assert main(["library", "fix", str(db), "kicks/k2.flac", "a,b"]) == 2
    assert "cannot be a tag" in capsys.readouterr().err


def test_the_box_api_lists_and_corrects_an_uploaded_library(small_pack, tmp_path):
    from device.api.libraries import default_tagger
    from tests.api.conftest import make_box
    box = make_box(tmp_path, tagger=default_tagger)
    assert box.push(small_pack).status_code in (200, 201)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for i, sound in enumerate((thump(48000, seed=1), hiss(48000, seed=2))):
            wav = io.BytesIO()
            sf.write(wav, sound, 48000, format="WAV")
            zf.writestr(f"kit/s{i}.wav", wav.getvalue())
    lid = box.client.post("/libraries", content=buf.getvalue(), headers=box.auth).json()["id"]
    end = time.monotonic() + 30
    while box.client.get(f"/libraries/{lid}", headers=box.auth).json()["state"] == "tagging":
        assert time.monotonic() < end
        time.sleep(0.05)
    counts = box.client.get(f"/libraries/{lid}/tags", headers=box.auth).json()
    assert set(counts) == {"kick", "hat"}
    r = box.client.put(f"/libraries/{lid}/files/tags", json={"path": "kit/s0.wav", "tags": ["808"]}, headers=box.auth)
    assert r.status_code == 200 and r.json()["tags"] == ["808"] and set(r.json()["model"]) == {"kick", "hat"}
    hits = box.client.get(f"/libraries/{lid}/tags/808", headers=box.auth).json()
    assert hits == [{"path": "kit/s0.wav", "score": 1.0, "corrected": True, "by": "test", "by_you": True}]
    assert box.client.get(f"/libraries/{lid}/tags", headers=box.auth).json()["808"] == 1
    from device.ui.data import StoreData                                  # what the panel's library page reads
    panel = StoreData(box.store_dir)
    assert panel.tags()["808"] == 1 and [s.path.endswith("s0.wav") for s in panel.samples("808")] == [True]
    bad = box.client.put(f"/libraries/{lid}/files/tags", json={"path": "kit/s0.wav", "tags": ["a/b"]},
                         headers=box.auth)
    assert bad.status_code == 422 and "cannot be a tag" in bad.json()["message"]
    assert box.client.put(f"/libraries/{lid}/files/tags", json={"path": "nope.wav", "tags": ["x"]},
                          headers=box.auth).status_code == 422
    assert box.client.get(f"/libraries/{lid}/tags/snare", headers=box.auth).status_code == 404
    assert box.client.get("/libraries/nope/tags", headers=box.auth).status_code == 404
    assert box.client.get(f"/libraries/{lid}/tags", headers={}).status_code == 401


def test_the_laptop_lists_and_corrects_a_library_on_the_box(library_dir, small_pack, tmp_path, monkeypatch, capsys):
    with box_with_kicks(library_dir, small_pack, tmp_path, monkeypatch):
        capsys.readouterr()
        assert main(["box-library", "--tag", "kick"]) == 2
        assert "which library" in capsys.readouterr().err
        assert main(["box-library"]) == 0
        lid, name, state = capsys.readouterr().out.split()[:3]
        assert name == "kicks" and state == "done,"
        assert main(["box-library", lid, "--fix", "k2.flac", "tom", "808"]) == 0
        said = capsys.readouterr().out.strip().splitlines()
        assert said[0].startswith("k2.flac: 808, tom (yours; the tagger says ")       # as library fix (p53)
        assert [line.split("'")[1] for line in said[1:]] == ["808", "tom"]     # new words to its tagger (p49 M9)
        assert all(line.startswith("note: '") and " is a new word (the tagger's words: kick, hat)" in line
                   for line in said[1:])
        assert main(["box-library", lid, "--tag", "tom"]) == 0
        assert capsys.readouterr().out.split() == ["yours", "k2.flac"]
        assert main(["box-library", lid]) == 0
        counts = {t: int(n) for n, t in (line.split() for line in capsys.readouterr().out.splitlines())}
        assert set(counts) == {"kick", "hat", "tom", "808"} and counts["tom"] == counts["808"] == 1
        assert main(["box-library", lid, "--unsure", "-k", "5"]) == 0
        listed = [line.split()[-1] for line in capsys.readouterr().out.splitlines()]
        assert sorted(listed) == ["k1.wav", "k3.aiff"]                   # k2 is corrected: not listed
        assert main(["box-library", lid, "--fix", "k2.flac"]) == 0
        assert capsys.readouterr().out.strip().startswith("k2.flac: back to the tagger (the tagger says ")
        assert main(["box-library", lid, "--fix", "missing.wav", "tom"]) == 2
        assert "not a file of this library" in capsys.readouterr().err


def test_margins_say_how_close_the_tagger_was_to_another_answer():
    from device.library.review import margins
    p = np.array([[0.7, 0.2, 0.1], [0.4, 0.35, 0.25]])
    np.testing.assert_allclose(margins(p, exclusive=True), [0.5, 0.05])
    np.testing.assert_allclose(margins(p, exclusive=False), [0.2, 0.1])
    np.testing.assert_allclose(margins(p, exclusive=False, thresholds=np.array([0.6, 0.3, 0.3])), [0.1, 0.05])


def _db(tmp_path, rows, exclusive: bool | None = True):
    """A library database with files named by ``rows``: name -> scores over (kick, snare, hat);
    ``exclusive`` None: the database does not say (as before 2026-12-02)."""
    from device.library import db as libdb
    con = libdb.connect(tmp_path / "lib.db")
    tags = ["kick", "snare", "hat"]
    libdb.set_meta(con, root=str(tmp_path), tags=",".join(tags), thresholds="0.5,0.5,0.5", model="m")
    if exclusive is not None:
        libdb.set_meta(con, exclusive=int(exclusive))
    for i, (name, scores) in enumerate(rows.items()):
        p = np.asarray(scores, np.float32)
        libdb.put_result(con, name, (1, i), f"{i:064x}", "m", tags, p, p == p.max(), np.ones(4, np.float32))
        (tmp_path / name).write_bytes(b"")
    libdb.put_error(con, "bad.wav", (1, 99), "m", "does not decode")
    con.commit()
    con.close()
    return tmp_path / "lib.db"


def test_unsure_lists_the_closest_calls_first_and_leaves_corrected_files_out(tmp_path):
    db = _db(tmp_path, {"a.wav": [0.9, 0.05, 0.05], "b.wav": [0.4, 0.38, 0.22], "c.wav": [0.1, 0.3, 0.6],
                        "d.wav": [0.45, 0.1, 0.45]})
    got = library.unsure(db, k=3)
    assert [u.path.name for u in got] == ["d.wav", "b.wav", "c.wav"]
    assert got[1].guesses == [("kick", pytest.approx(0.4)), ("snare", pytest.approx(0.38))]
    assert got[0].margin == pytest.approx(0.0) and got[2].margin == pytest.approx(0.3)
    library.set_tags(db, "d.wav", ["hat"])
    assert [u.path.name for u in library.unsure(db, k=10)] == ["b.wav", "c.wav", "a.wav"]
    multi = _db(tmp_path / "m", {"a.wav": [0.9, 0.05, 0.05], "b.wav": [0.9, 0.55, 0.1]}, exclusive=False)
    assert [u.path.name for u in library.unsure(multi, k=2)] == ["b.wav", "a.wav"]   # snare 0.55: near its 0.5


def test_unsure_on_a_database_that_does_not_say_which_kind_tagged_it(tmp_path):
    rows = {"a.wav": [0.9, 0.52, 0.1], "b.wav": [0.6, 0.58, 0.3]}             # sigmoids: multi-label
    assert [u.path.name for u in library.unsure(_db(tmp_path / "m", rows, exclusive=None), k=2)] == ["a.wav", "b.wav"]
    assert [u.path.name for u in library.unsure(_db(tmp_path / "m2", rows, exclusive=True), k=2)] == ["b.wav", "a.wav"]
    rows = {"a.wav": [0.5, 0.45, 0.05], "b.wav": [0.9, 0.05, 0.05]}           # a softmax: exclusive
    assert [u.path.name for u in library.unsure(_db(tmp_path / "x", rows, exclusive=None), k=2)] == ["a.wav", "b.wav"]
    assert library.unsure(_db(tmp_path / "x2", rows, exclusive=None), k=1)[0].margin == pytest.approx(0.05)


def test_which_kind_tagged_a_library_and_a_files_tags_as_listed(tmp_path):
    softmax = {"a.wav": [0.5, 0.45, 0.05], "b.wav": [0.9, 0.05, 0.05]}
    sigmoids = {"a.wav": [0.9, 0.52, 0.1], "b.wav": [0.6, 0.58, 0.3]}
    assert library.is_exclusive(_db(tmp_path / "x", softmax, exclusive=None))          # read from the scores
    assert not library.is_exclusive(_db(tmp_path / "m", sigmoids, exclusive=None))
    assert not library.is_exclusive(_db(tmp_path / "m2", softmax, exclusive=False))    # the record wins
    assert library.is_exclusive(_db(tmp_path / "x2", sigmoids, exclusive=True))
    db = _db(tmp_path / "c", softmax)
    assert library.current_tags(db, "a.wav") == ["kick"] and library.current_tags(db, "nothere.wav") == []
    library.set_tags(db, "a.wav", ["snare", "dusty"])
    assert library.current_tags(db, tmp_path / "c" / "a.wav") == ["dusty", "snare"]


def test_unsure_in_a_multi_label_library_names_the_tags_in_doubt(tmp_path):
    # kick is sure (0.95), snare and hat sit near their 0.5 thresholds: those are the tags to check,
    # not the two highest scores
    db = _db(tmp_path, {"a.wav": [0.95, 0.501, 0.47]}, exclusive=False)
    (u,) = library.unsure(db, k=1)
    assert u.margin == pytest.approx(0.001, abs=1e-6)
    assert [t for t, _ in u.guesses] == ["snare", "kick"]     # the tag in doubt, then the others given (p42)
