"""p42 QA 2: `hatbox push-library FOLDER` with the tag database kept outside the folder (the README's `hatbox tag
~/Samples --out samples.db`, `hatbox library fix samples.db ...`) sent no corrections without a word.  It now says so
in one line, with how to send them (--fixes DB); quiet with --no-fixes, and when the folder's own database goes."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf

from device.library.db import IN_LIBRARY
from hatbox.library_fixes import push_fixes, say_no_fixes
from tests.api.conftest import paired_server  # noqa: F401 - the fixture


def _folder(tmp_path: Path) -> Path:
    lib = tmp_path / "lib" / "kit"
    lib.mkdir(parents=True)
    sf.write(lib / "s.wav", np.linspace(-0.5, 0.5, 2400, dtype=np.float32), 48000)
    return tmp_path / "lib"


def test_no_database_in_the_folder_is_said_with_the_option_to_send_one(tmp_path, capsys):
    src = _folder(tmp_path)
    assert push_fixes(src, None, False) is None
    say_no_fixes(src, None, False)
    out = capsys.readouterr().err
    assert out.count("\n") == 1 and "no corrections go with it" in out and "--fixes DB" in out, out
    assert IN_LIBRARY in out, out


def test_no_fixes_and_a_database_that_goes_are_quiet(tmp_path, capsys):
    src = _folder(tmp_path)
    assert push_fixes(src, None, True) is None
    say_no_fixes(src, None, True)
    say_no_fixes(src, src / IN_LIBRARY, False)
    (src / IN_LIBRARY).write_bytes(b"")
    assert push_fixes(src, None, False).path == src / IN_LIBRARY
    other = tmp_path / "samples.db"
    other.write_bytes(b"")
    assert push_fixes(src, str(other), False).path == other
    assert capsys.readouterr() == ("", "")


def test_push_library_says_it_after_the_upload(tmp_path, paired_server, capsys):
    from hatbox.cli import main
    src = _folder(tmp_path)
    assert main(["push-library", str(src), "--name", "p42", "--quiet"]) == 0
    said = capsys.readouterr()
    out = said.err
    assert said.out.startswith("library "), said.out           # the library's own lines first, as scripts read them
    assert "note: no corrections go with it (lib holds no" in out and "--fixes DB" in out, out
