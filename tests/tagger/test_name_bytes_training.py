"""Tagger training data holding a file whose name is not valid UTF-8 (a Latin-1 "caf\\xe9.wav" from an old
sample CD): a folder-per-tag tree loads it end to end, a CSV written in Latin-1 (``ls > list.csv``) finds it
by the bytes it lists, and the library decodes it exactly as it decodes any other name (one implementation,
in device.audio.audiofile)."""
from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from device.library.decode import read_channels
from hatbox.errors import AudioFileError, DataError
from tests.tagger.conftest import hiss, thump
from trainer.tagger.data import Item, load_clips, load_items

RATE = 22050
CAFE = b"caf\xe9.wav"


def _write(path: Path, audio: np.ndarray, rate: int = RATE) -> Path:
    """A float WAV written through the name's bytes (skip where the file system refuses non-UTF-8 names)."""
    try:
        sf.write(os.fsencode(path), audio, rate, subtype="FLOAT")
    except (OSError, RuntimeError) as exc:
        pytest.skip(f"this file system refuses non-UTF-8 names: {exc}")
    return path


def _tree(root: Path) -> Path:
    """kick/ and hat/ tag folders, each with one ordinary file; kick/ also holds ``caf\\xe9.wav``."""
    for tag, make in (("kick", thump), ("hat", hiss)):
        (root / tag).mkdir(parents=True)
        sf.write(root / tag / "0.wav", make(RATE, seed=0), RATE)
    _write(root / "kick" / os.fsdecode(CAFE), thump(RATE, seed=7))
    return root


def test_a_tag_tree_with_a_latin1_name_loads_end_to_end(tmp_path):
    root = _tree(tmp_path / "tree")
    items = load_items(root)
    cafe = [it for it in items if os.fsencode(it.path.name) == CAFE]
    assert len(items) == 3 and len(cafe) == 1 and cafe[0].tags == ("kick",)
    clips = load_clips(items, 16000, 8000)
    sf.write(tmp_path / "twin.wav", thump(RATE, seed=7), RATE, subtype="FLOAT")
    twin = load_clips([Item(tmp_path / "twin.wav", ("kick",))], 16000, 8000)
    assert clips.shape == (3, 8000) and np.array_equal(clips[items.index(cafe[0])], twin[0])


@pytest.mark.parametrize("other", [b"kick/0.wav", "kick/n\u00e9e.wav".encode()],
                         ids=["ascii-beside", "utf8-beside"])
def test_a_latin1_csv_finds_the_file_by_the_bytes_it_lists(tmp_path, other):
    root = _tree(tmp_path / "tree")
    if other != b"kick/0.wav":
        sf.write(root / other.decode(), thump(RATE, seed=3), RATE)            # a UTF-8 name in the same CSV
    listing = root / "list.csv"
    listing.write_bytes(b"path,tag\n" + b"kick/" + CAFE + b",kick,tom\n" + other + b",kick\n")
    notes: list[str] = []
    items = load_items(listing, notes)
    assert [os.fsencode(it.path.relative_to(root)) for it in items] == [b"kick/" + CAFE, other]
    assert items[0].tags == ("kick", "tom") and any("Windows-1252" in n for n in notes)
    assert load_clips(items, 16000, 8000).shape == (2, 8000)


def test_a_cp1252_csv_still_finds_a_name_that_is_its_text(tmp_path):
    """A CSV Excel wrote as Windows-1252 naming "caf\u00e9.wav" (stored as UTF-8 on disk) finds that file,
    as before; a listed name that is no file either way still says so."""
    (tmp_path / "kick").mkdir()
    sf.write(tmp_path / "kick" / "caf\u00e9.wav", thump(RATE), RATE)
    listing = tmp_path / "list.csv"
    listing.write_bytes(b"kick/caf\xe9.wav,kick\n")
    assert [it.path for it in load_items(listing)] == [tmp_path / "kick" / "caf\u00e9.wav"]
    listing.write_bytes(b"kick/caf\xe9.wav,kick\nkick/gone\xe9.wav,kick\n")
    with pytest.raises(DataError, match="1 listed file does not exist: .*gone\u00e9.wav"):
        load_items(listing)


def test_a_latin1_name_is_decoded_as_any_other(tmp_path):
    """A short file is checked whole whatever its name: NaN past the head the tagger hears fails both names."""
    x = thump(RATE, seconds=1.0)
    x[int(0.9 * RATE)] = np.nan
    sf.write(tmp_path / "plain.wav", x, RATE, subtype="FLOAT")
    cafe = _write(tmp_path / os.fsdecode(CAFE), x)
    for path in (tmp_path / "plain.wav", cafe):
        with pytest.raises(AudioFileError, match=re.escape(f"{path} contains NaN")):
            read_channels(path, 0.5)
    ok = thump(RATE, seconds=40.0)                                          # a long file: only its head is read
    sf.write(tmp_path / "long.wav", ok, RATE, subtype="FLOAT")
    long_cafe = _write(tmp_path / os.fsdecode(b"long\xe9.wav"), ok)
    (a, rate_a), (b, rate_b) = read_channels(tmp_path / "long.wav", 0.5), read_channels(long_cafe, 0.5)
    assert rate_a == rate_b == RATE and a.shape == (1, RATE // 2) and np.array_equal(a, b)
