"""p56 F1: the box's own 404 of GET /packs/uploads/{sha256} (no record of that upload) carries a machine word,
``error`` "no upload record" (device/api/pack_uploads.unrecorded), its message kept as the fifty-fifth stop's
laptops read it; the laptop (hatbox/upload_asked_pack.no_record) reads that word first, the message second (a box of
the fifty-fifth stop gives "not found" and its words), and an older box's "no such route" 404 is neither."""
from __future__ import annotations

from typing import Any

import httpx
import pytest

from device.api import pack_uploads
from hatbox import upload_asked_pack
from hatbox.upload_asked_pack import record_read

DIGEST = "ab" * 32
P55_MESSAGE = f"the box has no record of a pack upload of SHA-256 '{DIGEST}' (it keeps the latest 64 since it started)"


def _answering(body: dict[str, Any]) -> httpx.Client:
    return httpx.Client(base_url="http://box.test",
                        transport=httpx.MockTransport(lambda _request: httpx.Response(404, json=body)))


def test_the_box_s_404_has_its_word_and_keeps_its_message() -> None:
    refusal = pack_uploads.unrecorded(DIGEST, hint="hatbox box-pack lists the installed packs with their ids")
    assert refusal.status == 404 and refusal.body.error == pack_uploads.NO_RECORD_ERROR == "no upload record"
    assert refusal.body.message == P55_MESSAGE and upload_asked_pack.NO_RECORD in refusal.body.message
    assert refusal.body.hint == "hatbox box-pack lists the installed packs with their ids"
    assert pack_uploads.NO_RECORD_ERROR == upload_asked_pack.NO_RECORD_ERROR     # the laptop reads the box's word


@pytest.mark.parametrize("body, unrecorded", [
    ({"error": "no upload record", "message": "no such upload (kept: the latest 64)"}, True),   # the word alone
    ({"error": "no upload record", "message": P55_MESSAGE}, True),                            # this stop's box
    ({"error": "not found", "message": P55_MESSAGE, "hint": "hatbox box-pack lists the installed packs"}, True),
    ({"error": "not found", "message": "Not Found"}, False),                 # an older box: no such route
    ({"error": "not found", "message": "no pack 'x'"}, False),               # some other 404 of the box's
], ids=["word", "word-and-message", "p55-box", "no-route", "other-404"])
def test_the_laptop_reads_the_word_then_the_message(body: dict[str, Any], unrecorded: bool) -> None:
    record, missing = record_read(_answering(body), DIGEST)
    assert record is None and missing is unrecorded, body
