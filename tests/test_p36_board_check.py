"""`hatbox device check` (device/board_check.py, hatbox/cmd_check.py): each part the box needs, checked the way the
box opens it, on this machine's real ALSA (its file plugin), the simulated pins and touch chip, and made-up /sys
and /dev trees."""
from __future__ import annotations

import os
import resource
from pathlib import Path

import pytest

from device import board_check as bc
from hatbox.cli import main


def _statuses(checks: list[bc.Check]) -> dict[str, str]:
    return {c.part: c.status for c in checks}


def test_the_simulated_board_opens_its_pins_and_touch_chip() -> None:
    check, board = bc.check_board("sim")
    assert check.status == "ok" and "4 encoders" in check.line
    encoders, touch = bc.check_inputs(board, sim=True, running=False)
    assert (encoders.status, touch.status) == ("ok", "ok"), (encoders, touch)
    assert "12 lines high at rest (simulated pins)" in encoders.line
    assert "ft5x06 answers at I2C address 0x38 on bus 7" in touch.line


def test_a_board_file_with_a_mistake_fails_and_its_parts_are_not_tried(tmp_path: Path) -> None:
    bad = tmp_path / "mine.toml"
    bad.write_text('name = "x"\ngpio = "sim"\nbogus = 1\n')
    checks = bc.run_checks(bc.Setup(board=str(bad), sim=True, store=tmp_path / "store", unit_dir=tmp_path))
    assert checks[0].status == "fail" and "bogus" in checks[0].line
    assert not {"encoders", "touch", "screen"} & set(_statuses(checks))


class _Lines:
    """Pins at given levels (as a board's GPIO library reads them)."""

    def __init__(self, low: set[int]) -> None:
        self.low = low

    def input(self, pin: int) -> int:
        return 0 if pin in self.low else 1


def test_lines_low_at_rest_are_named_with_the_pull_ups_to_fit() -> None:
    from hardware.board import load_board
    board = load_board("jetson-orin-nano-devkit")            # external pull-ups: Jetson.GPIO ignores pull_up_down
    first = board.encoders[0]
    got = bc._encoder_check(board, bc._rest_levels(board, _Lines({first.a, first.button})), sim=False)
    assert got.status == "fail"
    assert f"{first.name} A (pin {first.a}), {first.name} button (pin {first.button}) read low at rest" in got.line
    assert "fit 10k pull-ups" in got.hint
    assert bc._encoder_check(board, bc._rest_levels(board, _Lines(set())), sim=False).status == "ok"


def test_a_half_step_encoder_may_rest_low_but_its_button_may_not() -> None:
    import dataclasses
    from hardware.board import load_board
    board = load_board("sim")
    half = dataclasses.replace(board, encoders=tuple(dataclasses.replace(e, detents_per_cycle=2)
                                                     for e in board.encoders))
    e = half.encoders[0]
    assert bc._encoder_check(half, bc._rest_levels(half, _Lines({e.a, e.b})), sim=True).status == "ok"
    assert bc._encoder_check(half, bc._rest_levels(half, _Lines({e.button})), sim=True).status == "fail"


def test_audio_is_opened_as_the_engine_opens_it(tmp_path: Path, monkeypatch) -> None:
    pytest.importorskip("alsaaudio")
    from device.audio.alsa_io import write_file_pcm
    (tmp_path / "in.raw").write_bytes(bytes(4 * 48000))
    conf = write_file_pcm(tmp_path / "asoundrc", tmp_path / "out.raw", tmp_path / "in.raw")
    monkeypatch.setenv("ALSA_CONFIG_PATH", f"/usr/share/alsa/alsa.conf:{conf}")
    ok = bc.check_audio(bc.Setup(board="sim", sim=False, store=tmp_path, device="hatbox_file"), running=False)
    assert ok.status == "ok" and "round trip 8.00 ms" in ok.line, ok
    gone = bc.check_audio(bc.Setup(board="sim", sim=False, store=tmp_path, device="hw:97"), running=False)
    assert gone.status == "fail" and "cannot open ALSA playback device 'hw:97'" in gone.line and "aplay -L" in gone.hint
    sim = bc.check_audio(bc.Setup(board="sim", sim=True, store=tmp_path, device="hw:97"), running=False)
    assert sim.status == "warn" and "plays into a file instead" in sim.line


