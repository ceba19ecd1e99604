"""Shorter fixed waits of the laptop commands run in this process against a simulated box (trim TA1, p58).

:func:`quick_waits` polls the box more often, its windows kept: `hatbox push`/`push-library` asking whether a
lost upload arrived (hatbox.upload_asked.ask_box) every 0.05 s instead of 0.5 s, for as long as before.  With
``no_engine_warnings``, `box-kit --map` and `box-library --play` ask the box's status for the sampler's warnings
(hatbox.library_fixes.sampler_warnings) as many times as before but 0.01 s apart instead of 0.2 s: only for a box
whose engine is a RecordingControl (device/api/sim.py), which never reports a sampler warning, so the window waited
for one that cannot come was the whole cost of those commands."""
from __future__ import annotations

import functools
from typing import Any

import pytest

ASK_POLL_S = 0.05                 # upload_asked.POLL_S is 0.5
WARNINGS_WAIT_S = 0.01            # library_fixes.sampler_warnings waits 0.2 s between its 4 asks


def quick_waits(monkeypatch: pytest.MonkeyPatch, no_engine_warnings: bool = False) -> None:
    """The polls above shortened for the rest of the test (monkeypatch undoes them)."""
    from hatbox import upload_asked
    monkeypatch.setattr(upload_asked, "ask_box", functools.partial(upload_asked.ask_box, poll_s=ASK_POLL_S))
    if no_engine_warnings:
        _quick_sampler_warnings(monkeypatch)


def _quick_sampler_warnings(monkeypatch: pytest.MonkeyPatch) -> None:
    from hatbox import cmd_kit, library_fixes
    real = library_fixes.sampler_warnings

    def sampler_warnings(client: Any, rel: str, tries: int = 4, wait_s: float = 0.2) -> list[str]:
        return real(client, rel, tries, min(wait_s, WARNINGS_WAIT_S))
    monkeypatch.setattr(library_fixes, "sampler_warnings", sampler_warnings)
    monkeypatch.setattr(cmd_kit, "sampler_warnings", sampler_warnings)


@pytest.fixture
def quick(monkeypatch: pytest.MonkeyPatch) -> None:
    """:func:`quick_waits` with ``no_engine_warnings``: for tests whose box is a RecordingControl."""
    quick_waits(monkeypatch, no_engine_warnings=True)
