"""Finding the box on the local network with mDNS / DNS-SD (zeroconf): ``_hatbox._tcp``.

The box advertises itself; the laptop browses for a few seconds.  A plain URL always
works too (``hatbox pair http://box.local:8750``): discovery is a convenience only.
"""
from __future__ import annotations

import socket
import time
from typing import Any


def url_host(host: str) -> str:
    """``host`` as a URL writes it: an IPv6 address in brackets ("[::1]")."""
    return f"[{host}]" if ":" in host and not host.startswith("[") else host

SERVICE = "_hatbox._tcp.local."


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
