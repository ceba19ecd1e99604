"""p47 F3: the hand-written "ask the box, fall back" GETs went to hatbox.box_client.asked.  Three of them caught too
little: an answer of another shape (a box of another version) raised a KeyError or TypeError, a traceback where
the command only meant to add words or tidy up.  Each now gives up quietly, as it does for a 404 or a dropped
connection."""
from __future__ import annotations

from typing import Any

import httpx
import pytest

from hatbox.cmd_midi import _disarm
from hatbox.library_delete import _kit_notes_of
from hatbox.midi_program_words import program_note

PACK = {"id": "effect-drive-1.0.0-aaaa", "kind": "effect", "name": "drive", "version": "1.0.0"}


def _client(answers: dict[str, Any], sent: list[str]) -> httpx.Client:
    """A laptop client whose box answers ``answers[path]`` (JSON, 200); "404": a box without the route; "drop": the
    connection broken; ``sent`` gets "METHOD path" of each request."""
    def answer(req: httpx.Request) -> httpx.Response:
        sent.append(f"{req.method} {req.url.path}")
        reply = answers.get(req.url.path, "404")
        if reply == "drop":
            raise httpx.RemoteProtocolError("Server disconnected without sending a response.", request=req)
        if reply == "404":
            return httpx.Response(404, json={"detail": "Not Found"})
        return httpx.Response(200, json=reply)
    return httpx.Client(base_url="http://127.0.0.1:1", transport=httpx.MockTransport(answer))


@pytest.mark.parametrize("midi", [{"bindings": []}, {"learning": "drive"}, {"learning": {"slot": "effect"}}, "404",
                                  "drop"])
def test_disarm_leaves_a_box_that_is_not_learning_that_knob_alone(midi: Any) -> None:
    """Before: GET /midi without ``learning`` (KeyError) or with it in another form (TypeError) escaped _disarm."""
    sent: list[str] = []
    _disarm(_client({"/midi": midi}, sent), ("effect", "drive"))
    assert sent == ["GET /midi"]


@pytest.mark.parametrize("delete", [{"message": "learn cancelled"}, "404", "drop"])
def test_disarm_cancels_learn_armed_for_the_knob_whatever_the_delete_answers(delete: Any) -> None:
    sent: list[str] = []
    answers = {"/midi": {"learning": {"slot": "effect", "knob": "drive"}}, "/midi/learn": delete}
    _disarm(_client(answers, sent), ("effect", "drive"))
    assert sent == ["GET /midi", "DELETE /midi/learn"]


@pytest.mark.parametrize("programs", [{"programs": 5}, {"programs": None}, {}, "404", "drop"])
def test_a_delete_question_without_a_readable_program_map_adds_nothing(programs: Any) -> None:
    """Before: ``programs`` that is not a list (5) raised a TypeError out of the delete question."""
    assert program_note(_client({"/midi/programs": programs}, []), PACK, [PACK]) == ""


def test_a_program_that_plays_the_pack_is_named() -> None:
    row = {"program": 1, "channel": None, "pack": PACK["id"], "plays": PACK["id"], "follow": False, "kind": "effect",
           "name": "drive", "version": "1.0.0"}
    note = program_note(_client({"/midi/programs": {"programs": [row]}}, []), PACK, [PACK])
    assert note.startswith("; ") and "program 1" in note


@pytest.mark.parametrize("kit", [{"notes": 3}, {"notes": {"36": {}}}, {}, "404", "drop"])
def test_a_library_delete_without_a_readable_kit_names_no_note(kit: Any) -> None:
    """Before: ``notes`` that is not a list (3) raised a TypeError out of `box-library ID --delete`'s question."""
    assert _kit_notes_of(_client({"/kit": kit}, []), "lib-kit-1") == []


def test_the_kit_notes_that_play_the_library_are_named() -> None:
    kit = {"notes": [{"note": 36, "name": "C2", "library": "lib-kit-1"}, {"note": 38, "name": "D2", "library": "x"},
                     {"note": 40, "name": "E2", "library": "lib-kit-1", "missing": True}, "junk"]}
    assert _kit_notes_of(_client({"/kit": kit}, []), "lib-kit-1") == ["C2"]
