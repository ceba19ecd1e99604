"""The box's mDNS advertisement follows its network address (device.api.discovery.FollowedAdvertisement): a box the
service starts at boot before DHCP gave it an address was advertised on loopback all session, and `hatbox pair` on a
laptop never found it."""
from __future__ import annotations

import time

from device.api.discovery import FollowedAdvertisement


class _Ad:
    def __init__(self, address: str, log: list[str]) -> None:
        self.address, self.log, self.name = address, log, "hatbox"

    def close(self) -> None:
        self.log.append(f"closed {self.address}")


def _wait_for(cond, timeout: float = 2.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.005)
    return False


def test_the_advertisement_moves_with_the_address_and_goes_at_close() -> None:
    log: list[str] = []
    address = ["127.0.0.1"]

    def make(addr: str) -> _Ad:
        log.append(f"made {addr}")
        return _Ad(addr, log)
    ad = FollowedAdvertisement(make, lambda: address[0], every_s=0.01)
    try:
        assert ad.current.address == "127.0.0.1" and ad.name == "hatbox"
        address[0] = "192.168.1.20"                               # DHCP answered
        assert _wait_for(lambda: ad.address == "192.168.1.20" and ad.current is not None)
        assert log == ["made 127.0.0.1", "closed 127.0.0.1", "made 192.168.1.20"]
    finally:
        ad.close()
    assert log[-1] == "closed 192.168.1.20" and ad.current is None
    time.sleep(0.05)
    assert log[-1] == "closed 192.168.1.20"                       # the thread has stopped: nothing made after


def test_a_failed_advertisement_is_tried_again_on_the_next_address_and_a_lost_socket_waits() -> None:
    made: list[str] = []
    answers = ["10.0.0.5"]

    def make(addr: str):
        made.append(addr)
        return None if addr == "10.0.0.5" else _Ad(addr, [])

    def address_of() -> str:
        if answers[0] == "gone":
            raise OSError("no IPv4 socket")
        return answers[0]
    ad = FollowedAdvertisement(make, address_of, every_s=0.01)
    try:
        assert ad.name is None                                    # failed (said by make): not advertised
        answers[0] = "gone"
        time.sleep(0.05)
        assert made == ["10.0.0.5"] and ad.address == "10.0.0.5"
        answers[0] = "10.0.0.6"
        assert _wait_for(lambda: ad.name == "hatbox")
        assert made == ["10.0.0.5", "10.0.0.6"]
    finally:
        ad.close()
