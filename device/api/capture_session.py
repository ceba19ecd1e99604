"""Whose capture session it is (device/api/capture_routes.py): a capture session belongs to the laptop that opened it.

From a capture's start on the engine mutes the box's live input (device/audio/capture.py ``InputMute``): the gear is
in the loop from the box's output to its input, and with its gain it would howl between captures.  Two laptops
sharing one box must not undo that for each other (p45 duo QA: laptop B's ``box-capture`` ended with
``POST /captures/session/end`` while laptop A's drive was still in the loop, and B's chord went through it).  So the
API keeps the session's owner (the paired device whose token started its first capture, named as the box's log names
callers: ``device.api.auth.Tokens.name``):

- another laptop's capture while the session lasts is refused (409 "session open"), in words that name the owner,
  since when, and how to end a session left by a laptop that went away (``hatbox box-capture --end-session``);
- ``POST /captures/session/end`` from a laptop that does not own it leaves it open (409 "not your session"), unless
  ``?force=true`` (what ``hatbox box-capture --end-session`` sends once the musician confirmed, naming the owner);
- a forced end from another laptop while the owner's take plays or is written is refused too (409 "take playing":
  the owner is evidently there; p45 reg QA), and one that ends the session is told to the owner once, at its next
  capture, its run's end or a refusal (:meth:`Sessions.note_for`: "laptopB ended your capture session at 07:18: ...");
- ``GET /status`` carries the owner in its engine status's ``capture.session`` (:func:`owner_fields`);
- ``POST /captures/session/keep`` from the owner (its ``box-capture`` waits at the Enter prompt while the musician
  sets the gear) keeps the session :data:`device.audio.capture.SESSION_S` more (the engine's ``capture_keep``); from
  another laptop it is refused (409 "not your session") and changes nothing.

A laptop that paired again mid-session (a new token, the same name) is not its session's owner: the pairing store
(device/api/auth.py) keeps a name, the token's hash and when it paired, nothing that tells two laptops of the same
name apart (``hatbox pair --name`` defaults to the host name; the API's own default is "laptop"), so taking the name
for the owner would let another laptop capture through the owner's gear.  The refusal says so when the names match,
and how to go on: ``hatbox box-capture --end-session`` (it asks first) and the same command again.

The session ends when its owner's run ends (``box-capture`` sends ``session/end`` however it ends: done, failed,
Ctrl-C), when it is forced to, or by itself :data:`device.audio.capture.SESSION_S` after its last capture (the
engine's own timeout: the owner vanished).  The owner is kept in this process only (``app.state``): the engine says
whether the session lasts (its status's ``capture.session.muted``); once it says not, the owner is forgotten.
"""
from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass
from typing import Any, Collection, Optional

from pydantic import BaseModel, Field

from device.api.errors import ApiError

LIVE = ("playing", "writing")
END_COMMAND = "hatbox box-capture --end-session"


@dataclass
class Owner:
    """A capture session's owner: the token id and device name that started its first capture, when, and how many
    captures it has started since."""

    tid: str
    name: str
    since: float
    takes: int = 0


class SessionInfo(BaseModel):
    """The box's capture session, as ``GET /captures/session`` says it."""

    open: bool = Field(description="a capture session mutes the live input (or a capture plays or is written)")
    owner: Optional[str] = Field(default=None, description="the paired device that opened it (None: none known)")
    yours: bool = Field(default=False, description="the caller's own session")
    since: Optional[float] = Field(default=None, description="when its first capture started (Unix time)")
    takes: int = Field(default=0, description="captures started in it")
    playing: Optional[str] = Field(default=None, description="the capture playing or written now, if any")
    ends_in_s: Optional[float] = Field(default=None, description="seconds before it ends by itself (None while a "
                                       "capture runs)")
    words: str = ""
    end_refused: Optional[str] = Field(default=None, description="why this laptop's ?force=true end is refused now "
                                       "(the owner's take plays: its laptop is there)")


