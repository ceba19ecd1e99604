"""A file whose decode raises an exception with no message (MemoryError(), a bare Exception's kind) is one
failed file named by the exception's type: the library run goes on.  The bug: ``str(exc).splitlines()[0]``
raised IndexError on the empty message, and the whole run stopped on one file."""
from __future__ import annotations

from pathlib import Path

from device import library
from device.library.runner import PackTagger


def test_a_decode_raising_an_empty_memoryerror_fails_that_file_and_the_run_goes_on(library_dir: Path, small_pack: Path,
                                                                                  tmp_path: Path, monkeypatch) -> None:
    real = PackTagger.decode

    def decode(self, path: Path):
        if path.name == "k1.wav":
            raise MemoryError()                 # no message: str(exc) == ""
        return real(self, path)

    monkeypatch.setattr(PackTagger, "decode", decode)
    db = tmp_path / "lib.db"
    rep = library.tag_library(library_dir, small_pack, db)
    assert dict(rep.failed)["kicks/k1.wav"] == "MemoryError"
    assert sorted(f for f, _ in rep.failed) == ["hats/broken.wav", "kicks/k1.wav"]
    assert rep.tagged == 4                       # the other five audio files less the corrupt one
    assert library.file_status(db, library_dir / "kicks" / "k1.wav") == ("error", "MemoryError")
