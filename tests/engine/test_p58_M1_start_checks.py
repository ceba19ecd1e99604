"""p58 R2 review 1, 7 and 8 on the checks `hatbox device run` makes before it installs the packs it was given
(hatbox/box_start_checks.py) and on its start line.

1: the output check was a second rule beside the engine's writer (device/audio/wav_recorder.WavRecorder): it refused
   a take the writer would write (an existing writable take in a folder the user may not add to; /dev/null or a link
   to it in such a folder).  The check now asks the writer's own rule (wav_recorder.cannot_record).
7: the file backend's start line said "no delay" even where the pack playing declares a latency (the status said it).
8: the input check was a second copy of the engine's reading of --input: both now call io_open.read_engine_input."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from device.audio.alsa_io import AudioConfig
from device.audio.server_config import ServerConfig
from hatbox.cmd_device import latency_words
from tests.engine.helpers import RATE

FACTORY_SYNTH = Path(__file__).resolve().parents[2] / "factory" / "synth-gm4.hatpack"
FACTORY_EFFECT = FACTORY_SYNTH.parent / "effect-drive.hatpack"

_PROBE = textwrap.dedent("""
    import json, sys
    import numpy as np
    from device.audio.wav_recorder import WavRecorder
    from hatbox.box_start_checks import check_output
    from hatbox.errors import AudioFileError
    said = {}
    for name, path in json.loads(sys.argv[1]).items():
        try:
            check_output(path)
            check = "ok"
        except AudioFileError as exc:
            check = str(exc)
        try:
            rec = WavRecorder(path, 48000, role="the output")
            rec.write(np.zeros(480, np.float32))
            rec.close()
            wrote = "ok"
        except AudioFileError as exc:
            wrote = str(exc)
        said[name] = [check, wrote]
    print(json.dumps(said))
""")


def _as_a_user(tmp_path: Path, cases: dict[str, str]) -> dict[str, list[str]]:
    """``_PROBE`` on ``cases`` in a child process that folder permissions bind: this user's own, or root's without
    the capabilities that pass over them (setpriv: as the review ran it)."""
    (tmp_path / "probe.py").write_text(_PROBE)
    cmd = [sys.executable, str(tmp_path / "probe.py"), json.dumps(cases)]
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("root without setpriv: folder permissions do not bind here")
        cmd = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", *cmd]
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=root, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(root)})
    if done.returncode != 0 and "setpriv" in done.stderr:
        pytest.skip(f"setpriv could not drop the capabilities here: {done.stderr.strip()}")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_output_check_refuses_what_the_engine_writer_refuses_and_nothing_else(tmp_path: Path) -> None:
    shut, open_ = tmp_path / "shut", tmp_path / "open"
    shut.mkdir(), open_.mkdir(), (tmp_path / "shut" / "folder").mkdir()
    for folder in (shut, open_):
        (folder / "take.wav").write_bytes(b"an older take")
        (folder / "kept.wav").write_bytes(b"a read-only take")
        (folder / "kept.wav").chmod(0o444)
    (shut / "null.wav").symlink_to("/dev/null")
    shut.chmod(0o555)
    try:
        said = _as_a_user(tmp_path, {
            "writable take, shut folder": str(shut / "take.wav"),        # written in place: the writer's fallback
            "link to /dev/null, shut folder": str(shut / "null.wav"),    # not a regular file: written directly
            "new take, shut folder": str(shut / "new.wav"),
            "read-only take, shut folder": str(shut / "kept.wav"),
            "read-only take, open folder": str(open_ / "kept.wav"),      # replaced by the take written beside it
            "a folder": str(shut / "folder"),
            "new folders": str(open_ / "a" / "b" / "take.wav"),
        })
    finally:
        shut.chmod(0o755)
    verdicts = {name: [v == "ok" for v in pair] for name, pair in said.items()}
    assert verdicts == {"writable take, shut folder": [True, True], "link to /dev/null, shut folder": [True, True],
                        "new take, shut folder": [False, False], "read-only take, shut folder": [False, False],
                        "read-only take, open folder": [True, True], "a folder": [False, False],
                        "new folders": [True, True]}, said
    for name, (check, _) in said.items():
        assert check == "ok" or check.startswith("cannot write the output "), (name, check)


def test_the_start_check_reads_the_input_with_the_engines_own_reader(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from device.audio import io_open
    from hatbox.box_start_checks import check_start
    asked: list[tuple[str | None, bool]] = []

    def reader(cfg: ServerConfig, keep: bool = False) -> io_open.InputScan:      # p59 M1: one chunked scan for both
        asked.append((cfg.input_wav, keep))
        return io_open.InputScan(RATE // 10, 1, 0.25, np.full(RATE // 10, 0.25, np.float32))
    monkeypatch.setattr(io_open, "scan_engine_input", reader)
    cfg = ServerConfig(audio=AudioConfig(rate=RATE, period=128, periods=3), backend="file",
                       input_wav=str(tmp_path / "never-read.wav"))
    check_start(cfg)                                   # the stand-in says the file is fine: no error
    io = io_open.open_engine_io(cfg)
    assert asked == [(cfg.input_wav, False), (cfg.input_wav, True)]       # the check keeps nothing
    assert np.array_equal(io.audio, np.full(RATE // 10, 0.25, np.float32))


def _with_latency(dst: Path, samples: int, source: Path = FACTORY_EFFECT) -> Path:
    """The factory effect (or ``source``) with ``latency_samples`` declared in its manifest."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "manifest.json":
                m = json.loads(data)
                m["latency_samples"] = samples
                data = json.dumps(m).encode()
            zout.writestr(info.filename, data)
    return dst


def test_the_file_backend_start_line_says_a_packs_declared_latency(tmp_path: Path) -> None:
    pack = _with_latency(tmp_path / "late.hatpack", 240)
    audio = AudioConfig(rate=RATE, period=128, periods=3)
    synth = _with_latency(tmp_path / "synth.hatpack", 0, FACTORY_SYNTH)      # loaded after the effect (p58 RD3)
    said = latency_words(SimpleNamespace(backend="file", audio=audio, packs={"effect": str(pack), "synth": str(synth)}))
    assert "no delay" not in said and "sample for sample" not in said, said
    assert said == ("a delay of 5.00 ms on the file backend: the take lags its input by the pack's declared latency, "
                    "240 samples (a sound card at these settings: round trip 13.00 ms)"), said
    card = latency_words(SimpleNamespace(backend="alsa", audio=audio, packs={"effect": str(pack)}))
    assert card == "round trip 13.00 ms", card                    # as the status says it: the pack's latency in it
    none = latency_words(SimpleNamespace(backend="file", audio=audio,
                                         packs={"effect": str(_with_latency(tmp_path / "now.hatpack", 0))}))
    assert none.startswith("no delay on the file backend"), none
