"""Finding the box on the local network with mDNS / DNS-SD (zeroconf): ``_hatbox._tcp``.

The box advertises itself; the laptop browses for a few seconds.  A plain URL always
works too (``hatbox pair http://box.local:8750``): discovery is a convenience only.
"""
from __future__ import annotations

import logging
import socket
import threading
import time
from typing import Any, Callable

log = logging.getLogger("hatbox.api")


def url_host(host: str) -> str:
    """``host`` as a URL writes it: an IPv6 address in brackets ("[::1]")."""
    return f"[{host}]" if ":" in host and not host.startswith("[") else host

SERVICE = "_hatbox._tcp.local."
ADDRESS_CHECK_S = 10.0          # how often a box on every interface looks whether its network address changed


class Advertisement:
    """A running advertisement; :meth:`close` withdraws it."""

    def __init__(self, zc: Any, info: Any) -> None:
        self._zc, self._info = zc, info

    @property
    def name(self) -> str:
        """The name the box is advertised under: the one asked for, or zeroconf's ``NAME (2)`` when another box on
        the network holds it already."""
        return _instance(self._info.name)

    def close(self) -> None:
        self._zc.unregister_service(self._info)
        self._zc.close()


def advertise(name: str, port: int, address: str, tls: bool = False) -> Advertisement:
    """Announce ``name`` at ``address:port`` (an IPv4 address of this box)."""
    from zeroconf import ServiceInfo, Zeroconf

    info = ServiceInfo(SERVICE, f"{name}.{SERVICE}", port=port, addresses=[socket.inet_aton(address)],
                       properties={"scheme": "https" if tls else "http", "path": "/"})
    zc = Zeroconf(interfaces=[address])
    try:                    # a name another box holds becomes "NAME (2)": it failed with an empty message before
        zc.register_service(info, allow_name_change=True)
    except BaseException:
        zc.close()
        raise
    return Advertisement(zc, info)


def browse(seconds: float = 3.0, interface: str | None = None) -> list[str]:
    """URLs of the boxes that answered within ``seconds``."""
    return [url for _, url in browse_named(seconds, interface)]


def browse_named(seconds: float = 3.0, interface: str | None = None) -> list[tuple[str, str]]:
    """(name the box advertises, URL) of the boxes that answered within ``seconds``, in the order they answered."""
    from zeroconf import ServiceBrowser, Zeroconf

    zc = Zeroconf(interfaces=[interface]) if interface else Zeroconf()
    names: list[str] = []
    browser = ServiceBrowser(zc, SERVICE, handlers=[lambda **kw: names.append(kw["name"])])
    try:
        time.sleep(seconds)
        found = [(_instance(n), _url(zc, n)) for n in dict.fromkeys(names)]
        return [(name, url) for name, url in found if url]
    finally:
        browser.cancel()
        zc.close()


def _instance(full: str) -> str:
    """``testbox._hatbox._tcp.local.`` -> ``testbox``."""
    return full[: -len(SERVICE) - 1] if full.endswith("." + SERVICE) else full


def _url(zc: Any, name: str) -> str | None:
    """The URL the service ``name`` advertises: its first IPv4 address (else its first IPv6 one, in brackets),
    its port, its ``scheme`` property (http unless it says https); None when it gives no address."""
    info = zc.get_service_info(SERVICE, name, timeout=1000)
    if info is None or not info.parsed_addresses() or not info.port:
        return None
    addresses = info.parsed_addresses()
    address = next((a for a in addresses if ":" not in a), addresses[0])
    scheme = "https" if (info.properties or {}).get(b"scheme") == b"https" else "http"
    return f"{scheme}://{url_host(address)}:{info.port}"


class FollowedAdvertisement:
    """An advertisement kept on this machine's network address as it changes: made at once on the address there is
    (``make(address)``, None when it failed: said by ``make``), then made again on the new one whenever
    ``address_of()`` gives another, checked every ``every_s`` seconds on a thread of its own.  A box started at
    boot before DHCP gave it an address was advertised on loopback for the whole session, so `hatbox pair` on a
    laptop never found it; one moved to another network kept announcing the old address."""

    def __init__(self, make: Callable[[str], Any], address_of: Callable[[], str],
                 every_s: float = ADDRESS_CHECK_S) -> None:
        self._make, self._address_of, self._every_s = make, address_of, every_s
        self._stop = threading.Event()
        self.address = self._now() or "127.0.0.1"
        self.current = make(self.address)
        self._thread = threading.Thread(target=self._follow, name="mdns-follow", daemon=True)
        self._thread.start()

    @property
    def name(self) -> str | None:
        """The name the box is advertised under now (None while it is not advertised)."""
        return getattr(self.current, "name", None)

    def _follow(self) -> None:
        while not self._stop.wait(self._every_s):
            address = self._now()
            if address and address != self.address:
                self._move(address)

    def _now(self) -> str | None:
        try:
            return self._address_of()
        except OSError:                          # no IPv4 socket at all just now
            return None

    def _move(self, address: str) -> None:
        log.info("the box's network address is now %s (was %s): advertised there", address, self.address)
        self._close_current()
        self.address = address
        self.current = self._make(address)

    def _close_current(self) -> None:
        current, self.current = self.current, None
        if current is not None:
            try:
                current.close()
            except Exception as exc:  # noqa: BLE001 - a network gone under it: the next one is made all the same
                log.info("withdrawing the mDNS advertisement failed: %s", exc)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self._close_current()
