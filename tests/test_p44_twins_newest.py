"""p44 year QA: "the newest" of several packs is the store's install order (meta seq), not the box's clock.  The
refusal of a name that several packs of one name and version share named as "the newest" the one with the largest
`installed` time: a pack pushed while the box's clock read 1970 was offered as the oldest."""
from __future__ import annotations

from hatbox.pack_names import twins_refused


def _pack(pid: str, seq: int, installed: float) -> dict:
    return {"id": pid, "name": "gigpedal", "version": "1.0.0", "kind": "effect", "seq": seq, "installed": installed}


def test_the_newest_twin_is_the_later_install_whatever_the_clock_said() -> None:
    home = _pack("effect-gigpedal-1.0.0-aaaaaaaaaaaa", 1, 1796000000.0)       # pushed at home, the clock right
    gig = _pack("effect-gigpedal-1.0.0-bbbbbbbbbbbb", 2, 60.0)               # pushed at the gig, the clock at 1970
    err = twins_refused("gigpedal", [home, gig], "hatbox box-pack {} --activate")     # box-pack NAME --activate
    assert "e.g. the newest: hatbox box-pack effect-gigpedal-1.0.0-bbbbbbbbbbbb --activate" in str(err.hint)
    listed = str(err).splitlines()[1:]
    assert "aaaaaaaaaaaa" in listed[0] and "bbbbbbbbbbbb" in listed[1]       # listed oldest install first