class Sessions:
    """The capture session's owner for one API (``app.state.capture_sessions``); :attr:`lock` is held over a check
    and what it allows (a start, an end), so two laptops asking at once cannot both pass."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.owner: Owner | None = None
        self.told: dict[str, str] = {}      # token id -> "laptopB ended your capture session at 07:18: ..." (once)

    def current(self, status: dict[str, Any] | None) -> Owner | None:
        """The owner of the session that lasts by the engine's ``status`` (None: no session, or none known); the
        owner is forgotten once the engine says the session ended (a status of None, an engine not answering, keeps
        it: the mute may last)."""
        if status is not None and self.owner is not None and not lasts(status.get("capture")):
            self.owner = None
        return self.owner

    def started(self, tid: str, name: str) -> None:
        """A capture by token ``tid`` (device ``name``) started: it opened the session, or took one more in it."""
        if self.owner is None or self.owner.tid != tid:
            self.owner = Owner(tid, name, time.time())
        self.owner.takes += 1

    def ended(self, by_tid: str | None = None, by_name: str = "", paired: Collection[str] | None = None) -> None:
        """The session ended; ended by token ``by_tid`` (device ``by_name``), another laptop than its owner's, the
        owner is told once, at its next capture or its run's end (:meth:`note_for`).  ``paired``: the token ids the
        box still holds; a note for any other (its pairing revoked) goes (:meth:`forget_unpaired`)."""
        if self.owner is not None and by_tid is not None and by_tid != self.owner.tid:
            self.told[self.owner.tid] = f"{by_name} ended your capture session at {clock(time.time())}: the live " \
                                        "input was unmuted between your takes"
        self.owner = None
        if paired is not None:
            self.forget_unpaired(paired)

    def forget_unpaired(self, paired: Collection[str]) -> None:
        """Drop the notes kept for tokens not in ``paired`` (revoked: they can never come for them), so that
        :attr:`told` holds at most one note per paired laptop."""
        for tid in [tid for tid in self.told if tid not in paired]:
            del self.told[tid]

    def note_for(self, tid: str) -> str | None:
        """Once: that another laptop ended token ``tid``'s capture session, who and when (None: it did not)."""
        return self.told.pop(tid, None)


def lasts(capture: Any) -> bool:
    """Whether the engine's capture status ``capture`` says a session lasts: its live input muted, or a capture
    playing or being written."""
    if not isinstance(capture, dict):
        return False
    session = capture.get("session")
    return capture.get("state") in LIVE or bool(isinstance(session, dict) and session.get("muted"))


def clock(when: float) -> str:
    """``07:18``: the box's local time of Unix time ``when``."""
    return time.strftime("%H:%M", time.localtime(when))


def owner_words(owner: Owner, capture: Any) -> str:
    """``laptopA has a capture session open since 06:15 (1 take)`` (``, one playing now`` while one plays)."""
    takes = f"{owner.takes} take{'s' if owner.takes != 1 else ''}"
    playing = ", one playing now" if isinstance(capture, dict) and capture.get("state") in LIVE else ""
    return f"{owner.name} has a capture session open since {clock(owner.since)} " \
           f"({takes}{playing})"


def _ends_words(capture: Any) -> str:
    """When the session ends by itself: ``by itself in 4 min if its laptop went away (...)`` (or ``5 minutes after its
    laptop went away``): the owner's box-capture waiting for Enter keeps it (p46 reg QA: "in 4 min" was untrue then)."""
    session = capture.get("session") if isinstance(capture, dict) else None
    left = session.get("ends_in_s") if isinstance(session, dict) else None
    if isinstance(left, (int, float)):
        when = f"in {max(1, round(left / 60))} min" if left >= 60 else f"in {max(1, round(left))} s"
        return f"by itself {when} if its laptop went away (a box-capture waiting for Enter keeps it)"
    from device.audio.capture import SESSION_S
    return f"by itself {SESSION_S / 60:g} minutes after its laptop went away"


def refuse_start(owner: Owner, capture: Any, caller: str = "") -> ApiError:
    """409 "session open": another laptop's capture while ``owner``'s session lasts; ``caller``: the refused laptop's
    paired name (the same as the owner's: maybe the owner paired again, said with what to do)."""
    return ApiError(409, "session open",
                    f"{owner_words(owner, capture)}: the capture did not start (one laptop's gear in the box's loop "
                    f"at a time; the live input stays muted for it){same_name_words(owner, caller)}",
                    hint=f"wait for it (it ends when {owner.name}'s hatbox box-capture ends, or {_ends_words(capture)})"
                         f" and run the same command again; if {owner.name} has gone away, end its session from here: "
                         f"{END_COMMAND}" if owner.name != caller else REPAIRED_HINT)


