"""The laptop's HTTP client for the box's API (hatbox/cmd_remote.py's commands and hatbox/cmd_midi.py use it): a
client with timeouts that let a slow upload move but stop a dead link, one call with the box's JSON answer checked
(another server's page, another hatbox version's answer), uploads with a progress bar that know how far they got,
one plain-words HatboxError for every way the network can fail, and the checks made here before an upload (the box's
size limit; a pack that does not open is not sent).
"""
from __future__ import annotations

import os
import re
import shlex
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from hatbox.box_reach import default_tls, local_host
from hatbox.errors import HatboxError, Interrupted, PackError, stopped_by
from hatbox.text import escape_unsafe, size_words

if TYPE_CHECKING:
    from export.manifest import Manifest

_URL_HINT = "the box address looks like http://HOST:PORT, e.g. http://hatbox.local:8750"
# Where the owner reads the pairing code: a box without a panel (``hatbox device run --no-panel``,
# ``python -m device.api --sim``) logs it as "pairing code: XXXXXX"; one with a panel does both.
CODE_PLACE = "the code on the box's panel (or on its terminal: 'pairing code: ...')"
# the name the box gives an upload while it checks it (device/store.py: tempfile.mkstemp(prefix="up-")), and how
# a box of the twenty-fourth stop on says it (export.pack: "the upload is not a readable pack archive ...")
_UPLOAD_NAME = re.compile(r"\bup-[a-z0-9_]{4,16}\.hatpack\b|^the upload(?= is )")

_CHUNK = 1 << 20

# Timeouts (seconds).  httpx applies read and write timeouts to each socket operation, not to the whole
# request: a slow link whose upload keeps moving never times out, a dead one does.
CONNECT_TIMEOUT_S = 5.0     # a box on the local network accepts a connection in milliseconds
READ_TIMEOUT_S = 30.0       # an ordinary call (status, lists, delete...): the box answers within a second or so
UPLOAD_STALL_S = 60.0       # an upload: this long without the box taking a single byte is a dead link
UPLOAD_ANSWER_S = 600.0     # after the last byte: the box checks the pack (or unpacks the library) before answering


def safe_text(text: Any, keep: str = "") -> str:
    """``text`` safe to print on a terminal (:func:`hatbox.text.escape_unsafe`; characters in ``keep`` pass)."""
    return escape_unsafe(str(text), keep)


# --------------------------------------------------------------------------- client
def _client(url: str, token: str | None, verify: Any) -> Any:
    """An httpx client for the box at ``url``.  A box on the local network (hatbox.box_reach.local_host) is reached
    directly, never through a proxy that HTTP_PROXY / HTTPS_PROXY / ALL_PROXY name: a proxy cannot reach it (the
    call would fail) or would see the token.  A box under another name (a tunnel, a VPN's DNS) goes as this
    computer's other traffic goes, through a proxy where one is set (NO_PROXY still applies)."""
    import httpx
    from urllib.parse import urlsplit

    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if isinstance(verify, str):                 # a certificate file to trust (a self-signed box)
        import ssl
        verify = ssl.create_default_context(cafile=verify)
    elif verify is True:                        # the CA store loaded once, not for each client
        verify = default_tls()
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:                          # "http://[::1" and the like: _call says what is wrong with it
        host = ""
    # a transport of its own: httpx then takes no proxy from the environment (SSL_CERT_FILE still applies)
    transport = httpx.HTTPTransport(verify=verify) if local_host(host) else None
    return httpx.Client(base_url=url, headers=headers, verify=verify, transport=transport,
                        timeout=httpx.Timeout(READ_TIMEOUT_S, connect=CONNECT_TIMEOUT_S))


