"""The pack manifest: a versioned, torch-free description of a model and its contract.

``manifest.json`` inside every ``.hatpack`` is the seam between the trainer (which writes it)
and the box (which reads it).  This module only knows JSON and numbers: no torch, no onnx.

Units: ``sample_rate`` in Hz, ``latency_samples`` in samples at ``sample_rate``,
knob values in the gear's own units (``unit`` is free text such as "dB", "%", "ms").
"""
from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field
from typing import Any, Callable

from hatbox.errors import KnobError, PackError
from hatbox.text import (BIDI_MARKS, INVISIBLE, holds_rtl, is_safe_text, number_outside, unsafe_char,
                         unsafe_char_words)

SCHEMA = "hatpack"
SCHEMA_VERSION = 1
KINDS = ("effect", "synth", "tagger")
KNOB_SLACK = 1e-6     # of a knob's range: how far past an end a value still reads as that end (Knob.check)


def kind_phrase(kind: str) -> str:
    """ "an effect pack", "a synth pack", "a tagger pack": a pack kind in a sentence."""
    return f"{'an' if kind[:1].lower() in 'aeiou' else 'a'} {kind} pack"
DTYPES = ("float32", "int64", "int32", "bool")
# the most values one tensor may hold, its fixed dimensions multiplied (64 MiB of float32): a manifest that
# claims more would have the box allocate it for the real-time trial and the engine
MAX_TENSOR_ELEMENTS = 1 << 24
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _.+\-]{0,63}$")
NAME_MAX_CHARS = 64
NAME_CHARS = "ASCII letters a-z A-Z, digits, space, _ . + -"
# packs and knobs (ASCII: pack ids, OSC addresses /hatbox/knob/SLOT/NAME, MIDI-learn maps and boxes already out
# there rely on it; a file name in any script still becomes one: hatbox.names.default_pack_name)
NAME_RULE = f"1-{NAME_MAX_CHARS} characters, the first a letter or digit, of {NAME_CHARS}"
RATE_RANGE = (8000, 192000)       # sample rates (Hz) a pack, and the box's output, may have
# The most knobs a pack may have: four banks of the box's four encoders (the Effect page turns knobs in banks
# of 4 and shows up to 5 rows of dials).  It also bounds an effect's golden snapshot, which holds each knob per
# sample (8 KiB a knob): 16 of them beside the largest model state the effect trainer allows stay under the
# size from which the pack reader holds a member to its compression-ratio limit (trainer/effect/train.py).
MAX_KNOBS = 16
MAX_TAGS = 4096                   # tags a manifest may list (a tagger's own tags among them)
MAX_UNIT_CHARS = 32               # a knob's unit ("dB", "semitones"): shown beside its value on the panel
MAX_CHANNELS = 64


def is_plain_name(name: object) -> bool:
    """Whether ``name`` obeys NAME_RULE (a pack's or a knob's name)."""
    return isinstance(name, str) and bool(_NAME_RE.fullmatch(name))


def name_problem(name: object) -> str | None:
    """Why ``name`` cannot be a pack's or a knob's name (:data:`NAME_RULE`), in words that give the rule and name
    the character that broke it ("a name is ...: 'ö' is not one of them"); None when it can be."""
    if is_plain_name(name):
        return None
    return f"a name is {NAME_RULE}: {_name_why(name)}"


def _name_why(name: object) -> str:
    """What is wrong with ``name``, a name :func:`is_plain_name` refuses, in a few words."""
    if not isinstance(name, str):
        return "it is not text"
    if not name:
        return "it is empty"
    bad = next((c for c in name if not (c.isascii() and (c.isalnum() or c in " _.+-"))), None)
    if bad is not None:
        return f"{bad!r} is not one of them"
    if len(name) > NAME_MAX_CHARS:
        return f"it is too long ({len(name)} characters)"
    return f"it must start with a letter or digit ({name[0]!r} does not)"


_VERSION_RE = re.compile(r"^[0-9]+\.[0-9]+\.[0-9]+([.+\-][0-9A-Za-z.\-]+)?$")


def _fail(msg: str) -> PackError:
    return PackError(f"manifest: {msg}", check="manifest")


MAX_TAG_CHARS = 64
TAG_RULE = f"1-{MAX_TAG_CHARS} printable characters, no comma, quote, slash or leading #"


