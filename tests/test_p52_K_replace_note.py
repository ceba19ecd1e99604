"""p52 QA1 finding 11: `push-library --replace` said "no corrections go with it" right after "--replace: carried your
corrections of 3 files": both true (the laptop's databases, the box's corrections), but read as if those were lost."""
from __future__ import annotations

from pathlib import Path

import pytest

from hatbox.library_fixes import no_fixes_note, say_no_fixes


def test_p52_K_the_no_fixes_note_of_a_replace_names_the_laptops_databases_only(tmp_path: Path,
                                                                                  capsys: pytest.CaptureFixture[str]
                                                                                  ) -> None:
    (tmp_path / "kit").mkdir()
    say_no_fixes(tmp_path / "kit", None, off=False, replacing=True)
    err = capsys.readouterr().err
    assert "no corrections go with it" not in err, err
    assert err.startswith("note: no tag database of this laptop goes with it (kit holds no ") and \
        "those made on the box of your older libraries of the name are --replace's to carry" in err and \
        "--fixes DB" in err
    assert no_fixes_note(tmp_path / "kit").startswith("note: no corrections go with it (kit holds no ")   # as before