@dataclass
class _Upload:
    """A file being sent as a request body: its name, its size and the bytes written to the connection so far
    (both in bytes), and the command that lists what the box holds (where an upload the box may have kept shows)."""
    name: str
    size: int
    listing: str
    sent: int = 0

    @property
    def done(self) -> bool:
        """Every byte was written to the connection."""
        return self.sent >= self.size

    def progress(self) -> str:
        """``1.0 MiB of 8.0 MiB of fx.hatpack``."""
        return f"{size_words(self.sent)} of {size_words(self.size)} of {safe_text(self.name)}"


_Interrupted = Interrupted    # Ctrl-C: what became of the work, exit 130


class UploadInterrupted(Interrupted):
    """Ctrl-C part-way through :func:`upload`, carrying what was sent: ``name`` (as shown), ``sent`` and ``size``
    (bytes) and ``how`` (hatbox.errors.stopped_by: "Ctrl-C", "SIGTERM"), so that a caller rewords it from those, not
    from its sentence (hatbox.box_packs.push_upload)."""

    def __init__(self, message: str, up: _Upload, how: str, *, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.name, self.sent, self.size, self.how = up.name, up.sent, up.size, how

    @property
    def done(self) -> bool:
        """Every byte was written to the connection."""
        return self.sent >= self.size


class BoxRefused(HatboxError):
    """The box answered a request with an error.  The message says it in plain words; ``status`` (the HTTP
    status code) and ``error`` (the box's short word for it, e.g. ``rejected``) are kept for code that acts on
    them (and shown with HATBOX_DEBUG=1)."""

    def __init__(self, message: str, *, status: int, error: str = "", hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.status, self.error = status, error


VERSION_HINT = ("check that it is the box's address (its Settings page shows it); if it is, install the same hatbox "
                "version on this computer and on the box (GET /health, at that address, names the box's version)")


def _base(client: Any) -> str:
    """The box's address as the user gave it (httpx adds a slash to a base URL)."""
    return safe_text(str(client.base_url).rstrip("/"))


def _call(client: Any, method: str, path: str, expect: type | None = dict, upload: _Upload | None = None,
          **kw: Any) -> Any:
    """One request and its JSON answer, which must be an ``expect`` (dict or list; None: anything, a 204's
    nothing too); every failure turned into a clear HatboxError.  ``upload``: the body being sent, for saying
    how far it got when the connection fails."""
    import httpx

    try:
        resp = client.request(method, path, **kw)
    except (httpx.TransportError, httpx.InvalidURL) as exc:
        raise _network_error(exc, _base(client), upload) from None
    body = _checked(resp, _base(client), f"{method} {path}", upload.name if upload else None)
    if expect is not None and not isinstance(body, expect):
        got = "nothing" if body is None else f"JSON of another shape ({type(body).__name__})"
        raise _not_a_box(_base(client), f"answered {method} {path} with {got}")
    return body


call = _call        # the public name of one request to the box (hatbox/library_path.py; p51 MF3)


def asked(client: Any, path: str, expect: type = dict) -> Any:
    """The box's answer to ``GET path`` (an ``expect``, as :func:`_call` checks it), or None when it gives none: an
    older box without the route, a library not tagged yet, a dropped connection.  For words a command adds when it
    can (who did what, what changed), never for what it needs."""
    try:
        return _call(client, "GET", path, expect=expect)
    except HatboxError:
        return None


def _causes(exc: BaseException) -> list[BaseException]:
    """``exc`` and the exceptions it was raised from (httpx wraps httpcore's, which wrap the socket's)."""
    out: list[BaseException] = []
    while exc is not None and exc not in out:
        out.append(exc)
        exc = exc.__cause__ or exc.__context__
    return out


def _network_error(exc: Exception, base: str, upload: _Upload | None) -> HatboxError:
    """What went wrong on the way to the box at ``base``, in one line with what to do."""
    import httpx
    from urllib.parse import urlsplit

    reach_hint = "is it on, and on the same network as this computer? check the address (hatbox pair URL)"
    if isinstance(exc, httpx.ConnectTimeout):
        return HatboxError(f"the box at {base} did not answer: no connection within {CONNECT_TIMEOUT_S:g} s",
                           hint=reach_hint)
    if isinstance(exc, httpx.ConnectError):
        return _connect_error(exc, base, reach_hint)
    if isinstance(exc, (httpx.UnsupportedProtocol, httpx.InvalidURL)):
        return HatboxError(f"'{base}' is not a box address ({exc})", hint=_URL_HINT)
    if upload is not None:
        return _upload_error(exc, upload)
    if isinstance(exc, httpx.ReadTimeout):
        return HatboxError(f"the box at {base} took the connection but gave no answer within {READ_TIMEOUT_S:g} s",
                           hint="is that the box's address, not another device's? if it is the box, it may be stuck: "
                                "restart it, then try again")
    if isinstance(exc, (httpx.NetworkError, httpx.RemoteProtocolError)):
        parts = urlsplit(base)
        if parts.scheme == "http" and _speaks_tls(parts.hostname or "", parts.port or 80):
            https = "https://" + base.split("://", 1)[1]
            return HatboxError(f"the box at {base} serves https, not http",
                               hint=f"use {https} (hatbox pair {https}, with --ca box.pem for a self-signed "
                                    "certificate)")
        return HatboxError(f"the connection to the box at {base} broke before it answered "
                           f"({exc or type(exc).__name__})",
                           hint="did the box restart or leave the network? try again in a moment (hatbox status)")
    return HatboxError(f"talking to the box at {base} failed ({type(exc).__name__}: {exc})",
                       hint="check the address and the network, then try again")


def _connect_error(exc: Exception, base: str, reach_hint: str) -> HatboxError:
    """A connection to the box at ``base`` that failed: a name that does not resolve, nothing listening, TLS."""
    import socket
    import ssl
    from urllib.parse import urlsplit

    causes = _causes(exc)
    parts = urlsplit(base)
    host, port = parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80)
    if any(isinstance(c, ssl.SSLCertVerificationError) for c in causes) or "CERTIFICATE" in str(exc).upper():
        return HatboxError(f"the box at {base} has a TLS certificate this computer does not trust",
                           hint="pass the box's certificate: --ca box.pem")
    if any(isinstance(c, ssl.SSLError) for c in causes):
        http = "http://" + base.split("://", 1)[1]
        return HatboxError(f"the box at {base} does not speak https (the TLS handshake failed)",
                           hint=f"use {http} (hatbox pair {http})")
    if any(isinstance(c, socket.gaierror) for c in causes):
        how = ("this computer cannot look up .local names (that needs Bonjour, or avahi with nss-mdns on Linux)"
               if host.lower().rstrip(".").endswith(".local") else "check the spelling")
        return HatboxError(f"cannot find the box: the name '{safe_text(host)}' is not known on this network",
                           hint=f"{how}; give the box's IP address instead (hatbox pair http://IP:8750), "
                                "or let hatbox look for it on the network: hatbox pair")
    if any(isinstance(c, ConnectionRefusedError) for c in causes):
        implied = "" if parts.port else f"; the address names no port, so {port} was tried: the box listens on 8750"
        return HatboxError(f"cannot reach the box at {base}: nothing answers on port {port} there (connection "
                           f"refused){implied}",
                           hint="is the box on and its hatbox started? check the port in the address (hatbox pair URL)")
    return HatboxError(f"cannot reach the box at {base} ({exc})", hint=reach_hint)


def _upload_error(exc: Exception, up: _Upload) -> HatboxError:
    """The connection failed during an upload: before its last byte (the box keeps nothing of a body cut short) or
    after it (the box may have kept it: ``up.listing`` shows)."""
    import httpx

    if not up.done:
        if isinstance(exc, httpx.WriteTimeout):
            return HatboxError(f"the upload stalled: the box took nothing for {UPLOAD_STALL_S:g} s after "
                               f"{up.progress()}; nothing of it was kept",
                               hint="is the box still on and on the network (hatbox status)? then send it again")
        return HatboxError(f"the connection to the box broke after {up.progress()} ({exc or type(exc).__name__}); "
                           "nothing of it was kept",
                           hint="did the box restart or leave the network? check with hatbox status, then send it "
                                "again (a box also hangs up on an upload over its size limit: hatbox status --json "
                                "shows its limits)")
    if isinstance(exc, httpx.ReadTimeout):
        return HatboxError(f"the box took all of {safe_text(up.name)} but gave no answer within "
                           f"{UPLOAD_ANSWER_S:g} s; it may still be checking it",
                           hint=f"see in a while whether the box kept it: {up.listing}")
    return HatboxError(f"the connection to the box broke after all of {safe_text(up.name)} was sent, before the box "
                       f"answered ({exc or type(exc).__name__}); it may or may not have kept it",
                       hint=f"see whether it did: {up.listing}")


def _speaks_tls(host: str, port: int) -> bool:
    """Whether ``host:port`` completes a TLS handshake (the certificate not checked) within CONNECT_TIMEOUT_S: an
    http:// address that reaches a box served over https."""
    import socket
    import ssl

    ctx = ssl.create_default_context()
    ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE
    try:
        with socket.create_connection((host, port), timeout=CONNECT_TIMEOUT_S) as sock, \
                ctx.wrap_socket(sock, server_hostname=host or None):
            return True
    except (OSError, ValueError):
        return False


def _not_a_box(base: str, what: str) -> HatboxError:
    """The server at ``base`` answered (``what``) in a way no hatbox box does: a Wi-Fi login page, another web
    server on that address."""
    return HatboxError(f"the server at {base} {what}: that is not a hatbox box's answer",
                       hint="is that the box's address (hatbox pair URL)? on hotel, venue or cafe Wi-Fi a login page "
                            "can answer in the box's place: log in to the network in a browser first")


def _page_kind(resp: Any) -> str:
    """``an HTML page ('Venue Wi-Fi login')``, ``a text/plain reply``: what a non-JSON answer was."""
    import re

    ctype = resp.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype == "text/html" or resp.text.lstrip()[:15].lower().startswith(("<!doctype html", "<html")):
        title = re.search(r"<title[^>]*>([^<]{1,200})", resp.text, re.IGNORECASE)
        return "an HTML page" + (f" ('{safe_text(' '.join(title.group(1).split())[:60])}')" if title else "")
    return f"a {safe_text(ctype)} reply" if ctype else "a reply that is not JSON"


def _checked(resp: Any, base: str, asked: str = "", sent: str | None = None) -> Any:
    """The JSON of a 2xx answer (None when it is empty); a HatboxError for an error answer (:class:`BoxRefused`,
    in plain words), a redirect, or an answer that is not JSON (a Wi-Fi login page or another web server in the
    box's place).  ``asked``: the request (``GET /logs``), named when the box does not offer it; ``sent``: the
    name of the file uploaded, said in place of the box's name for its copy (``up-XXXX.hatpack``)."""
    if 300 <= resp.status_code < 400:
        where = resp.headers.get("location")
        raise _not_a_box(base, "sent this computer elsewhere" + (f" (to {safe_text(where)})" if where else "")
                         + _debug_status(resp))
    try:
        body, is_json = (resp.json() if resp.content else None), True
    except ValueError:
        body, is_json = None, False
    if resp.status_code < 400:
        if not is_json:
            raise _not_a_box(base, f"answered with {_page_kind(resp)}")
        return body
    if not is_json and _page_kind(resp).startswith("an HTML page"):
        raise _not_a_box(base, f"answered with {_page_kind(resp)}{_debug_status(resp)}")
    if resp.status_code >= 500 and not _box_form(body) and resp.text.strip() != "Internal Server Error":
        raise _not_the_box(resp, base, sent)   # a proxy's 502 {"detail": ...} is not the box's words (p42 QA)
    if not isinstance(body, dict):
        body = {}
    if resp.status_code in (404, 405) and not body:      # every answer of a box says what it could not find
        raise _not_a_box(base, f"answered {resp.status_code} ({safe_text(resp.reason_phrase or 'Not Found')}) with "
                         f"nothing more{_debug_status(resp)}")     # (QA: "the box says: Not Found", no hint)
    msg = safe_text(body.get("message") or resp.text[:200] or resp.reason_phrase, keep="\n")
    hint = safe_text(body["hint"], keep="\n") if body.get("hint") else None
    error = safe_text(body.get("error") or "")
    if sent is not None:
        msg = _UPLOAD_NAME.sub(lambda _: safe_text(sent), msg)
    if resp.status_code == 401:
        raise BoxRefused(f"the box refused: {msg}{_debug_status(resp)}", status=401, error=error,
                         hint=pair_hint(hint or "pair again: hatbox pair URL", base))
    if body.get("error") == "pack rejected":
        check = safe_text(body.get("check") or "")
        raise PackError("the box refused the pack" + (f" (its {check} check)" if check else "") + f": {msg}",
                        check=check or "pack", hint=hint)
    if _unknown_route(resp, body):
        raise BoxRefused(f"the box does not offer {safe_text(asked) or 'what was asked'}: it may run another "
                         f"hatbox version{_debug_status(resp)}", status=resp.status_code, error=error,
                         hint=VERSION_HINT)
    if error == "box stopped":              # cut off by the box stopping: its words say what it kept
        raise BoxRefused(f"{msg}{_debug_status(resp)}", status=resp.status_code, error=error, hint=hint)
    if resp.status_code >= 500 and not hint:
        hint = "the box's log may say why: hatbox box-logs"
    raise BoxRefused(f"{_refusal_words(resp.status_code)}: {msg}{_debug_status(resp)}", status=resp.status_code,
                     error=error, hint=hint)


def _box_form(body: Any) -> bool:
    """Whether ``body`` (an error answer's JSON) is the box's error form: {error, message, ...} in words."""
    return isinstance(body, dict) and isinstance(body.get("error"), str) and isinstance(body.get("message"), str)


def _not_the_box(resp: Any, base: str, sent: str | None) -> HatboxError:
    """A 5xx answer not in the box's error form (uvicorn's own plain 500 aside): a proxy or gateway between this
    computer and the box at ``base`` answered in its place; ``sent``: the name of the file an upload sent."""
    said = safe_text(" ".join(resp.text.split())[:120]) or "nothing more"
    kept = f"; the box may or may not have kept {safe_text(sent)}" if sent else ""
    reason = f" {safe_text(resp.reason_phrase)}" if resp.reason_phrase else ""
    return HatboxError(f"a server between this computer and the box at {base} (not the box) answered "
                       f"{resp.status_code}{reason} ({said}){kept}",
                       hint="check that the address reaches the box itself (hatbox status), or the proxy or gateway "
                            "on the way, then try again" + (": hatbox box-pack or hatbox box-library shows what the "
                                                            "box holds" if sent else ""))


def pair_hint(hint: str, base: str) -> str:
    """The box's hint ``hint`` with its ``hatbox pair URL`` made the command to type: this box's address ``base``
    and ``--code CODE``, with where the code shows."""
    if "hatbox pair URL" not in hint:
        return hint
    return hint.replace("hatbox pair URL", f"hatbox pair {base} --code CODE") + f", with {CODE_PLACE}"


def _refusal_words(status: int) -> str:
    """How an error answer of ``status`` begins, in plain words: the box found nothing (404), could not do it
    in the state it is in (409), refused the request (other 4xx) or failed at it (5xx)."""
    if status >= 500:
        return "the box could not do it"
    return {404: "the box says", 409: "the box cannot do that"}.get(status, "the box refused")


def _unknown_route(resp: Any, body: dict[str, Any]) -> bool:
    """Whether ``resp`` is the web framework's own 404/405 (a path or method the box's API does not have: a box
    of another hatbox version), not one of the box's own answers (which name what was not found; the framework's
    says only "Not Found", under the error "bad request" before the twenty-fourth stop, "not found" since)."""
    said = body.get("message") or body.get("detail")      # "detail": FastAPI's own answer, no handler of the box's
    return resp.status_code in (404, 405) and said in ("Not Found", "Method Not Allowed")


def _debug_status(resp: Any) -> str:
    """`` [HTTP 422 Unprocessable Entity]`` when HATBOX_DEBUG is set (for a bug report), else nothing: the
    status code means nothing to a musician."""
    if not os.environ.get("HATBOX_DEBUG"):
        return ""
    return f" [HTTP {resp.status_code} {safe_text(resp.reason_phrase)}]"


@contextmanager
def _box_reply(what: str, note: str = "") -> Iterator[None]:
    """Reading the box's answer to ``what`` (e.g. ``POST /packs``): an answer without a field this laptop reads
    (a box of another hatbox version) becomes a HatboxError; ``note`` says what may have happened all the same."""
    try:
        yield
    except (KeyError, TypeError, AttributeError, IndexError, ValueError) as exc:
        from hatbox import __version__
        raise HatboxError(f"the box's answer to {what} is not in the form this hatbox ({__version__}) reads "
                          f"({type(exc).__name__}: {safe_text(exc)}){note}",
                          hint="the box may run another hatbox version (hatbox status --json shows it): install the "
                               "same version on this computer and on the box") from None


def _chunks(path: Path, bar: Any, up: _Upload) -> Iterator[bytes]:
    """``path`` in chunks; a chunk is counted sent (``up.sent``, the bar) once the connection asks for the next."""
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            yield chunk
            up.sent += len(chunk)
            bar.update(len(chunk))
    bar.set_description(f"{safe_text(up.name)} sent, the box is checking it")


def upload(client: Any, route: str, path: Path, params: dict[str, Any], quiet: bool = False,
           listing: str = "hatbox box-pack", shown: str | None = None) -> Any:
    """Stream ``path`` as the request body with a tqdm progress bar.  A link that stops taking bytes for
    UPLOAD_STALL_S fails the upload; the box may then take UPLOAD_ANSWER_S to check it and answer.  ``listing``:
    the command that lists what the box holds, named when the box may have kept the upload without answering;
    ``shown``: what the user sent, named in the bar and the messages (a folder sent as a temporary archive: the
    folder, not an archive the user never made; default: ``path``'s name)."""
    import httpx
    from hatbox.progress import progress_bar

    up = _Upload(shown or path.name, path.stat().st_size, listing)
    timeout = httpx.Timeout(UPLOAD_STALL_S, connect=CONNECT_TIMEOUT_S, read=UPLOAD_ANSWER_S)
    watch = _answer_watch(client, up, quiet)
    try:
        with progress_bar(total=up.size, kind="bytes", desc=safe_text(up.name), disable=quiet, leave=False) as bar, \
                watch:
            return _call(client, "POST", route, upload=up, params=params, content=_chunks(path, bar, up),
                         timeout=timeout,
                         headers={"Content-Length": str(up.size), "Content-Type": "application/octet-stream"})
    except KeyboardInterrupt as exc:
        client.close()                      # hang up now: the box drops a cut-off upload when the link goes
        if watch.gone:                      # not Ctrl-C: the box stopped answering its health checks
            raise _gone_error(up, watch.gone_after) from None
        how = stopped_by(exc)
        if up.done:
            raise UploadInterrupted(f"interrupted ({how}) after all of {safe_text(up.name)} was sent: the box may "
                                    f"still keep it", up, how, hint=f"see whether it did: {listing}") from None
        raise UploadInterrupted(f"interrupted ({how}) after {up.progress()}: the box keeps nothing of an upload cut "
                                "short", up, how) from None


def _answer_watch(client: Any, up: _Upload, quiet: bool) -> Any:
    """The watch over the box while it checks upload ``up`` (hatbox.upload_watch): GET /health on ``client`` (a
    connection of its own), its words on stderr unless ``quiet``."""
    from hatbox.upload_watch import HEALTH_TIMEOUT_S, AnswerWatch, stderr_line

    def alive() -> bool:
        try:
            return client.get("/health", timeout=HEALTH_TIMEOUT_S).status_code < 500
        except Exception:  # noqa: BLE001 - any failure to answer is no answer
            return False
    library = up.listing == "hatbox box-library"
    doing = f"{'unpacking' if library else 'checking'} {safe_text(up.name)}"
    return AnswerWatch(alive, (lambda line: None) if quiet else stderr_line, lambda: up.done, doing)


def _gone_error(up: _Upload, after_s: float) -> HatboxError:
    """The box stopped answering (its health too, for ``after_s``) after all of upload ``up`` was sent."""
    what = "unpacked the library" if up.listing == "hatbox box-library" else "checked the pack"
    return HatboxError(f"the box stopped answering while it {what} ({safe_text(up.name)}: nothing for "
                       f"{after_s:g} s); it may or may not have kept it: see {up.listing} once it is back",
                       hint="is the box on, and on the network? a box that lost its power keeps nothing half "
                            f"checked; send it again once {up.listing} shows it is not there")


def _check_limit(client: Any, path: Path, key: str, size: int | None = None, what: str | None = None,
                 status: dict[str, Any] | None = None) -> None:
    """HatboxError, nothing sent, when ``path`` (or ``size`` bytes: a folder's archive still to be made, named
    ``what``) is over the box's ``limits[key]`` in its status (bytes); a box that names no such limit lets the upload
    go (it refuses one too big itself).  The status read is also the first word with the box: one that cannot be
    reached is said before a byte is packed.  ``status``: the box's GET /status answer the caller read already."""
    limits = (status if status is not None else _call(client, "GET", "/status")).get("limits")
    limit = limits.get(key) if isinstance(limits, dict) else None
    size = path.stat().st_size if size is None else size
    if isinstance(limit, int) and limit and size > limit:
        library = key == "max_library_bytes"
        raise HatboxError(f"{what or safe_text(path.name)} is {size_words(size)}"
                          f"{' (as an archive)' if what else ''}; the box takes at most {size_words(limit)} "
                          f"{'a library' if library else 'a pack'}; nothing was sent",
                          hint="send the library in parts (a folder of it at a time)" if library
                          else _big_pack_hint(shlex.quote(safe_text(str(path)))))


def _big_pack_hint(name: str) -> str:
    """What to do with pack ``name`` (its path, quoted for a shell) over the box's pack limit (p53 QA Q3: the
    refusal said nothing).  The limit is the box's own (device/api/box.py ApiConfig.max_pack_bytes), no setting a
    user can change."""
    return (f"that limit is built into the box, not a setting; the packs hatbox trains are far smaller (kilobytes "
            f"to a few MiB), so this one is unusual: `hatbox pack inspect {name}` shows what it holds; is it the "
            "pack you meant? a pack that big is a model too big for the box: train a smaller one")


def check_pack_opens(path: Path) -> Manifest:
    """The manifest of the pack at ``path``; PackError naming it (nothing sent) when it does not open as a pack here:
    read with the box's own reader (export.pack.read_pack: archive, member limits, manifest, sha256 checksums), so a
    file damaged on this computer, or one that is no pack, is not uploaded for the box to refuse.  The box still
    checks what it gets (signature, operators, golden snapshot, real time)."""
    from export.pack import read_pack

    name = safe_text(path.name)
    try:
        return read_pack(path).manifest
    except PackError as exc:        # an empty file, one that is no zip: said so by the reader, as for pack inspect
        why, check, hint = safe_text(exc.args[0]), exc.check, exc.hint
    if not why.startswith(name):
        why = f"{name}: {why}"
    raise PackError(f"{why}; nothing was sent", check=check, hint=hint)


def one_named(items: list[dict[str, Any]], given: str, several: str, several_hint: str, missing: HatboxError,
              id_starts: bool = False) -> dict[str, Any]:
    """The one item of a box's list ({"id", "name", ...}) that ``given`` names, by the first rule any of them meets:
    the id; the name, in any case; with ``id_starts``, the start of an id or its end after a dash (the hash at the
    end of a pack's id).  ``missing`` is raised when none does;
    "N ``several``: their ids" (``several_hint``) when more than one does."""
    import unicodedata

    def folded(text: str) -> str:               # "Smäll" typed, or as a macOS folder name gives it: one name
        return unicodedata.normalize("NFC", text).casefold()
    rules = [lambda i: i["id"] == given, lambda i: folded(str(i["name"])) == folded(given)]
    if id_starts:
        rules.append(lambda i: i["id"].startswith(given) or i["id"].endswith("-" + given))
    for rule in rules:
        found = [i for i in items if rule(i)]
        if len(found) == 1:
            return found[0]
        if found:
            ids = ", ".join(safe_text(i["id"]) for i in found)
            if rule is rules[-1] and id_starts:     # the ids' start: "are called 'lib-rock'" was not so
                raise HatboxError(f"{len(found)} ids on the box start or end with '{safe_text(given)}': {ids}",
                                  hint=several_hint)
            raise HatboxError(f"{len(found)} {several}: {ids}", hint=several_hint)
    raise missing


def check_url(url: str) -> str:
    """``url`` without a trailing slash, or a HatboxError saying what a box address looks like.  HOST:PORT without
    a scheme ("192.168.1.20:8750", "hatbox.local:8750") is taken as http://, as the box serves; one with a path
    ("http://box:8750/docs", copied from a browser) is refused naming the address to give."""
    import re
    from urllib.parse import urlsplit

    given = url
    if re.fullmatch(r"[^/\s:]+:\d+/?", url.strip()):        # HOST:PORT, as a box's panel or log shows it
        url = "http://" + url.strip()
    try:
        parts = urlsplit(url.strip())
        ok = (parts.scheme in ("http", "https") and bool(parts.hostname) and (parts.port or 0) >= 0
              and not any(c.isspace() for c in parts.netloc))
    except ValueError:                      # a port that is not a number, a bad IPv6 literal
        ok = False
    if ok and (path := parts.path.strip("/")):
        raise HatboxError(f"'{safe_text(given)}' has a path (/{safe_text(path)}): a box address is the box's "
                          "host and port only", hint=f"give {parts.scheme}://{safe_text(parts.netloc)}")
    if not ok:
        netloc = url.strip().split("://", 1)[-1].split("/", 1)[0]
        bare_ipv6 = netloc.count(":") > 1 and "[" not in netloc
        raise HatboxError(f"'{safe_text(given)}' is not a box address",
                          hint="an IPv6 address goes in brackets: http://[fe80::1]:8750" if bare_ipv6 else _URL_HINT)
    return url.strip().rstrip("/")


def same_box(url: str, saved: str) -> bool:
    """Whether address ``url`` (as given: HOST:PORT or a URL) is the saved pairing's ``saved``: host (any case) and
    port (the scheme's default when none is written) the same, and the scheme too, or https given for an http box
    (no token goes out in the clear that the pairing kept in TLS).  An address that is no URL is not."""
    from urllib.parse import urlsplit
    try:
        a, b = urlsplit(check_url(url)), urlsplit(check_url(saved))
        ports = [p.port or {"http": 80, "https": 443}.get(p.scheme) for p in (a, b)]
    except (HatboxError, ValueError):
        return False
    schemes = a.scheme == b.scheme or a.scheme == "https"
    return schemes and (a.hostname or "").lower() == (b.hostname or "").lower() and ports[0] == ports[1]
