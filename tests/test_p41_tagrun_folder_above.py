"""`hatbox tag` given the folder above a database's library (QA, p41: "33 files; 0 of them are under mnt", though
all 33 were, in mnt/Samples-moved): the refusal names the folder that holds them and keeps the producer's tags."""
from __future__ import annotations

import shutil

import pytest

from device import library
from hatbox.errors import HatboxError

from tests.tagger.conftest import library_dir, small_pack  # noqa: F401 (fixtures)


def test_the_folder_above_the_library_is_refused_naming_the_library_inside_it(library_dir, small_pack, tmp_path):
    mnt = tmp_path / "mnt"
    samples = mnt / "Samples"
    shutil.copytree(library_dir, samples)
    db = tmp_path / "lib.db"
    library.tag_library(samples, small_pack, db)
    library.set_tags(db, "kicks/k1.wav", ["808 boom"])
    before = library.list_tags(db)
    with pytest.raises(HatboxError) as caught:
        library.tag_library(mnt, small_pack, db)
    said = str(caught.value.args[0])
    assert f"{mnt} is a folder above it" in said and f"are in {samples}: nothing changed" in said
    assert "0 of them" not in said
    assert f"hatbox tag {samples}" in caught.value.hint and "your tags of 1 file stay" in caught.value.hint
    assert library.list_tags(db) == before and library.corrected_tags(db, "kicks/k1.wav") == ["808 boom"]


def test_another_folder_is_still_refused_as_before(library_dir, small_pack, tmp_path):
    db = tmp_path / "lib.db"
    library.tag_library(library_dir, small_pack, db)
    with pytest.raises(HatboxError, match="holds the library at .* of them are under"):
        library.tag_library(library_dir / "hats", small_pack, db)