def normal_tag(tag: str) -> str:
    """``tag`` as hatbox keeps it: stripped, and in Unicode's composed form (NFC).  An accented word can be written
    two ways, "é" as one character or as "e" and a combining accent (macOS names folders the second way, a CSV typed
    elsewhere has the first): both are one tag, as a producer reads them."""
    import unicodedata
    return unicodedata.normalize("NFC", str(tag).strip())


def tag_problem(tag: str, stored: bool = False) -> str | None:
    """Why ``tag`` (stripped) cannot be a tag, or None.  A tag names a folder of links, a CSV cell and a
    word in the library database, so: not empty, at most MAX_TAG_CHARS, printable, no comma, quote,
    slash or backslash, not "." / "..", no leading "#" (a CSV comment).  A character that is refused is named
    ("it holds an invisible character (U+200E LEFT-TO-RIGHT MARK)": a listing cannot show it).

    The bidi marks LRM, RLM, ALM (:data:`hatbox.text.BIDI_MARKS`) are taken in a tag that holds right-to-left
    letters (a Hebrew tag typed on a phone ends in RLM); refused in any other.  ``stored``: a tag already kept (an
    installed pack's, a library's) may also hold the invisible characters (:data:`hatbox.text.INVISIBLE`) that
    hatbox took before the forty-eighth stop, so what was kept before an upgrade still loads and tags: they are
    refused only in a new tag (a pack built or uploaded, a producer's correction)."""
    t = str(tag).strip()
    if not t:
        return "it is empty"
    if len(t) > MAX_TAG_CHARS:
        return f"it is longer than {MAX_TAG_CHARS} characters"
    if t in (".", "..") or t.startswith("#") or any(c in t for c in ',/\\"'):
        return TAG_RULE
    bad = _refused_in_tag(t, stored)
    return None if bad is None else f"it holds {unsafe_char_words(bad)}"


def _refused_in_tag(tag: str, stored: bool) -> str | None:
    """The first character of ``tag`` a tag may not hold (:func:`tag_problem`), or None."""
    rtl = not BIDI_MARKS.isdisjoint(tag) and holds_rtl(tag)       # asked only of a tag with a bidi mark
    for c in tag:
        if unsafe_char(c) and not (c in INVISIBLE and (stored or (rtl and c in BIDI_MARKS))):
            return c
    return None


def _check_size(name: str, dims: list[int]) -> None:
    if math.prod(dims) > MAX_TENSOR_ELEMENTS:
        raise _fail(f"tensor {name!r}: shape {dims} holds more than {MAX_TENSOR_ELEMENTS} values")


def _require(d: dict[str, Any], key: str, typ: type | tuple[type, ...], where: str) -> Any:
    """``d[key]``, which must be present and of type ``typ`` (a boolean is never a number); PackError otherwise."""
    if key not in d:
        raise _fail(f"{where} is missing '{key}'")
    value = d[key]
    if isinstance(value, bool) and typ in (int, float, (int, float)):
        raise _fail(f"{where}.{key} must be a number, got a boolean")
    if not isinstance(value, typ):
        raise _fail(f"{where}.{key} has the wrong type ({type(value).__name__}; "
                    f"it must be {_TYPE_WORDS.get(typ, typ)})")
    return value


# what _require says a field must be, by the type it asks for (JSON's words, not Python's)
_TYPE_WORDS: dict[Any, str] = {int: "a whole number", float: "a number", (int, float): "a number", str: "a string",
                               list: "a list", dict: "an object"}


