"""p55 F1: a pack push cut once its whole body was sent, that the box refused or is still checking, is said as such.

Before, the laptop looked for the pack in GET /packs only, and said of one the box refused ("pack rejected", a full
disk) "it is not on the box yet: it may still be checking it", never the box's reason.  The box now keeps a record
of its recent pack uploads by SHA-256 (device/api/pack_uploads.py, ``GET /packs/uploads/{sha256}``) and the laptop
asks it (hatbox/upload_asked_pack.py).  A real box on a loopback port through tests/api/cut_proxy.py's proxy, the
route through the API's test client, and the laptop's words against boxes of routes (an older box too)."""
from __future__ import annotations

import functools
import hashlib
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from device.api.errors import ApiError
from device.api.pack_uploads import PackUploads
from hatbox import upload_asked
from hatbox.box_client import _Upload, _upload_error
from hatbox.cli import main
from hatbox.errors import HatboxError, PackError
from hatbox.upload_asked_pack import pack_asked
from tests.api.conftest import make_box
from tests.api.packs import gain_pack
from tests.api.test_p54_F4_lost_answer import boxed  # noqa: F401  (the fixture: a box behind a CutProxy)

REASON = "the pack's golden output does not match its model (off by 0.5)"
BOX_HINT = "export the pack again: hatbox export"


@pytest.fixture(autouse=True)
def _asked_often(monkeypatch: pytest.MonkeyPatch) -> None:
    """The laptop asks the box every 0.05 s, not every 0.5 s (ask_box's default, bound when it was defined): the
    limits the tests set, and so what the laptop says, are as they were; the asking ends sooner."""
    monkeypatch.setattr(upload_asked, "ask_box", functools.partial(upload_asked.ask_box, poll_s=0.05))


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _refusing(monkeypatch: pytest.MonkeyPatch) -> None:
    """The box (in this process) rejects every pack pushed: its checks raise a PackError."""
    import device.api.app as app

    def rejects(*_a: Any, **_k: Any) -> Any:
        raise PackError(REASON, check="golden", hint=BOX_HINT)
    monkeypatch.setattr(app, "validate_pack", rejects)


