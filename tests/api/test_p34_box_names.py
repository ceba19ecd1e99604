"""Two boxes on one network: each can be given its own name (`device run --name`), and a name another box holds
becomes NAME-2 on the network instead of the second box going unadvertised.  Before, every box was "hatbox", the
second one's advertisement failed with an empty message ("mDNS advertisement failed (); ..."), and `pair --box`
could not reach it."""
from __future__ import annotations

import argparse
import time
from typing import Any

import pytest

from hatbox.device_run_args import box_name as _box_name


def test_a_box_name_is_plain_words() -> None:
    assert _box_name(" studio box ") == "studio box" and _box_name("live_2-B") == "live_2-B"
    for bad in ("", "a.b", "x" * 41, "tab\there", "new\nline"):
        with pytest.raises(argparse.ArgumentTypeError, match="is not a box name"):
            _box_name(bad)


def _browsed_until_found(browse_named: Any, name: str, most_s: float = 10.0) -> list[tuple[str, str]]:
    """What browses of a quarter second each found, once one found ``name`` (or ``most_s`` seconds passed): a browse
    of 2 s answered in a tenth of one here."""
    end = time.monotonic() + most_s
    while True:
        found = browse_named(0.25)
        if name in (n for n, _ in found) or time.monotonic() > end:
            return found


def test_the_box_is_found_on_the_network_under_its_name() -> None:
    from device.api.discovery import advertise, browse_named
    from device.api.server import lan_address
    try:
        ad = advertise("hatbox-p34-test", 18001, lan_address())
    except Exception as exc:  # noqa: BLE001 - no multicast here
        pytest.skip(f"no mDNS on this machine: {exc!r}")
    try:
        assert ad.name == "hatbox-p34-test"
        found = _browsed_until_found(browse_named, "hatbox-p34-test")
        assert ("hatbox-p34-test", f"http://{lan_address()}:18001") in found, found
    finally:
        ad.close()


def test_a_name_taken_on_the_network_is_changed_not_lost(monkeypatch) -> None:
    """zeroconf renames a service whose name another holds ("NAME-2") when asked to (allow_name_change); the box
    asks, and says the name it got.  Two zeroconf instances on this VM's one host do not hear each other's probe
    answers (0 of 6 tries, thirty-sixth stop; the thirty-fourth stop's VM did), so the renaming itself is played
    by a stand-in here: two boxes of one name on a real network are in the README's not-verified list."""
    import zeroconf

    taken = {"hatbox-p34-test._hatbox._tcp.local."}

    class TakenNames:
        def __init__(self, interfaces=None) -> None:
            self.registered = None

        def register_service(self, info, allow_name_change=False) -> None:
            assert allow_name_change, "the box must let zeroconf rename it"
            n = 2
            base = info.name.split(".", 1)[0]
            while info.name in taken:
                info.name = f"{base}-{n}._hatbox._tcp.local."
                n += 1
            taken.add(info.name)
            self.registered = info

        def unregister_service(self, info) -> None:
            taken.discard(info.name)

        def close(self) -> None:
            pass

    monkeypatch.setattr(zeroconf, "Zeroconf", TakenNames)
    from device.api.discovery import advertise
    second = advertise("hatbox-p34-test", 18002, "192.0.2.7")
    assert second.name == "hatbox-p34-test-2"
    second.close()
    assert "hatbox-p34-test-2._hatbox._tcp.local." not in taken