@dataclass(frozen=True)
class Knob:
    """A user-facing control; the model sees it normalised to [0, 1]."""

    name: str
    min: float
    max: float
    default: float
    unit: str = ""
    scale: str = "linear"  # "linear" or "log" (log needs min > 0)

    def validate(self) -> None:
        problem = name_problem(self.name)
        if problem:
            raise _fail(f"knob name {self.name!r}: {problem}")
        if not isinstance(self.unit, str) or len(self.unit) > MAX_UNIT_CHARS or not is_safe_text(self.unit):
            raise _fail(f"knob {self.name!r}: unit {self.unit!r} is not {MAX_UNIT_CHARS} or fewer printable characters")
        if not (math.isfinite(self.min) and math.isfinite(self.max) and self.max > self.min
                and math.isfinite(self.max - self.min)):     # -1e308..1e308: its width overflowed, a dead knob
            raise _fail(f"knob {self.name!r}: need finite min < max with a finite width, got {self.min}..{self.max}")
        if not self.min <= self.default <= self.max:
            raise _fail(f"knob {self.name!r}: default {self.default} outside {self.min}..{self.max}")
        if self.scale not in ("linear", "log") or (self.scale == "log" and self.min <= 0):
            raise _fail(f"knob {self.name!r}: scale must be 'linear' or 'log' (log needs min > 0)")

    def check(self, value: float) -> float:
        """Return ``value`` if it is inside the knob's range, else raise :class:`KnobError`.  A value past an end by
        no more than :data:`KNOB_SLACK` of the range is that end: a 32-bit float of the end (OSC sends those:
        0.3 arrives as 0.30000001) or one rounding step of arithmetic past it is the end meant."""
        slack = KNOB_SLACK * (self.max - self.min)
        if not math.isfinite(value) or not self.min - slack <= value <= self.max + slack:
            unit = f" {self.unit}" if self.unit else ""
            shown = number_outside(value, self.min, self.max)             # as the knob shows it (p47 soak QA)
            raise KnobError(f"knob '{self.name}' = {shown}{unit} is outside its range "
                            f"{self.min:g}..{self.max:g}{unit}")
        return min(self.max, max(self.min, value))

    def normalize(self, value: float) -> float:
        """Gear units -> [0, 1] (the model's input); a value outside the range raises :class:`KnobError`."""
        v = self.check(value)
        if self.scale == "log":
            x = math.log(v / self.min) / math.log(self.max / self.min)
        else:
            x = (v - self.min) / (self.max - self.min)
        return min(1.0, max(0.0, x))

    def denormalize(self, x: float) -> float:
        """[0, 1] -> gear units, always inside min..max: the float arithmetic can land one ULP past
        either end (e.g. 0.3..0.9 at 1.0 gives 0.9000000000000001), which ``normalize`` would refuse."""
        x = min(1.0, max(0.0, x))
        if self.scale == "log":
            v = self.min * (self.max / self.min) ** x
        else:
            v = self.min + x * (self.max - self.min)
        return min(self.max, max(self.min, v))


@dataclass(frozen=True)
class TensorSpec:
    """One ONNX input or output. ``shape`` entries are ints or symbolic names ("T", "B")."""

    name: str
    shape: tuple[int | str, ...]
    dtype: str = "float32"

    def validate(self) -> None:
        if not self.name or not isinstance(self.name, str):
            raise _fail("tensor without a name")
        if self.dtype not in DTYPES:
            raise _fail(f"tensor {self.name!r}: dtype {self.dtype!r} not one of {DTYPES}")
        for dim in self.shape:
            if isinstance(dim, bool) or not isinstance(dim, (int, str)) or (isinstance(dim, int) and dim < 0):
                raise _fail(f"tensor {self.name!r}: bad dimension {dim!r}")
        _check_size(self.name, [d for d in self.shape if isinstance(d, int)])


@dataclass(frozen=True)
class StateSpec:
    """A recurrent state carried by the engine: fed as ``input``, returned as ``output``."""

    input: str
    output: str
    shape: tuple[int, ...]
    dtype: str = "float32"


