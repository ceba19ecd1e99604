"""Small fixes from the QA passes of round 20 (p20c):

1. ``render_file`` warns of a truncated AIFF or Wave64 input too, not only of a WAV (``header_problem``);
2. synth training decodes only the head of a long note file (``--seconds`` plus the onset margin), with a warning;
3. ``hatbox play`` names the MIDI notes above the synth pack's band limit (silent) in one ``warning:`` line;
4. the laptop reaches a box on the local network directly, whatever proxy HTTP(S)_PROXY / ALL_PROXY name;
5. Ctrl-C reported by the box client prints ``hatbox: interrupted ...`` (no ``error:``), exit 130;
6. ``device.midi.KnobRanges`` survives the control thread loading packs and setting knobs while MIDI translates.
"""
from __future__ import annotations

import io
import json
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import pytest
import soundfile as sf

ROOT = Path(__file__).resolve().parents[1]
FACTORY_EFFECT = ROOT / "factory" / "effect-drive.hatpack"
FACTORY_SYNTH = ROOT / "factory" / "synth-gm4.hatpack"


# ----------------------------------------------------------------------------- 1. render_file: any truncated file
@pytest.mark.parametrize(("fmt", "suffix", "words"), [("WAV", ".wav", "WAV header claims"),
                                                      ("AIFF", ".aiff", "AIFF header claims 96000 frames"),
                                                      ("W64", ".w64", "W64 header claims 96000 frames")])
def test_a_truncated_input_of_any_kind_renders_with_a_warning(tmp_path: Path, fmt: str, suffix: str,
                                                              words: str) -> None:
    from device.audio.effect import render_file
    buf = io.BytesIO()
    sf.write(buf, np.full(96000, 0.1, np.float32), 48000, format=fmt, subtype="FLOAT")
    src = tmp_path / f"cut{suffix}"
    src.write_bytes(buf.getvalue()[:40000])
    lines = render_file(FACTORY_EFFECT, src, tmp_path / "out.wav")
    said = [line for line in lines if line.startswith("warning:")]
    assert len(said) == 1 and "shorter than its header says" in said[0] and words in said[0], lines


def test_an_honest_aiff_renders_without_a_warning(tmp_path: Path) -> None:
    from device.audio.effect import render_file
    src = tmp_path / "ok.aiff"
    sf.write(src, np.full(9600, 0.1, np.float32), 48000, format="AIFF", subtype="PCM_16")
    assert not any(line.startswith("warning:") for line in render_file(FACTORY_EFFECT, src, tmp_path / "o.wav"))


# ----------------------------------------------------------------------------- 2. synth notes: only the head decoded
NOTE_RATE = 8000


def _note_file(path: Path, seconds: float) -> Path:
    """C4 (261.6 Hz) after 0.5 s of silence, ``seconds`` long, 16-bit at NOTE_RATE."""
    t = np.arange(int(seconds * NOTE_RATE)) / NOTE_RATE
    x = 0.3 * np.sin(2 * np.pi * 261.63 * t) * (t >= 0.5)
    sf.write(path, x.astype(np.float32), NOTE_RATE, subtype="PCM_16")
    return path


