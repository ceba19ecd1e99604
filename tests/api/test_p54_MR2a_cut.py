"""p54 MR2a (review R2 of F4): a real box behind a proxy that cuts an upload's connection once its body passed
(tests/api/cut_proxy.py); what the laptop says and how it exits after asking the box."""
from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
import soundfile as sf

from hatbox import upload_asked
from hatbox.cli import main
from tests.api.packs import gain_pack
from tests.api.test_p54_F4_lost_answer import _folder, _held_unpacking, _libraries, _through, boxed  # noqa: F401


def _packs(running: Any, auth: dict[str, str]) -> list[tuple[str, bool]]:
    return [(p["id"], p["active"]) for p in httpx.get(f"{running.url}/packs", headers=auth).json()]


def test_a_pack_still_checked_is_not_said_gone(boxed: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    import device.api.app as app
    running, auth, codes, cut = boxed
    real, release = app.validate_pack, threading.Event()

    def held(*a: Any, **k: Any) -> Any:       # the box still checks it until the push has ended (30 s at most)
        release.wait(30)
        return real(*a, **k)
    monkeypatch.setattr(app, "validate_pack", held)
    monkeypatch.setattr(upload_asked, "PACK_WAIT_S", 0.5)
    proxy = cut(b"POST /packs", mode="after")
    _through(codes, proxy)
    capsys.readouterr()
    try:
        rc = main(["push", str(gain_pack(tmp_path / "fx.hatpack", "fx", "1.0.0")), "--activate", "--quiet"])
    finally:
        release.set()
    out, err = capsys.readouterr()
    assert proxy.cuts == 1 and rc == 2, out + err
    assert "did not arrive" not in err and "nothing was installed" not in err, err
    assert "asked the box: it is still checking it (0.5 s later): it may still install it" in err, err    # p55 F1
    assert "and make it the active effect pack (to empty the slot again: hatbox box-pack " \
           "--deactivate effect)" in err and "hint: see in a while: hatbox box-pack" in err, err
    for _ in range(500):                                         # and so it does
        if _packs(running, auth):
            break
        time.sleep(0.02)
    assert [active for _, active in _packs(running, auth)] == [True]


def test_a_pack_that_arrived_goes_through_the_push_lines(boxed: Any, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    running, auth, codes, cut = boxed
    proxy = cut(b"POST /packs", mode="after")
    _through(codes, proxy)
    capsys.readouterr()
    rc = main(["push", str(gain_pack(tmp_path / "fx.hatpack", "fx", "1.0.0")), "--activate"])
    out, err = capsys.readouterr()
    [(pid, active)] = _packs(running, auth)
    assert proxy.cuts == 1 and rc == 0 and active, out + err
    assert "asking the box whether it arrived (up to 15 s; Ctrl-C stops asking) ..." in err, err     # said first
    assert f"asked the box: it arrived: fx 1.0.0 (effect), installed as {pid}" in out, out
    assert f"(what each found: hatbox box-pack {pid})" in out and "  now active" in out, out        # push's lines


def test_a_pack_installed_but_not_made_active_fails_the_push(boxed: Any, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    from device.api.box import Box
    from device.api.errors import ApiError
    running, auth, codes, cut = boxed

    def refuses(self: Any, pid: str) -> Any:
        raise ApiError(500, "engine", "the engine could not load it")
    monkeypatch.setattr(Box, "activate_locked", refuses)
    monkeypatch.setattr(upload_asked, "ACTIVE_WAIT_S", 0.5, raising=False)
    proxy = cut(b"POST /packs", mode="after")
    _through(codes, proxy)
    capsys.readouterr()
    rc = main(["push", str(gain_pack(tmp_path / "fx.hatpack", "fx", "1.0.0")), "--activate", "--quiet"])
    out, err = capsys.readouterr()
    [(pid, active)] = _packs(running, auth)
    assert proxy.cuts == 1 and rc == 2 and not active, out + err          # as the box's own answer: an error
    assert f"installed as {pid}, but the box refused to make it active: the engine could not load it" in err, err
    assert f"hint: make it active: hatbox box-pack {pid} --activate" in err, err


def test_a_replace_whose_library_did_not_arrive_says_so_once(boxed: Any, tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    running, auth, codes, cut = boxed
    proxy = cut(b"POST /libraries", mode="short")
    proxy.armed = False
    _through(codes, proxy)
    folder = _folder(tmp_path)
    assert main(["push-library", str(folder), "--quiet"]) == 0
    sf.write(folder / "new.wav", np.linspace(-0.5, 0.5, 5000, dtype=np.float32), 48000)
    proxy.armed = True
    capsys.readouterr()
    rc = main(["push-library", str(folder), "--replace", "--quiet"])
    out, err = capsys.readouterr()
    assert proxy.cuts == 1 and rc == 2, out + err
    assert "it may hold the new library" not in err, err                  # it said both (review R2 #2)
    assert "--replace: the new library did not arrive, so nothing was deleted: your library called 'kit' stays as " \
           "it was" in err and "asked the box: it did not arrive" in err, err
    assert [lib["accepted"] for lib in _libraries(running, auth)] == [2]


def test_again_whose_list_cannot_be_read_sends_nothing(boxed: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    running, auth, codes, cut = boxed
    proxy = cut((b"GET /libraries HTTP", b"POST /libraries"), mode="after")
    proxy.armed = False
    _through(codes, proxy)
    folder = _folder(tmp_path)
    assert main(["push-library", str(folder), "--quiet"]) == 0
    [old] = [lib["id"] for lib in _libraries(running, auth)]
    release = _held_unpacking(monkeypatch)     # a look after the cut would find the old copy, the new one unpacked
    proxy.armed = True
    capsys.readouterr()
    try:
        rc = main(["push-library", str(folder), "--again", "--quiet"])
    finally:
        release.set()
    out, err = capsys.readouterr()
    assert rc == 2 and f"it arrived: 'kit', 2 files, untagged (library {old})" not in out, out + err
    assert proxy.cuts == 1 and [lib["id"] for lib in _libraries(running, auth)] == [old], out + err   # nothing sent
