"""tag_library: formats, rates, corrupt files, resumability, change detection, links, cancel, queries."""
from __future__ import annotations

import os
import sqlite3
import threading

import numpy as np
import pytest
import soundfile as sf

from device import library
from device.library.runner import PackTagger
from hatbox.errors import HatboxError, PackError

from .conftest import hiss, kick_and_blank_zip, thump


def test_tags_every_format_and_skips_the_corrupt_file(library_dir, small_pack, tmp_path):
    db = tmp_path / "lib.db"
    seen = []
    rep = library.tag_library(library_dir, small_pack, db, progress=lambda d, t: seen.append((d, t)))
    assert rep.total == 6 and rep.tagged == 5 and [f for f, _ in rep.failed] == ["hats/broken.wav"]
    assert seen[-1] == (6, 6) and [d for d, _ in seen] == list(range(1, 7))
    rows = sqlite3.connect(db).execute("SELECT path, status, length(embedding), hash FROM files ORDER BY path").fetchall()
    assert [r[0] for r in rows] == ["hats/broken.wav", "hats/deep/h2.ogg", "hats/h1.wav",
                                    "kicks/k1.wav", "kicks/k2.flac", "kicks/k3.aiff"]
    assert all(r[1] == "ok" and r[2] == 16 * 4 and len(r[3]) == 32 for r in rows[1:])
    assert rows[0][1] == "error"
    assert [p.name for p, _ in library.failures(db)] == ["broken.wav"]


def test_rerun_processes_only_what_changed(library_dir, small_pack, tmp_path):
    db = tmp_path / "lib.db"
    library.tag_library(library_dir, small_pack, db)
    again = library.tag_library(library_dir, small_pack, db)
    assert again.tagged == 0 and again.unchanged == 5       # the broken file is tried again, and fails again
    assert [rel for rel, _ in again.failed] == ["hats/broken.wav"]
    sf.write(library_dir / "kicks" / "k1.wav", hiss(44100, seed=9), 44100)
    os.utime(library_dir / "kicks" / "k1.wav", ns=(1, 1))
    (library_dir / "hats" / "h1.wav").unlink()
    third = library.tag_library(library_dir, small_pack, db)
    assert third.tagged == 1 and third.removed == 1 and third.unchanged == 3 and len(third.failed) == 1


def test_cancel_stops_and_a_later_run_resumes(library_dir, small_pack, tmp_path):
    db = tmp_path / "lib.db"
    cancel = threading.Event()
    rep = library.tag_library(library_dir, small_pack, db, batch=2,
                              progress=lambda d, t: cancel.set() if d == 3 else None, cancel=cancel)
    assert rep.cancelled and rep.tagged + len(rep.failed) == 3
    rest = library.tag_library(library_dir, small_pack, db)
    assert rest.unchanged == rep.tagged and rest.unchanged + rest.tagged + len(rest.failed) == 6


def test_links_per_tag_point_at_the_samples(library_dir, small_pack, tmp_path):
    db, links = tmp_path / "lib.db", tmp_path / "links"
    rep = library.tag_library(library_dir, small_pack, db, links_dir=links)
    made = sorted(p for p in links.rglob("*") if p.is_symlink())
    assert len(made) == rep.links and all(p.resolve().is_file() for p in made)
    counts = library.list_tags(db)
    assert set(counts) == {"kick", "hat"} and sum(counts.values()) == rep.links
    for tag, n in counts.items():
        assert len(library.files_with_tag(db, tag)) == n


def test_queries(library_dir, small_pack, tmp_path):
    db = tmp_path / "lib.db"
    library.tag_library(library_dir, small_pack, db)
    scores = library.tags_of(db, library_dir / "kicks" / "k1.wav")
    assert set(scores) == {"kick", "hat"} and all(0 <= s <= 1 for s in scores.values())
    hits = library.similar(db, library_dir / "kicks" / "k1.wav", k=3)
    assert len(hits) == 3 and all(h.path.name != "k1.wav" for h in hits)
    assert hits[0].score >= hits[1].score >= hits[2].score
    sf.write(tmp_path / "copy.wav", thump(44100, seed=1), 44100)          # the same sound as k1
    outside = library.similar_to_file(db, tmp_path / "copy.wav", small_pack, k=1)
    assert outside[0].path.name == "k1.wav" and outside[0].score > 0.999
    with pytest.raises(HatboxError, match="not one of"):
        library.files_with_tag(db, "snare")