def test_a_running_box_keeps_its_devices(tmp_path: Path) -> None:
    from export.atomic import locked_fd
    store = tmp_path / "store"
    store.mkdir()
    fd = locked_fd(store / "box.lock")                           # as `hatbox device run` holds it
    try:
        checks = bc.run_checks(bc.Setup(board="sim", sim=True, store=store, unit_dir=tmp_path))
    finally:
        os.close(fd)
    st = _statuses(checks)
    assert (st["box"], st["audio"], st["encoders"], st["touch"]) == ("ok", "skip", "skip", "skip")
    assert not bc.box_running(store)                             # the lock let go: no box


def test_real_time_limits_too_low_fail_with_where_to_raise_them(monkeypatch) -> None:
    monkeypatch.delenv("INVOCATION_ID", raising=False)
    low = {resource.RLIMIT_RTPRIO: (0, 0), resource.RLIMIT_MEMLOCK: (8 << 20, 8 << 20)}
    got = bc.check_limits(lambda which: low[which], euid=1000)
    assert got.status == "fail"
    assert "real-time priority up to 0, the engine asks for 70" in got.line and "locked memory up to 8 MB" in got.line
    assert "give the user rtprio and memlock in /etc/security/limits.d" in got.hint
    monkeypatch.setenv("INVOCATION_ID", "x")                 # a terminal started by systemd: still this user's limits
    lock_only = bc.check_limits(lambda which: {resource.RLIMIT_RTPRIO: (99, 99)}.get(which, (800 << 20, 800 << 20)),
                                euid=1000)
    assert lock_only.status == "warn" and "memory may be paged out" in lock_only.line
    assert "give the user memlock in /etc/security/limits.d" in lock_only.hint
    inf = resource.RLIM_INFINITY
    fine = bc.check_limits(lambda which: {resource.RLIMIT_RTPRIO: (95, 95)}.get(which, (inf, inf)), euid=1000)
    assert fine.status == "ok" and "priority up to 95, locked memory unlimited" in fine.line
    unit = {"User": "box", "LimitRTPRIO": "95", "LimitMEMLOCK": "infinity"}       # the service's, not this shell's
    assert bc.check_limits(lambda which: low[which], euid=1000, service=unit).status == "ok"
    short = bc.check_limits(lambda which: (inf, inf), euid=1000, service={"User": "box", "LimitMEMLOCK": "64M"})
    assert short.status == "fail" and short.line.startswith("the service (its unit's LimitRTPRIO / LimitMEMLOCK)")
    assert "locked memory up to 64 MB" in short.line and "hatbox device service --install" in short.hint


def _sys(tmp_path: Path, realtime: str | None, governors: list[str], isolated: str = "") -> Path:
    root = tmp_path / "root"
    (root / "sys/kernel").mkdir(parents=True)
    if realtime is not None:
        (root / "sys/kernel/realtime").write_text(realtime + "\n")
    (root / "sys/devices/system/cpu").mkdir(parents=True)
    (root / "sys/devices/system/cpu/isolated").write_text(isolated + "\n")
    for i, g in enumerate(governors):
        (root / f"sys/devices/system/cpu/cpu{i}/cpufreq").mkdir(parents=True)
        (root / f"sys/devices/system/cpu/cpu{i}/cpufreq/scaling_governor").write_text(g + "\n")
    return root


def test_the_kernel_check_reads_preempt_rt_isolated_cores_and_governors(tmp_path: Path) -> None:
    good = bc.check_kernel(_sys(tmp_path / "a", "1", ["performance", "performance"], "3"))
    assert good.status == "ok" and good.line == "PREEMPT_RT kernel, cores 3 isolated"
    slow = bc.check_kernel(_sys(tmp_path / "b", "1", ["performance", "schedutil"]))
    assert slow.status == "warn" and "CPU clock governor schedutil" in slow.line and "jetson_clocks" in slow.hint
    if "PREEMPT_RT" not in os.uname().version:
        generic = bc.check_kernel(_sys(tmp_path / "c", None, []))
        assert generic.status == "warn" and "not a PREEMPT_RT kernel" in generic.line


