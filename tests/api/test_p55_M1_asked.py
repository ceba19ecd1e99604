"""p55 M1 (review R1, findings 2, 4 and 6): the laptop asking after a cut push reads the box's record of the upload.

2. A record older than the push (another push of the same bytes, refused yesterday) answered for a push the box
   never received: "it arrived, and the box refused it: <yesterday's reason>".  A record older than the push is now
   another push's: today's "not on the box yet".
4. A refusal to make the pack active lands between the look's GET /packs and its read of the record: the pack is
   installed, not active, and the laptop said "the box refused it".  GET /packs is read again before saying
   refused, and before a last "still checking it".
6. The read of the record is the asking's one read (hatbox.upload_asked.read, its READ_S), and cmd_logs' test of
   an older box's 400 is library_browse's refused_parameter."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from hatbox import upload_asked, upload_asked_pack
from hatbox.box_client import BoxRefused, _Upload, _upload_error
from hatbox.errors import HatboxError
from hatbox.upload_asked_pack import pack_asked, upload_record
from tests.api.conftest import make_box
from tests.api.packs import gain_pack
from tests.api.test_p55_F1_pack_uploads import REASON, TODAY, _box, _digest, _mark, _refusing

PACK = {"id": "effect-fx-1.0.0-ab12", "sha256": _digest(), "name": "fx", "version": "1.0.0", "kind": "effect",
        "active": False}
BACK = "to go back: hatbox box-pack effect-old-1 --activate"


class _Client(TestClient):
    """The box's app as the laptop's client (the laptop's read timeouts dropped: the test client takes none)."""

    def request(self, method: str, url: Any, **kw: Any) -> Any:
        kw.pop("timeout", None)
        return super().request(method, url, **kw)


def _lost() -> HatboxError:
    return _upload_error(TimeoutError("read"), _Upload("fx.hatpack", 10, "hatbox box-pack", sent=10))


def _asked(client: Any, tmp_path: Path, activate: bool = False, limit_s: float = 0.2, began: float | None = None
           ) -> Any:
    path = tmp_path / "fx.hatpack"
    path.write_bytes(b"a pack's bytes")
    try:
        return pack_asked(client, _lost(), path, activate, "effect" if activate else "", BACK, True, limit_s,
                          began=began)
    except HatboxError as exc:
        return exc


# ------------------------------------------------------------------------------------- 2: a record older than the push
def test_a_refusal_older_than_the_push_is_not_this_push_s(tmp_path: Path) -> None:
    old = _mark("refused", status=422, ago_s=3600.0, refused={"error": "pack rejected", "message": "old reason",
                                                              "check": None, "hint": None})
    got = _asked(_box({"/packs": [[]], f"/packs/uploads/{_digest()}": [old]}), tmp_path,
                 began=time.monotonic() - 5)
    assert isinstance(got, HatboxError) and str(got) == TODAY, str(got)
    assert upload_asked.asked_state(got) == upload_asked.UNKNOWN


def test_a_refusal_since_the_push_began_is_still_said(tmp_path: Path) -> None:
    fresh = _mark("refused", status=422, ago_s=3.0, refused={"error": "pack rejected", "message": "bad golden",
                                                             "check": None, "hint": None})
    got = _asked(_box({"/packs": [[]], f"/packs/uploads/{_digest()}": [fresh]}), tmp_path,
                 began=time.monotonic() - 5)
    assert isinstance(got, HatboxError) and upload_asked.asked_state(got) == upload_asked.FAILED, got
    assert "it arrived, and the box refused it: bad golden" in str(got), str(got)


def test_a_checking_mark_older_than_the_push_is_not_this_push_s(tmp_path: Path) -> None:
    got = _asked(_box({"/packs": [[]], f"/packs/uploads/{_digest()}": [_mark("checking", ago_s=600.0)]}), tmp_path,
                 began=time.monotonic() - 1)
    assert isinstance(got, HatboxError) and str(got) == TODAY, str(got)


def test_an_old_refusal_to_make_it_active_is_not_this_push_s(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(upload_asked, "ACTIVE_WAIT_S", 0.2)
    old = _mark("refused", status=502, ago_s=900.0, refused={"error": "engine refused", "message": "old engine",
                                                             "check": None, "hint": None})
    got = _asked(_box({"/packs": [[PACK]], f"/packs/uploads/{_digest()}": [old]}), tmp_path, True,
                 began=time.monotonic() - 2)
    assert isinstance(got, HatboxError) and upload_asked.asked_state(got) == upload_asked.BUSY, got
    assert "old engine" not in str(got) and "but it was not made active (0.2 s later)" in str(got), str(got)


def test_a_real_box_s_old_refusal_is_not_said_for_a_push_it_never_got(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    box = make_box(tmp_path)
    path = gain_pack(tmp_path / "fx.hatpack", "fx", "1.0.0")
    with monkeypatch.context() as m:
        _refusing(m)                            # refused before; the cause is since fixed
        assert box.push(path).status_code == 422
    monkeypatch.setattr(upload_asked_pack, "STALE_SLACK_S", 0.1)
    time.sleep(0.3)                             # the push below begins later than the slack after that refusal
    began = time.monotonic()                    # a proxy took every byte, then failed to reach the box
    with pytest.raises(HatboxError) as got:
        pack_asked(_Client(box.app, headers=box.auth), _lost(), path, False, "", "", True, 0.2, began=began)
    assert "not on the box yet" in str(got.value) and REASON not in str(got.value), str(got.value)
    assert box.push(path).status_code == 201


# ------------------------------------------------------------------ 4: a refusal that leaves the pack installed
def test_a_refusal_landing_between_the_two_reads_reads_the_packs_again(tmp_path: Path) -> None:
    refused = _mark("refused", status=502, pack=PACK["id"], refused={
        "error": "engine refused", "message": f"the engine did not take pack '{PACK['id']}'", "check": None,
        "hint": None})
    got = _asked(_box({"/packs": [[], [PACK]], f"/packs/uploads/{_digest()}": [refused]}), tmp_path, True, 5.0)
    assert isinstance(got, HatboxError) and upload_asked.asked_state(got) == upload_asked.FAILED, got
    assert "it arrived: fx 1.0.0 (effect), installed as effect-fx-1.0.0-ab12, but the box refused to make it " \
           "active: the engine did not take pack" in str(got), str(got)
    assert "hint: make it active: hatbox box-pack effect-fx-1.0.0-ab12 --activate" in str(got), str(got)
    assert "and the box refused it" not in str(got), str(got)


def test_a_refused_pack_listed_at_the_second_read_arrived(tmp_path: Path) -> None:
    refused = _mark("refused", status=507, pack=PACK["id"], refused={"error": "no space", "message": "full",
                                                                     "check": None, "hint": None})
    got = _asked(_box({"/packs": [[], [PACK]], f"/packs/uploads/{_digest()}": [refused]}), tmp_path, False, 5.0)
    assert isinstance(got, dict) and got["pack"]["id"] == PACK["id"] and got["asked"], got


def test_still_checking_at_the_end_reads_the_packs_once_more(tmp_path: Path) -> None:
    got = _asked(_box({"/packs": [[], [PACK]], f"/packs/uploads/{_digest()}": [_mark("checking")]}), tmp_path,
                 limit_s=0.0)
    assert isinstance(got, dict) and got["pack"]["id"] == PACK["id"], got


def test_still_checking_at_the_end_with_activate_says_not_made_active(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(upload_asked, "ACTIVE_WAIT_S", 0.2)
    got = _asked(_box({"/packs": [[], [PACK]], f"/packs/uploads/{_digest()}": [_mark("checking")]}), tmp_path,
                 True, 0.0)
    assert isinstance(got, HatboxError) and upload_asked.asked_state(got) == upload_asked.BUSY, got
    assert "installed as effect-fx-1.0.0-ab12, but it was not made active" in str(got), str(got)
    assert "hint: make it active: hatbox box-pack effect-fx-1.0.0-ab12 --activate" in str(got), str(got)


def test_the_straddle_on_a_real_box_says_installed_not_active(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from device.api.errors import ApiError
    box = make_box(tmp_path)
    path = gain_pack(tmp_path / "fx.hatpack", "fx", "1.0.0")

    def engine_refuses(pid: str) -> Any:
        raise ApiError(502, "engine refused", f"the engine did not take pack '{pid}': bad graph")
    monkeypatch.setattr(box.app.state.box, "activate_locked", engine_refuses)
    pushed: list[int] = []

    class Straddle(_Client):
        def request(self, method: str, url: Any, **kw: Any) -> Any:
            got = super().request(method, url, **kw)
            if str(url) == "/packs" and not pushed:          # the push installs, is refused active, just now
                pushed.append(box.push(path, activate=True).status_code)
            return got
    with pytest.raises(HatboxError) as got:
        pack_asked(Straddle(box.app, headers=box.auth), _lost(), path, True, "effect", BACK, True, 0.5,
                   began=time.monotonic())
    assert pushed == [502]
    assert "but the box refused to make it active: the engine did not take pack" in str(got.value), str(got.value)
    assert "and the box refused it" not in str(got.value) and "--activate" in str(got.value), str(got.value)


# ---------------------------------------------------------------------------------------- 6: one rule in one place
def test_the_record_is_read_as_the_asking_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(upload_asked, "READ_S", 0.25)
    seen: list[Any] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.extensions.get("timeout"))
        return httpx.Response(500, json={"error": "error", "message": "disk hiccup"})
    client = httpx.Client(base_url="http://box.test", transport=httpx.MockTransport(handler))
    assert upload_record(client, _digest()) is None
    assert seen and seen[0]["read"] == 0.25, seen


def test_box_logs_and_the_listing_share_the_older_box_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    from hatbox import cmd_logs, library_browse
    asked: list[str] = []

    def rule(exc: BaseException, name: str) -> bool:
        asked.append(name)
        return True
    monkeypatch.setattr(library_browse, "refused_parameter", rule)
    with pytest.raises(HatboxError) as got:
        with cmd_logs._older_box(True):
            raise BoxRefused("the box refused GET /logs: it answered 400 (bad request)", status=400)
    assert asked == ["file"] and "cannot send its changes log" in str(got.value), (asked, str(got.value))
