"""Serving the device API with uvicorn: on the box (``serve``), in a thread (``start_in_thread``),
or standalone with a simulated engine (``python -m device.api --sim``).
"""
from __future__ import annotations

import argparse
import logging
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from device.api.app import ApiConfig, create_app
from device.api.box_kit import BoxKit
from device.api.discovery import url_host
from device.control import Control
from device.validate import EngineSpec
from hatbox.errors import HatboxError, first_line

DEFAULT_PORT = 8750
ALL_INTERFACES = ("0.0.0.0", "", "::", "[::]")      # --host values that listen on every interface
log = logging.getLogger("hatbox.api")


def uvicorn_config(app: Any, host: str, port: int, certfile: str | Path | None = None,
                   keyfile: str | Path | None = None) -> Any:
    """A uvicorn Config; TLS when both a certificate and its key are given.  uvicorn logs through the root
    logger (:func:`_uvicorn_to_root`).  Its connections are guarded against a flood (device/api/conn_guard.py: a
    deadline for each request head, a cap below the open-file limit; ``config.http.guard``)."""
    import uvicorn

    from device.api.conn_guard import BACKLOG, KEEP_ALIVE_S, guarded_protocol

    if bool(certfile) != bool(keyfile):
        from hatbox.errors import HatboxError
        raise HatboxError("TLS needs both a certificate and its private key (--cert and --key)")
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False, log_config=None,
                            ssl_certfile=str(certfile) if certfile else None,
                            ssl_keyfile=str(keyfile) if keyfile else None, timeout_graceful_shutdown=2,
                            http=guarded_protocol(), timeout_keep_alive=KEEP_ALIVE_S, backlog=BACKLOG)
    _uvicorn_to_root()
    return config


def _uvicorn_to_root() -> None:
    """uvicorn's own messages (logger ``uvicorn.error``, warnings and above: a port in use, a TLS failure, a
    malformed request) go where the box's do: to the root logger's handlers, which ``hatbox device run`` sets up
    (device/logs.py: STORE/logs/box.log in the box's line format, and the terminal once).  uvicorn's stderr
    handler is taken off (a uvicorn Config made earlier in this process with its default logging config put it
    there and stopped the records there), so no line is printed twice.  Without handlers on the root logger
    (``python -m device.api --sim``) Python prints warnings and errors on stderr as before."""
    for name in ("uvicorn", "uvicorn.error"):
        logger = logging.getLogger(name)
        for handler in list(logger.handlers):
            logger.removeHandler(handler)
        logger.propagate = True
    errors = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, CutOffByStop) for f in errors.filters):
        errors.addFilter(CutOffByStop())


class CutOffByStop(logging.Filter):
    """uvicorn's words for requests still running when the box stops (an upload from a slow laptop) become one line:
    its "Cancel N running task(s), timeout graceful shutdown exceeded" (an ERROR) and the 60-line CancelledError
    traceback of each cut request ("Exception in ASGI application") filled box.log and `hatbox box-logs` after an
    ordinary stop (twenty-seventh stop's QA).  A request cut off before it answered is answered (and logged) by
    device/api/cutoff.py, an upload saying what the box kept; what reaches this filter was cut mid-answer."""

    def filter(self, record: logging.LogRecord) -> bool:
        import asyncio
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, asyncio.CancelledError):
            record.msg, record.args, record.exc_info, record.exc_text = (
                "a request still running when the box stopped was cut off in the middle of its answer", None,
                None, None)
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        elif isinstance(record.msg, str) and record.msg.startswith("Cancel ") and "graceful shutdown" in record.msg:
            record.msg, record.args = "stopping: requests still running after 2 s are cut off", None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


