"""How the laptop reaches a box over the network (split from hatbox/box_client.py): whether its host is on the local
network (:func:`local_host`: reached directly, never through a proxy) and the TLS context a client checks an https
box with (:func:`default_tls`, made once per process and setting)."""
from __future__ import annotations

import functools
import os
from typing import Any


def local_host(host: str) -> bool:
    """Whether ``host`` (a URL's host name or IP address, an IPv6 one without brackets) is this computer or on
    its local network: a loopback, private or link-local IP address, ``localhost`` or a ``.local`` (mDNS) name."""
    import ipaddress

    name = host.lower().rstrip(".")
    if name == "localhost" or name.endswith((".local", ".localhost")):
        return True
    try:
        ip = ipaddress.ip_address(name)
    except ValueError:
        return False
    return ip.is_private or ip.is_loopback or ip.is_link_local


def default_tls() -> Any:
    """httpx's default TLS context (certifi's CAs, or SSL_CERT_FILE / SSL_CERT_DIR where set, which it reads) for
    the environment as it is now (:func:`_tls_for`: one per setting)."""
    return _tls_for(os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"))


@functools.lru_cache(maxsize=4)
def _tls_for(cafile: str | None, capath: str | None) -> Any:
    """The context of :func:`default_tls` for one SSL_CERT_FILE / SSL_CERT_DIR setting (``cafile`` / ``capath``:
    the cache's key), made once per process: loading the CA store took 20-170 ms for every client (each hatbox
    command's call, each test's)."""
    import httpx
    return httpx.create_ssl_context(verify=True)