def _held(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """The box's checks of a pack wait for the event returned (20 s at most), then run as they do."""
    import device.api.app as app
    real, gate = app.validate_pack, threading.Event()

    def held(*a: Any, **k: Any) -> Any:
        gate.wait(20)
        return real(*a, **k)
    monkeypatch.setattr(app, "validate_pack", held)
    return gate


# ------------------------------------------------------------------------------------------------ the box's record
def _record(box: Any, sha: str) -> httpx.Response:
    return box.client.get(f"/packs/uploads/{sha}", headers=box.auth)


def _until(box: Any, sha: str, state: str, within_s: float = 10.0) -> dict[str, Any]:
    end = time.monotonic() + within_s
    while True:
        got = _record(box, sha)
        if got.status_code == 200 and got.json()["state"] == state or time.monotonic() > end:
            assert got.status_code == 200 and got.json()["state"] == state, got.text
            return got.json()
        time.sleep(0.05)


def test_the_route_says_checking_then_installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    box = make_box(tmp_path)
    gate = _held(monkeypatch)
    path = gain_pack(tmp_path / "fx.hatpack", "fx", "1.0.0")
    answers: list[Any] = []
    pushing = threading.Thread(target=lambda: answers.append(box.push(path, activate=False)))
    pushing.start()
    try:
        checking = _until(box, _sha(path), "checking")
    finally:
        gate.set()
        pushing.join(30)
    assert checking["sha256"] == _sha(path) and checking["pack"] is None and checking["refused"] is None, checking
    assert 0 <= checking["ago_s"] < 10, checking
    assert answers and answers[0].status_code == 201, answers
    installed = _until(box, _sha(path), "installed")
    pid = answers[0].json()["pack"]["id"]
    assert installed["pack"] == pid and installed["refused"] is None, installed
    assert _record(box, _sha(path).upper()).json()["pack"] == pid          # a digest in capitals: the same
    assert box.client.get(f"/packs/{pid}", headers=box.auth).json()["id"] == pid      # /packs/{pack_id} unchanged
    assert box.client.get(f"/packs/uploads/{pid}", headers=box.auth).status_code == 404


def test_the_route_says_refused_with_the_box_answer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    box = make_box(tmp_path)
    _refusing(monkeypatch)
    path = gain_pack(tmp_path / "fx.hatpack", "fx", "1.0.0")
    answer = box.push(path)
    assert answer.status_code == 422, answer.text
    refused = _record(box, _sha(path)).json()
    assert refused["state"] == "refused" and refused["status"] == 422 and refused["pack"] is None, refused
    assert refused["refused"] == answer.json() == {"error": "pack rejected", "message": REASON, "check": "golden",
                                                   "hint": BOX_HINT}, refused


def test_the_route_answers_404_for_a_digest_it_has_no_record_of_and_401_without_a_token(tmp_path: Path) -> None:
    box = make_box(tmp_path)
    got = _record(box, "ab" * 32)
    assert got.status_code == 404 and got.json()["error"] == "no upload record", got.text      # p56 F1: its word
    assert got.json()["message"] == f"the box has no record of a pack upload of SHA-256 '{'ab' * 32}' (it keeps " \
        "the latest 64 since it started)", got.text                                            # ... its words kept
    assert got.json()["hint"] == "hatbox box-pack lists the installed packs with their ids", got.text
    assert box.client.get(f"/packs/uploads/{'ab' * 32}").status_code == 401
    assert "/packs/uploads/{sha256}" in box.client.get("/openapi.json").json()["paths"]


def test_the_record_keeps_the_latest_64_uploads() -> None:
    uploads = PackUploads()
    for i in range(65):
        with uploads.marking(f"{i:064x}") as installed:
            installed(f"effect-p{i}")
    assert uploads.get(f"{0:064x}") is None                  # the first forgotten
    assert uploads.get(f"{1:064x}") is not None and uploads.get(f"{64:064x}") is not None
    assert uploads.get(f"{64:064x}").pack == "effect-p64"     # type: ignore[union-attr]


def test_an_unexpected_failure_is_never_left_checking() -> None:
    uploads = PackUploads()
    with pytest.raises(RuntimeError):
        with uploads.marking("c" * 64):
            assert uploads.get("c" * 64).state == "checking"     # type: ignore[union-attr]
            raise RuntimeError("a bug")
    mark = uploads.get("c" * 64)
    assert mark is not None and mark.state == "refused" and mark.status == 500, mark
    assert "RuntimeError" in mark.refused["message"], mark           # type: ignore[index]
    with pytest.raises(ApiError):
        with uploads.marking("d" * 64):
            raise ApiError(507, "no space", "the box's disk filled up", hint="make room")
    mark = uploads.get("d" * 64)
    assert mark is not None and (mark.state, mark.status) == ("refused", 507), mark
    assert mark.refused == {"error": "no space", "message": "the box's disk filled up", "check": None,
                            "hint": "make room"}, mark


# ----------------------------------------------------------------------------------- a real box, its answer cut
# (the fixture `boxed` is test_p54_F4_lost_answer's, imported above: a box, its auth header, its codes, ``cut``)


def _push_cut(boxed: Any, path: Path, capsys: pytest.CaptureFixture[str], *flags: str) -> tuple[int, str, str]:
    """`hatbox push PATH FLAGS --quiet` through a proxy that cuts the push after its whole body: (rc, out, err)."""
    running, auth, codes, cut = boxed
    proxy = cut(b"POST /packs", mode="after")
    assert main(["pair", proxy.url, "--code", codes[-1], "--name", "laptop"]) == 0
    capsys.readouterr()
    rc = main(["push", str(path), *flags, "--quiet"])
    out, err = capsys.readouterr()
    assert proxy.cuts == 1, out + err
    return rc, out, err


def test_a_pack_the_box_refused_is_said_with_its_reason(boxed: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    _refusing(monkeypatch)
    rc, out, err = _push_cut(boxed, gain_pack(tmp_path / "fx.hatpack", "fx", "1.0.0"), capsys)
    assert rc == 2, out + err
    assert "before the box answered" in err and f"asked the box: it arrived, and the box refused it: {REASON}" in err
    assert f"hint: {BOX_HINT}" in err and "not on the box yet" not in err and "may or may not" not in err, err


def test_a_pack_still_checked_is_said_so(boxed: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    running, auth = boxed[0], boxed[1]
    monkeypatch.setattr(upload_asked, "PACK_WAIT_S", 1.0)
    gate = _held(monkeypatch)
    try:
        rc, out, err = _push_cut(boxed, gain_pack(tmp_path / "fx.hatpack", "fx", "1.0.0"), capsys)
    finally:
        gate.set()
    assert rc == 2, out + err
    assert "asked the box: it is still checking it (1 s later): it may still install it" in err, err
    assert "hint: see in a while: hatbox box-pack" in err and "not on the box yet" not in err, err
    end = time.monotonic() + 20                     # it was: the box installs it once its checks end
    while not httpx.get(f"{running.url}/packs", headers=auth).json() and time.monotonic() < end:
        time.sleep(0.1)
    assert [p["name"] for p in httpx.get(f"{running.url}/packs", headers=auth).json()] == ["fx"]


# ------------------------------------------------------------------------- the laptop's words, boxes of routes
def _box(routes: dict[str, list[Any]]) -> httpx.Client:
    """A client whose box answers GET PATH with the next of ``routes[PATH]`` (the last once they run out; a path
    it lacks: 404 as a box without the route answers)."""
    def handler(request: httpx.Request) -> httpx.Response:
        answers = routes.get(request.url.path)
        if answers is None:
            return httpx.Response(404, json={"error": "not found", "message": "Not Found"})
        answer = answers.pop(0) if len(answers) > 1 else answers[0]
        return answer if isinstance(answer, httpx.Response) else httpx.Response(200, json=answer)
    return httpx.Client(base_url="http://box.test", transport=httpx.MockTransport(handler))


def _asked(client: httpx.Client, tmp_path: Path, activate: bool = False, limit_s: float = 0.2) -> Any:
    path = tmp_path / "fx.hatpack"
    path.write_bytes(b"a pack's bytes")
    lost = _upload_error(TimeoutError("read"), _Upload("fx.hatpack", 10, "hatbox box-pack", sent=10))
    try:
        return pack_asked(client, lost, path, activate, "effect" if activate else "",
                          "to go back: hatbox box-pack effect-old-1 --activate", True, limit_s)
    except HatboxError as exc:
        return exc


def _digest() -> str:
    return hashlib.sha256(b"a pack's bytes").hexdigest()


def _mark(state: str, **kw: Any) -> dict[str, Any]:
    return {"sha256": _digest(), "state": state, "pack": None, "status": None, "refused": None, "ago_s": 1.0, **kw}


TODAY = ("the connection to the box broke after all of fx.hatpack was sent, before the box answered (read); asked "
         "the box: it is not on the box yet (0.2 s later): it may still be checking it (the box lists no pack under "
         "check)\n  hint: see in a while: hatbox box-pack; if it is not there, run the same command again (it sends "
         "nothing the box holds already)")


def test_an_older_box_without_the_route_is_said_as_today(tmp_path: Path) -> None:
    got = _asked(_box({"/packs": [[]]}), tmp_path)
    assert isinstance(got, HatboxError) and str(got) == TODAY, str(got)
    assert upload_asked.asked_state(got) == upload_asked.UNKNOWN
    failing = _asked(_box({"/packs": [[]], f"/packs/uploads/{_digest()}": [
        httpx.Response(500, json={"error": "error", "message": "disk hiccup"})]}), tmp_path)
    assert str(failing) == TODAY, str(failing)


def test_a_refused_record_ends_the_asking_with_the_box_reason(tmp_path: Path) -> None:
    refused = _mark("refused", status=507, refused={"error": "no space", "message": "the box's disk filled up\x1b[2J",
                                                    "check": None, "hint": None})
    began = time.monotonic()
    got = _asked(_box({"/packs": [[]], f"/packs/uploads/{_digest()}": [refused]}), tmp_path, limit_s=5.0)
    assert time.monotonic() - began < 2.0                       # final: not asked again
    assert isinstance(got, HatboxError) and upload_asked.asked_state(got) == upload_asked.FAILED, got
    assert "asked the box: it arrived, and the box refused it: the box's disk filled up" in str(got), str(got)
    assert "\x1b" not in str(got) and "hint: hatbox box-logs says why" in str(got), str(got)


def test_a_checking_record_is_asked_again_until_it_is_listed(tmp_path: Path) -> None:
    pack = {"id": "effect-fx-1.0.0-ab12", "sha256": _digest(), "name": "fx", "version": "1.0.0", "kind": "effect",
            "active": False}
    got = _asked(_box({"/packs": [[], [], [pack]], f"/packs/uploads/{_digest()}": [_mark("checking")]}), tmp_path,
                 limit_s=5.0)
    assert isinstance(got, dict) and got["pack"]["id"] == "effect-fx-1.0.0-ab12" and got["asked"], got


def test_still_checking_with_activate_says_it_may_still_make_it_active(tmp_path: Path) -> None:
    got = _asked(_box({"/packs": [[]], f"/packs/uploads/{_digest()}": [_mark("checking")]}), tmp_path, True)
    assert isinstance(got, HatboxError) and upload_asked.asked_state(got) == upload_asked.CHECKING, got
    assert "asked the box: it is still checking it (0.2 s later): it may still install it and make it the active " \
           "effect pack (to go back: hatbox box-pack effect-old-1 --activate)" in str(got), str(got)


def test_installed_but_refused_active_says_the_box_reason(tmp_path: Path) -> None:
    pack = {"id": "effect-fx-1.0.0-ab12", "sha256": _digest(), "name": "fx", "version": "1.0.0", "kind": "effect",
            "active": False}
    refused = _mark("refused", status=502, refused={"error": "engine refused", "check": None, "hint": None,
                                                    "message": "the engine did not take pack 'effect-fx-1.0.0-ab12'"})
    got = _asked(_box({"/packs": [[pack]], f"/packs/uploads/{_digest()}": [refused]}), tmp_path, True, 5.0)
    assert isinstance(got, HatboxError) and upload_asked.asked_state(got) == upload_asked.FAILED, got
    assert "asked the box: it arrived: fx 1.0.0 (effect), installed as effect-fx-1.0.0-ab12, but the box refused to " \
           "make it active: the engine did not take pack 'effect-fx-1.0.0-ab12'" in str(got), str(got)
    assert "hint: make it active: hatbox box-pack effect-fx-1.0.0-ab12 --activate (hatbox box-logs says why)" \
           in str(got), str(got)


def test_installed_not_active_on_an_older_box_is_said_as_today(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(upload_asked, "ACTIVE_WAIT_S", 0.2)
    pack = {"id": "effect-fx-1.0.0-ab12", "sha256": _digest(), "name": "fx", "version": "1.0.0", "kind": "effect",
            "active": False}
    got = _asked(_box({"/packs": [[pack]]}), tmp_path, True)
    assert isinstance(got, HatboxError) and upload_asked.asked_state(got) == upload_asked.BUSY, got
    assert "installed as effect-fx-1.0.0-ab12, but it was not made active (0.2 s later): the box may have refused " \
           "to play it (hatbox box-logs says why)" in str(got), str(got)