def test_the_screen_needs_its_drm_device_or_a_desktop(tmp_path: Path, monkeypatch) -> None:
    from hardware.board import load_board
    jetson = load_board("jetson-orin-nano-devkit")
    assert bc.check_screen(jetson, sim=False, cards=str(tmp_path / "card*")).status == "fail"
    (tmp_path / "card0").write_text("")
    monkeypatch.setattr(bc, "running_commands", lambda: ["bash", "python3"])
    assert bc.check_screen(jetson, sim=False, cards=str(tmp_path / "card*")).line.endswith("card0 is usable")
    monkeypatch.setattr(bc, "running_commands", lambda: ["bash", "gdm3", "Xorg"])     # JetPack's desktop
    held = bc.check_screen(jetson, sim=False, cards=str(tmp_path / "card*"))
    assert held.status == "fail" and "a desktop (Xorg, gdm3) holds the screen" in held.line
    assert "multi-user.target" in held.hint
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    assert bc.check_screen(jetson, sim=True).status == "warn"     # --sim draws a window: a desktop is needed
    monkeypatch.setenv("DISPLAY", ":0")
    assert bc.check_screen(jetson, sim=True).status == "ok"


def test_midi_inference_store_and_service(tmp_path: Path) -> None:
    assert bc.check_midi(tmp_path / "seq").status == "warn"
    (tmp_path / "seq").write_text("")
    assert bc.check_midi(tmp_path / "seq").status == "ok"
    assert bc.check_inference(lambda: ["CPUExecutionProvider"]).status == "warn"
    gpu = bc.check_inference(lambda: ["TensorrtExecutionProvider", "CUDAExecutionProvider", "CPUExecutionProvider"])
    assert gpu.status == "ok" and "Tensorrt and CUDA" in gpu.line
    store = bc.check_store(tmp_path / "new" / "store")
    assert store.status in ("ok", "warn") and "made at first start" in store.line
    (tmp_path / "file").write_text("")
    assert bc.check_store(tmp_path / "file").status == "fail"
    assert bc.check_service("hatbox", tmp_path).status == "warn"
    (tmp_path / "hatbox.service").write_text("[Service]\n")                 # someone else's unit of that name
    assert bc.check_service("hatbox", tmp_path, lambda words: (0, "enabled")).line.endswith("are not read here")
    from device.service_unit import ServiceSpec, unit_text
    (tmp_path / "hatbox.service").write_text(unit_text(ServiceSpec(name="hatbox", user="box", argv=("/bin/true",),
                                                                   store=tmp_path)))
    assert bc.check_service("hatbox", tmp_path, lambda words: (0, "enabled")).status == "ok"
    off = bc.check_service("hatbox", tmp_path, lambda words: (1, "disabled"))
    assert off.status == "warn" and "not enabled (disabled)" in off.line


def test_the_command_lists_every_check_and_fails_when_one_does(tmp_path: Path, capsys) -> None:
    code = main(["device", "check", "--sim", "--audio", "hw:97", "--store", str(tmp_path / "store"), "--trial",
                 "0.3"])                                       # a trial of 0.3 s: its line is all that is looked at
    out = capsys.readouterr().out
    for part in ("board", "audio", "real-time", "kernel", "encoders", "touch", "screen", "midi", "inference",
                 "store", "service", "trial"):
        assert f"  {part}" in out, part
    assert code == (1 if "  FAIL  " in out else 0)
    assert out.splitlines()[-1].startswith(f"{out.count('  ok    ')} ok, ")
    assert main(["device", "check", "--board", str(tmp_path / "none.toml"), "--store", str(tmp_path), "--trial",
                 "0"]) == 1
    assert "FAIL  board" in capsys.readouterr().out


def test_a_simulated_board_with_external_pull_ups_is_not_failed_for_its_levels() -> None:
    """--sim on the Jetson's board file: nothing pulls simulated lines up, so they read low (it said FAIL, fit
    pull-ups)."""
    _, board = bc.check_board("jetson-orin-nano-devkit")
    encoders = bc.check_inputs(board, sim=True, running=False)[0]
    assert encoders.status == "ok" and "external pull-ups" in encoders.line


