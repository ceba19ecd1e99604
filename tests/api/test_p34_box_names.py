"""Two boxes on one network: each can be given its own name (`device run --name`), and a name another box holds
becomes NAME-2 on the network instead of the second box going unadvertised.  Before, every box was "hatbox", the
second one's advertisement failed with an empty message ("mDNS advertisement failed (); ..."), and `pair --box`
could not reach it."""
from __future__ import annotations

import argparse

import pytest

from hatbox.cmd_device import _box_name


def test_a_box_name_is_plain_words() -> None:
    assert _box_name(" studio box ") == "studio box" and _box_name("live_2-B") == "live_2-B"
    for bad in ("", "a.b", "x" * 41, "tab\there", "new\nline"):
        with pytest.raises(argparse.ArgumentTypeError, match="is not a box name"):
            _box_name(bad)


def test_a_name_taken_on_the_network_is_changed_not_lost() -> None:
    from device.api.discovery import advertise
    from device.api.server import lan_address
    try:
        first = advertise("hatbox-p34-test", 18001, lan_address())
    except Exception as exc:  # noqa: BLE001 - no multicast here
        pytest.skip(f"no mDNS on this machine: {exc!r}")
    try:
        second = advertise("hatbox-p34-test", 18002, lan_address())
        try:
            assert first.name == "hatbox-p34-test" and second.name not in ("", "hatbox-p34-test")
            assert second.name.startswith("hatbox-p34-test")
        finally:
            second.close()
    finally:
        first.close()
