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
            "WantedBy=multi-user.target", "SuccessExitStatus=129 130 143", "KillMode=mixed"} <= lines
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


SIM_BOARD = (Path(__file__).resolve().parents[1] / "hardware" / "boards" / "sim.toml").read_text


def test_printed_unit_has_the_box_options_with_absolute_paths(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pedal.hatpack").write_bytes(b"PK")
    (tmp_path / "my-board.toml").write_text(SIM_BOARD())
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


def test_install_into_a_folder_that_is_not_there_says_so(tmp_path: Path, capsys) -> None:
    assert main(["device", "service", "--install", "--unit-dir", str(tmp_path / "missing")]) == 2
    assert f"there is no folder {tmp_path / 'missing'} for the unit" in capsys.readouterr().err


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


# ------------------------------------------------------------------ the QA pass's findings (thirty-sixth stop)
NOBODY = "nobody"
as_root = pytest.mark.skipif(os.geteuid() != 0, reason="acts for another user (root only)")


@pytest.fixture
def reachable():
    """A temporary folder every user may enter (pytest's own tmp_path is under a 0700 folder), removed after."""
    import tempfile
    folder = Path(tempfile.mkdtemp(prefix="hatbox-test-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder)


def _nobody() -> "pwd.struct_passwd":
    import pwd
    try:
        return pwd.getpwnam(NOBODY)
    except KeyError:
        pytest.skip("no user 'nobody' here")


@pytest.mark.parametrize("short", ["--sto", "--eff", "--boa"])
def test_a_shortened_box_option_is_refused_not_kept_relative(short: str, capsys) -> None:
    """`device run` takes "--sto x" for --store; the rewriting did not: the store stayed relative and the default
    store, added after it, won."""
    assert main(["device", "service", "--", short, "rel/x"]) == 2
    assert f"unrecognized arguments: {short} rel/x" in capsys.readouterr().err


def test_box_options_before_the_dashes_are_said_to_go_after_them(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["device", "service", "--sim"])
    assert "the box's own options (hatbox device run's) go after --" in capsys.readouterr().err


@pytest.mark.parametrize("board", ["mine.TOML", "mine.cfg", "existing"])
def test_a_board_the_box_reads_as_a_file_is_made_absolute(board: str, tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / board).write_text(SIM_BOARD())
    assert main(["device", "service", "--", "--board", board, "--store", "/s"]) == 0
    assert f"--board {tmp_path / board} --store /s" in capsys.readouterr().out


def test_a_tilde_is_the_service_users_home(tmp_path: Path, monkeypatch, capsys) -> None:
    import pwd
    home = tmp_path / "home"
    home.mkdir()
    (home / "fx.hatpack").write_bytes(b"PK")
    box = pwd.struct_passwd(("box", "x", os.getuid(), os.getgid(), "", str(home), "/bin/sh"))
    monkeypatch.setattr("hatbox.cmd_service._user", lambda name: box)
    monkeypatch.setenv("HOME", str(tmp_path))                 # the installer's (sudo keeps root's): not used
    assert main(["device", "service", "--user", "box", "--", "--effect=~/fx.hatpack", "--store", "/s"]) == 0
    assert f"--effect={home / 'fx.hatpack'} --store /s" in capsys.readouterr().out


@pytest.mark.parametrize("options, said", [
    (["--board", "nope"], "no board file "),
    (["--effect", "gone.hatpack"], "gone.hatpack: no pack there: the box would stop at every start"),
    (["--synth=gone.hatpack"], "--synth "),
])
def test_a_board_or_pack_the_box_would_not_find_is_said_now(options, said, tmp_path: Path, monkeypatch,
                                                            capsys) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["device", "service", "--", *options, "--store", "/s"]) == 2
    captured = capsys.readouterr()
    assert said in captured.err and "ExecStart" not in captured.out


def test_the_units_first_line_says_how_to_write_it_again(tmp_path: Path, capsys) -> None:
    import pwd
    me = pwd.getpwuid(os.getuid()).pw_name
    assert main(["device", "service", "--unit", "stage", "--user", me, "--", "--audio", "hw:1", "--store",
                 "/var/lib/my box"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.endswith(f"device service --install --unit stage --user {me} -- --audio hw:1 --store "
                          "'/var/lib/my box'")


@pytest.mark.parametrize("out_in", ["missing-folder/x.service", "."])
def test_out_that_cannot_be_written_is_one_line(out_in: str, tmp_path: Path, capsys) -> None:
    assert main(["device", "service", "--out", str(tmp_path / out_in)]) == 2
    err = capsys.readouterr().err
    assert "hatbox: error: cannot write --out" in err and "internal error" not in err


def test_a_unit_name_systemd_would_refuse_is_refused_now(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["device", "service", "--unit", "caf\u00e9"])
    assert "ASCII letters, digits" in capsys.readouterr().err


def test_a_program_path_systemd_cannot_take_is_said(monkeypatch, capsys) -> None:
    monkeypatch.setattr("hatbox.cmd_service._program", lambda: ("/opt/a$b/bin/hatbox",))
    assert main(["device", "service", "--", "--store", "/s"]) == 2
    assert "the program's path /opt/a$b/bin/hatbox holds $" in capsys.readouterr().err


def test_a_user_without_a_home_needs_a_store_given(capsys) -> None:
    if Path(_nobody().pw_dir).is_dir():
        pytest.skip("nobody has a home here")
    assert main(["device", "service", "--user", NOBODY]) == 2
    assert f"the user {NOBODY} has no home folder" in capsys.readouterr().err


@as_root
def test_a_store_the_user_may_not_write_is_refused(tmp_path: Path, reachable: Path, monkeypatch, capsys) -> None:
    calls = _fake_systemctl(tmp_path, monkeypatch)
    (tmp_path / "units").mkdir()
    store = reachable / "rootowned"
    store.mkdir(mode=0o755)
    _nobody()
    assert main(["device", "service", "--install", "--unit-dir", str(tmp_path / "units"), "--user", NOBODY, "--",
                 "--store", str(store)]) == 2
    assert f"the user {NOBODY} may not write the store {store}" in capsys.readouterr().err
    assert not calls.exists() and not (tmp_path / "units" / "hatbox.service").exists()


@as_root
def test_a_store_under_a_folder_the_user_may_not_enter_is_refused(tmp_path: Path, monkeypatch, capsys) -> None:
    """/root/box for nobody: the store would be made (and given to nobody) where nobody can never reach it."""
    import tempfile
    _fake_systemctl(tmp_path, monkeypatch)
    (tmp_path / "units").mkdir()
    _nobody()
    open_folder = Path(tempfile.mkdtemp(prefix="hatbox-test-"))   # under /tmp itself: pytest's own folder is 0700
    try:
        open_folder.chmod(0o755)
        shut = open_folder / "shut"
        shut.mkdir(mode=0o700)
        install = ["device", "service", "--install", "--unit-dir", str(tmp_path / "units"), "--user", NOBODY, "--",
                   "--store"]
        assert main([*install, str(shut / "box")]) == 2
        assert f"the user {NOBODY} may not enter {shut}, above the store {shut / 'box'}" in capsys.readouterr().err
        assert not (shut / "box").exists() and not (tmp_path / "units" / "hatbox.service").exists()
        monkeypatch.setattr("hatbox.cmd_service._refuse_unrunnable", lambda argv, user: None)
        assert main([*install, str(open_folder / "box")]) == 0          # a folder nobody may enter: installed
    finally:
        shutil.rmtree(open_folder)


@as_root
def test_a_user_who_cannot_run_this_hatbox_is_refused(tmp_path: Path, reachable: Path, monkeypatch, capsys) -> None:
    if shutil.which("runuser") is None:
        pytest.skip("no runuser here")
    calls = _fake_systemctl(tmp_path, monkeypatch)
    (tmp_path / "units").mkdir()
    import tempfile
    shared = Path(tempfile.mkdtemp(prefix="hatbox-test-"))     # under /tmp itself: pytest's own folder is 0700
    try:
        shared.chmod(0o755)
        private = shared / "private"
        private.mkdir(mode=0o700)                              # as a venv in a home only its owner enters
        program = private / "hatbox"
        program.write_text("#!/bin/sh\necho hatbox\n")
        program.chmod(0o755)
        monkeypatch.setattr("hatbox.cmd_service._program", lambda: (str(program),))
        monkeypatch.setattr("hatbox.cmd_service._verify", lambda name, text: None)
        _nobody()
        store = reachable / "store"
        install = ["device", "service", "--install", "--unit-dir", str(tmp_path / "units"), "--user", NOBODY, "--",
                   "--store", str(store)]
        assert main(install) == 2
        assert f"the user {NOBODY} cannot run {program}" in capsys.readouterr().err
        assert not calls.exists() and not (tmp_path / "units" / "hatbox.service").exists()
        private.chmod(0o755)                                   # the same, where nobody may enter: installed
        assert main(install) == 0
        assert (tmp_path / "units" / "hatbox.service").exists()
    finally:
        shutil.rmtree(shared)


@as_root
def test_every_folder_made_for_the_store_is_the_users(tmp_path: Path, reachable: Path, monkeypatch) -> None:
    _fake_systemctl(tmp_path, monkeypatch)
    (tmp_path / "units").mkdir()
    monkeypatch.setattr("hatbox.cmd_service._refuse_unrunnable", lambda argv, user: None)
    store = reachable / "var" / "lib" / "hatbox"
    assert main(["device", "service", "--install", "--unit-dir", str(tmp_path / "units"), "--user", NOBODY, "--",
                 "--store", str(store)]) == 0
    uid = _nobody().pw_uid
    assert [p.stat().st_uid for p in (reachable / "var", reachable / "var" / "lib", store)] == [uid, uid, uid]
    assert reachable.stat().st_uid == 0                         # what was there stays as it was


@pytest.mark.parametrize("tty, since, xruns, said, due", [
    (True, 0.0, 0, 0, False), (False, 2.0, 0, 0, False), (False, 61.0, 0, 0, True), (False, 2.0, 3, 2, False),
    (False, 2.0, 1, 0, True)])     # p47: the first dropouts at once, later ones in the minute's line
def test_a_headless_box_into_a_log_says_its_status_once_a_minute_or_on_a_dropout(tty, since, xruns, said, due) -> None:
    from hatbox.headless_status import status_due
    assert status_due(tty, since, xruns, said) is due


def test_uninstall_stops_disables_and_removes_only_a_unit_hatbox_wrote(tmp_path: Path, monkeypatch, capsys) -> None:
    calls = _fake_systemctl(tmp_path, monkeypatch)
    units = tmp_path / "units"
    units.mkdir()
    assert main(["device", "service", "--uninstall", "--unit-dir", str(units)]) == 2
    assert "nothing to uninstall" in capsys.readouterr().err
    (units / "hatbox.service").write_text("[Service]\nExecStart=/usr/bin/other\n")
    assert main(["device", "service", "--uninstall", "--unit-dir", str(units)]) == 2
    assert "was not written by hatbox: left as it is" in capsys.readouterr().err
    assert (units / "hatbox.service").exists() and not calls.exists()
    (units / "hatbox.service").write_text(unit_text(ServiceSpec(name="hatbox", user="box", argv=("/bin/true",),
                                                                store=tmp_path)))
    assert main(["device", "service", "--uninstall", "--unit-dir", str(units)]) == 0
    assert not (units / "hatbox.service").exists()
    assert calls.read_text().splitlines() == ["disable --now hatbox.service", "daemon-reload"]
    assert "its store, packs and libraries are kept" in capsys.readouterr().out


def _installed_unit(tmp_path: Path) -> Path:
    """A units folder holding a hatbox.service that hatbox wrote; returns the folder."""
    units = tmp_path / "units"
    units.mkdir()
    (units / "hatbox.service").write_text(unit_text(ServiceSpec(name="hatbox", user="box", argv=("/bin/true",),
                                                                store=tmp_path)))
    return units


def test_an_uninstall_systemctl_refuses_says_the_unit_is_still_there(tmp_path: Path, monkeypatch, capsys) -> None:
    _fake_systemctl(tmp_path, monkeypatch, rc=1)
    units = _installed_unit(tmp_path)
    assert main(["device", "service", "--uninstall", "--unit-dir", str(units)]) == 2
    err = capsys.readouterr().err
    assert "the unit is still there but systemctl disable --now hatbox.service failed" in err
    assert "sudo systemctl disable --now hatbox" in err and "enable" not in err.replace("disable", "")
    assert (units / "hatbox.service").exists()


def test_an_uninstall_whose_reload_fails_says_the_unit_is_removed(tmp_path: Path, monkeypatch, capsys) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    tool = bin_dir / "systemctl"
    tool.write_text('#!/bin/sh\n[ "$1" = daemon-reload ] && { echo "Failed to reload" >&2; exit 1; }\nexit 0\n')
    tool.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    units = _installed_unit(tmp_path)
    assert main(["device", "service", "--uninstall", "--unit-dir", str(units)]) == 2
    err = capsys.readouterr().err
    assert f"{units / 'hatbox.service'} is removed but systemctl daemon-reload failed: Failed to reload" in err
    assert "sudo rm" not in err and not (units / "hatbox.service").exists()
    assert main(["device", "service", "--uninstall", "--user", "box"]) == 2
    assert "--uninstall takes no --user" in capsys.readouterr().err