REPAIRED_HINT = (f"if this laptop began that session and paired again since, end it from here: {END_COMMAND} (it asks "
                 "first; take the gear out of the loop, or turn its gain down, before you answer y), then run the same "
                 "command again: it captures what is missing")


def same_name_words(owner: Owner, caller: str) -> str:
    """``; this laptop is paired under the same name, but ...`` when the refused ``caller`` has the owner's name (a
    laptop that paired again mid-session, or another laptop of that name): the box tells laptops by their pairing."""
    if not caller or caller != owner.name:
        return ""
    return f"; this laptop is paired as '{caller}' too, but under another pairing than the one that began the " \
           "session (the box tells laptops apart by their pairing, not their name: two laptops may share a name)"


def refuse_end(owner: Owner, capture: Any, caller: str = "", what: str = "ended") -> ApiError:
    """409 "not your session": ``session/end`` (or ``session/keep``: ``what`` "kept") from a laptop that does not own
    ``owner``'s session; ``caller``: its paired name (see :func:`refuse_start`)."""
    return ApiError(409, "not your session",
                    f"the capture session was not {what}: it is {owner.name}'s, not this laptop's "
                    f"({owner_words(owner, capture)}, and its gear may still be in the box's loop)"
                    f"{same_name_words(owner, caller)}",
                    hint=f"{owner.name}'s hatbox box-capture ends it as it ends (or it ends {_ends_words(capture)}); "
                         f"if {owner.name} has gone away: {END_COMMAND}" if owner.name != caller else REPAIRED_HINT)


def _playing_left_s(capture: dict[str, Any]) -> int:
    """Whole seconds (at least 1) before the capture ``capture`` (the engine's status of it) ends: what is left to
    play and the record's 0.5 s tail; a capture being written: 1."""
    if capture.get("state") != "playing":
        return 1
    left = (1.0 - float(capture.get("progress") or 0.0)) * float(capture.get("seconds") or 0.0) + 0.5
    return max(1, math.ceil(left))


def end_refused_words(name: str, capture: dict[str, Any]) -> str:
    """Why another laptop cannot end ``name``'s session while ``capture`` (its take) plays or is written."""
    doing = "playing" if capture.get("state") == "playing" else "being written"
    return f"the capture session was not ended: {name}'s take is {doing} now: its laptop is there; ask them, or " \
           f"wait {_playing_left_s(capture)} s"


def refuse_end_playing(name: str, capture: dict[str, Any]) -> ApiError:
    """409 "take playing": ``?force=true`` from another laptop while ``name``'s take plays (p45 reg QA: B's
    ``--end-session`` mid-take unmuted the live input between A's takes, A never told)."""
    return ApiError(409, "take playing", end_refused_words(name, capture),
                    hint=f"{END_COMMAND} is for a session whose laptop went away; {name}'s hatbox box-capture ends "
                         f"it as it ends (between its takes {END_COMMAND} asks first)")


def info(owner: Owner | None, capture: Any, tid: str) -> SessionInfo:
    """The session as ``GET /captures/session`` says it to token ``tid``."""
    if not lasts(capture):
        return SessionInfo(open=False)
    session = capture.get("session") if isinstance(capture.get("session"), dict) else {}
    playing = str(capture.get("id")) if capture.get("state") in LIVE else None
    if owner is None:
        return SessionInfo(open=True, playing=playing, ends_in_s=session.get("ends_in_s"),
                           words="a capture session is open (its laptop is not known: it began before the box's "
                                 "API last started)",
                           end_refused=end_refused_words("another laptop", capture) if playing else None)
    refused = end_refused_words(owner.name, capture) if playing and owner.tid != tid else None
    return SessionInfo(open=True, owner=owner.name, yours=owner.tid == tid, since=owner.since, takes=owner.takes,
                       playing=playing, ends_in_s=session.get("ends_in_s"), words=owner_words(owner, capture),
                       end_refused=refused)


def owner_fields(owner: Owner | None, tid: str) -> dict[str, Any]:
    """What ``GET /status`` adds to the engine status's ``capture.session`` for token ``tid``: ``owner``, ``yours``,
    ``since``, ``takes`` ({} when no owner is known)."""
    if owner is None:
        return {}
    return {"owner": owner.name, "yours": owner.tid == tid, "since": owner.since, "takes": owner.takes}