def test_a_file_is_found_by_its_path_from_the_library_root_or_from_the_working_directory(
        library_dir, small_pack, tmp_path, monkeypatch):
    db = tmp_path / "lib.db"
    library.tag_library(library_dir, small_pack, db)
    want = [h.path for h in library.similar(db, library_dir / "kicks" / "k1.wav", k=3)]
    assert [h.path for h in library.similar(db, "kicks/k1.wav", k=3)] == want          # from the library root
    monkeypatch.chdir(tmp_path)
    assert [h.path for h in library.similar(db, "lib/kicks/k1.wav", k=3)] == want      # from where the shell is
    with pytest.raises(HatboxError, match="not a file of this library"):
        library.similar(db, "lib/kicks/none.wav")


def test_a_pack_of_another_kind_is_named_with_its_kind(small_pack, tmp_path):
    from tests.engine.packs import effect_pack
    pack = effect_pack(tmp_path / "fx.hatpack", "gain", 0.0)
    with pytest.raises(PackError, match="is an effect pack, not a tagger"):
        PackTagger(pack)


def test_bad_inputs_are_clear_errors(small_pack, tmp_path):
    with pytest.raises(HatboxError, match="no library folder"):
        library.tag_library(tmp_path / "nope", small_pack, tmp_path / "x.db")
    with pytest.raises(HatboxError, match="no library database"):
        library.list_tags(tmp_path / "missing.db")
    with pytest.raises(PackError):
        library.tag_library(tmp_path, tmp_path / "nope.hatpack", tmp_path / "x.db")


def test_pack_golden_snapshot_reproduces_on_onnxruntime(small_pack):
    from device.audio.runtime import check_golden
    t = PackTagger(small_pack)
    ins, outs = t.pack.golden()
    assert check_golden(t.session, ins, outs, *t.pack.golden_tolerance()) < 1e-3
    probs, emb = t.run(ins["audio"])
    assert probs.shape == (3, 2) and emb.shape == (3, 16)
    np.testing.assert_allclose(probs, outs["probs"], atol=1e-4)


def test_a_database_that_is_not_sqlite_is_a_clear_error(library_dir, small_pack, tmp_path):
    (tmp_path / "junk.db").write_bytes(b"this is not a database" * 100)
    with pytest.raises(HatboxError, match="cannot use"):
        library.tag_library(library_dir, small_pack, tmp_path / "junk.db")


