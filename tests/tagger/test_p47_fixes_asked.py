"""p47 F1: `box-library --play`'s sampler warnings (hatbox.library_fixes.sampler_warnings) ask the box's status
through hatbox.box_client.asked (words a command adds: none when the box does not say), as before by hand."""
from __future__ import annotations

from typing import Any

import httpx

from hatbox.library_fixes import sampler_warnings


def _client(reply: Any) -> tuple[httpx.Client, list[str]]:
    seen: list[str] = []

    def answer(req: httpx.Request) -> httpx.Response:
        seen.append(req.url.path)
        return reply(req) if callable(reply) else httpx.Response(200, json=reply)
    return httpx.Client(base_url="http://box.invalid", transport=httpx.MockTransport(answer)), seen


def test_the_box_s_warnings_about_the_file_are_said() -> None:
    status = {"engine": {"active": {"sampler": {"warnings": ["kit/long.wav is 4:00 long: the sampler plays only "
                                                             "its first 60 s", "kit/other.wav is quiet"]}}}}
    client, seen = _client(status)
    assert sampler_warnings(client, "kit/long.wav", tries=2, wait_s=0) == [
        "kit/long.wav is 4:00 long: the sampler plays only its first 60 s"]
    assert seen == ["/status"]


def test_a_box_that_does_not_say_adds_nothing() -> None:
    for reply in (lambda _r: httpx.Response(500, json={"error": "x", "message": "down"}), ["not", "a", "dict"]):
        client, seen = _client(reply)
        assert sampler_warnings(client, "kit/long.wav", tries=3, wait_s=0) == []
        assert seen == ["/status"]                  # asked once: no answer is no warning, not a retry
    client, seen = _client({"engine": {"active": {}}})
    assert sampler_warnings(client, "kit/long.wav", tries=3, wait_s=0) == [] and len(seen) == 3
