"""Request and response bodies of the device API (they are the OpenAPI schema)."""
from __future__ import annotations

from typing import Any, Literal, Optional

from pydantic import BaseModel, Field, StrictBool, field_validator, model_serializer

Slot = Literal["effect", "synth", "tagger"]


class ErrorBody(BaseModel):
    """Every error: ``error`` is a short class, ``message`` says what and why, ``check`` names
    the failed validation check for rejected packs."""

    error: str
    message: str
    check: Optional[str] = None
    hint: Optional[str] = None


class Health(BaseModel):
    ok: bool
    name: str
    version: str


class PairRequest(BaseModel):
    # an empty code is a malformed request (400), not a wrong guess that counts towards the pause; a name holds no
    # control characters (thirty-third stop's QA)
    code: str = Field(min_length=1, max_length=32, pattern=r"\S", description="the code shown on the box's panel")
    name: str = Field(default="laptop", max_length=64, pattern=r"^[^\x00-\x1f\x7f]*$",
                      description="who is pairing (shown in token lists; printable characters)")


class PairResponse(BaseModel):
    token: str
    token_id: str
    box: str


class TokenInfo(BaseModel):
    id: str
    name: str
    created: float


class Check(BaseModel):
    check: str
    ok: bool
    detail: str
    seconds: float


class PackInfo(BaseModel):
    id: str
    kind: str
    name: str
    version: str
    sha256: str
    size: int
    sample_rate: int
    knobs: list[str]
    installed: float = Field(description="when it was installed, by the box's clock (Unix time; on a box with no "
                             "battery clock it may read 1970: shown, never used to order packs)")
    seq: int = Field(0, description="the store's install sequence: a pack installed later has a larger one (0: "
                     "installed before the box kept one); what \"newest\" means on the box")
    scores: dict[str, float] = {}       # the trainer's headline scores (device.store.SCORE_KEYS) from its manifest
    held_out: Optional[int] = Field(None, description="a tagger: the held-out files its macro-F1 stands on (its "
                                    "metrics' holdout_items; null: not said, or installed before the forty-ninth stop)")
    words: list[str] = Field([], description="a tagger: the words (tags) it gives ([]: other kinds, or installed "
                             "before the forty-ninth stop)")
    scored_words: Optional[int] = Field(None, description="a tagger: how many of its words its macro-F1 is the mean "
                                        "over (those some held-out file carries; 0: no held-out score; null: not "
                                        "said, trained or installed before the fifty-first stop)")
    f1_per_word: Optional[dict[str, float]] = Field(None, description="a tagger: the held-out F1 of each word its "
                                                    "macro-F1 is the mean over (null: not said, as scored_words)")
    held_labels: Optional[int] = Field(None, description="a tagger: the held-out words its macro-F1 stands on, "
                                       "each word on each held-out file (null: not said, as scored_words)")
    bypass_esr: Optional[float] = Field(None, description="an effect: its trainer's held-out error with no effect at "
                                        "all, the dry input unchanged (its metrics' val_bypass_esr), which its "
                                        "scores' val_esr is judged against: a pack at or over it sounds less like "
                                        "the gear than the dry signal (null: not said: another kind, or a pack "
                                        "trained without it)")
    checks: list[Check] = []
    signed_by: Optional[str] = None
    active: bool = False
    used_last: bool = Field(False, description="the pack of its kind that was active last before the one now (or "
                            "before none was): the one to make active again")
    installed_by: Optional[str] = Field(None, description="the paired device that installed it (null: the box does "
                                        "not know: installed before the forty-fifth stop, or on the box itself)")
    activated_by: Optional[str] = Field(None, description="the active pack: the paired device that made it active "
                                        "('' the box itself: its panel, its command line; null: the box does not "
                                        "know, or it is not active)")
    activated_at: Optional[float] = Field(None, description="the active pack: when it was made active (Unix time, "
                                          "the box's clock)")
    activated_ago_s: Optional[float] = Field(None, description="the active pack: seconds since it was made active "
                                             "(counted on the box: right whatever the laptop's clock reads)")
    emptied_by: Optional[str] = Field(None, description="the pack its slot played last, the slot emptied since "
                                      "(used_last, no pack of its kind active): the paired device that emptied the "
                                      "slot ('' the box itself; null: the box does not know, emptied before the "
                                      "fifty-eighth stop)")
    emptied_at: Optional[float] = Field(None, description="as emptied_by: when the slot was emptied (Unix time, the "
                                        "box's clock)")
    emptied_ago_s: Optional[float] = Field(None, description="as emptied_by: seconds since the slot was emptied "
                                           "(counted on the box)")


