"""A TCP proxy on a loopback port for the tests of an upload whose answer is lost (p54 F4): it relays every byte
between the laptop and the box, but cuts the connection of the first request whose bytes start with ``cut_at``
(b"POST /libraries"; a tuple: one request of each, in turn) once its body (if any) has passed: ``mode`` "after"
(the box got the whole body; the laptop's side is reset, the box's closed) or "short" (the last ``held`` bytes of
the body never reach the box).  ``refuse_after``:
the proxy then stops taking connections (the box cannot be asked).  ``armed`` False: nothing is cut (yet)."""
from __future__ import annotations

import socket
import struct
import threading
import time


class CutProxy:
    def __init__(self, upstream: str, cut_at: bytes | tuple[bytes, ...], mode: str = "after", held: int = 64,
                 refuse_after: bool = False) -> None:
        from urllib.parse import urlsplit
        where = urlsplit(upstream)
        self.upstream = (where.hostname or "127.0.0.1", where.port or 80)
        self.cut_at = (cut_at,) if isinstance(cut_at, bytes) else cut_at
        self.mode, self.held, self.refuse_after = mode, held, refuse_after
        self.cuts, self.open = 0, []      # open: every connection's two sockets, closed for good by refuse_after
        self.armed = True                 # False: relay everything (until set again)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        """Take no more connections (a shutdown wakes the accepting thread: a bare close would wait for it)."""
        _hang_up(self.listener)

    def _accept(self) -> None:
        while True:
            try:
                laptop, _ = self.listener.accept()
            except OSError:
                return
            box, cutting = socket.create_connection(self.upstream), threading.Event()
            self.open += [laptop, box]
            threading.Thread(target=self._down, args=(box, laptop, cutting), daemon=True).start()
            threading.Thread(target=self._up, args=(laptop, box, cutting), daemon=True).start()

    @staticmethod
    def _down(box: socket.socket, laptop: socket.socket, cutting: threading.Event) -> None:
        """The box's bytes to the laptop, as they come; none once the request to cut has begun (``cutting``: its
        answer never reaches the laptop)."""
        try:
            while data := box.recv(65536):
                if not cutting.is_set():
                    laptop.sendall(data)
        except OSError:
            pass
        for s in (laptop, box):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def _up(self, laptop: socket.socket, box: socket.socket, cutting: threading.Event) -> None:
        """The laptop's bytes to the box; the first request to cut, cut once the laptop has sent all of it
        (:meth:`_cut`), its last ``held`` bytes kept from the box in mode "short"."""
        stream, relayed, ends = bytearray(), 0, None
        try:
            while data := laptop.recv(65536):
                stream += data
                if ends is None and self.armed and self.cuts < len(self.cut_at):
                    ends = self._request_end(bytes(stream))
                    if ends is not None:
                        cutting.set()
                stop = len(stream) if ends is None else min(len(stream), ends - (self.held if self.mode == "short"
                                                                                  else 0))
                if stop > relayed:
                    box.sendall(bytes(stream[relayed:stop]))
                    relayed = stop
                if ends is not None and len(stream) >= ends:
                    self._cut(laptop, box)
                    return
        except OSError:
            pass

    def _request_end(self, stream: bytes) -> int | None:
        """Where in ``stream`` the next request to cut (``cut_at``) ends (its head and Content-Length body, none
        without one); None while its head is not all there."""
        start = stream.find(self.cut_at[self.cuts])
        head_end = stream.find(b"\r\n\r\n", start) if start >= 0 else -1
        if head_end < 0:
            return None
        head = stream[start:head_end].decode("latin-1").lower()
        length = head.split("content-length:", 1)[1].split("\r\n", 1)[0] if "content-length:" in head else "0"
        return head_end + 4 + int(length)

    def _cut(self, laptop: socket.socket, box: socket.socket) -> None:
        """Reset the laptop's connection (an RST: SO_LINGER 0) and close the box's, a moment after the body."""
        self.cuts += 1
        if self.refuse_after:
            self.close()
        time.sleep(0.3)
        laptop.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        for s in [box] + (self.open if self.refuse_after else []):
            _hang_up(s)                     # a shutdown: another thread's recv on it would hold a bare close back
        laptop.close()


def _hang_up(s: socket.socket) -> None:
    for step in (lambda: s.shutdown(socket.SHUT_RDWR), s.close):
        try:
            step()
        except OSError:
            pass