def test_the_box_side_tags_without_torch_or_scipy(library_dir, small_pack, tmp_path):
    import subprocess
    import sys
    code = ("import sys; from device.library import tag_library, similar; from device.audio import sampler; "
            f"r = tag_library({str(library_dir)!r}, {str(small_pack)!r}, {str(tmp_path / 'b.db')!r}); "
            "assert r.tagged == 5, r; "
            "print(sorted(m for m in ('torch', 'scipy', 'trainer', 'sklearn') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_an_mp3_is_tagged_and_an_upload_keeps_only_what_the_library_tags(tmp_path, small_pack):
    from device.audio.audiofile import READABLE_SUFFIXES
    from device.library.archive import Limits
    root = tmp_path / "lib"
    root.mkdir()
    sf.write(root / "k.mp3", thump(44100, seed=1), 44100, format="MP3", subtype="MPEG_LAYER_III")
    rep = library.tag_library(root, small_pack, tmp_path / "lib.db")
    assert rep.total == 1 and rep.tagged == 1 and not rep.failed
    assert set(Limits().extensions) == set(READABLE_SUFFIXES)        # nothing unpacked that is never tagged


# ---------------------------------------------------------------------------------------------- QA fixes
@pytest.fixture(scope="module")
def other_pack(tmp_path_factory):
    """A second tagger pack with other words (a producer's retrained one)."""
    import torch

    from trainer.tagger.onnx_export import export_tagger
    from trainer.tagger.model import TaggerConfig, TaggerNet
    torch.manual_seed(1)
    net = TaggerNet(TaggerConfig(clip_samples=8000, channels=(8, 16), embed_dim=16), 2).eval()
    return export_tagger(net, ["tom", "snare"], tmp_path_factory.mktemp("pack2") / "other.hatpack",
                         name="other", thresholds=[0.5, 0.5])


def test_tagging_another_or_an_empty_folder_into_a_database_changes_nothing(library_dir, small_pack, tmp_path):
    db = tmp_path / "lib.db"
    library.tag_library(library_dir, small_pack, db)
    library.set_tags(db, "kicks/k1.wav", ["808 boom"])
    before = library.list_tags(db)
    (tmp_path / "mount").mkdir()                                  # an unmounted drive's empty mount point
    with pytest.raises(HatboxError, match="nothing removed"):
        library.tag_library(tmp_path / "mount", small_pack, db)
    with pytest.raises(HatboxError, match="holds the library at"):  # a sub-folder given by mistake
        library.tag_library(library_dir / "hats", small_pack, db)
    assert library.list_tags(db) == before and library.corrected_tags(db, "kicks/k1.wav") == ["808 boom"]
    moved = tmp_path / "moved"
    library_dir.rename(moved)                                     # the same library under another path
    rep = library.tag_library(moved, small_pack, db)
    assert rep.removed == 0 and rep.unchanged == 5
    assert library.corrected_tags(db, moved / "kicks" / "k1.wav") == ["808 boom"]


def test_links_leave_the_producers_own_links_and_files_alone(library_dir, small_pack, tmp_path):
    db, links = tmp_path / "lib.db", tmp_path / "links"
    (links / "kick").mkdir(parents=True)
    (links / "favourites").mkdir()
    elsewhere = tmp_path / "elsewhere.wav"
    sf.write(elsewhere, thump(44100), 44100)
    (links / "kick" / "mine.wav").symlink_to(elsewhere)
    (links / "favourites" / "best.wav").symlink_to(library_dir / "kicks" / "k1.wav")    # into the library, own name
    (links / "kick" / "notes.txt").write_text("keep")
    for _ in range(2):                                            # a second run clears only its own links
        rep = library.tag_library(library_dir, small_pack, db, links_dir=links)
        assert rep.links > 0 and not rep.links_error
    assert (links / "kick" / "mine.wav").is_symlink() and (links / "kick" / "notes.txt").read_text() == "keep"
    assert (links / "favourites" / "best.wav").is_symlink()
    made = [p for p in links.rglob("*") if p.is_symlink()]
    assert len(made) == rep.links + 2


def test_links_of_files_whose_flat_names_clash_both_exist(tmp_path, small_pack):
    lib = tmp_path / "lib"
    (lib / "a").mkdir(parents=True)
    sf.write(lib / "a" / "b.wav", thump(44100, seed=1), 44100)
    sf.write(lib / "a__b.wav", thump(44100, seed=2), 44100)
    db = tmp_path / "lib.db"
    library.tag_library(lib, small_pack, db)
    for rel in ("a/b.wav", "a__b.wav"):
        library.set_tags(db, rel, ["kick"])
    rep = library.tag_library(lib, small_pack, db, links_dir=tmp_path / "links")
    targets = sorted(p.resolve() for p in (tmp_path / "links").rglob("*.wav") if p.is_symlink())
    assert rep.links == 2 and not rep.links_error
    assert targets == sorted([(lib / "a" / "b.wav").resolve(), (lib / "a__b.wav").resolve()])


def test_a_links_folder_inside_the_library_is_not_tagged_as_samples(library_dir, small_pack, tmp_path):
    db = tmp_path / "lib.db"
    library.tag_library(library_dir, small_pack, db, links_dir=library_dir / "by-tag")
    again = library.tag_library(library_dir, small_pack, db)     # now without --links
    assert again.total == 6 and again.removed == 0


def test_a_float_file_of_absurd_samples_is_skipped_and_the_run_goes_on(library_dir, small_pack, tmp_path):
    sf.write(library_dir / "huge.wav", (np.random.default_rng(0).standard_normal(8000) * 1e30).astype(np.float32),
             16000, subtype="FLOAT")
    rep = library.tag_library(library_dir, small_pack, tmp_path / "lib.db")
    assert dict(rep.failed)["huge.wav"].endswith("is it really audio?") and rep.tagged == 5


def test_a_half_finished_retag_with_another_pack_does_not_mix_the_packs(library_dir, small_pack, other_pack,
                                                                        tmp_path):
    db = tmp_path / "lib.db"
    library.tag_library(library_dir, small_pack, db)
    cancel = threading.Event()
    library.tag_library(library_dir, other_pack, db, batch=1,
                        progress=lambda d, t: cancel.set() if d == 2 else None, cancel=cancel)
    counts = library.list_tags(db)
    assert set(counts) == {"tom", "snare"} and sum(counts.values()) <= 2    # the new pack's words only
    with pytest.raises(HatboxError, match="not the pack that tagged"):
        library.similar_to_file(db, library_dir / "kicks" / "k1.wav", small_pack)
    hits = library.similar_to_file(db, library_dir / "kicks" / "k1.wav", other_pack, k=10)
    assert len(hits) <= 2                                          # only files the new pack embedded


def test_another_programs_sqlite_file_is_refused_untouched(library_dir, small_pack, tmp_path):
    db = tmp_path / "notes.sqlite"
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE notes (id INTEGER, text TEXT)")
    con.commit()
    con.close()
    with pytest.raises(HatboxError, match="another program's database"):
        library.tag_library(library_dir, small_pack, db)
    tables = {n for (n,) in sqlite3.connect(db).execute("SELECT name FROM sqlite_master")}
    assert tables == {"notes"}


def test_a_links_folder_from_before_the_list_of_made_links_is_cleared_after_a_move(library_dir, small_pack,
                                                                                   tmp_path):
    # links as a run made them before .hatbox-links existed: named after the library file, pointing at the
    # library's old place (it has moved since) or at a sample outside it that a library file links to
    db, links = tmp_path / "lib.db", tmp_path / "links"
    library.tag_library(library_dir, small_pack, db)
    library.set_tags(db, "kicks/k1.wav", ["kick"])
    (links / "kick").mkdir(parents=True)
    (links / "kick" / "kicks__k1.wav").symlink_to(tmp_path / "old-place" / "kicks" / "k1.wav")    # dangling now
    (links / "kick" / "mine.wav").symlink_to(library_dir / "kicks" / "k1.wav")                   # the producer's
    rep = library.tag_library(library_dir, small_pack, db, links_dir=links)
    kick = sorted(p.name for p in (links / "kick").iterdir())
    assert "kicks__k1 (2).wav" not in kick and "kicks__k1.wav" in kick and "mine.wav" in kick
    assert (links / "kick" / "kicks__k1.wav").resolve() == (library_dir / "kicks" / "k1.wav").resolve()
    assert not rep.links_error


def _empty_samples(root) -> dict[str, str]:
    """Write files with nothing to tag under ``root``; returns name -> the start of the reason each gets."""
    sf.write(root / "silent.wav", np.zeros(8000, np.float32), 16000, subtype="PCM_16")
    sf.write(root / "hum.wav", (1e-5 * np.sin(np.arange(24000) / 5)).astype(np.float32), 48000, subtype="FLOAT")
    sf.write(root / "one.wav", np.array([0.5], np.float32), 44100)
    return {"silent.wav": "silent (all zeros)", "hum.wav": "silent (peak -100 dBFS, under -90)",
            "one.wav": "too short: 1 sample (under 1 ms)"}


def test_silent_and_one_sample_files_get_no_tags_and_say_why(library_dir, small_pack, tmp_path):
    """A tagger gives every clip its best guess: a silent file came out as 'kick' or 'hat'."""
    db = tmp_path / "lib.db"
    reasons = _empty_samples(library_dir)
    rep = library.tag_library(library_dir, small_pack, db)
    assert rep.tagged == 5 and dict(rep.skipped) == reasons and [f for f, _ in rep.failed] == ["hats/broken.wav"]
    for name in reasons:
        assert library.current_tags(db, library_dir / name) == [] and library.tags_of(db, library_dir / name) == {}
    listed = {p.name for t in library.list_tags(db) for p in [h.path for h in library.files_with_tag(db, t)]}
    assert listed.isdisjoint(reasons)
    broken = dict(rep.failed)["hats/broken.wav"]
    assert {p.name: why for p, why in library.failures(db)} == {**reasons, "broken.wav": broken}
    assert library.file_status(db, library_dir / "silent.wav") == ("skipped", "silent (all zeros)")


def test_files_with_nothing_to_tag_are_not_decoded_again_until_they_change(library_dir, small_pack, tmp_path,
                                                                           monkeypatch):
    db = tmp_path / "lib.db"
    _empty_samples(library_dir)
    library.tag_library(library_dir, small_pack, db)
    decoded = []
    real = PackTagger.decode
    monkeypatch.setattr(PackTagger, "decode", lambda self, path: decoded.append(path.name) or real(self, path))
    again = library.tag_library(library_dir, small_pack, db)
    assert decoded == ["broken.wav"] and again.unchanged == 8 and not again.skipped   # a decode failure is retried
    sf.write(library_dir / "silent.wav", thump(16000, seed=7), 16000)
    third = library.tag_library(library_dir, small_pack, db)
    assert third.tagged == 1 and "silent.wav" not in {p.name for p, _ in library.failures(db)}
    assert set(library.tags_of(db, library_dir / "silent.wav")) == {"kick", "hat"}


def test_a_file_silent_where_the_tagger_listens_says_where_its_sound_starts(library_dir, small_pack, tmp_path):
    """A long silent file is 'silent'; one whose sound comes after the head is tagged from that sound (p46)."""
    head = (8000 + 64) / PackTagger(small_pack).rate
    sf.write(library_dir / "late.wav", np.concatenate([np.zeros(16000, np.float32), thump(16000)]), 16000)
    sf.write(library_dir / "long.wav", np.zeros(48000, np.float32), 16000)
    rep = library.tag_library(library_dir, small_pack, tmp_path / "lib.db")
    assert head < 1.0 and dict(rep.skipped) == {"long.wav": "silent (all zeros)"}    # late.wav: tagged since p46
    assert library.tags_of(tmp_path / "lib.db", library_dir / "late.wav")


def test_the_box_records_an_uploaded_silent_sample_as_not_tagged(small_pack, tmp_path):
    """The box tags uploads with the same code: a silent sample in an upload gets no tags, with its reason."""
    from device.api.libraries import Libraries
    (tmp_path / "up.zip").write_bytes(kick_and_blank_zip())
    libs = Libraries(tmp_path / "libraries")
    lid = libs.ingest(tmp_path / "up.zip", "kit", small_pack, "t1")["id"]
    info = libs.wait(lid, timeout=60)
    assert info["state"] == "done" and info["results"]["tagged"] == 1
    assert info["results"]["skipped"] == [["kit/blank.wav", "silent (all zeros)"]]
    assert library.tags_of(libs.db_path(lid), libs.files_path(lid) / "kit" / "blank.wav") == {}


def test_a_silence_reason_never_reads_as_the_threshold_itself():
    """One LSB of 16-bit dither (-90.3 dBFS) is silence; its reason said 'peak -90 dBFS, under -90'."""
    from device.library.runner import silence
    assert silence(0.0) == "silent (all zeros)"
    assert silence(1e-5) == "silent (peak -100 dBFS, under -90)"
    assert silence(1.0 / 32768) == "silent (peak -90.3 dBFS, under -90)"
    assert silence(10 ** (-90.04 / 20)) == "silent (peak -90.0 dBFS, under -90)"