class Replaced(BaseModel):
    """The pack an activation took the place of (or a deactivation emptied out), and who had made it active (when the
    box knows)."""
    id: str
    kind: Optional[str] = None
    name: Optional[str] = None
    version: Optional[str] = None
    by: Optional[str] = Field(None, description="the paired device that had made it active ('': the box itself; "
                              "null: the box does not know)")
    ago_s: Optional[float] = Field(None, description="seconds it had been active (null: not known)")


class DeletedPack(BaseModel):
    """``GET /packs/deleted``: a pack the box deleted lately (the last 16, kept on the card across a restart: p46)."""
    id: str
    kind: Optional[str] = None
    name: Optional[str] = None
    version: Optional[str] = None
    by: str = Field("", description="the paired device that deleted it ('': the box itself)")
    how: str = Field("delete", description="delete (hatbox box-pack ID --delete) or prune (hatbox box-pack --prune)")
    ago_s: Optional[float] = Field(None, description="seconds since it was deleted, by the box's clock")


class PackUpload(BaseModel):
    """``GET /packs/uploads/{sha256}``: what became of a pack pushed lately (the latest 64 since the box started; p55
    F1), for a laptop whose push lost the box's answer: ``checking`` from when its whole body arrived until the
    push's answer (while any push of the same bytes is being checked: p55 M1), then ``installed`` (``pack``: its
    id) or ``refused`` (``status`` and the answer, ``refused``; ``pack``: the pack of these bytes the box holds
    installed all the same, e.g. the engine refused to play it, else None)."""
    sha256: str
    state: Literal["checking", "installed", "refused"]
    pack: Optional[str] = Field(None, description="the pack's id, once installed (also with a refusal that left it "
                                                  "installed)")
    status: Optional[int] = Field(None, description="the push's HTTP status, once refused")
    refused: Optional[ErrorBody] = Field(None, description="the push's answer, once refused")
    ago_s: float = Field(description="seconds since it last changed (a monotonic clock: right on an unset clock)")


class UploadResult(BaseModel):
    pack: PackInfo
    activated: bool
    installed_before: bool = False      # the same pack (same bytes) was on the box already: nothing new installed
    tagging: list[str] = Field(default_factory=list, description="libraries uploaded while no tagger was active, "
                               "which the box started tagging with this (tagger) pack when it became active")
    upload_seconds: float
    validate_seconds: float
    total_seconds: float
    replaced: Optional[Replaced] = Field(None, description="activated: the pack it took the place of (null: none "
                                         "was active, or not activated)")


class SlotResult(BaseModel):
    slot: Slot
    active: Optional[str]
    previous: Optional[str]
    tagging: list[str] = Field(default_factory=list, description="libraries uploaded while no tagger was active, "
                               "which the box started tagging with the tagger pack made active")
    replaced: Optional[Replaced] = Field(None, description="the pack it took the place of (an activation) or emptied "
                                         "out (a deactivation), with who had made it active (null: the slot held "
                                         "none; a roll back leaves it out)")


class Disk(BaseModel):
    free_bytes: Optional[int] = Field(description="bytes free on the store's disk (what uploads are checked "
                                                  "against); null when the box cannot read it")
    total_bytes: Optional[int] = Field(description="the store's disk's size in bytes; null when the box cannot "
                                                   "read it")


class Totals(BaseModel):
    packs: int = Field(description="packs installed")
    pack_bytes: int = Field(description="their pack files' bytes")
    libraries: int = Field(description="sample libraries on the box")
    library_bytes: int = Field(description="their files' bytes (archives as unpacked, tags databases)")


class Clock(BaseModel):
    now: float = Field(description="the box's wall clock (Unix time) as it answered")
    set: bool = Field(description="false when it reads earlier than this hatbox was made or than the newest file in "
                                  "its store: a board with no battery clock, not yet set by the network")
    note: str = Field("", description="what a person is told when it is not set ('' when it is)")


