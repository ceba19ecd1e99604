"""p43 review: `library export --out` and `box-library --export-fixes` each had a check of the CSV they write; now
device.library.fixes_csv.check_csv_out is the one, each naming its own option."""
from __future__ import annotations

from pathlib import Path

import pytest

from device.library.fixes_csv import check_csv_out
from hatbox.errors import HatboxError


@pytest.mark.parametrize("flag", ["--out", "--export-fixes"])
def test_what_is_refused_and_what_is_not(tmp_path: Path, flag: str) -> None:
    db, wav, folder = tmp_path / "s2.db", tmp_path / "kick.wav", tmp_path / "sub"
    for path in (db, wav):
        path.write_bytes(b"keep me")
    folder.mkdir()
    check_csv_out(tmp_path / "new.csv", flag=flag, db=db)                 # a new file in a folder that is there
    (tmp_path / "old.txt").write_text("path,tags\n")
    check_csv_out(tmp_path / "old.txt", flag=flag, db=db)                 # a CSV already there: refuse_foreign's
    refused = {db: "the library database itself", wav: "a file that is not a CSV", folder: "is a folder",
               tmp_path / "gone" / "x.csv": "no folder"}
    for path, words in refused.items():
        with pytest.raises(HatboxError) as caught:
            check_csv_out(path, flag=flag, db=db)
        assert str(caught.value).startswith((f"{flag} {path}", f"cannot write {flag} {path}")), caught.value
        assert words in str(caught.value)
    assert db.read_bytes() == wav.read_bytes() == b"keep me" and list(folder.iterdir()) == []


def test_the_hints_name_the_option_and_the_example(tmp_path: Path) -> None:
    with pytest.raises(HatboxError) as caught:
        check_csv_out(tmp_path, flag="--export-fixes", example="fixes.csv", show=lambda p: f"<{p.name}>")
    assert caught.value.hint == "give the path of the CSV file to write, e.g. --export-fixes <fixes.csv>"
