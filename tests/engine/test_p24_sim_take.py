"""`hatbox device run --sim` without --output records its first 30 minutes into the store, not the whole run (11.5 MB a
minute: a box left running filled the disk); --output records a whole run; the limit is no error."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from device.audio import audiofile
from device.audio.alsa_io import AudioConfig, FileIO
from hatbox import cmd_device


def test_the_file_backend_stops_recording_at_its_limit_without_calling_it_a_failure(tmp_path: Path) -> None:
    cfg = AudioConfig(device="file", rate=48000, period=128, periods=3)
    io = FileIO(cfg, None, tmp_path / "take.wav", out_limit_s=0.5)
    block = np.full(128, 0.25, np.float32)
    for _ in range(48000 // 128):                        # 1 s of output
        io.write(block)
    io.close()
    y, rate = audiofile.read(tmp_path / "take.wav")
    assert rate == 48000 and y.shape[-1] == 24000       # the first 0.5 s
    assert io.cut_short() == "" and io.recording()["problem"] == ""
    assert io.recording()["note"] == (f"the take in {tmp_path / 'take.wav'} stopped at its limit, 0.00833333 min; "
                                      "the rest of the run is not recorded (--output FILE records a whole run)")


def test_only_the_default_take_in_the_store_is_bounded(tmp_path: Path) -> None:
    from hatbox.cli import build_parser
    for extra, limited in (([], True), (["--output", str(tmp_path / "mine.wav")], False)):
        args = build_parser().parse_args(["device", "run", "--sim", "--store", str(tmp_path / "s"), "--audio",
                                          "hatbox_no_such_device", *extra])
        cfg = cmd_device._config(args)
        where = cmd_device._pick_backend(cfg, True, args.store)
        assert (cfg.output_limit_s == 30 * 60.0) is limited
        assert ("(its first 30 min; --output FILE records a whole run)" in where) is limited


def test_the_box_says_once_when_its_take_stopped_at_the_limit(capsys) -> None:
    import time

    class _Engine:
        def status(self) -> dict:
            return {"active": {}, "recording": {"problem": "", "note": "the take in s/sim-out.wav stopped at its "
                                                                       "limit, 30 min; the rest of the run is not "
                                                                       "recorded (--output FILE records a whole run)"}}

    halt = cmd_device._watch_status(cmd_device.BoxControl(_Engine()), every_s=0.02)
    try:
        time.sleep(0.3)
    finally:
        halt()
    got = capsys.readouterr()
    assert got.err.count("note: the take in s/sim-out.wav stopped at its limit, 30 min") == 1
    assert "warning" not in got.err