class LibraryLimits(BaseModel):
    """The box's limits on one library archive (device.library.archive_members.Limits), published for the laptop's
    checks before it packs or sends a library (forty-seventh stop)."""
    max_files: int = Field(description="files in one library (its folders not counted)")
    max_total_bytes: int = Field(description="the files' sizes together, unpacked")
    max_file_bytes: int = Field(description="one file, unpacked (a file over it is refused, the rest kept)")
    max_ratio: float = Field(description="unpacked / packed, per file and for the archive (past ratio_floor_bytes)")
    ratio_floor_bytes: int = Field(description="the size from which the ratio counts")


class Status(BaseModel):
    name: str
    version: str
    versions: dict[str, str]
    active: dict[str, Optional[str]]
    packs: list[PackInfo] = Field(description="the active packs' records (every installed pack: GET /packs; how "
                                  "many: totals)")
    totals: Optional[Totals] = None
    clock: Optional[Clock] = None
    engine: dict[str, Any]
    disk: Disk
    limits: dict[str, int]
    libraries: int
    recovery: dict[str, Any]
    signatures: Optional[dict[str, Any]] = Field(None, description="{required: whether the box takes signed packs "
                                                                   "only (--require-signature), trusted_keys: how "
                                                                   "many keys in trusted_keys/ it trusts}")
    library_limits: Optional[LibraryLimits] = Field(None, description="the box's limits on one library archive "
                                                    "(an older box: absent, its limits the defaults)")


class FileResult(BaseModel):
    path: str
    ok: bool
    reason: str
    bytes: int
    frames: int
    rate: int
    channels: int
    warning: str = Field("", description="a file kept that the box may not play as meant (an MP3 whose length "
                                         "the decoder misjudges), with what to do")
    not_audio: bool = Field(False, description="not kept only for not being audio (a kit's .xml, a readme): "
                                               "counted in not_audio, not in rejected")


class Progress(BaseModel):
    done: int
    total: int


TAGS_FROM = ("while a re-tag runs: the tagger pack whose tags the library shows until the re-tag has gone through "
             "every file (then the new tags replace them at once)")
STOPPED_RETAG = ("a re-tag stopped part way: the library keeps the tags of its tagger; POST /libraries/{id}/retag "
                 "goes on from the files this one reached")


class StoppedRetag(BaseModel):
    tagger: Optional[str] = Field(None, description="the tagger pack of the stopped re-tag")
    done: int = Field(description="files it had gone through")
    total: int
    error: Optional[str] = Field(None, description="why it failed, in the box's words (None: stopped or cut off)")
    cut_off: bool = Field(False, description="a restart cut it off (the box carries it on by itself)")


UPLOADED_BY = "the device name of the pairing that uploaded it (None: uploaded before the box kept who)"
UPLOADED_BY_YOU = ("whether the pairing asking uploaded it (or, its pairing gone, a pairing of the same name); None: "
                   "not known (uploaded before the box kept who)")
LIBRARY_SEQ = ("the box's upload sequence: a library uploaded later has a larger one (0: uploaded before the box kept "
               "one; device/versions.py upload_order sorts by it)")


class Library(BaseModel):
    id: str
    name: str
    state: Literal["tagging", "done", "untagged", "failed", "cancelled"]
    accepted: int
    rejected: int = Field(description="files refused for a problem: unsafe or damaged members, audio the box "
                                      "cannot read or play (files with ok false and not_audio false)")
    not_audio: int = Field(0, description="files left out for not being audio (a Hydrogen kit's drumkit.xml, "
                                          "a readme, cover art); in files, with not_audio true")
    skipped: int = Field(0, description="hidden files and operating-system metadata (__MACOSX/, ._*, .DS_Store, "
                                        "Thumbs.db) left out quietly: not in files")
    files: list[FileResult]
    progress: Progress
    tagger: Optional[str] = None
    results: Any = None
    error: Optional[str] = None
    uploaded: Optional[float] = Field(None, description="when it was uploaded (Unix time; None: before 2026-12-04)")
    tags_from: Optional[str] = Field(None, description=TAGS_FROM)
    stopped_retag: Optional[StoppedRetag] = Field(None, description=STOPPED_RETAG)
    notes: list[str] = Field([], description="about the archive as a whole, e.g. \"names read as Shift-JIS (a "
                                             "Japanese Windows zip)\"")
    uploaded_by: Optional[str] = Field(None, description=UPLOADED_BY)
    uploaded_by_you: Optional[bool] = Field(None, description=UPLOADED_BY_YOU)
    seq: int = Field(0, description=LIBRARY_SEQ)