def test_the_command_checks_the_box_the_installed_service_runs(tmp_path: Path, capsys) -> None:
    from device.service_unit import ServiceSpec, unit_text
    store = tmp_path / "my box 100%"
    argv = ("/opt/hb/bin/hatbox", "device", "run", "--board", "sim", "--audio", "hw:5", "--block=256",
            f"--store={store}")
    (tmp_path / "stage.service").write_text(unit_text(ServiceSpec(name="stage", user="root", argv=argv, store=store)))
    assert main(["device", "check", "--unit", "stage", "--unit-dir", str(tmp_path), "--trial", "0", "--sim"]) in (0, 1)
    head = " ".join(capsys.readouterr().out.split("\n  ok")[0].split())
    assert f"board sim (simulated hardware), audio 'hw:5', 48000 Hz, block 256 x 3, store {store} (the installed " \
           "service stage's, where not given)" in head
    assert main(["device", "check", "--unit", "stage", "--unit-dir", str(tmp_path), "--trial", "0", "--sim",
                 "--audio", "hw:7", "--store", str(tmp_path)]) in (0, 1)
    assert f"audio 'hw:7', 48000 Hz, block 256 x 3, store {tmp_path} " in " ".join(capsys.readouterr().out.split())


def test_a_store_the_services_user_may_not_write_fails_as_that_user(tmp_path: Path) -> None:
    import pwd
    try:
        pwd.getpwnam("nobody")
    except KeyError:
        pytest.skip("no user nobody here")
    root_only = tmp_path / "store"
    root_only.mkdir(mode=0o755)
    if os.geteuid() == 0:
        got = bc.check_store(root_only, user="nobody")
        assert got.status == "fail" and "as nobody" in got.line
    assert bc.check_store(root_only, user="no-such-user-hb").status == "fail"


def test_a_lock_this_user_may_not_read_is_said_and_the_devices_left_alone(tmp_path: Path, monkeypatch) -> None:
    store = tmp_path / "store"
    store.mkdir()
    (store / "box.lock").write_text("")
    real_open = os.open

    def closed(path, flags, *args):
        if str(path).endswith("box.lock"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args)
    monkeypatch.setattr(os, "open", closed)
    assert bc.box_running(store) is None
    checks = bc.run_checks(bc.Setup(board="sim", sim=True, store=store, unit_dir=tmp_path))
    monkeypatch.undo()
    st = _statuses(checks)
    assert (st["box"], st["audio"], st["encoders"], st["touch"]) == ("warn", "skip", "skip", "skip")


def test_the_list_is_wrapped_and_escaped(tmp_path: Path, capsys) -> None:
    main(["device", "check", "--sim", "--audio", "hw:9\x1b[2J", "--store", str(tmp_path / "s"),
          "--unit-dir", str(tmp_path), "--trial", "0"])
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\\x1b[2J" in out
    assert max(len(line) for line in out.splitlines()) <= 110


def test_a_box_of_another_user_is_seen_through_a_lock_this_user_may_only_read(tmp_path: Path, monkeypatch) -> None:
    """The service's user owns box.lock (0644); the technician's check could not open it for writing and took the
    box for stopped, then opened its audio device and pins (QA)."""
    from export.atomic import locked_fd
    store = tmp_path / "store"
    store.mkdir()
    fd = locked_fd(store / "box.lock")
    real_open = os.open

    def as_another_user(path, flags, *args):
        if str(path).endswith("box.lock") and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args)
    monkeypatch.setattr(os, "open", as_another_user)
    try:
        assert bc.box_running(store)
    finally:
        monkeypatch.undo()
        os.close(fd)


def test_the_running_commands_are_read_from_proc(tmp_path: Path) -> None:
    for pid, name in ((1, "systemd"), (42, "Xorg")):
        (tmp_path / str(pid)).mkdir()
        (tmp_path / str(pid) / "comm").write_text(name + "\n")
    (tmp_path / "self").mkdir()
    assert sorted(bc.running_commands(tmp_path)) == ["Xorg", "systemd"]
    assert "python" in " ".join(bc.running_commands())              # this very test, on this machine


def test_the_trial_plays_the_factory_packs_through_the_engine(tmp_path: Path) -> None:
    setup = bc.Setup(board="sim", sim=True, device="hw:97", store=tmp_path / "s", unit_dir=tmp_path, trial_s=0.3)
    got = bc.check_trial(setup, into_file=True)
    assert got.status in ("ok", "warn"), got                   # warn: dropouts on a busy machine, said with a hint
    assert "played 0.3 s into a file, paced by the clock: " in got.line and " dropouts, audio load " in got.line
    assert list(tmp_path.iterdir()) == []                      # the take went to a temporary folder, removed


