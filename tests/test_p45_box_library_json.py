"""`hatbox box-library ID ... --json` (p45): one rule for refusing --json with an action (hatbox.listing.refuse_json,
as every listing command has it: an option given an empty value is given), and one place that asks the box for a
listing (hatbox.library_browse.asked_listing), for the lines and the JSON alike."""
from __future__ import annotations

from typing import Any

import pytest

from hatbox import box_client, cmd_box_library, library_browse
from hatbox.cli import build_parser
from hatbox.errors import HatboxError

ANSWERS: dict[str, Any] = {
    "/libraries/lib/tags/kick": [{"path": "k.wav", "score": 0.9, "corrected": False}],
    "/libraries/lib/unsure": [{"path": "u.wav", "margin": 0.1, "guesses": [["kick", 0.5], ["tom", 0.4]]}],
    "/libraries/lib/untagged": [{"path": "n.wav", "best_guess": "hat", "score": 0.2}],
    "/libraries/lib/similar": [{"path": "s.wav", "score": 0.8}],
    "/libraries/lib": {"id": "lib", "name": "kit", "state": "done", "accepted": 3},
    "/libraries/lib/tags": {"kick": 1},
}


def _args(*options: str) -> Any:
    return build_parser().parse_args(["box-library", "lib", *options])


@pytest.mark.parametrize("action", [["--play", ""], ["--export-fixes", ""], ["--fix", "a.wav"], ["--delete"]])
def test_json_with_an_action_is_refused_before_the_box_is_asked(action: list[str]) -> None:
    """Before: box-library's own check skipped an empty value (--play "" --json went to the box), the other
    commands' rule did not."""
    with pytest.raises(HatboxError, match=f"--json goes with the listings, not with {action[0]}"):
        library_browse.check_json(_args(*action, "--json"))


@pytest.mark.parametrize("listing", [["--tag", "kick"], ["--unsure"], ["--untagged"], ["--like", "a.wav"], []])
def test_the_lines_and_the_json_ask_the_box_alike(listing: list[str], monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    asked: list[tuple[str, str]] = []

    def call(_client: Any, method: str, path: str, **_kw: Any) -> Any:
        asked.append((method, path))
        return ANSWERS[path]
    monkeypatch.setattr(library_browse, "_call", call)
    monkeypatch.setattr(cmd_box_library, "_call", call)
    monkeypatch.setattr(box_client, "_call", call)          # under box_client.asked (p47: the library's record)
    assert cmd_box_library._one_library(object(), _args(*listing, "--json"), "lib") == 0
    as_json = list(asked)
    asked.clear()
    assert cmd_box_library._one_library(object(), _args(*listing), "lib") == 0
    assert asked[:len(as_json)] == as_json and as_json
    out = capsys.readouterr().out
    assert out.startswith(("[", "{")) and ("wav" in out or "kick" in out)