class FileFix(BaseModel):
    path: str = Field(max_length=4096, description="relative to the library's folder")
    tags: list[str] = Field(max_length=64, description="the producer's tags; none: back to the tagger")
    heard: Optional[bool] = Field(None, description="GET: whether the tagger could hear the file (of use as "
                                                    "training data)")
    by: Optional[str] = Field(None, description="GET: the device name of the pairing that made the correction (None: "
                                                "made before the box kept who)")
    by_you: Optional[bool] = Field(None, description="GET: whether the pairing asking made it (None: not known)")


class FixesRequest(BaseModel):
    fixes: list[FileFix] = Field(max_length=100000)


class FixesTaken(BaseModel):
    kept: int = Field(description="corrections kept, as PUT /libraries/{id}/files/tags keeps one")
    not_in_library: list[str] = Field(description="paths of no file the library holds (refused at upload, or not "
                                                  "sent): not kept")


class TaggedFile(BaseModel):
    path: str = Field(description="relative to the library's folder")
    score: float = Field(description="the tagger's probability, 1.0 for your own tag")
    corrected: bool = Field(description="the tag is a correction (PUT /libraries/{id}/files/tags), not the tagger's "
                                        "(who made it: GET /libraries/{id}/fixes, by)")


class UnsureFile(BaseModel):
    path: str = Field(description="relative to the library's folder")
    margin: float = Field(description="how far the tagger was from deciding otherwise (0 = a coin toss)")
    guesses: list[tuple[str, float]] = Field(description="a tagger of one tag a file: its two highest-scoring tags; "
                                             "one of a yes or no per tag: the tag in doubt, then the tags it gave")
    exclusive: bool = Field(True, description="the tagger gives one tag a file (its two guesses exclude each other: "
                                              "'kick or tom'); false: a yes or no per tag (both may be yes)")
    in_doubt: str = Field("", description="a tagger of a yes or no per tag: the tag nearest its threshold "
                                          "(guesses[0]); empty for one of one tag a file")


class UntaggedFile(BaseModel):
    path: str = Field(description="relative to the library's folder")
    best_guess: str = Field(description="the tag the tagger scored highest, under its threshold")
    score: float


class FileTagsRequest(BaseModel):
    path: str = Field(max_length=4096, description="a file of the library, relative to its folder")
    tags: list[str] = Field(max_length=32, description="its tags in your words; [] gives it back to the tagger")


class SimilarFile(BaseModel):
    path: str = Field(description="relative to the library's folder")
    score: float = Field(description="how alike it sounds to the file asked about, to the tagger's ear (cosine of "
                                     "their embeddings: 1 = the same)")


class PlayRequest(BaseModel):
    path: str = Field(max_length=4096, description="a file of the library, relative to its folder")
    velocity: int = Field(100, ge=1, le=127, description="how hard (MIDI velocity: level = (velocity / 127)^2)")


class FileTags(BaseModel):
    path: str
    tags: list[str] = Field(description="your tags for the file ([] when the tagger's stand)")
    model: dict[str, float] = Field(description="the tagger's score for each of its tags")
    hits: Optional[list[tuple[str, float]]] = Field(None, description="the tags the tagger gave the file (each over "
                                                    "its threshold), surest first, with their scores ([]: none of its "
                                                    "words); what the laptop's fix line says (p53)")
    not_tagged: Optional[str] = Field(None, description="why the tagger did not tag the file (silent, too short, "
                                                        "undecodable); None: it did")


