"""p46 review of push-library's limit refusals: a size refusal's split hint counts bytes per top folder, says which
limit was crossed and flags a folder over it; counts carry thousands separators; one file at the top goes into a
folder of "its own"; the folders are one push at a time ("; then"); a zip refused for its compression ratio is told
to send the folder itself (packed uncompressed), not to split."""
from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from device.library.archive_members import Limits
from hatbox import library_limits
from hatbox.archive_look import look_archive
from hatbox.errors import HatboxError


def _files(folder: Path, n: int, size: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"s{i}.wav").write_bytes(b"x" * size)


def test_a_size_refusal_splits_by_bytes_and_flags_the_folder_over_it(tmp_path, monkeypatch) -> None:
    lib = tmp_path / "Samples"
    _files(lib / "Loops", 2, 60_000)         # few files, most bytes: over the limit by itself
    _files(lib / "Kicks", 30, 100)
    (lib / "one.wav").write_bytes(b"x")
    monkeypatch.setattr(library_limits, "box_limits", lambda: Limits(max_total_bytes=100_000))
    with pytest.raises(HatboxError) as caught:
        library_limits.folder_fits(lib, None, {})
    hint = caught.value.hint
    assert "each with at most 97.7 KiB: hatbox push-library " in hint, hint
    assert f"{lib / 'Loops'} (2 files, 117 KiB: over the limit itself, send its own folders); then " \
           f"{lib / 'Kicks'} (30 files, 2.93 KiB)" in hint, hint
    assert "the 1 file at its top: move it into a folder of its own" in hint, hint


def test_counts_carry_thousands_separators_and_say_at_most(tmp_path, monkeypatch) -> None:
    lib = tmp_path / "Samples"
    _files(lib / "a", 1_200, 0)
    _files(lib / "b", 3, 0)
    monkeypatch.setattr(library_limits, "box_limits", lambda: Limits(max_files=1_000))
    with pytest.raises(HatboxError) as caught:
        library_limits.folder_fits(lib, None, {})
    hint = caught.value.hint
    assert "each with at most 1,000 files" in hint and "under" not in hint, hint
    assert "(1,200 files, 0 bytes: over the limit itself" in hint, hint


def test_a_zip_refused_for_its_ratio_is_told_to_send_the_folder(tmp_path) -> None:
    z = tmp_path / "quiet.zip"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("kit/q.wav", b"\0" * 3_000_000)
    look = look_archive(z)
    assert "-fold" in look.refusal, look.refusal
    with pytest.raises(HatboxError) as caught:
        library_limits.check_archive(z, look.refusal)
    hint = caught.value.hint
    assert "send the folder itself" in hint and "uncompressed" in hint and "split" not in hint, hint