@pytest.fixture
def decoded(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The frames of every audiofile.read the synth data loader makes."""
    import trainer.synth.data as data
    frames: list[int] = []
    real = data.audiofile.read

    def spy(*args: Any, **kw: Any) -> tuple[np.ndarray, int]:
        audio, rate = real(*args, **kw)
        frames.append(audio.shape[1])
        return audio, rate
    monkeypatch.setattr(data.audiofile, "read", spy)
    return frames


def test_a_long_note_file_is_decoded_only_as_far_as_training_needs(tmp_path: Path, decoded: list[int]) -> None:
    from trainer.synth.data import HEAD_MARGIN_S, load_note
    seconds, rate = 1.0, 24000
    warned: list[str] = []
    note = load_note(_note_file(tmp_path / "C4.wav", 180.0), "piano", rate, seconds, warned.append)
    head = int(np.ceil((seconds + HEAD_MARGIN_S) * NOTE_RATE))
    assert decoded == [head], decoded                         # not the 180 s (1.44 M frames) of the file
    assert note.pitch == 60.0 and note.audio.shape == (int(seconds * rate),)
    cut = [text for text in warned if "cut to" in text]       # (the other: the file is recorded at 8 kHz)
    assert len(cut) == 1 and "C4.wav is 3.0 min long: it was cut to its first 11 s" in cut[0], warned
    (tmp_path / "head").mkdir()
    warned.clear()
    same = load_note(_note_file(tmp_path / "head" / "C4.wav", 11.0), "piano", rate, seconds, warned.append)
    assert np.array_equal(note.audio, same.audio)             # the note of the head alone ...
    assert not any("cut to" in text for text in warned)       # ... which is read whole


def test_a_note_file_within_the_head_is_read_whole_without_a_warning(tmp_path: Path, decoded: list[int]) -> None:
    from trainer.synth.data import load_note
    warned: list[str] = []
    load_note(_note_file(tmp_path / "C4.wav", 3.0), "piano", NOTE_RATE, 1.0, warned.append)
    assert decoded == [3 * NOTE_RATE] and warned == []


def test_a_long_file_silent_in_its_head_says_how_much_was_read(tmp_path: Path) -> None:
    from hatbox.errors import DataError
    from trainer.synth.data import load_note
    x = np.zeros(40 * NOTE_RATE, np.float32)
    x[30 * NOTE_RATE:] = 0.3 * np.sin(np.arange(10 * NOTE_RATE) * 2 * np.pi * 261.63 / NOTE_RATE)
    sf.write(tmp_path / "C4.wav", x, NOTE_RATE, subtype="PCM_16")
    with pytest.raises(DataError, match=r"C4\.wav is silent in its first 11 s"):
        load_note(tmp_path / "C4.wav", "piano", 24000, 1.0, lambda _text: None)


# ----------------------------------------------------------------------------- 3. play: notes above the band limit
def _midi(path: Path, notes: list[int]) -> Path:
    import mido
    mid = mido.MidiFile()
    track = mido.MidiTrack()
    mid.tracks.append(track)
    for n in notes:
        track.append(mido.Message("note_on", note=n, velocity=100, time=0))
        track.append(mido.Message("note_off", note=n, velocity=0, time=120))
    mid.save(path)
    return path


def test_play_names_the_notes_above_the_band_limit_in_one_warning(tmp_path: Path, capsys) -> None:
    from hatbox.cli import main
    midi = _midi(tmp_path / "high.mid", [60, 127, 126, 127, 72])
    assert main(["play", str(FACTORY_SYNTH), "--midi", str(midi), "--out", str(tmp_path / "o.wav"),
                 "--tail", "0"]) == 0
    out = capsys.readouterr().err                       # every warning on stderr (p44)
    said = [line for line in out.splitlines() if line.startswith("warning:") and "band limit" in line]
    assert len(said) == 1, out                         # (a second warning says they lie outside its trained range)
    assert "notes 126, 127 are above the band limit of 'synth-gm4'" in said[0], said
    assert "the highest note it plays is 125" in said[0], said


def test_play_of_playable_notes_warns_of_nothing(tmp_path: Path, capsys) -> None:
    from hatbox.cli import main
    midi = _midi(tmp_path / "ok.mid", [60, 125])
    assert main(["play", str(FACTORY_SYNTH), "--midi", str(midi), "--out", str(tmp_path / "o.wav"),
                 "--tail", "0"]) == 0
    out = "".join(capsys.readouterr())                 # stdout and stderr (every warning on stderr: p44)
    assert "band limit" not in out and "play as silence" not in out, out


# ----------------------------------------------------------------------------- 4. no proxy for a box on the network
class _Json(BaseHTTPRequestHandler):
    """Answers every GET with {"path": <the request target>, "via": <the server's name>}."""

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        body = json.dumps({"path": self.path, "via": self.server.name}).encode()      # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: Any) -> None:
        pass


@pytest.fixture
def serve() -> Iterator[Any]:
    """serve(name) -> the port of a JSON server on 127.0.0.1 that names itself ``name``; closed after the test."""
    servers: list[ThreadingHTTPServer] = []

    def start(name: str) -> int:
        srv = ThreadingHTTPServer(("127.0.0.1", 0), _Json)
        srv.name = name                                                            # type: ignore[attr-defined]
        threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        servers.append(srv)
        return srv.server_address[1]
    yield start
    for srv in servers:
        srv.shutdown()
        srv.server_close()


def _proxy_env(monkeypatch: pytest.MonkeyPatch, proxy: str) -> None:
    for var in ("no_proxy", "NO_PROXY", "https_proxy", "HTTPS_PROXY"):
        monkeypatch.delenv(var, raising=False)
    for var in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.setenv(var, proxy)


def _dead_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_box_on_the_local_network_is_reached_past_a_dead_proxy(serve: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from hatbox.box_client import _call, _client
    port = serve("box")
    _proxy_env(monkeypatch, f"http://127.0.0.1:{_dead_port()}")          # nothing listens there
    with _client(f"http://127.0.0.1:{port}", "token", True) as client:
        assert _call(client, "GET", "/status") == {"path": "/status", "via": "box"}


def test_a_box_under_a_public_name_still_goes_through_the_proxy(serve: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from hatbox.box_client import _call, _client
    _proxy_env(monkeypatch, f"http://127.0.0.1:{serve('proxy')}")
    with _client("http://box.example.com:8750", "token", True) as client:
        assert _call(client, "GET", "/status") == {"path": "http://box.example.com:8750/status", "via": "proxy"}


@pytest.mark.parametrize(("host", "local"), [
    ("127.0.0.1", True), ("192.168.1.20", True), ("10.0.0.5", True), ("172.16.4.4", True), ("169.254.3.4", True),
    ("::1", True), ("fe80::1", True), ("fd12:3456::1", True), ("localhost", True), ("hatbox.local", True),
    ("HatBox.Local.", True), ("box.example.com", False), ("8.8.8.8", False), ("2001:4860::8888", False),
    ("hatbox.localdomain.example", False)])
def test_which_hosts_are_local(host: str, local: bool) -> None:
    from hatbox.box_client import local_host
    assert local_host(host) is local


# ----------------------------------------------------------------------------- 5. Ctrl-C is no error
def test_an_interrupted_upload_prints_no_error_prefix(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    import hatbox.cmd_remote as cmd_remote
    from hatbox.box_client import _Interrupted
    from hatbox.cli import main

    def ctrl_c(_args: Any) -> int:
        raise _Interrupted("interrupted (Ctrl-C) after 1.0 MiB of 8.0 MiB of fx.hatpack: the box keeps nothing of "
                           "an upload cut short")
    monkeypatch.setattr(cmd_remote, "push", ctrl_c)
    assert main(["push", "fx.hatpack"]) == 130
    err = capsys.readouterr().err
    assert err.startswith("hatbox: interrupted (Ctrl-C) after 1.0 MiB") and "error" not in err, err
    assert len(err.strip().splitlines()) == 1, err


# ----------------------------------------------------------------------------- 6. KnobRanges across threads
def test_knob_ranges_survive_loads_and_knob_messages_while_midi_translates() -> None:
    from device.midi import MidiMap
    from export.manifest import Knob

    class Manifest:
        knobs = [Knob(f"k{i}", 0.0, 10.0, 5.0) for i in range(64)]

    mapping = MidiMap()
    mapping.knobs.loaded("effect", Manifest())
    errors: list[str] = []
    stop = threading.Event()

    def control() -> None:                       # hatbox/cmd_device.py BoxControl: loads, unloads, knob messages
        i = 0
        try:
            while not stop.is_set():
                mapping.knobs.set_value("effect", f"k{i % 16}", float(i % 10))
                if i % 5 == 0:
                    mapping.knobs.loaded("effect", Manifest())
                if i % 7 == 0:
                    mapping.knobs.forget("effect")
                i += 1
        except Exception as exc:  # noqa: BLE001 - what the test looks for
            errors.append(repr(exc))
            stop.set()
    switch = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)                  # switch threads often: the race shows within the second
    thread = threading.Thread(target=control)
    thread.start()
    n, deadline = 0, time.monotonic() + 1.0
    try:
        while time.monotonic() < deadline and not stop.is_set():
            mapping.translate({"type": "control_change", "control": 70 + n % 16, "value": (7 * n) % 128})
            n += 1
    except Exception as exc:  # noqa: BLE001
        errors.append(repr(exc))
    finally:
        stop.set()
        thread.join()
        sys.setswitchinterval(switch)
    assert errors == [] and n > 0, errors


def test_knob_values_set_from_two_threads_are_all_kept() -> None:
    from device.midi import KnobRanges
    from export.manifest import Knob

    class Manifest:
        knobs = [Knob("a", 0.0, 1000.0, 0.0), Knob("b", 0.0, 1000.0, 0.0)]

    knobs = KnobRanges()
    knobs.loaded("effect", Manifest())

    def turn(name: str) -> None:
        for v in range(1001):
            knobs.set_value("effect", name, float(v))
    threads = [threading.Thread(target=turn, args=(name,)) for name in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert knobs.values == {("effect", "a"): 1000.0, ("effect", "b"): 1000.0}