class LibrarySummary(BaseModel):
    id: str
    name: str
    state: str
    accepted: int
    rejected: int
    progress: Progress
    sha256: Optional[str] = Field(None, description="the uploaded archive's SHA-256 (libraries from before "
                                                     "2026-12-03: none); a laptop compares it before sending again")
    uploaded: Optional[float] = Field(None, description="when it was uploaded (Unix time; None: before 2026-12-04)")
    uploaded_by: Optional[str] = Field(None, description=UPLOADED_BY)
    uploaded_by_you: Optional[bool] = Field(None, description=UPLOADED_BY_YOU)
    seq: int = Field(0, description=LIBRARY_SEQ)
    error: Optional[str] = Field(None, description="why a failed, untagged or cancelled library is so, and what to do")
    tagger: Optional[str] = Field(None, description="the tagger pack it is (or was last) tagged with")
    tags_from: Optional[str] = Field(None, description=TAGS_FROM)
    stopped_retag: Optional[StoppedRetag] = Field(None, description=STOPPED_RETAG)

    @model_serializer(mode="wrap")
    def _retag_only_when_there(self, handler: Any) -> dict[str, Any]:
        """The re-tag fields, and who uploaded it and its sequence, only when they say something: the listing of a
        library with none (one uploaded before the box kept them) is as before."""
        out = handler(self)
        quiet = ("tags_from", "stopped_retag", "uploaded_by", "uploaded_by_you")
        return {k: v for k, v in out.items() if (k not in quiet or v is not None) and (k != "seq" or v)}


class MidiKnob(BaseModel):
    slot: str = Field(description="effect or synth")
    knob: str = Field(description="the knob's name as the pack's manifest has it")


class MidiBinding(BaseModel):
    cc: int = Field(description="the MIDI control change number, 0..127")
    slot: str
    knob: str
    source: Literal["default", "command line", "learned"] = Field(
        description="default: CC 70-85 turn the effect's knobs 1-16 in manifest order; command line: `hatbox "
                    "device run --midi-cc CC=SLOT.KNOB`; learned: MIDI learn (POST /midi/learn), kept on the box")
    loaded: bool = Field(description="the pack loaded in the slot has this knob (a binding by name to a knob it "
                                     "lacks turns nothing until a pack with it is loaded)")


class MidiUnheard(BaseModel):
    channel: int = Field(description="a MIDI channel 1..16 whose notes play nothing (neither kit nor synth listens)")
    notes: int = Field(description="how many note-ons came there since the box started")
    ago_s: float = Field(description="seconds since the last (listed while under 300 s)")


class MidiState(BaseModel):
    midi: Literal["on", "off"] = Field(description="whether a MIDI input is open (bindings apply once it is)")
    port: Optional[str] = Field(description="the MIDI input (the virtual ALSA sequencer port 'hatbox'); null when off")
    note: str = Field(description="why MIDI is off ('' when on)")
    controllers: list[str] = Field(default_factory=list,
                                   description="the controllers plugged into the box and connected (USB keyboards, "
                                               "pads), by their port names; a DAW on the port is not listed")
    bindings: list[MidiBinding] = Field(description="every CC that turns a knob now, in CC order")
    off: list[int] = Field(description="CCs of the default mapping made to turn nothing (--midi-cc CC=off)")
    overridden: list[MidiBinding] = Field(description="learned bindings kept on the box that --midi-cc overrides "
                                                      "for this run")
    learning: Optional[MidiKnob] = Field(description="the knob MIDI learn is armed for: the next CC binds to it")
    warnings: list[str] = Field(description="a bindings file that could not be read or saved")
    unheard: list[MidiUnheard] = Field(default_factory=list, description="channels whose notes played nothing in "
                                       "the last 5 minutes (a keyboard left on a channel neither kit nor synth "
                                       "plays); empty from boxes before the forty-sixth stop")
    kit_channel: Optional[int] = Field(default=None, description="the MIDI channel (1..16) whose notes play the "
                                       "sampler's kit; null: every channel (hatbox device run --kit-channel)")
    synth_channel: Optional[int] = Field(default=None, description="the MIDI channel (1..16) whose notes play the "
                                         "synth; null: every channel but the kit's (10 when the kit plays every "
                                         "channel; hatbox device run --synth-channel)")


class MidiLearnRequest(BaseModel):
    slot: str = Field(max_length=16, description="effect or synth, or pad (knob x or y: the synth's pad)")
    knob: str = Field(max_length=128, description="a knob of the pack loaded in the slot")


