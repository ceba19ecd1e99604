"""p47 G4, finding 1: `hatbox` run from a script under a locale that is not UTF-8 (cron's `env -i`, `LC_ALL=C
PYTHONUTF8=0`, a Latin-1 locale) reads file names as the UTF-8 they are (hatbox.utf8_mode: it starts itself again in
Python's UTF-8 mode).  Before: push-library skipped "Große Trommel.wav" as not valid UTF-8 (C) or sent "caisse claire
Ã©.wav" (Latin-1), exit 0."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hatbox.utf8_mode import restart_env, words_as_typed
from tests.api.conftest import wav_bytes

NAMES = ("caisse claire é.wav", "Große Trommel.wav", "Überläufe/ハイハット.wav", "plain.wav")
LATIN1_NAME = b"caf\xe9.wav"           # a name that truly is not UTF-8 (its bytes are Latin-1)


def _library(tmp_path: Path) -> Path:
    lib = tmp_path / "lib"
    for name in NAMES:
        (lib / name).parent.mkdir(parents=True, exist_ok=True)
        (lib / name).write_bytes(wav_bytes())
    (lib / os.fsdecode(LATIN1_NAME)).write_bytes(wav_bytes())
    return lib


def _launcher(script: bool) -> list[str]:
    hatbox = Path(sys.executable).with_name("hatbox")
    if script and not hatbox.exists():
        pytest.skip("no hatbox console script beside this Python")
    return [str(hatbox)] if script else [sys.executable, "-m", "hatbox"]


def _push(tmp_path: Path, launcher: list[str], locale: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    """push-library LIB as cron runs it: `env -i HOME=.. PATH=/usr/bin:/bin` and ``locale``, the laptop's pairing
    (HATBOX_CONFIG) of the box on loopback."""
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "HATBOX_CONFIG": os.environ["HATBOX_CONFIG"], **locale}
    return subprocess.run([*launcher, "push-library", str(_library(tmp_path)), "--quiet"], env=env, cwd=tmp_path,
                          capture_output=True, timeout=120)


def _sent_names(paired_server) -> list[str]:
    (lib,) = paired_server.app.state.box.libraries.list()
    return sorted(f["path"] for f in lib["files"] if f["ok"])


@pytest.mark.parametrize("script", [True, False], ids=["console-script", "python-m"])
def test_push_library_under_the_c_locale_sends_every_utf8_name_as_it_is(tmp_path, paired_server, script) -> None:
    done = _push(tmp_path, _launcher(script), {"LC_ALL": "C", "PYTHONUTF8": "0"})
    err = done.stdout.decode("ascii") + done.stderr.decode("ascii")      # the terminal's encoding: ASCII
    assert done.returncode == 0, err
    assert _sent_names(paired_server) == sorted(NAMES)
    assert "caf" in err and "not valid UTF-8" in err and "Traceback" not in err   # the Latin-1 name, said
    assert "caisse claire" not in err                                             # sent: not skipped


def _latin1_locale(tmp_path: Path) -> dict[str, str]:
    if shutil.which("localedef") is None:
        pytest.skip("no localedef here to make a Latin-1 locale")
    (tmp_path / "loc").mkdir()
    made = subprocess.run(["localedef", "-i", "en_US", "-f", "ISO-8859-1", str(tmp_path / "loc" / "en_US.ISO-8859-1")],
                          capture_output=True)
    if not (tmp_path / "loc" / "en_US.ISO-8859-1").exists():
        pytest.skip(f"localedef could not make a Latin-1 locale: {made.stderr[-200:]!r}")
    return {"LOCPATH": str(tmp_path / "loc"), "LC_ALL": "en_US.ISO-8859-1"}


def test_push_library_under_a_latin1_locale_sends_names_ungarbled(tmp_path, paired_server) -> None:
    done = _push(tmp_path, _launcher(True), _latin1_locale(tmp_path))
    out = (done.stdout + done.stderr).decode("latin-1")                   # the terminal's encoding: Latin-1
    assert done.returncode == 0, out
    assert _sent_names(paired_server) == sorted(NAMES)                    # was: "caisse claire Ã©.wav"
    assert "Ã" not in out and "not valid UTF-8" in out


def test_a_word_typed_in_latin1_is_read_in_it_but_a_name_on_disk_keeps_its_bytes(tmp_path) -> None:
    on_disk = tmp_path / os.fsdecode(LATIN1_NAME)
    on_disk.write_bytes(b"x")
    typed = "Trommels\udce4tze"                                            # "ä" typed on a Latin-1 terminal
    assert words_as_typed(["tag", typed, str(on_disk), f"--out={on_disk}", "--tag=\udce9t\udce9", "kick"],
                          "iso8859-1") == ["tag", "Trommelsätze", str(on_disk), f"--out={on_disk}", "--tag=été",
                                           "kick"]


class _Stream:
    encoding, errors = "iso8859-1", "strict"


def test_the_restarted_process_keeps_the_terminals_encoding_unless_one_is_set() -> None:
    env = restart_env({"PATH": "/bin"}, "iso8859-1", _Stream())
    assert env["PYTHONUTF8"] == "1" and env["PYTHONIOENCODING"] == "iso8859-1:strict"
    assert env["HATBOX_LOCALE_ENCODING"] == "iso8859-1"
    assert restart_env({"PYTHONIOENCODING": "utf-8"}, "ascii", _Stream())["PYTHONIOENCODING"] == "utf-8"
