"""`hatbox device run` after a hands-on QA pass (twenty-third stop): out-of-range --block/--rate/--periods/ports/
--seconds are usage errors before anything starts (--block 0 was "a bug in hatbox, please report it" with a crash
file; --rate 0 a ZeroDivisionError); a --store that is a file is one line; a port in use is said in plain words
before any pairing code is shown; the panel's Settings page says MIDI is off, and which audio backend runs, instead
of a fixed "virtual ALSA port" and "default"."""
from __future__ import annotations

import socket
from pathlib import Path

import pytest

from hatbox import cmd_device
from hatbox.cli import build_parser, main
from hatbox.errors import HatboxError


@pytest.mark.parametrize("option", [["--block", "0"], ["--block", "100000"], ["--rate", "0"], ["--periods", "0"],
                                    ["--seconds", "0"], ["--seconds", "-1"], ["--osc-port", "99999"],
                                    ["--port", "0"]])
def test_out_of_range_options_are_usage_errors(tmp_path: Path, option: list[str], capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        build_parser().parse_args(["device", "run", "--store", str(tmp_path / "s"), *option])
    err = capsys.readouterr().err
    assert exc.value.code == 2 and ("out of range" in err or "give a number" in err), err
    assert "bug in hatbox" not in err


def test_in_range_options_parse(tmp_path: Path) -> None:
    args = build_parser().parse_args(["device", "run", "--store", str(tmp_path), "--block", "8192", "--rate", "44100",
                                      "--periods", "2", "--seconds", "0.5", "--osc-port", "0"])
    assert (args.block, args.rate, args.periods, args.seconds, args.osc_port) == (8192, 44100, 2, 0.5, 0)


def test_a_store_that_is_a_file_is_one_line(tmp_path: Path, capsys) -> None:
    store = tmp_path / "afile"
    store.write_text("hi")
    assert main(["device", "run", "--sim", "--store", str(store), "--seconds", "1", "--no-panel", "--no-midi",
                 "--no-mdns", "--osc-port", "0", "--no-api"]) == 2
    err = capsys.readouterr().err
    assert f"--store {store} is a file, not a folder" in err and "cannot be written" not in err
    assert store.read_text() == "hi"


def test_a_port_in_use_is_said_before_any_pairing_code(tmp_path: Path) -> None:
    from device.api.server import bind_socket
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    port = taken.getsockname()[1]
    try:
        with pytest.raises(HatboxError) as err:
            bind_socket("127.0.0.1", port)
        assert f"port {port} is in use (another hatbox device run on this machine?)" in str(err.value)
        assert err.value.hint.endswith(f"--port {port + 1}")
        shown: list[str] = []
        from device.api.server import start_api
        with pytest.raises(HatboxError):
            start_api(tmp_path / "store", object(), host="127.0.0.1", port=port, on_code=shown.append,
                      advertise=False)
        assert shown == []                          # was: a code printed for a box no laptop could reach
    finally:
        taken.close()


def test_settings_say_what_really_runs(tmp_path: Path) -> None:
    args = build_parser().parse_args(["device", "run", "--store", str(tmp_path), "--no-midi"])
    assert cmd_device._panel_data(args).setting["midi"] == "off (--no-midi)"
    args = build_parser().parse_args(["device", "run", "--store", str(tmp_path / "b")])
    args._midi_words, args._audio_words = "off: no ALSA sequencer here", "none: the file backend"
    settings = cmd_device._panel_data(args).setting
    assert settings["midi"] == "off: no ALSA sequencer here" and settings["audio_device"] == "none: the file backend"
