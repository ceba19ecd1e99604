"""Run a tagger pack on audio files (onnxruntime, no torch): prepare clips exactly as in training."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import NamedTuple

import numpy as np

from device.audio.mel import dc_offset, tagger_clip
from device.audio.runtime import make_session, model_key
from device.library.decode import SILENT_DBFS, SILENT_LEVEL, WHOLE_FILE_SECONDS, first_sound, mix, quiet_level, \
    read_channels, read_counted
from export.manifest import TAG_RULE, Manifest, kind_phrase, tag_problem
from export.pack import Pack, read_pack
from hatbox.errors import PackError
from hatbox.text import escape_unsafe


MAX_CLIP_SECONDS = 30.0
MIN_SECONDS = 0.001        # a file shorter than this (48 samples at 48 kHz) holds no sound to tag
MAX_HEARD_RATE = 768000    # Hz: the highest sample rate a pack's heard_rate may name


def _dbfs(level: float) -> str:
    """A linear level as whole dBFS ("-84 dBFS"; "0 dBFS", never "-0"; "under -200 dBFS" for what is less)."""
    db = 20.0 * np.log10(level) if level > 0 else -np.inf
    return "under -200 dBFS" if db < -200 else f"{round(db) + 0:.0f} dBFS"


def silence(peak: float, bits: int | None = None, offset: float = 0.0) -> str:
    """Why a file whose peak is ``peak`` (linear, around its DC offset, under the level :func:`quietness` gives)
    gets no tags; ``bits``: the integer grid that set that level (its dither), ``offset``: the largest channel's
    DC offset (linear), named when it is larger than what swings around it."""
    on = f" on a DC offset of {_dbfs(offset)}" if offset >= max(SILENT_LEVEL, peak) else ""
    if peak == 0.0:
        return f"silent (a constant DC offset, {_dbfs(offset)})" if offset else "silent (all zeros)"
    if bits is not None:
        steps = max(1, int(round(peak * 2.0 ** (bits - 1))))
        return (f"silent (only dither or rounding noise{on}: peak {steps} step{'' if steps == 1 else 's'} of "
                f"{bits}-bit, {_dbfs(steps / 2.0 ** (bits - 1))})")
    db = 20.0 * np.log10(peak)
    shown = f"{db:.0f}" if round(db) < SILENT_DBFS else f"{db:.1f}"     # never "-90 dBFS, under -90"
    return f"silent (peak {shown} dBFS{on}, under {SILENT_DBFS:g})"


def quietness(audio: np.ndarray) -> tuple[float, float, int | None, np.ndarray]:
    """How quiet ``audio`` (mono [n] or channels [C, n], n > 0) is: (its loudest channel's peak around that
    channel's DC offset, linear; the level under which that peak is silence and the grid bits that set it, from
    :func:`device.library.decode.quiet_level`; each channel's offset [C] float32, :func:`device.audio.mel.dc_offset`)."""
    chans = audio if audio.ndim == 2 else audio[None]
    dc = np.array([dc_offset(c) for c in chans], np.float32)
    peak = float(max(max(float(c.max()) - d, d - float(c.min())) for c, d in zip(chans, dc)))
    level, bits = quiet_level(chans, peak)
    return peak, level, bits, dc


def not_taggable(audio: np.ndarray, rate: int) -> str:
    """Why ``audio`` (mono [n] or channels [C, n]) at ``rate`` Hz gets no tags ("empty (no samples)", "too
    short: 1 sample (under 1 ms)", "silent (all zeros)"...), or "".  A tagger gives every clip its best
    guess: a silent file would be a "kick".  Silence is judged on the loudest channel, never on the mono
    mix (a stereo file whose channels cancel there is not silent), around each channel's DC offset (an offset
    alone is no sound), and against the dither of an 8- or 16-bit file (:func:`quietness`)."""
    n = int(audio.shape[-1])
    if n == 0:
        return "empty (no samples)"
    if n < MIN_SECONDS * rate:
        return f"too short: {n} sample{'' if n == 1 else 's'} (under {MIN_SECONDS * 1000:g} ms)"
    peak, level, bits, dc = quietness(audio)
    return silence(peak, bits, float(np.max(np.abs(dc)))) if peak < level else ""


SOUND_SEARCH_SECONDS = WHOLE_FILE_SECONDS   # how far into a file whose head is silent its first sound is looked for
SEARCHES = 3               # sounds looked for past a silent head (one that is only dither: the next, louder one)
PRE_ROLL_SECONDS = 0.01    # read from this far before a first sound (the clip's onset alignment finds its own)
LATE_WORDS = "its sound starts at"   # in the reason an older hatbox recorded for a file whose sound came after its head
BEYOND_WORDS = "no sound is looked for after that"   # in the reason of a file silent as far as a sound is looked for


class Heard(NamedTuple):
    """What a tagger hears of a file: ``channels`` [C, n] float32 at ``rate`` Hz, from ``start`` seconds into the
    file (0.0, or just before its first sound when its head is silent); ``why`` it gets no tags, or ""."""

    channels: np.ndarray
    rate: int
    why: str
    start: float = 0.0
    frames: int = -1        # the whole file's length in frames, as its header says (-1: not known)


def from_first_sound(path: Path, audio: np.ndarray, rate: int, whole: bool, seconds: float, where: str) -> Heard:
    """What is heard of ``path`` whose first ``seconds`` are ``audio`` ([C, n] at ``rate`` Hz; ``whole``: all of
    the file): that head when it holds a sound (:func:`not_taggable`) or is all of the file; else ``seconds``
    read from :data:`PRE_ROLL_SECONDS` before the file's first sound (the first sample at the head's silence level,
    around its DC offset: :func:`device.library.decode.first_sound`) when it comes within
    :data:`SOUND_SEARCH_SECONDS`, so a one-shot cut late from a recording is tagged by its sound, as the same sound
    that far into a file is.  A file with no sound in that time is silent (said with how far it was looked at when
    the file goes on); ``where`` names the listener ("the tagger listens", "training listens").  The one rule of
    `hatbox tag`, the box's library tagging and training."""
    why = not_taggable(audio, rate)
    if not why or whole or not audio.shape[-1]:
        return Heard(audio, rate, why)
    start, found = 0.0, None
    for _ in range(SEARCHES):
        _, level, bits, dc = quietness(audio)
        onset, peak = first_sound(path, level, offset=dc, start=start, until=SOUND_SEARCH_SECONDS)
        if onset is None:
            break
        start, found = max(start, onset - PRE_ROLL_SECONDS), onset
        audio = read_channels(path, seconds, start=start)[0]
        why = not_taggable(audio, rate)
        if not why:
            return Heard(audio, rate, "", start)
    if found is not None:           # what came after the silent head is no sound either (dither, an offset)
        return Heard(audio, rate, f"{why} where {where}, from {found:.2f} s on", start)
    return Heard(audio, rate, silence(peak, bits, float(np.max(np.abs(dc)))) + _looked_at(path, rate))


def _looked_at(path: Path, rate: int) -> str:
    """" in its first 30 s; no sound is looked for after that" when ``path`` (at ``rate`` Hz) goes on past
    :data:`SOUND_SEARCH_SECONDS`, else "" (all of it was heard)."""
    from device.audio.audiofile import info
    if info(path)[2] <= rate * SOUND_SEARCH_SECONDS:
        return ""
    return f" in its first {SOUND_SEARCH_SECONDS:g} s; {BEYOND_WORDS}"


def tagger_tags(m: Manifest) -> list[str]:
    """The tags a tagger pack scores, in the order of its ``probs`` columns."""
    return list(m.extras.get("tags") or m.tags)


def check_tagger_manifest(m: Manifest, stored: bool = False) -> None:
    """Refuse a pack that does not follow the tagger contract (PackError naming what is wrong): input
    ``audio`` [B, clip_samples], outputs ``probs`` [B, n_tags] and ``embedding`` [B, E], a non-empty list of
    distinct tags, numeric thresholds.  Run at upload (device/validate.py) and when a pack is loaded (``stored``:
    its tags as stored ones, export.manifest.tag_problem, so a pack installed before an upgrade still tags)."""
    if m.kind != "tagger":
        raise PackError(f"pack '{m.name}' is {kind_phrase(m.kind)}, not a tagger", check="kind")

    def bad(why: str) -> PackError:
        return PackError(f"tagger pack '{m.name}': {why}", check="contract")

    ex = m.extras
    n = ex.get("clip_samples")
    if isinstance(n, bool) or not isinstance(n, int) or not 0 < n <= MAX_CLIP_SECONDS * m.sample_rate:
        raise bad(f"extras.clip_samples = {n!r} is not a clip length in samples (at most {MAX_CLIP_SECONDS:g} s)")
    ins, outs = {t.name: t for t in m.inputs}, {t.name: t for t in m.outputs}
    if "audio" not in ins or not {"probs", "embedding"} <= set(outs):
        raise bad("needs input 'audio' and outputs 'probs' and 'embedding'")
    shape = ins["audio"].shape
    if len(shape) != 2 or (isinstance(shape[1], int) and shape[1] != n):
        raise bad(f"input 'audio' has shape {list(shape)}, expected [B, {n}]")
    tags = tagger_tags(m)
    if not tags or not all(isinstance(t, str) for t in tags) or len(set(tags)) != len(tags):
        raise bad("needs a non-empty list of distinct tags")
    for tag in tags:
        problem = tag_problem(tag, stored) or (None if tag == tag.strip() else TAG_RULE)
        if problem:
            raise bad(f"'{escape_unsafe(tag)}' cannot be a tag ({problem})")
    width = outs["probs"].shape[-1] if outs["probs"].shape else None
    if isinstance(width, int) and width != len(tags):
        raise bad(f"'probs' has {width} columns for {len(tags)} tags")
    th = ex.get("thresholds", {})
    if not isinstance(th, dict) or not all(isinstance(v, (int, float)) and not isinstance(v, bool)
                                           and 0.0 <= v <= 1.0 for v in th.values()):
        raise bad("extras.thresholds must map tags to numbers in 0..1")
    heard = pack_heard_rate(m)
    if isinstance(heard, bool) or not isinstance(heard, int) or not 0 <= heard <= MAX_HEARD_RATE:
        raise bad(f"extras.config.heard_rate = {heard!r} is not a sample rate in Hz (0 for none)")


def pack_heard_rate(m: Manifest) -> object:
    """A tagger pack's ``config.heard_rate`` (Hz; 0, and for packs from before it, absent: none), unchecked:
    files at higher rates are heard through it (:func:`device.audio.mel.tagger_clip`)."""
    cfg = m.extras.get("config")
    return cfg.get("heard_rate", 0) if isinstance(cfg, dict) else 0


def weights_id(model_bytes: bytes) -> str:
    """The id of a tagger's network alone (16 hex digits of the SHA-256 of its ONNX bytes): what the
    embeddings depend on, and what databases tagged before QA round 20 hold as their model id."""
    return model_key(model_bytes)


def earlier_tagger(recorded: str, model_id: str, weights: str) -> str:
    """Who tagged a library whose database records ``recorded`` as its model id, for a pack whose ids are
    ``model_id`` and ``weights`` (:func:`pack_ids`): "" when it is this pack (or none is recorded), "an older hatbox"
    when it is this pack's :func:`weights_id` (what databases tagged before QA round 20 hold: the same network, the
    id of an older hatbox), else "an older hatbox (or another pack)" (another pack's id, or this one's settings as an
    older hatbox counted them: the id cannot tell)."""
    if not recorded or recorded == model_id:
        return ""
    return "an older hatbox" if recorded == weights else "an older hatbox (or another pack)"


def tagger_model_id(model_bytes: bytes, tags: list[str], thresholds: list[float], exclusive: bool,
                    rate: int, clip_samples: int, heard_rate: int = 0) -> str:
    """The id a library records for the pack that tagged it (16 hex digits): the network's bytes and every
    manifest field the tagging reads - the tag names in ``probs`` column order, their thresholds (0..1, the
    defaults filled in), ``exclusive``, the pack's sample rate (Hz) and clip length (samples), and its heard rate
    (Hz; only when it has one, so the ids of packs without one stay as they were).  A pack that
    changes any of these (new tag names, other thresholds, the same weights) tags the library's files again;
    one that changes none (a new version number, a new description) leaves them as they are."""
    settings = json.dumps({"tags": list(tags), "thresholds": [round(float(t), 6) for t in thresholds],
                           "exclusive": bool(exclusive), "rate": int(rate), "clip_samples": int(clip_samples),
                           **({"heard_rate": int(heard_rate)} if heard_rate else {})},
                          sort_keys=True, separators=(",", ":"))
    h = hashlib.sha256(model_bytes)
    h.update(b"\0hatbox-tagger-settings\0" + settings.encode())
    return h.hexdigest()[:16]


def tagger_settings(m: Manifest) -> tuple[list[str], np.ndarray, bool, int, int, int]:
    """A tagger manifest's (tags, thresholds [T] float32, exclusive, sample rate Hz, clip samples, heard rate Hz
    (0: none)), as :class:`PackTagger` runs it."""
    tags = tagger_tags(m)
    th = m.extras.get("thresholds", {})
    thresholds = np.array([float(th.get(t, 0.5)) for t in tags], np.float32)
    return (tags, thresholds, bool(m.extras.get("exclusive", False)), int(m.sample_rate), int(m.extras["clip_samples"]),
            int(pack_heard_rate(m)))


def pack_ids(pack: Pack) -> tuple[str, str]:
    """(model id, weights id) a library database records for tagger ``pack`` (:func:`tagger_model_id`,
    :func:`weights_id`), worked out without loading its network: the box names a library's tagger by them."""
    tags, thresholds, exclusive, rate, n, heard = tagger_settings(pack.manifest)
    model = tagger_model_id(pack.model_bytes, tags, thresholds.tolist(), exclusive, rate, n, heard)
    return model, weights_id(pack.model_bytes)


class PackTagger:
    """A loaded tagger pack: ``prepare(path) -> [N]``, ``run(audio [B, N]) -> (probs, embeddings)``."""

    def __init__(self, pack: Pack | str | Path, threads: int = 1) -> None:
        self.pack = pack if isinstance(pack, Pack) else read_pack(pack)
        m = self.pack.manifest
        check_tagger_manifest(m, stored=True)
        self.tags, self.thresholds, self.exclusive, self.rate, self.n, self.heard_rate = tagger_settings(m)
        self.session = make_session(self.pack.model_bytes, threads=threads)
        from device.validate import check_box_plays
        check_box_plays(self.pack, self.session, doing="used to tag", kept="nothing was tagged or changed")
        self.model_id, self.weights_id = pack_ids(self.pack)

    @property
    def seconds(self) -> float:
        """How much of a file the tagger decodes (seconds, at the file's rate): its clip and a margin."""
        return (self.n + 64) / self.rate

    def decode(self, path: Path) -> tuple[np.ndarray, int, bool, int]:
        """(channels [C, n] float32, rate Hz, whether that is the whole file, the file's length in frames): the head
        of ``path`` (:meth:`heard` goes on from there to the file's first sound when the head is silent); a file with
        no samples at all comes back as [C, 0] (:meth:`heard` says why it gets no tags)."""
        audio, rate, frames = read_counted(path, self.seconds, empty_ok=True)
        return audio, rate, audio.shape[-1] < int(np.ceil(rate * self.seconds)), frames

    def heard(self, path: Path) -> Heard:
        """What the tagger hears of ``path`` (:func:`from_first_sound`: its head, or from its first sound when the
        head is silent) and why it gets no tags ("" when it gets them); :meth:`fit` makes the clip of it."""
        audio, rate, whole, frames = self.decode(path)
        return from_first_sound(path, audio, rate, whole, self.seconds, "the tagger listens")._replace(frames=frames)

    def fit(self, audio: np.ndarray, rate: int) -> np.ndarray:
        """``audio`` (mono [n], or channels [C, n]: their :func:`device.library.decode.mix`) at ``rate`` Hz ->
        the clip [N] float32: its DC offset removed, resampled to the pack's rate, onset-aligned
        (:func:`device.audio.mel.tagger_clip`)."""
        mono = mix(audio) if audio.ndim == 2 else audio
        return tagger_clip(mono, rate, self.rate, self.n, self.heard_rate)

    def prepare(self, path: Path) -> np.ndarray:
        """Decode (from the first sound when the head is silent: :meth:`heard`), mix to mono, resample to the pack's
        rate, onset-align, fit to [N] float32."""
        heard = self.heard(path)
        return self.fit(heard.channels, heard.rate)

    def run(self, audio: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """audio [B, N] float32 -> (probs [B, n_tags], embeddings [B, E])."""
        probs, emb = self.session.run(["probs", "embedding"], {"audio": np.ascontiguousarray(audio, np.float32)})
        return probs, emb

    def hits(self, probs: np.ndarray) -> np.ndarray:
        """[B, n_tags] bool: the top tag for an exclusive pack, else every tag over its threshold."""
        if self.exclusive:
            return probs == probs.max(axis=1, keepdims=True)
        return probs >= self.thresholds

    def embed_file(self, path: Path) -> np.ndarray:
        """Embedding [E] of one file (for "more like this" with a file outside the library)."""
        return self.run(self.prepare(Path(path))[None])[1][0]
