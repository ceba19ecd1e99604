"""`hatbox device service`: the box as a systemd unit (device/service_unit.py, hatbox/cmd_service.py).

The unit is checked by systemd's own parser (``systemd-analyze verify``, where this machine has it), installed into a
temporary unit folder with a stand-in ``systemctl`` on PATH that records what it was asked."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from device.service_unit import ServiceSpec, exec_line, exec_quote, unit_text
from hatbox.cli import main

ANALYZE = shutil.which("systemd-analyze")
needs_analyze = pytest.mark.skipif(ANALYZE is None, reason="no systemd-analyze on this machine")


def _verify(tmp_path: Path, text: str) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "check.service"
    path.write_text(text)
    return subprocess.run([str(ANALYZE), "verify", str(path)], capture_output=True, text=True, timeout=60)


def _fake_systemctl(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rc: int = 0) -> Path:
    """A ``systemctl`` first on PATH that appends its arguments to a file and exits ``rc``."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    calls = tmp_path / "calls.txt"
    tool = bin_dir / "systemctl"
    tool.write_text(f'#!/bin/sh\necho "$@" >> {calls}\necho "Failed to connect to bus" >&2\nexit {rc}\n'
                    if rc else f'#!/bin/sh\necho "$@" >> {calls}\n')
    tool.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return calls


@pytest.mark.parametrize("arg, quoted", [
    ("hw:1", "hw:1"),
    ("/my samples/kit", '"/my samples/kit"'),
    ('say "hi"', '"say \\"hi\\""'),
    ("a\\b", '"a\\\\b"'),
    ("100%", "100%%"),
    ("$HOME", "$$HOME"),
])
def test_an_argument_is_quoted_as_systemd_reads_it(arg: str, quoted: str) -> None:
    assert exec_quote(arg) == quoted


def test_a_program_without_an_absolute_path_is_refused() -> None:
    with pytest.raises(ValueError, match="absolute"):
        exec_line(["hatbox", "device", "run"])


def test_the_unit_lifts_the_limits_a_service_does_not_get_from_limits_conf() -> None:
    spec = ServiceSpec(name="hatbox", user="box", argv=("/opt/hb/bin/hatbox", "device", "run"),
                       store=Path("/var/lib/hatbox"), groups=("audio", "gpio"))
    text = unit_text(spec)
    lines = set(text.splitlines())
    assert {"LimitRTPRIO=95", "LimitMEMLOCK=infinity", "Restart=on-failure", "User=box",
            "SupplementaryGroups=audio gpio", "ExecStart=/opt/hb/bin/hatbox device run",
            "WantedBy=multi-user.target", "SuccessExitStatus=130"} <= lines
    no_groups = unit_text(ServiceSpec(name="hatbox", user="box", argv=("/bin/true",), store=Path("/x")))
    assert "SupplementaryGroups" not in no_groups


@needs_analyze
def test_systemd_reads_the_unit_without_a_complaint(tmp_path: Path) -> None:
    argv = (sys.executable, "-m", "hatbox", "device", "run", "--store", str(tmp_path / "my store 100%"))
    done = _verify(tmp_path, unit_text(ServiceSpec(name="hatbox", user="root", argv=argv, store=tmp_path)))
    assert done.returncode == 0, done.stderr
    assert "check.service" not in done.stderr          # no unknown key, no bad value in it
    bad = _verify(tmp_path, unit_text(ServiceSpec(name="hatbox", user="root", argv=("/no/such/hatbox",),
                                                  store=tmp_path)))
    assert bad.returncode != 0                          # the check can fail


def test_printed_unit_has_the_box_options_with_absolute_paths(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["device", "service", "--", "--audio", "hw:1", "--effect", "pedal.hatpack",
                 "--board=my-board.toml", "--no-panel"]) == 0
    out = capsys.readouterr().out
    start = next(line for line in out.splitlines() if line.startswith("ExecStart="))
    assert f" device run --audio hw:1 --effect {tmp_path / 'pedal.hatpack'} --board={tmp_path / 'my-board.toml'}" \
           f" --no-panel --store " in start
    assert start.split()[-1].endswith("/.hatbox")        # the user's store, always named
    assert Path(start.split("=", 1)[1].split()[0]).is_absolute()


def test_a_board_name_stays_a_name(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["device", "service", "--", "--board", "jetson-orin-nano-devkit", "--store", "st"]) == 0
    start = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("ExecStart="))
    assert start.endswith(f"device run --board jetson-orin-nano-devkit --store {tmp_path / 'st'}")


@pytest.mark.parametrize("options, said", [
    (["--seconds", "5"], "--seconds: a box that stops after --seconds is not a service"),
    (["--input", "take.wav"], "--input: a box that stops at the end of its --input file is not a service"),
    (["--bogus"], "the box's options: unrecognized arguments: --bogus"),
    (["--rate", "7"], "the box's options: argument --rate"),
    (["--store", "a\nb"], "holds a control character"),
])
def test_box_options_that_would_fail_at_boot_are_said_now(options, said, capsys) -> None:
    assert main(["device", "service", "--", *options]) == 2
    captured = capsys.readouterr()
    assert said in captured.err
    assert "Traceback" not in captured.err and "ExecStart" not in captured.out


