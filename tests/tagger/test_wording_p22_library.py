"""A file a library does not hold, asked about through the box (hatbox box-library LIB --fix): the laptop prints
the box's refusal in plain words, with a hint that names what the user of a box can do (push-library), not only
the laptop's own tagging command."""
from __future__ import annotations

import pytest

from device.library.fixes import NOT_IN_LIBRARY_HINT, set_tags
from hatbox.cli import main
from tests.tagger.conftest import box_with_kicks


def test_fixing_a_file_the_box_s_library_lacks_says_so_plainly(library_dir, small_pack, tmp_path, monkeypatch,
                                                               capsys) -> None:
    with box_with_kicks(library_dir, small_pack, tmp_path, monkeypatch):
        capsys.readouterr()
        assert main(["box-library"]) == 0
        lid = capsys.readouterr().out.split()[0]
        assert main(["box-library", lid, "--fix", "missing.wav", "tom"]) == 2
        err = capsys.readouterr().err
        assert "hatbox: error: the box refused: missing.wav is not a file of this library" in err
        assert "422" not in err and "rejected" not in err and "answered" not in err
        assert "--tag and --unsure listings" in err and "hatbox push-library FOLDER" in err
        assert "a new library, which hatbox box-library lists" in err       # a second push makes a new id
        assert "hatbox tag LIBRARY" not in err


def test_the_same_hint_reads_right_on_the_laptop(library_dir, small_pack, tmp_path) -> None:
    """`hatbox library fix` on the laptop's own database meets the same hint: it names hatbox tag there."""
    from device.library import tag_library
    from hatbox.errors import HatboxError
    db = tmp_path / "tags.db"
    tag_library(library_dir / "kicks", small_pack, db)
    with pytest.raises(HatboxError) as info:
        set_tags(db, "missing.wav", ["tom"])
    assert info.value.hint == NOT_IN_LIBRARY_HINT and "tag the folder again (hatbox tag)" in info.value.hint
