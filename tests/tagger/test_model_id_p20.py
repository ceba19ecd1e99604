"""The model id a library records (QA round 20): it was the hash of the network's bytes only, so a tagger
pack with the same weights but other tag names, thresholds or ``exclusive`` counted as "unchanged" and the
files kept the old pack's words.  It now covers every manifest field the tagging reads; a database tagged
before (its id the bytes' hash alone) still opens and is simply tagged again on its next run."""
from __future__ import annotations

import dataclasses
import hashlib
import sqlite3
from pathlib import Path

import soundfile as sf

from device import library
from device.library.runner import PackTagger
from export.pack import read_pack, write_pack
from tests.api.packs import tagger_pack

from .conftest import hiss, thump

RATE = 16000


def _library(root: Path) -> Path:
    """Three audible WAVs at 16 kHz."""
    root.mkdir()
    for i, sound in enumerate((thump(RATE, 0.2, seed=1), hiss(RATE, 0.2, seed=2), thump(RATE, 0.2, freq=90, seed=3))):
        sf.write(root / f"s{i}.wav", sound, RATE)
    return root


def _edited(pack: Path, out: Path, **changes: object) -> Path:
    """``pack`` rewritten to ``out`` with the same members (the same network bytes) and its manifest's
    ``extras`` updated by ``changes`` (``version``: the manifest's version instead)."""
    p = read_pack(pack)
    version = str(changes.pop("version", p.manifest.version))
    m = dataclasses.replace(p.manifest, version=version, extras={**p.manifest.extras, **changes})
    return write_pack(out, m, {k: v for k, v in p.members.items() if k in ("model.onnx", "golden.npz")})


def test_the_same_weights_with_other_tag_names_tag_every_file_again(tmp_path: Path) -> None:
    lib, db = _library(tmp_path / "lib"), tmp_path / "tags.db"
    old = tagger_pack(tmp_path / "old.hatpack", tags=("kick", "snare"))
    new = tagger_pack(tmp_path / "new.hatpack", tags=("tom", "hat"))
    assert read_pack(old).model_bytes == read_pack(new).model_bytes           # only the words differ
    assert library.tag_library(lib, old, db).tagged == 3
    again = library.tag_library(lib, new, db)
    assert again.tagged == 3 and again.unchanged == 0
    tags = library.list_tags(db)
    assert set(tags) == {"tom", "hat"} and sum(tags.values()) == 3, tags     # exclusive: one tag a file
    assert library.tag_library(lib, new, db).unchanged == 3                  # and then it is unchanged


def test_other_thresholds_or_exclusive_tag_again_a_new_version_alone_does_not(tmp_path: Path) -> None:
    lib, db = _library(tmp_path / "lib"), tmp_path / "tags.db"
    base = tagger_pack(tmp_path / "base.hatpack", tags=("kick", "snare"))
    assert library.tag_library(lib, base, db).tagged == 3
    bumped = _edited(base, tmp_path / "bumped.hatpack", version="1.0.1")
    assert library.tag_library(lib, bumped, db).unchanged == 3               # nothing the tagging reads changed
    multi = _edited(base, tmp_path / "multi.hatpack", exclusive=False)
    assert library.tag_library(lib, multi, db).tagged == 3
    strict = _edited(multi, tmp_path / "strict.hatpack", thresholds={"kick": 0.99, "snare": 0.99})
    assert library.tag_library(lib, strict, db).tagged == 3
    assert library.list_tags(db) == {"kick": 0, "snare": 0}                  # softmax of 2: never both over 0.99
    ids = {PackTagger(p).model_id for p in (base, bumped, multi, strict)}
    assert len(ids) == 3 and PackTagger(base).model_id == PackTagger(bumped).model_id


def test_a_database_tagged_before_p20_opens_and_is_tagged_again_on_its_next_run(tmp_path: Path) -> None:
    lib, db = _library(tmp_path / "lib"), tmp_path / "tags.db"
    pack = tagger_pack(tmp_path / "t.hatpack", tags=("kick", "snare"))
    library.tag_library(lib, pack, db)
    legacy = hashlib.sha256(read_pack(pack).model_bytes).hexdigest()[:16]   # the id p19 wrote: the bytes alone
    con = sqlite3.connect(db)
    with con:
        con.execute("UPDATE meta SET value = ? WHERE key = 'model'", (legacy,))
        con.execute("UPDATE files SET model = ?", (legacy,))
    con.close()
    assert sum(library.list_tags(db).values()) == 3                           # it opens, its tags all there
    assert len(library.similar_to_file(db, lib / "s0.wav", pack, k=2)) == 2   # the same network: comparable
    changed = library.tag_library(lib, pack, db)
    assert changed.tagged == 3 and changed.unchanged == 0                     # a changed id: tagged once again
    assert library.tag_library(lib, pack, db).unchanged == 3
    assert sum(library.list_tags(db).values()) == 3