def test_an_unknown_user_is_refused(capsys) -> None:
    assert main(["device", "service", "--user", "no-such-user-hb36"]) == 2
    assert "--user no-such-user-hb36: there is no such user" in capsys.readouterr().err


def test_out_writes_the_unit_and_says_how_to_install_it(tmp_path: Path, capsys) -> None:
    out = tmp_path / "hatbox.service"
    assert main(["device", "service", "--unit", "stage-box", "--out", str(out)]) == 0
    assert out.read_text().startswith("# written by `hatbox device service`")
    assert "systemctl daemon-reload && sudo systemctl enable --now stage-box" in capsys.readouterr().out


@pytest.mark.skipif(os.geteuid() != 0, reason="installing makes the store owned by the box's user (chown)")
def test_install_writes_enables_and_makes_the_store(tmp_path: Path, monkeypatch, capsys) -> None:
    calls = _fake_systemctl(tmp_path, monkeypatch)
    units = tmp_path / "units"
    units.mkdir()
    store = tmp_path / "var" / "hatbox"
    assert main(["device", "service", "--install", "--unit-dir", str(units), "--", "--store", str(store)]) == 0
    text = (units / "hatbox.service").read_text()
    assert f"--store {store}" in text
    assert store.is_dir()
    assert calls.read_text().splitlines() == ["daemon-reload", "enable hatbox.service"]
    assert "installed" in capsys.readouterr().out
    assert main(["device", "service", "--install", "--unit-dir", str(units), "--", "--store", str(store),
                 "--no-midi"]) == 0
    assert "--no-midi" in (units / "hatbox.service").read_text()
    said = capsys.readouterr().out
    assert said.startswith("replaced") and "sudo systemctl restart hatbox" in said


def test_install_leaves_a_unit_hatbox_did_not_write(tmp_path: Path, monkeypatch, capsys) -> None:
    calls = _fake_systemctl(tmp_path, monkeypatch)
    units = tmp_path / "units"
    units.mkdir()
    theirs = units / "hatbox.service"
    theirs.write_text("[Service]\nExecStart=/usr/bin/someone-else\n")
    assert main(["device", "service", "--install", "--unit-dir", str(units)]) == 2
    assert "hatbox did not write it: left as it is" in capsys.readouterr().err
    assert theirs.read_text() == "[Service]\nExecStart=/usr/bin/someone-else\n"
    assert not calls.exists()


def test_install_into_a_folder_it_cannot_write_needs_root(tmp_path: Path, capsys) -> None:
    assert main(["device", "service", "--install", "--unit-dir", str(tmp_path / "missing")]) == 2
    assert "installing a service needs root" in capsys.readouterr().err


@needs_analyze
def test_a_unit_systemd_finds_wrong_is_not_installed(tmp_path: Path, monkeypatch, capsys) -> None:
    calls = _fake_systemctl(tmp_path, monkeypatch)
    units = tmp_path / "units"
    units.mkdir()
    monkeypatch.setattr("hatbox.cmd_service._program", lambda: ("/no/such/hatbox",))
    assert main(["device", "service", "--install", "--unit-dir", str(units), "--", "--store",
                 str(tmp_path / "st")]) == 2
    assert "systemd finds the unit wrong, nothing was installed" in capsys.readouterr().err
    assert list(units.iterdir()) == [] and not calls.exists() and not (tmp_path / "st").exists()


def test_a_systemctl_that_fails_is_said_with_the_unit_left_written(tmp_path: Path, monkeypatch, capsys) -> None:
    _fake_systemctl(tmp_path, monkeypatch, rc=1)
    units = tmp_path / "units"
    units.mkdir()
    assert main(["device", "service", "--install", "--unit-dir", str(units), "--", "--store",
                 str(tmp_path / "st")]) == 2
    err = capsys.readouterr().err
    assert "the unit is written but systemctl daemon-reload failed: Failed to connect to bus" in err
    assert "sudo systemctl daemon-reload && sudo systemctl enable hatbox" in err
    assert (units / "hatbox.service").exists()


def test_a_refused_limit_is_explained_for_where_the_box_runs(monkeypatch) -> None:
    from device.audio.realtime import limit_hint
    monkeypatch.delenv("INVOCATION_ID", raising=False)
    assert "/etc/security/limits.d" in limit_hint("rtprio")
    monkeypatch.setenv("INVOCATION_ID", "0123abcd")           # what systemd sets for a service it started
    assert "LimitRTPRIO= in its unit" in limit_hint("rtprio")
    assert "LimitMEMLOCK= in its unit" in limit_hint("memlock")