@dataclass
class Manifest:
    """Everything the box needs to know about a pack before it runs a single sample."""

    kind: str
    name: str
    version: str
    sample_rate: int
    inputs: list[TensorSpec]
    outputs: list[TensorSpec]
    state: list[StateSpec] = field(default_factory=list)
    knobs: list[Knob] = field(default_factory=list)
    channels_in: int = 1
    channels_out: int = 1
    latency_samples: int = 0
    block_multiple: int = 1          # block sizes the model accepts are multiples of this
    tags: list[str] = field(default_factory=list)
    metrics: dict[str, Any] = field(default_factory=dict)
    golden: dict[str, Any] = field(default_factory=dict)   # {"file", "atol", "rtol"}
    extras: dict[str, Any] = field(default_factory=dict)   # kind-specific
    files: dict[str, str] = field(default_factory=dict)    # member name -> sha256 hex
    created: str = ""
    description: str = ""
    schema_version: int = SCHEMA_VERSION

    # -- validation -------------------------------------------------------------------
    def validate(self) -> "Manifest":
        _check_schema_version(self.schema_version)
        if self.kind not in KINDS:
            raise _fail(f"kind {self.kind!r} is not one of {', '.join(KINDS)}")
        problem = name_problem(self.name)
        if problem:
            shown = self.name if len(self.name) <= 80 else f"{self.name[:20]}..."
            raise _fail(f"name {shown!r}: {problem}")
        if not _VERSION_RE.fullmatch(self.version):
            raise _fail(f"version {self.version!r} is not MAJOR.MINOR.PATCH")
        if not RATE_RANGE[0] <= self.sample_rate <= RATE_RANGE[1]:
            raise _fail(f"sample_rate {self.sample_rate} Hz is outside {RATE_RANGE[0]}..{RATE_RANGE[1]}")
        if self.latency_samples < 0 or self.block_multiple < 1:
            raise _fail("latency_samples must be >= 0 and block_multiple >= 1")
        if not (1 <= self.channels_in <= MAX_CHANNELS and 1 <= self.channels_out <= MAX_CHANNELS):
            raise _fail(f"channels_in / channels_out must be 1..{MAX_CHANNELS}, got "
                        f"{self.channels_in} / {self.channels_out}")
        if not self.inputs or not self.outputs:
            raise _fail("a model needs at least one input and one output")
        for spec in [*self.inputs, *self.outputs]:
            spec.validate()
        _unique("input", [t.name for t in self.inputs])
        _unique("output", [t.name for t in self.outputs])
        self._validate_state()
        self._validate_golden()
        if len(self.tags) > MAX_TAGS:
            raise _fail(f"{len(self.tags)} tags (a pack lists at most {MAX_TAGS})")
        names = [k.name for k in self.knobs]
        if len(names) > MAX_KNOBS:
            raise _fail(f"{len(names)} knobs (a pack has at most {MAX_KNOBS})")
        _unique("knob", names, "knob names must differ in more than upper/lower case: the box finds knobs "
                "ignoring case", key=lambda n: n.casefold() if isinstance(n, str) else n)
        for knob in self.knobs:
            knob.validate()
        return self

    def _validate_state(self) -> None:
        ins = {t.name for t in self.inputs}
        outs = {t.name for t in self.outputs}
        _unique("state input", [st.input for st in self.state])
        _unique("state output", [st.output for st in self.state])
        for st in self.state:
            if st.input not in ins or st.output not in outs:
                raise _fail(f"state {st.input!r}->{st.output!r} is not among the model's inputs/outputs")
            if st.dtype not in DTYPES:
                raise _fail(f"state {st.input!r}: dtype {st.dtype!r} not one of {DTYPES}")
            _check_size(st.input, list(st.shape))

    def _validate_golden(self) -> None:
        for key in ("atol", "rtol"):
            v = self.golden.get(key, 0.0)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0.0 <= v < math.inf:
                raise _fail(f"golden.{key} = {v!r} is not a tolerance (a number >= 0)")
        name = self.golden.get("file", "golden.npz")
        if not isinstance(name, str) or not name:
            raise _fail(f"golden.file = {name!r} is not the name of a member of the pack")

    # -- knobs ------------------------------------------------------------------------
    def knob(self, name: str) -> Knob:
        for k in self.knobs:
            if k.name.lower() == name.lower():
                return k
        if not self.knobs:
            raise KnobError(f"pack '{self.name}' has no knobs (asked for '{name}')")
        known = ", ".join(k.name for k in self.knobs)
        raise KnobError(f"pack '{self.name}' has no knob '{name}' (its knobs: {known})")

    def knob_defaults(self) -> dict[str, float]:
        return {k.name: k.default for k in self.knobs}

    # -- (de)serialisation --------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["schema"] = SCHEMA
        for key in ("inputs", "outputs", "state"):
            for t in d[key]:
                t["shape"] = list(t["shape"])
        return d

    @classmethod
    def from_dict(cls, d: Any) -> "Manifest":
        if not isinstance(d, dict):
            raise _fail("manifest.json is not a JSON object")
        if d.get("schema") != SCHEMA:
            raise _fail(f"not a hatpack manifest (schema={d.get('schema')!r})")
        _check_schema_version(_require(d, "schema_version", int, "manifest"))
        try:
            m = cls(
                kind=_require(d, "kind", str, "manifest"),
                name=_require(d, "name", str, "manifest"),
                version=_require(d, "version", str, "manifest"),
                sample_rate=_require(d, "sample_rate", int, "manifest"),
                inputs=[_tensor(t) for t in _require(d, "inputs", list, "manifest")],
                outputs=[_tensor(t) for t in _require(d, "outputs", list, "manifest")],
                state=[_state(s) for s in _optional(d, "state", list, [])],
                knobs=[_knob(k) for k in _optional(d, "knobs", list, [])],
                channels_in=_optional(d, "channels_in", int, 1),
                channels_out=_optional(d, "channels_out", int, 1),
                latency_samples=_optional(d, "latency_samples", int, 0),
                block_multiple=_optional(d, "block_multiple", int, 1),
                tags=_tags(_optional(d, "tags", list, [])),
                metrics=_optional(d, "metrics", dict, {}),
                golden=_optional(d, "golden", dict, {}),
                extras=_optional(d, "extras", dict, {}),
                files=_files(_optional(d, "files", dict, {})),
                created=_optional(d, "created", str, ""),
                description=_optional(d, "description", str, ""),
                schema_version=d["schema_version"],
            )
        except (TypeError, ValueError, OverflowError) as exc:     # OverflowError: a number too large for a float
            raise _fail(f"malformed field: {exc}") from None
        return m.validate()