def test_a_trial_the_engine_cannot_play_fails_in_one_line(tmp_path: Path, monkeypatch) -> None:
    for name in bc.TRIAL_PACKS.values():
        (tmp_path / name).write_bytes(b"not a pack")
    monkeypatch.setattr(bc, "FACTORY", tmp_path)
    got = bc.check_trial(bc.Setup(board="sim", sim=True, store=tmp_path, trial_s=1.0), into_file=True)
    assert got.status == "fail" and got.line.startswith("the factory effect does not open: "), got
    monkeypatch.setattr(bc, "FACTORY", tmp_path / "none")
    assert bc.check_trial(bc.Setup(board="sim", sim=True, store=tmp_path, trial_s=1.0), into_file=True).status == "skip"


def test_no_trial_without_an_audio_device_or_when_asked_for_none(tmp_path: Path) -> None:
    base = dict(board="sim", store=tmp_path / "s", unit_dir=tmp_path, device="hw:97")
    assert "trial" not in _statuses(bc.run_checks(bc.Setup(sim=False, trial_s=1.0, **base)))
    assert "trial" not in _statuses(bc.run_checks(bc.Setup(sim=True, trial_s=0.0, **base)))


def test_a_trial_at_another_rate_than_the_factory_packs_is_not_played(tmp_path: Path) -> None:
    got = bc.check_trial(bc.Setup(board="sim", sim=True, store=tmp_path, rate=44100, trial_s=1.0), into_file=True)
    assert got.status == "skip" and got.line == "not played: the factory effect runs at 48000 Hz, the box at 44100 Hz"


@pytest.mark.parametrize("bad", ["--block 0", "--rate abc", "--periods 999999999999999999999"])
def test_a_unit_value_the_box_would_refuse_is_one_line(bad: str, tmp_path: Path, capsys) -> None:
    from device.service_unit import ServiceSpec, unit_text
    argv = ("/opt/hb/bin/hatbox", "device", "run", *bad.split(), "--store", str(tmp_path / "s"))
    (tmp_path / "bad.service").write_text(unit_text(ServiceSpec(name="bad", user="root", argv=argv, store=tmp_path)))
    assert main(["device", "check", "--unit", "bad", "--unit-dir", str(tmp_path), "--trial", "0"]) == 2
    err = capsys.readouterr().err
    assert f"the installed service bad runs the box with {bad}" in err and "Traceback" not in err


def test_a_store_given_here_is_not_judged_for_the_services_user(tmp_path: Path) -> None:
    from device.service_unit import ServiceSpec, unit_text
    from hatbox.cli import build_parser
    from hatbox.cmd_check import setup_of
    argv = ("/opt/hb/bin/hatbox", "device", "run", "--store", str(tmp_path / "s"))
    (tmp_path / "b.service").write_text(unit_text(ServiceSpec(name="b", user="nobody", argv=argv, store=tmp_path)))
    service = bc.read_service(tmp_path / "b.service")
    parse = build_parser().parse_args
    assert setup_of(parse(["device", "check", "--unit", "b"]), service).store_user == "nobody"
    assert setup_of(parse(["device", "check", "--unit", "b", "--store", str(tmp_path)]), service).store_user is None


def test_a_drop_in_of_the_unit_is_read_over_it(tmp_path: Path) -> None:
    """`systemctl edit hatbox` writes hatbox.service.d/override.conf: its ExecStart and limits are the service's."""
    from device.service_unit import ServiceSpec, unit_text
    argv = ("/opt/hb/bin/hatbox", "device", "run", "--store", "/var/lib/a")
    (tmp_path / "hatbox.service").write_text(unit_text(ServiceSpec(name="hatbox", user="box", argv=argv,
                                                                   store=Path("/var/lib/a"))))
    (tmp_path / "hatbox.service.d").mkdir()
    (tmp_path / "hatbox.service.d" / "override.conf").write_text(
        "[Service]\nExecStart=\nExecStart=/opt/hb/bin/hatbox device run --store /var/lib/b\nLimitRTPRIO=10\n")
    service = bc.read_service(tmp_path / "hatbox.service")
    assert bc.service_options(service) == ["--store", "/var/lib/b"]
    assert bc.check_limits(service=service).status == "fail"