class MidiLearnResult(BaseModel):
    learning: MidiKnob
    replaced: Optional[MidiKnob] = Field(description="the knob learn was armed for before (now disarmed)")
    midi: Literal["on", "off"]
    message: str


class MidiCancelResult(BaseModel):
    cancelled: Optional[MidiKnob] = Field(description="the knob learn was armed for; null: none was")
    message: str


class MidiUnbindResult(BaseModel):
    cc: int
    source: Literal["command line", "learned"] = Field(description="where the dropped binding came from")
    was: Optional[MidiKnob] = Field(description="what the CC turned; null: it turned nothing (--midi-cc CC=off)")
    now: Optional[MidiKnob] = Field(description="what the CC turns now: its default mapping, or null")
    message: str


class KitNote(BaseModel):
    note: int
    name: str                       # the note's name, e.g. C1 (36)
    library: str
    library_name: str = ""
    file: str                       # inside the library's files, as box-library lists it
    loop: bool = False
    tag: Optional[str] = None       # the tag it was chosen for (a kit made from a library)
    missing: bool = False           # its library or file is no longer on the box: the note plays nothing
    latch: bool = False             # its loop latches: a strike starts it, the next stops it (box-kit --latch)
    choke: Optional[int] = None     # its choke group: null General MIDI's (42/44/46), 0 none, N the notes of N


def _as_json(value: Any) -> str:
    """``value`` as the JSON that sent it (true, "3"), for a refusal's words."""
    import json
    try:
        return json.dumps(value)[:40]
    except (TypeError, ValueError):
        return repr(value)[:40]


def strict_bool(value: Any, info: Any) -> Any:
    """A kit note's true/false option as JSON gives it; ValueError in words for anything else ("yes", 1)."""
    if value is not None and not isinstance(value, bool):
        raise ValueError(f"{info.field_name} is true or false, not {_as_json(value)}")
    return value


def strict_group(value: Any) -> Any:
    """A kit note's choke group as JSON gives it (a whole number; 3.0 is one, as JSON Schema's integer has it);
    ValueError in words for a bool (true: was group 1), a string ("3") or anything else."""
    if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
        raise ValueError(f"choke is a group number 0..127 (0: none), not {_as_json(value)}")
    return value


class KitNoteOptions(BaseModel):
    # strict (p52 QA1): {"choke": true} was taken as group 1 (the hi-hats'), {"latch": "yes"} as true
    latch: Optional[StrictBool] = Field(None, description="its loop latches (a strike starts it, the next stops it; "
                                        "true makes the note loop); null: as it is")
    choke: Optional[int] = Field(None, ge=0, le=127, description="its choke group: 0 none, N the notes of group "
                                 "N cut each other; null: as it is")
    choke_default: StrictBool = Field(False, description="true: its choke group back to General MIDI's (the hi-hats "
                                      "42/44/46 cut each other, other notes nothing), whatever choke says")
    loop: Optional[StrictBool] = Field(None, description="false: the note plays its file once per strike (a latch "
                                       "goes with its loop: what `box-kit --latch` made loop plays once again); true: "
                                       "it loops while held; null: as it is")

    _bools = field_validator("latch", "choke_default", "loop", mode="before")(strict_bool)
    _group = field_validator("choke", mode="before")(strict_group)


class Kit(BaseModel):
    notes: list[KitNote]
    loading: Optional[str] = Field(None, description="while the box's start hands the kit to the sampler (seconds for "
                                   "a kit of long loops): how far, 'N of M notes'; a note plays once it is handed over")


class KitFromLibrary(BaseModel):
    library: str = Field(max_length=128, description="a library's id")


class KitNoteRequest(BaseModel):
    library: str = Field(max_length=128, description="a library's id")
    file: str = Field(max_length=4096, description="a file of the library, as box-library lists it")
    loop: StrictBool = False
    latch: Optional[StrictBool] = Field(None, description="its loop latches (true makes it loop); null: as the note's "
                                        "was where it loops (a new file keeps the pad's latch)")
    choke: Optional[int] = Field(None, ge=0, le=127, description="its choke group (0 none); null: the note's as "
                                 "it was")

    _bools = field_validator("loop", "latch", mode="before")(strict_bool)
    _group = field_validator("choke", mode="before")(strict_group)