def _unique(what: str, names: list[Any], why: str = "", key: Callable[[Any], Any] = lambda n: n) -> None:
    """PackError naming the first of ``names`` whose ``key`` appears twice (both spellings when they differ)."""
    seen: dict[Any, Any] = {}
    for name in names:
        k = key(name)
        if k in seen:
            said = (f"{what} {name!r} appears twice" if seen[k] == name
                    else f"{what} names {seen[k]!r} and {name!r} are the same")
            raise _fail(said + (f" ({why})" if why else ""))
        seen[k] = name


def _check_schema_version(version: int) -> None:
    """PackError for a manifest of another schema version, before any other field is read: a newer hatbox may
    have changed them, and the error must say so rather than name a field this version does not know."""
    if version > SCHEMA_VERSION:
        raise PackError(f"manifest: the pack was made by a newer hatbox (manifest version {version}; this hatbox "
                        f"reads version {SCHEMA_VERSION})", check="manifest",
                        hint="update hatbox (here, and on the box) to read it")
    if version != SCHEMA_VERSION:
        raise _fail(f"schema version {version} is not supported (this hatbox reads version {SCHEMA_VERSION})")


def _optional(d: dict[str, Any], key: str, typ: type, default: Any, where: str = "manifest") -> Any:
    """``d[key]`` when present (of type ``typ``: no string for a number, no list for an object), else ``default``."""
    return _require(d, key, typ, where) if key in d else default


def _tags(tags: list[Any]) -> list[str]:
    """The ``tags`` list, which must hold strings only (their count is held to MAX_TAGS by validate())."""
    if not all(isinstance(t, str) for t in tags):
        raise _fail("tags must be a list of strings")
    return list(tags)


def _files(files: dict[str, Any]) -> dict[str, str]:
    """The ``files`` table: member name -> sha256 hex (64 lower-case hex digits)."""
    for name, digest in files.items():
        if not isinstance(digest, str) or not re.fullmatch(r"[0-9a-f]{64}", digest):
            raise _fail(f"files[{name!r}] = {digest!r} is not a sha256 (64 hex digits)")
    return dict(files)


def _tensor(t: Any) -> TensorSpec:
    if not isinstance(t, dict):
        raise _fail("a tensor spec is not an object")
    shape = _require(t, "shape", list, f"tensor {t.get('name')!r}")
    return TensorSpec(name=_require(t, "name", str, "tensor"), shape=tuple(shape),
                      dtype=_optional(t, "dtype", str, "float32", f"tensor {t.get('name')!r}"))


def _state(s: Any) -> StateSpec:
    if not isinstance(s, dict):
        raise _fail("a state spec is not an object")
    shape = _require(s, "shape", list, "state")
    if not all(isinstance(x, int) and not isinstance(x, bool) and x >= 0 for x in shape):
        raise _fail(f"state {s.get('input')!r} needs a fixed integer shape, got {shape}")
    return StateSpec(input=_require(s, "input", str, "state"), output=_require(s, "output", str, "state"),
                     shape=tuple(shape), dtype=_optional(s, "dtype", str, "float32", "state"))


def _knob(k: Any) -> Knob:
    if not isinstance(k, dict):
        raise _fail("a knob spec is not an object")
    where = f"knob {k.get('name')!r}"
    return Knob(name=_require(k, "name", str, "knob"), min=float(_require(k, "min", (int, float), where)),
                max=float(_require(k, "max", (int, float), where)),
                default=float(_require(k, "default", (int, float), where)),
                unit=_optional(k, "unit", str, "", where), scale=_optional(k, "scale", str, "linear", where))
