"""Stopping an audition from the laptop (p49 loops QA: `hatbox box-library ID --play long/break_16bars.wav` played all
42.7 s; only another --play or an all-notes-off over OSC/MIDI stopped it).

``POST /libraries/{id}/play`` (device/api/library_routes.py) starts an audition and notes it here (:func:`note_played`:
which file, when, how long it plays); ``DELETE /audition`` stops the audition sounding and answers what it stopped.
The stop is the sampler's audition stop, sent to the sampler alone (``{"op": "stop_audition", "slot": "sampler"}``:
device/audio/sampler.py): the auditions stop with a quick fade (4 ms), whoever started them (this API or the panel's
Library page); the kit plays on: its one-shots, and its loops held on the pads or by the pedal (p49 regression QA
"loops2": the sampler's all-notes-off, sent before, also released a pad's held loop, -19 dB to silence); the synth is
not touched.

What DELETE answers as stopped is what this API knows of its own last audition, judged by the file's length (up to
what the sampler plays): the engine is not asked.  An audition the panel's Library page started since, or one
stopped meanwhile by an all-notes-off (MIDI CC 123, OSC), is still answered as "stopped after N s" while its
length has not run out.  A stop the engine refuses is a 422, one it did not take (stopped) a 503
(device/api/engine_send.py, as the knob and bypass routes).
"""
from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any, Optional

from fastapi import FastAPI, Request
from pydantic import BaseModel, Field

class Audition(BaseModel):
    library: str = Field(description="the library's id")
    path: str = Field(description="the file, relative to the library's folder")
    played_s: float = Field(description="how long it had played when it was stopped (seconds)")
    seconds: Optional[float] = Field(None, description="how long it would have played (its length, up to the "
                                                       "sampler's 60 s; null: its header did not say)")


class AuditionStopped(BaseModel):
    stopped: Optional[Audition] = Field(None, description="the audition POST /libraries/{id}/play started that was "
                                                          "still sounding; null when none was (an audition the "
                                                          "panel started is stopped all the same)")


class _Playing:
    """The last audition the API started: (library id, path, time.monotonic() when sent, its length or None); the
    app's ``state.audition``, made by :func:`init_audition_state`."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.now: tuple[str, str, float, float | None] | None = None


def file_length(path: Path) -> float | None:
    """How long the sampler plays ``path`` (seconds: its header's length, at most what the sampler decodes,
    device.library.decode.PLAYED_SECONDS); None when its header cannot be read."""
    from device.audio.audiofile import file_seconds
    from device.library.decode import PLAYED_SECONDS
    from hatbox.errors import HatboxError
    try:
        return min(file_seconds(path), PLAYED_SECONDS)
    except (HatboxError, OSError):
        return None


def note_played(request: Request, library_id: str, rel: str, path: Path) -> None:
    """POST /libraries/{id}/play sent file ``path`` (``rel`` in library ``library_id``) to the sampler: remember it
    (a new audition replaces the one sounding, as the sampler does)."""
    playing: _Playing = request.app.state.audition
    length = file_length(path)
    with playing.lock:
        playing.now = (library_id, rel, time.monotonic(), length)


def _taken(app: Any) -> Audition | None:
    """The audition the API started that still sounds by its length (one of unknown length counts as sounding;
    the engine is not asked: one replaced by the panel or stopped by MIDI meanwhile still counts), forgotten as it is
    taken; None for none."""
    playing: _Playing = app.state.audition
    with playing.lock:
        now, playing.now = playing.now, None
    if now is None:
        return None
    library, rel, began, length = now
    played = time.monotonic() - began
    if length is not None and played >= length:
        return None
    return Audition(library=library, path=rel, played_s=round(played, 2), seconds=length)


def stop_message() -> dict[str, Any]:
    """The control message that stops an audition: the sampler's audition stop, to the sampler alone (kit notes and
    held loops play on)."""
    from device.control import msg
    return msg("stop_audition", slot="sampler")


def _unstopped() -> Any:
    """What DELETE /audition says when the stop did not reach the engine (device.api.engine_send.Unsent)."""
    from device.api.engine_send import Unsent
    return Unsent("the audition was not stopped", "nothing changed", "it may still stop once the engine answers",
                  "the engine did not stop the audition")


def init_audition_state(app: FastAPI) -> None:
    """The app's own record of the last audition POST /libraries/{id}/play started (one per app)."""
    app.state.audition = _Playing()


def add_audition_routes(app: FastAPI, auth: Any) -> None:
    """``DELETE /audition`` on ``app`` (``auth``: the paired-token dependency); state: :func:`init_audition_state`."""
    from device.api.errors import _errors

    @app.delete("/audition", response_model=AuditionStopped, dependencies=[auth], responses=_errors(401, 422, 503))
    def stop_audition(request: Request) -> AuditionStopped:
        """Stop the audition sounding on the box's speakers (a quick fade), whoever started it; answers the one
        POST /libraries/{id}/play started, if it was still sounding by its length (the engine is not asked)."""
        from device.api.engine_send import send
        send(request, stop_message(), _unstopped())
        return AuditionStopped(stopped=_taken(request.app))
