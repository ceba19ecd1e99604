"""p55 MF1 (final read FR1, findings 1, 2 and 6): the laptop asking after a cut pack push.

1. The last look (the box still checking at the limit) ran outside the asking's Ctrl-C guard: a Ctrl-C during its
   reads printed a bare "hatbox: interrupted", without what the box may still do and the way to see it.
2. Every 404 of GET /packs/uploads/{sha256} was taken for an older box: "it is not on the box yet: it may still be
   checking it".  A box with the route that has no record of the upload (its own 404) never got the whole body:
   "it did not arrive: nothing changed on the box; run the same command again".  An older box keeps today's words.
6. A refusal whose second GET /packs failed was said "the box refused it" although the record names the pack the
   box holds (its activation was refused): asked again instead."""
from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from hatbox import upload_asked, upload_asked_pack
from hatbox.errors import HatboxError, Interrupted
from hatbox.upload_asked_pack import pack_asked
from tests.api.conftest import make_box
from tests.api.packs import gain_pack
from tests.api.quick_waits import quick_waits
from tests.api.test_p55_F1_pack_uploads import TODAY, _asked, _box, _digest, _mark
from tests.api.test_p55_M1_asked import PACK, _Client, _lost


@pytest.fixture(autouse=True)
def _asked_often(monkeypatch: pytest.MonkeyPatch) -> None:
    """The box asked every 0.05 s instead of 0.5 s, for as long (tests/api/quick_waits.py)."""
    quick_waits(monkeypatch)


NO_RECORD_404 = httpx.Response(404, json={
    "error": "not found", "hint": "hatbox box-pack lists the installed packs",
    "message": f"the box has no record of a pack upload of SHA-256 '{_digest()}' (it keeps the latest 64 since it "
               "started)"})
GONE = ("the connection to the box broke after all of fx.hatpack was sent, before the box answered (read); asked the "
        "box: it did not arrive: nothing changed on the box; run the same command again\n"
        "  hint: it sends nothing the box holds already, so it is safe to repeat")


# -------------------------------------------------------------------------------- 1: the last look's Ctrl-C
def test_a_ctrl_c_during_the_last_look_says_what_the_box_may_do(tmp_path: Path) -> None:
    packs = [0]

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/packs":
            packs[0] += 1
            if packs[0] == 2:                       # the last look's first read
                raise KeyboardInterrupt
            return httpx.Response(200, json=[])
        return httpx.Response(200, json=_mark("checking"))
    client = httpx.Client(base_url="http://box.test", transport=httpx.MockTransport(handler))
    path = tmp_path / "fx.hatpack"
    path.write_bytes(b"a pack's bytes")
    got: BaseException | None = None
    try:
        pack_asked(client, _lost(), path, True, "effect", "to go back: hatbox box-pack effect-old-1 --activate",
                   True, 0.0)
    except BaseException as exc:                # noqa: BLE001 - a bare KeyboardInterrupt was the bug
        got = exc
    assert packs[0] == 2 and isinstance(got, Interrupted), (packs, repr(got))
    said = str(got)
    assert "stopped asking the box whether it arrived (Ctrl-C): the box may still install it and make it the " \
           "active effect pack" in said, said
    assert "hint: see whether it did: hatbox box-pack; to go back: hatbox box-pack effect-old-1 --activate" in said


# --------------------------------------------------------------- 2: the box's own 404: it never got the body
def test_a_box_with_no_record_of_the_upload_says_it_did_not_arrive(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(upload_asked_pack, "GONE_AFTER_S", 0.3)
    began = time.monotonic()
    got = _asked(_box({"/packs": [[]], f"/packs/uploads/{_digest()}": [NO_RECORD_404]}), tmp_path, True, 10.0)
    assert time.monotonic() - began < 3.0                       # final once sure: not asked for the 10 s
    assert isinstance(got, HatboxError) and str(got) == GONE, str(got)
    assert upload_asked.asked_state(got) == upload_asked.GONE


def test_a_record_that_comes_within_the_grace_is_followed(tmp_path: Path) -> None:
    """The box marks a push once its last byte is on its card: a 404 just before is not "did not arrive"."""
    got = _asked(_box({"/packs": [[], [], [PACK]],
                       f"/packs/uploads/{_digest()}": [NO_RECORD_404, _mark("checking")]}), tmp_path, False, 5.0)
    assert isinstance(got, dict) and got["pack"]["id"] == PACK["id"] and got["asked"], got


def test_a_no_record_404_shorter_than_the_grace_keeps_today_s_words(tmp_path: Path) -> None:
    got = _asked(_box({"/packs": [[]], f"/packs/uploads/{_digest()}": [NO_RECORD_404]}), tmp_path)
    assert isinstance(got, HatboxError) and str(got) == TODAY, str(got)


def test_an_older_box_s_404_is_never_said_gone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(upload_asked_pack, "GONE_AFTER_S", 0.0)
    got = _asked(_box({"/packs": [[]]}), tmp_path)          # the framework's 404: no such route
    assert isinstance(got, HatboxError) and str(got) == TODAY, str(got)
    assert upload_asked.asked_state(got) == upload_asked.UNKNOWN


def test_a_real_box_that_never_got_the_body_says_it_did_not_arrive(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(upload_asked_pack, "GONE_AFTER_S", 0.3)
    box = make_box(tmp_path)
    path = gain_pack(tmp_path / "fx.hatpack", "fx", "1.0.0")
    with pytest.raises(HatboxError) as got:                   # a proxy took every byte, the box got none
        pack_asked(_Client(box.app, headers=box.auth), _lost(), path, False, "", "", True, 5.0,
                   began=time.monotonic())
    assert "asked the box: it did not arrive: nothing changed on the box; run the same command again" \
           in str(got.value), str(got.value)
    assert upload_asked.asked_state(got.value) == upload_asked.GONE


# -------------------------------------------------------- 6: a refusal whose second GET /packs failed
def test_a_refused_activation_whose_second_read_failed_is_asked_again(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(upload_asked, "POLL_S", 0.05)
    refused = _mark("refused", status=502, pack=PACK["id"], refused={
        "error": "engine refused", "message": f"the engine did not take pack '{PACK['id']}'", "check": None,
        "hint": None})
    hiccup = httpx.Response(500, json={"error": "error", "message": "disk hiccup"})
    got = _asked(_box({"/packs": [[], hiccup, [PACK]], f"/packs/uploads/{_digest()}": [refused]}), tmp_path,
                 True, 5.0)
    assert isinstance(got, HatboxError) and upload_asked.asked_state(got) == upload_asked.FAILED, got
    assert "installed as effect-fx-1.0.0-ab12, but the box refused to make it active: the engine did not take " \
           "pack" in str(got), str(got)
    assert "and the box refused it" not in str(got), str(got)


def test_a_refusal_naming_no_pack_whose_second_read_failed_is_still_refused(tmp_path: Path) -> None:
    refused = _mark("refused", status=422, refused={"error": "pack rejected", "message": "bad golden",
                                                    "check": None, "hint": None})
    hiccup = httpx.Response(500, json={"error": "error", "message": "disk hiccup"})
    got = _asked(_box({"/packs": [[], hiccup], f"/packs/uploads/{_digest()}": [refused]}), tmp_path, False, 5.0)
    assert isinstance(got, HatboxError) and upload_asked.asked_state(got) == upload_asked.FAILED, got
    assert "it arrived, and the box refused it: bad golden" in str(got), str(got)
