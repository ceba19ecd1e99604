"""p49 regression QA "loops2": `hatbox box-library nosuchlib --stop` answered exit 0 and "no audition started from a
laptop was sounding; ...": a mistyped id was neither checked nor said.  An id given with --stop must name one of the
box's libraries (refused in the words of every other `box-library ID` command, nothing stopped); none given, as
before."""
from __future__ import annotations

import io
import zipfile
from typing import Any

import numpy as np
import pytest
import soundfile as sf

from tests.api.conftest import paired_server  # noqa: F401 - the fixture
from tests.cli_run import run as _run


def _zip() -> bytes:
    wav = io.BytesIO()
    sf.write(wav, np.linspace(-0.4, 0.4, 4800, dtype=np.float32), 48000, format="WAV")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("oneshots/hit.wav", wav.getvalue())
    return buf.getvalue()


def test_stop_with_an_unknown_id_is_refused_as_other_box_library_commands_refuse_it(
        paired_server: Any, tmp_path: Any, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: F811
    (tmp_path / "kit.zip").write_bytes(_zip())
    assert _run(capsys, "push-library", str(tmp_path / "kit.zip"), "--quiet")[0] == 0
    control = paired_server.control
    before = list(control.sent)
    rc, out, err = _run(capsys, "box-library", "nosuchlib", "--stop")
    rc_tag, _, err_tag = _run(capsys, "box-library", "nosuchlib", "--tag", "kick")
    assert rc != 0 and rc == rc_tag, (rc, out, err)
    assert "the box has no library 'nosuchlib'" in err and err == err_tag
    assert "no audition" not in out + err and control.sent == before        # nothing was stopped


def test_stop_with_a_known_name_or_none_stops_as_before(
        paired_server: Any, tmp_path: Any, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: F811
    (tmp_path / "kit.zip").write_bytes(_zip())
    assert _run(capsys, "push-library", str(tmp_path / "kit.zip"), "--quiet")[0] == 0
    for argv in (("box-library", "kit", "--stop"), ("box-library", "--stop")):
        rc, out, err = _run(capsys, *argv)
        assert rc == 0 and "no audition started from a laptop was sounding" in out, (argv, out, err)