def lan_address() -> str:
    """This machine's IPv4 address on the interface it would route out of (a UDP connect(): no packet is sent);
    127.0.0.1 when it has none."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 1))     # no packet is sent; picks the outgoing interface
            return s.getsockname()[0]
        except OSError:
            return "127.0.0.1"


def pairing_url(url: str) -> str:
    """The URL a laptop pairs with for the API at ``url`` (``scheme://host:port``): ``url`` itself on one address;
    on all interfaces (0.0.0.0), this machine's network address (a UDP connect(), no packet sent), or loopback
    where it has none."""
    scheme, _, rest = url.partition("://")
    host, _, port = rest.rpartition(":")
    if host not in ALL_INTERFACES:
        return url
    try:
        lan = lan_address()
    except OSError:                         # no IPv4 socket at all
        lan = "127.0.0.1"
    return f"{scheme}://{'127.0.0.1' if lan.startswith('127.') or lan == '0.0.0.0' else lan}:{port}"


def api_line(url: str) -> str:
    """What the terminal says of the API at ``url``: the URL another computer can pair with (:func:`pairing_url`)
    and, on all interfaces, the one for this computer; with no network address but loopback, the latter only."""
    scheme, _, rest = url.partition("://")
    host, _, port = rest.rpartition(":")
    if host not in ALL_INTERFACES:
        return f"API: {url}"
    here, there = f"{scheme}://127.0.0.1:{port}", pairing_url(url)
    if there == here:
        return f"API: {here} (all interfaces; this computer has no network address yet)"
    return f"API: {there} (all interfaces; from this computer: {here})"


def serve(store_dir: str | Path, control: Control, *, host: str = "0.0.0.0", port: int = DEFAULT_PORT,
          certfile: str | Path | None = None, keyfile: str | Path | None = None,
          config: ApiConfig | None = None, advertise: bool = True) -> None:
    """Run the API until interrupted (blocking).  This is what ``hatbox device run`` calls."""
    import uvicorn

    config = config or ApiConfig()
    app = create_app(store_dir, control, config)
    server = uvicorn.Server(uvicorn_config(app, host, port, certfile, keyfile))
    ad = _advertise(config.box_name, host, port, bool(certfile)) if advertise else None
    try:
        server.run()
    finally:
        if ad is not None:
            ad.close()


def _advertise(name: str, host: str, port: int, tls: bool) -> Any:
    """The box's mDNS advertisement: on ``host``, or for every interface (0.0.0.0) on this machine's network address,
    followed as it changes (device.api.discovery.FollowedAdvertisement); None when it cannot be made (said)."""
    from device.api.discovery import FollowedAdvertisement, advertise

    def make(address: str) -> Any:
        try:
            return advertise(name, port, address, tls)
        except Exception as exc:  # noqa: BLE001 - discovery is optional; the plain URL still works
            why = first_line(exc)                   # (the exception's type name when it says nothing)
            log.warning("mDNS advertisement failed (%s); use the box's URL directly", why)
            return None
    if host not in ALL_INTERFACES:
        return make(host)
    return FollowedAdvertisement(make, lan_address)


@dataclass
class RunningServer:
    url: str
    server: Any
    thread: threading.Thread
    advertisement: Any = None
    pairing: Any = None          # the app's device.api.auth.Pairing, for the panel's "new code" button
    kit: Any = None              # the app's kit for the panel's Kit page (device.api.box_kit.BoxKit)
    tag_waiting: Any = None      # the app's Box.tag_waiting_libraries, for a tagger the panel's Models page activates
    tagging_at_start: list[str] = field(default_factory=list)   # the libraries the start set tagging, in words
    stop_tagging: Any = None     # the app's Libraries.shutdown: taggings stop (carried on at the next start)
    stop_programs: Any = None    # the app's Box.stop_programs: program changes stop switching packs

    def stop(self) -> None:
        """Stop serving: program changes stop switching first (a fire still waiting answers the box's 503 while its
        connection is open, not cut off by uvicorn 2 s later), then uvicorn (the app's lifespan ends: Box.stop)."""
        if self.advertisement is not None:
            self.advertisement.close()
        if self.stop_programs is not None:
            self.stop_programs()
        self.server.should_exit = True
        self.thread.join(10)
        if self.stop_tagging is not None:
            self.stop_tagging()


def start_api(store_dir: str | Path, control: Control, *, host: str = "0.0.0.0", port: int = DEFAULT_PORT,
              rate: int = 48000, block: int = 128, on_code: Any = None, certfile: str | Path | None = None,
              keyfile: str | Path | None = None, advertise: bool = True, box_name: str = "hatbox",
              load_active: bool = True, require_signature: bool = False,
              recovery: dict[str, Any] | None = None, sock: socket.socket | None = None) -> RunningServer:
    """Everything ``hatbox device run`` needs in one call: the app for the engine's ``rate`` (Hz)
    and ``block`` (samples), served from a thread (TLS when cert and key are given), announced
    by mDNS; ``on_code(code)`` shows the pairing code (default: printed); ``load_active``: load the store's active
    packs into the engine (False: the engine started with them, device.given_packs.engine_packs);
    ``require_signature``: refuse unsigned packs (and those signed by no key in STORE/trusted_keys); ``recovery``: what
    the caller's own recovery of the store found (device.store.PackStore.last_recovery; None: the app recovers it);
    ``sock``: its listening socket, bound by the caller already (:func:`bind_socket`; None: bound here, first).
    ``stop()`` ends it.
    ``running.pairing`` is the app's pairing, ``running.kit`` its kit and ``running.tag_waiting`` what tags the
    libraries that waited for a tagger, for the panel in this process (never
    served)."""
    show = on_code or (lambda code: print(f"pairing code: {code}", flush=True))
    config = ApiConfig(engine=EngineSpec(sample_rate=rate, block_size=block), on_code=show, box_name=box_name,
                       load_active=load_active, require_signature=require_signature, recovery=recovery)
    sock = sock or bind_socket(host, port)  # first: no pairing code is shown for a box no laptop could reach
    app = None
    try:            # a socket no server listens on is closed (p47 review: a bad TLS certificate left it open)
        app = create_app(store_dir, control, config)
        running = start_in_thread(app, host, port, certfile, keyfile, sock=sock)
    except BaseException:
        sock.close()
        if app is not None:
            app.state.box.libraries.shutdown()        # the taggings the app started stop (carried on next start)
        raise
    running.pairing = app.state.box.pairing
    running.kit = BoxKit(app.state.box)
    running.tag_waiting = app.state.box.tag_waiting_libraries
    running.tagging_at_start = list(getattr(app.state.box, "tagging_at_start", []))
    running.stop_tagging = app.state.box.libraries.shutdown
    running.stop_programs = app.state.box.stop_programs
    if advertise:
        running.advertisement = _advertise(box_name, host, int(running.url.rsplit(":", 1)[1]), bool(certfile))
    return running


def bind_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``host``:``port`` (port 0: a free one); HatboxError in plain words when the port is in
    use (another box on this machine) or ``host`` is no address of this machine."""
    import errno

    six = ":" in host                                  # an IPv6 address ("::": every interface, IPv4 too)
    sock = socket.socket(socket.AF_INET6 if six else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if host == "::":
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    try:
        sock.bind((host, port))
    except socket.gaierror:                            # a name that resolves to nothing here
        sock.close()
        raise HatboxError(f"--host {host} is not an address of this machine: no laptop could reach this box",
                          hint="leave --host out (every IPv4 interface; :: for IPv6 too), or give one of this "
                               "machine's addresses") from None
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise HatboxError(f"port {port} is in use (another hatbox device run on this machine?): no laptop could "
                              "reach this box", hint=f"stop the other one, or give this box another port: --port "
                                                     f"{port + 1}") from None
        if exc.errno == errno.EADDRNOTAVAIL:
            raise HatboxError(f"--host {host} is not an address of this machine: no laptop could reach this box",
                              hint="leave --host out (every IPv4 interface; :: for IPv6 too), or give one of this "
                                   "machine's addresses") from None
        raise
    return sock


def start_in_thread(app: Any, host: str = "127.0.0.1", port: int = 0, certfile: str | Path | None = None,
                    keyfile: str | Path | None = None, sock: socket.socket | None = None) -> RunningServer:
    """Serve ``app`` from a background thread (port 0: a free port; ``sock``: one :func:`bind_socket` bound
    already); returns once it listens."""
    import uvicorn

    sock = sock or bind_socket(host, port)
    server = uvicorn.Server(uvicorn_config(app, host, sock.getsockname()[1], certfile, keyfile))
    failed: list[BaseException] = []
    thread = threading.Thread(target=_serve, args=(server, sock, failed), daemon=True, name="hatbox-api")
    thread.start()
    while not server.started and thread.is_alive():
        time.sleep(0.01)
    if not server.started:
        thread.join(5)
        sock.close()
        raise _start_error(failed[0] if failed else None, certfile, keyfile)
    scheme = "https" if certfile else "http"
    return RunningServer(f"{scheme}://{url_host(host)}:{sock.getsockname()[1]}", server, thread)


def _serve(server: Any, sock: socket.socket, failed: list[BaseException]) -> None:
    """The API thread: ``server`` on ``sock``; what stops it from starting goes in ``failed`` (said by the caller,
    in words, with no traceback on the terminal)."""
    try:
        server.run(sockets=[sock])
    except BaseException as exc:  # noqa: BLE001 - handed to start_in_thread, which raises it as a HatboxError
        failed.append(exc)


def _start_error(exc: BaseException | None, certfile: str | Path | None, keyfile: str | Path | None) -> HatboxError:
    """The HatboxError for a server that stopped before it listened (``exc``: why, when it raised)."""
    why = first_line(exc) if exc is not None else "it stopped before it listened"
    if certfile and (exc is None or isinstance(exc, (OSError, ValueError))):    # ssl.SSLError is an OSError
        return HatboxError(f"the box's API could not start with the TLS certificate {certfile} and key {keyfile}: "
                           f"{why}", hint="give a PEM certificate and its own private key (--cert, --key), or leave "
                                          "both out to serve plain HTTP")
    return HatboxError(f"the box's API could not start: {why}", hint="the box's log has the details")


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m device.api", description="serve the hatbox device API")
    p.add_argument("--store", required=True, help="the box's data folder (packs, tokens, libraries)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=DEFAULT_PORT)
    p.add_argument("--cert", help="TLS certificate (PEM)")
    p.add_argument("--key", help="TLS private key (PEM)")
    p.add_argument("--sim", action="store_true", help="no engine: record control messages instead")
    p.add_argument("--control-log", help="with --sim: append control messages to this JSON-lines file")
    p.add_argument("--trial-seconds", type=float, default=EngineSpec.trial_seconds)
    p.add_argument("--budget", type=float, default=EngineSpec.budget)
    p.add_argument("--require-signature", action="store_true")
    p.add_argument("--advertise", action="store_true", help="announce the box with mDNS")
    args = p.parse_args(argv)
    if not args.sim:
        p.error("without --sim the API is started by the engine (hatbox device run)")
    from device.api.sim import RecordingControl
    from device.logs import box_logging

    engine = EngineSpec(trial_seconds=args.trial_seconds, budget=args.budget)
    cfg = ApiConfig(engine=engine, require_signature=args.require_signature,
                    on_code=lambda code: print(f"pairing code: {code}", flush=True))
    with box_logging(args.store):       # STORE/logs/box.log as on the box: `hatbox box-logs` reads it
        serve(args.store, RecordingControl(args.control_log), host=args.host, port=args.port,
              certfile=args.cert, keyfile=args.key, config=cfg, advertise=args.advertise)
    return 0
