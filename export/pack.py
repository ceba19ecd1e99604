"""Reading and writing ``.hatpack`` archives (torch-free; used by trainer and box alike).

A pack is a zip archive of flat members::

    manifest.json   the Manifest (see export.manifest), with the sha256 of every other member
    model.onnx      the network
    golden.npz      a golden input/output snapshot: arrays "in.<input name>" and "out.<output name>"
    manifest.sig    optional detached signature over manifest.json (see export.signing)
    ...             kind-specific extras (e.g. embeddings.npy), listed in manifest.files

Reading never trusts the archive: member names, counts, sizes and compression ratios are
bounded before anything is decompressed (those of the zip inside golden.npz too, before numpy
opens it), and every checksum is verified.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from device import memory_file
from export.atomic import atomic_output
from export.manifest import Manifest
from export.zip_damage import archive_damage, member_damage
from hatbox.errors import PackError

MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
MODEL = "model.onnx"
GOLDEN = "golden.npz"
MAX_MEMBERS = 64
MAX_MANIFEST_BYTES = 4 * 1024 * 1024   # manifest.json: 2.5-3.5 KB for the factory packs; parsed whole into memory
MAX_MANIFEST_DEPTH = 32                # arrays and objects within each other in manifest.json: 4-5 in the factory packs
MAX_MEMBER_BYTES = 512 * 1024 * 1024
MAX_TOTAL_BYTES = 1024 * 1024 * 1024
MAX_RATIO = 200.0                      # uncompressed / compressed, per member larger than RATIO_FROM
RATIO_FROM = 1 << 20                   # members up to this size (bytes) are not held to MAX_RATIO
_MEMBER_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,127}$")
# what is said of a pack that is not a readable zip archive, by where it came from
DAMAGED_FILE = "the file is incomplete or damaged: copy it again, or build it again"
DAMAGED_UPLOAD = "was the upload cut short?"
# what to do about an upload whose archive's end is missing (DAMAGED_UPLOAD), and about one whose members are damaged
UPLOAD_AGAIN = ("send it again; if it is refused again, check the file where it came from (hatbox pack inspect FILE): "
                "copy it again, or build it again")
DAMAGED_SENT = ("the file sent is damaged: check it where it came from (hatbox pack inspect FILE), copy or build it "
                "again")
PACK_HINT = "a .hatpack is written by hatbox train effect|synth|tagger ... --out PACK.hatpack"
PIECES_FROM = 1 << 20                  # members larger than this are inflated piece by piece (_read_in_pieces)
PIECE = 1 << 16                        # bytes inflated at a time there


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Pack:
    """An opened, verified pack held in memory (packs are megabytes, not gigabytes)."""

    path: Path
    manifest: Manifest
    members: dict[str, bytes]
    manifest_bytes: bytes = b""      # manifest.json exactly as read and parsed (what a signature covers)

    @property
    def model_bytes(self) -> bytes:
        return self.members[MODEL]

    def golden(self) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
        """Return (inputs, outputs) of the golden snapshot, keyed by tensor name."""
        name = _golden_name(self.manifest)
        if name not in self.members:
            raise PackError(f"pack '{self.manifest.name}' has no golden snapshot", check="golden")
        _check_npz_limits(self.members[name], name)
        try:
            with np.load(io.BytesIO(self.members[name]), allow_pickle=False) as z:
                arrays = {k: z[k] for k in z.files}
        except Exception as exc:  # noqa: BLE001 - any decode failure is a malformed pack
            raise PackError(f"golden snapshot is unreadable: {exc}", check="golden") from None
        ins = {k[3:]: v for k, v in arrays.items() if k.startswith("in.")}
        outs = {k[4:]: v for k, v in arrays.items() if k.startswith("out.")}
        return ins, outs

    def golden_tolerance(self) -> tuple[float, float]:
        """(atol, rtol) that any runtime must meet on the golden snapshot."""
        return float(self.manifest.golden.get("atol", 1e-4)), float(self.manifest.golden.get("rtol", 1e-3))

    def array(self, member: str) -> np.ndarray:
        """Load a ``.npy`` extra member (e.g. timbre embeddings)."""
        if member not in self.members:
            raise PackError(f"pack '{self.manifest.name}' lacks '{member}'", check="extras")
        return np.load(io.BytesIO(self.members[member]), allow_pickle=False)


# The golden snapshot (an npz: a zip of .npy entries inside the pack) has limits of its own, measured on the largest
# honest snapshots: an effect's is at most about 0.93 MB (MAX_STATE_BYTES of state, 2048 samples in and out and of
# 16 knobs: trainer/effect/train.py) in at most 68 entries (a tcn_gru with model.layers=64: 65 states, the audio,
# the knobs, the output); the factory tagger's is 0.39 MB in 4 entries, the factory synth's 5 KB in 7.
MAX_GOLDEN_ENTRIES = 256               # 68 at most today; twice that (state outputs added one day) still fits
MAX_GOLDEN_BYTES = 16 * 1024 * 1024    # the npz, and its entries together, uncompressed: 18x the largest honest one
_GOLDEN_CD_BYTES = MAX_GOLDEN_ENTRIES * 256   # central directory: 46 bytes + name + zip64 extra per entry
_GOLDEN_ENTRY_RE = re.compile(r"^(?:in|out)\.[A-Za-z0-9_.:\-]{1,128}\.npy$")
_EOCD = b"PK\x05\x06"                   # zip end-of-central-directory record (22 bytes + comment)
_EOCD64_LOCATOR = b"PK\x06\x07"         # its zip64 locator, 20 bytes before it when present


def _golden_name(manifest: Manifest) -> str:
    """The golden snapshot's member name (``manifest.golden["file"]``, golden.npz by default)."""
    name = manifest.golden.get("file", GOLDEN)
    return name if isinstance(name, str) else GOLDEN


def _golden_refusal(name: str, why: str) -> PackError:
    return PackError(f"golden snapshot {name!r}: {why}: refusing a possible archive bomb", check="golden")


def _check_npz_directory(data: bytes, name: str) -> None:
    """The npz's central directory read from its end record, before zipfile parses it: no zip64 end record (a
    snapshot of megabytes never needs one) and at most _GOLDEN_CD_BYTES of directory, so that parsing the
    entry list costs kilobytes however many entries it claims.  PackError (check "golden") otherwise."""
    at = data.rfind(_EOCD, max(0, len(data) - 22 - 0xFFFF))
    if at < 0 or len(data) - at < 22:
        raise PackError(f"golden snapshot {name!r} is not a readable npz (no zip end record)", check="golden")
    (cd_size,) = struct.unpack_from("<I", data, at + 12)
    if at >= 20 and data[at - 20:at - 16] == _EOCD64_LOCATOR:
        raise _golden_refusal(name, "its zip has a zip64 end record")
    if cd_size > _GOLDEN_CD_BYTES:
        raise _golden_refusal(name, f"its entry list is {cd_size} bytes (limit {_GOLDEN_CD_BYTES})")


def _check_npz_limits(data: bytes, name: str) -> None:
    """An ``.npz`` member (itself a zip) held to the golden snapshot's limits before numpy opens it: at most
    MAX_GOLDEN_BYTES of npz, at most MAX_GOLDEN_ENTRIES entries, each named ``in.<tensor>.npy`` or
    ``out.<tensor>.npy`` (once), no entry over RATIO_FROM bytes that expands more than MAX_RATIO times, and all
    entries together at most MAX_GOLDEN_BYTES uncompressed and, past RATIO_FROM, at most MAX_RATIO times the
    npz's own bytes.  A zip inside the pack is deflated twice, which the outer check (:func:`_checked_infos`)
    cannot see.  Reads the entry list only (never the arrays).  PackError (check "golden") otherwise."""
    if len(data) > MAX_GOLDEN_BYTES:
        raise _golden_refusal(name, f"{len(data)} bytes (limit {MAX_GOLDEN_BYTES})")
    _check_npz_directory(data, name)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except _ZIP_ERRORS as exc:
        raise PackError(f"golden snapshot {name!r} is not a readable npz: {exc}", check="golden") from None
    if len(infos) > MAX_GOLDEN_ENTRIES:
        raise _golden_refusal(name, f"{len(infos)} entries (limit {MAX_GOLDEN_ENTRIES})")
    total = 0
    seen: set[str] = set()
    for info in infos:
        if not _GOLDEN_ENTRY_RE.fullmatch(info.filename) or ".." in info.filename:
            raise PackError(f"golden snapshot {name!r}: entry {info.filename!r} is not an array of the snapshot "
                            "(names are in.<tensor>.npy or out.<tensor>.npy)", check="golden")
        if info.filename in seen:
            raise PackError(f"golden snapshot {name!r}: entry {info.filename!r} appears twice", check="golden")
        seen.add(info.filename)
        ratio = info.file_size / max(info.compress_size, 1)
        total += info.file_size
        if info.file_size > MAX_GOLDEN_BYTES or (info.file_size > RATIO_FROM and ratio > MAX_RATIO):
            raise _golden_refusal(name, f"{info.filename!r} expands to {info.file_size} bytes (ratio {ratio:.0f})")
        if total > MAX_GOLDEN_BYTES:
            raise _golden_refusal(name, f"its entries expand to over {MAX_GOLDEN_BYTES} bytes together")
    if total > RATIO_FROM and total > MAX_RATIO * len(data):
        raise _golden_refusal(name, f"its {len(infos)} entries expand to {total} bytes from {len(data)} "
                                    f"(ratio {total / max(len(data), 1):.0f}, limit {MAX_RATIO:.0f})")


def golden_bytes(inputs: dict[str, np.ndarray], outputs: dict[str, np.ndarray]) -> bytes:
    """Serialise a golden snapshot (see :meth:`Pack.golden`)."""
    buf = io.BytesIO()
    arrays = {f"in.{k}": np.asarray(v) for k, v in inputs.items()}
    arrays.update({f"out.{k}": np.asarray(v) for k, v in outputs.items()})
    np.savez(buf, **arrays)
    return buf.getvalue()


def npy_bytes(array: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.save(buf, np.asarray(array), allow_pickle=False)
    return buf.getvalue()


# --------------------------------------------------------------------------- writing
def write_pack(path: str | Path, manifest: Manifest, members: dict[str, bytes],
               signature: bytes | None = None) -> Path:
    """Write a pack atomically (temp file, fsync, rename). Fills ``manifest.files``.

    The archive is built in memory and held to the reader's own limits (:func:`_checked_infos`:
    member count, names, sizes, compression ratio, total; and the golden snapshot's, :func:`_check_npz_limits`:
    its entries' count, names, sizes and ratio) before anything is written, so a pack this writes is one
    :func:`read_pack` and :meth:`Pack.golden` accept; PackError (check "members", or "golden" for the
    snapshot) otherwise, and ``path`` is left as it was.
    """
    path = Path(path)
    for name in members:
        _check_member_name(name)
        if name in (MANIFEST, SIGNATURE):
            raise PackError(f"'{name}' is reserved", check="members")
    if MODEL not in members:
        raise PackError("a pack needs model.onnx", check="members")
    manifest.files = {name: sha256_hex(data) for name, data in sorted(members.items())}
    manifest.validate()
    manifest_bytes = json.dumps(manifest.to_dict(), indent=2, sort_keys=True).encode()
    if len(manifest_bytes) > MAX_MANIFEST_BYTES:
        raise PackError(f"not writing {path.name}: its manifest.json would be {len(manifest_bytes)} bytes "
                        f"(the pack reader's limit is {MAX_MANIFEST_BYTES})", check="members")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(MANIFEST, manifest_bytes)
        if signature is not None:
            zf.writestr(SIGNATURE, signature)
        for name, data in sorted(members.items()):
            zf.writestr(name, data)
    try:
        with zipfile.ZipFile(buf) as zf:
            _checked_infos(zf)
    except PackError as exc:
        raise PackError(f"not writing {path.name}: the pack reader would refuse it: {exc}", check="members",
                        hint="make the member smaller (for an effect: a smaller model state, "
                             "docs/effect.md, Settings)") from None
    golden = _golden_name(manifest)
    if golden in members:
        try:
            _check_npz_limits(members[golden], golden)
        except PackError as exc:
            raise PackError(f"not writing {path.name}: the pack reader would refuse it: {exc}", check="golden",
                            hint="the golden snapshot holds in.<tensor> and out.<tensor> arrays of at most "
                                 f"{MAX_GOLDEN_BYTES // 2 ** 20} MiB together (export/pack.py)") from None
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_output(path, prefix=".hatpack-") as fh:
        fh.write(buf.getbuffer())
    return path


def manifest_bytes_of(path: str | Path) -> bytes:
    """The raw bytes of manifest.json (what a signature covers), from an archive held to the pack limits."""
    with _open_zip(Path(path)) as zf:
        infos = _checked_infos(zf)
        return _read_member(zf, _manifest_info(Path(path), infos))


def read_manifest(path: str | Path) -> Manifest:
    """The Manifest of the pack at ``path``, its manifest.json alone read and parsed (no other member read, no
    checksum verified: :func:`read_pack` does that); PackError as read_pack gives for an archive or a manifest it
    would refuse.  For the box's panel, knob routes and pack store, which read a pack the store already checked."""
    return _parse_manifest(manifest_bytes_of(path))


def _manifest_info(path: Path, infos: dict[str, zipfile.ZipInfo]) -> zipfile.ZipInfo:
    """manifest.json's entry, at most MAX_MANIFEST_BYTES; PackError (with a hint for a zip that is no pack)."""
    if MANIFEST not in infos:
        raise PackError(f"{path.name}: no manifest.json inside: a zip archive, but not a .hatpack", check="members",
                        hint=PACK_HINT)
    if infos[MANIFEST].file_size > MAX_MANIFEST_BYTES:
        raise PackError(f"manifest.json is {infos[MANIFEST].file_size} bytes (limit {MAX_MANIFEST_BYTES})",
                        check="members")
    return infos[MANIFEST]


# --------------------------------------------------------------------------- reading
def read_pack(path: str | Path, *, uploaded: bool = False) -> Pack:
    """Open and fully verify a pack. Raises :class:`PackError` naming the failed check.  ``uploaded``: the
    file is an upload the box received, so an unreadable archive is blamed on the upload, not the file."""
    path = Path(path)
    with _open_zip(path, uploaded) as zf:
        infos = _checked_infos(zf)
        manifest_bytes = _read_member(zf, _manifest_info(path, infos), uploaded)
        manifest = _parse_manifest(manifest_bytes)
        golden = _golden_name(manifest)
        if golden in infos and infos[golden].file_size > MAX_GOLDEN_BYTES:      # before it is read
            raise _golden_refusal(golden, f"{infos[golden].file_size} bytes (limit {MAX_GOLDEN_BYTES})")
        members = {n: _read_member(zf, infos[n], uploaded) for n in infos if n not in (MANIFEST,)}
    _verify_checksums(manifest, members)
    return Pack(path=path, manifest=manifest, members=members, manifest_bytes=manifest_bytes)


# what zipfile raises on a damaged or unusual archive: bad CRC or structure (BadZipFile), truncation (EOFError,
# OSError), corrupt deflate data (zlib.error), an encrypted member (RuntimeError), an unsupported compression
# method such as deflate64 (NotImplementedError), a name flagged UTF-8 that is not (UnicodeDecodeError)
_ZIP_ERRORS = (zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error, RuntimeError, NotImplementedError)


def _open_zip(path: Path, uploaded: bool = False) -> zipfile.ZipFile:
    if path.is_dir():
        raise PackError(f"{path} is a folder, not a pack", check="archive", hint=f"give the path of a .hatpack file; "
                                                                                 f"{PACK_HINT}")
    if not path.is_file():
        raise PackError(f"no pack at {path}", check="archive", hint="check the path and the file name")
    try:
        _zip_or_refused(path, uploaded)
        return zipfile.ZipFile(path)
    except _ZIP_ERRORS as exc:
        if not uploaded and path.stat().st_size == 0:
            raise PackError(f"{path.name} is empty (0 bytes): copy it again, or build it again",
                            check="archive") from None
        if not uploaded and path.suffix.lower() != ".hatpack" and not zipfile.is_zipfile(path):
            raise PackError(f"{path.name} is not a pack (a .hatpack is a zip archive)", check="archive",
                            hint=PACK_HINT) from None
        if uploaded:
            raise _not_a_pack_upload(path, exc) from None
        said = archive_damage(exc) if _starts_as_zip(path) else "it is no zip archive at all (a .hatpack is one)"
        raise PackError(f"{path.name} is not a readable pack archive: {said}", check="archive",
                        hint=DAMAGED_FILE) from None


def _starts_as_zip(path: Path) -> bool:
    """Whether ``path`` starts as a zip archive does (what :func:`archive_damage` speaks of; False when unreadable)."""
    from device.library.archive_kind import ZIP_STARTS
    try:
        with open(path, "rb") as fh:
            return fh.read(8).startswith(ZIP_STARTS)
    except OSError:
        return False


def _zip_or_refused(path: Path, uploaded: bool) -> None:
    """Nothing when ``path`` is a zip by device.library.archive_kind (which tells a zip from a tar by the file's own
    start); PackError when it is a tar (maybe compressed), zipfile.BadZipFile when it is neither (a zip cut short,
    something else: said as zipfile's own error is), OSError when it cannot be read.  zipfile alone finds the end
    record of a tar's last member when that is a zip, so a tar of old.hatpack then new.hatpack opened as new.hatpack
    (p50 review: `hatbox push "my packs backup.tar"` installed it, and the box's POST /packs took it too)."""
    from device.library.archive_kind import TAR, ZIP, archive_kind
    kind = archive_kind(path)
    if kind == TAR:
        said = "the upload" if uploaded else path.name
        raise PackError(f"{said} is a tar archive, not a hatbox pack: take the .hatpack out of it first",
                        check="archive", hint="`tar -xf ARCHIVE NAME.hatpack`, then send that file; a sample library "
                                              "(tar or zip of audio files) goes to the box with hatbox push-library")
    if kind != ZIP:
        _named_or_refused(path, "the upload" if uploaded else path.name)
        raise zipfile.BadZipFile("File is not a zip file")


def _named_or_refused(path: Path, said: str) -> None:
    """PackError "SAID is a WAV audio file, not a hatbox pack" when ``path`` (no zip) starts as a kind of file
    export.file_kind names (audio, an image, a web page ...), with what to do with it; nothing otherwise."""
    from export.file_kind import AUDIO, HEAD_BYTES, TEXT, WEB_PAGE, file_kind
    with open(path, "rb") as fh:
        named = file_kind(fh.read(HEAD_BYTES))
    if named is None:
        return
    words, kind = named
    hint = {AUDIO: f"{PACK_HINT}, from recordings like this one; audio for a sample library goes with "
                   "hatbox push-library (a folder, zip or tar of audio files)",
            WEB_PAGE: "a download that failed saves the web page under the file's name: download the pack again",
            TEXT: "a download that failed, or a redirect (PowerShell's >), saves text under the file's name: copy or "
                  "download the pack itself again"}.get(kind, f"send the .hatpack file itself; {PACK_HINT}")
    raise PackError(f"{said} is {words}, not a hatbox pack", check="archive", hint=hint)


def _not_a_pack_upload(path: Path, exc: BaseException) -> PackError:
    """What the box says of an upload that does not open as a zip archive: a damaged zip (a pack cut short on
    the way), or no zip at all, named as "the upload" (``path`` is the box's temporary copy, a name nobody gave)."""
    from device.library.archive_kind import COMPRESSED_STARTS
    if _starts_as_zip(path):
        return PackError(f"the upload is not a readable pack archive: {archive_damage(exc)}; {DAMAGED_UPLOAD}",
                         check="archive", hint=UPLOAD_AGAIN)
    with open(path, "rb") as fh:
        library = fh.read(8).startswith(COMPRESSED_STARTS)
    return PackError("the upload is not a pack: a .hatpack is a zip archive, and this is not one", check="archive",
                     hint="a sample library (tar or zip of audio files) goes to POST /libraries: hatbox push-library"
                     if library else f"send the .hatpack file itself; {PACK_HINT}")


def _check_member_name(name: str) -> None:
    if not _MEMBER_RE.fullmatch(name) or ".." in name:
        folders = "/" in name.rstrip("/") or name.endswith("/")
        raise PackError(f"member name {name!r} is not allowed (flat names only)", check="members",
                        hint="a zip of folders is no pack: a sample library goes to the box with hatbox push-library"
                        if folders else None)


def _checked_infos(zf: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """The archive's members by name, held to the pack limits (count, names, sizes, ratio, total);
    PackError otherwise.  The one check both :func:`read_pack` and :func:`write_pack` apply."""
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise PackError(f"pack has {len(infos)} members (limit {MAX_MEMBERS})", check="members")
    total = 0
    out: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        _check_member_name(info.filename)
        if info.filename in out:
            raise PackError(f"member {info.filename!r} appears twice", check="members")
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > MAX_MEMBER_BYTES or (info.file_size > RATIO_FROM and ratio > MAX_RATIO):
            raise PackError(f"member {info.filename!r} expands to {info.file_size} bytes "
                            f"(ratio {ratio:.0f}): refusing a possible archive bomb", check="members")
        total += info.file_size
        out[info.filename] = info
    if total > MAX_TOTAL_BYTES:
        raise PackError(f"pack expands to {total} bytes (limit {MAX_TOTAL_BYTES})", check="members")
    return out


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, uploaded: bool = False) -> bytes:
    """Member ``info``'s bytes; PackError in words (and what to do: copy or build it again, or, ``uploaded``, check
    the file sent where it came from: a damaged member is no upload cut short, whose archive's end is missing) when
    they cannot be read as they are (p53 QA Q3: zipfile's own words and class were
    shown, and no hint)."""
    try:
        data = _inflated(zf, info, info.file_size + 1)
    except _ZIP_ERRORS as exc:
        said, hint = member_damage(exc, info.compress_type)
        raise PackError(f"member {info.filename!r} {said}", check="archive",
                        hint=hint or (DAMAGED_SENT if uploaded else DAMAGED_FILE)) from None
    if len(data) != info.file_size:
        raise PackError(f"member {info.filename!r} is not the size it claims", check="archive",
                        hint=DAMAGED_SENT if uploaded else DAMAGED_FILE)
    return data


def _inflated(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    """Up to ``limit`` bytes of member ``info``: piece by piece for a member over :data:`PIECES_FROM`
    (:func:`_inflated_in_pieces`), else, or where that has no in-memory file to use, at once.  The zip's own errors
    (a bad CRC, a cut, bad compressed bytes, the pack file's read) are raised."""
    if limit > PIECES_FROM:
        data = _inflated_in_pieces(zf, info, limit)
        if data is not None:
            return data
    with zf.open(info) as fh:
        return fh.read(limit)


class _MemoryFileFailed(Exception):
    """A call on the in-memory file itself failed (os.write, os.pread: no room, a file size limit): not the pack."""


def _inflated_in_pieces(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes | None:
    """:func:`_read_in_pieces` of member ``info`` through a new anonymous in-memory file (Linux), or None where there
    is none or it fails (p57 R5: its [Errno 27] File too large read as the pack's damage): read whole then."""
    fd = memory_file.new("hatbox-member")
    if fd is None:
        return None
    try:
        with zf.open(info) as fh:
            return _read_in_pieces(fh, limit, fd)
    except _MemoryFileFailed:
        return None
    finally:
        os.close(fd)


def _read_in_pieces(fh: Any, limit: int, fd: int) -> bytes:
    """Up to ``limit`` bytes of ``fh``, inflated :data:`PIECE` bytes at a time into the empty file ``fd`` and read back
    with one ``os.pread``: the same bytes as ``fh.read(limit)``, but each step lets other threads run (zlib inflates
    and crc32 checks, ``os.write`` and ``os.pread`` copy, all outside the GIL), where ``fh.read`` joined the member
    in Python holding the GIL for the whole copy: 22-26 ms for a 35 MiB model, which stalled the engine's audio
    thread while a big pack loaded (p57 F9, bench/engine_big_pack.py).  :class:`_MemoryFileFailed` when ``fd``'s
    own calls fail."""
    total = 0
    while total < limit:
        piece = fh.read(min(PIECE, limit - total))
        if not piece:
            break
        _write_all(fd, piece)
        total += len(piece)
    return _read_back(fd, total)


def _write_all(fd: int, data: bytes) -> None:
    """``data`` appended to the in-memory file ``fd`` (device/memory_file.py); :class:`_MemoryFileFailed` for its
    OSError."""
    try:
        memory_file.write_all(fd, data)
    except OSError as exc:
        raise _MemoryFileFailed(str(exc)) from exc


def _read_back(fd: int, total: int) -> bytes:
    """The first ``total`` bytes of the in-memory file ``fd``; :class:`_MemoryFileFailed` for its OSError."""
    try:
        data = os.pread(fd, total, 0)
        while len(data) < total:                   # a short read (not expected from an in-memory file)
            data += os.pread(fd, total - len(data), len(data))
    except OSError as exc:
        raise _MemoryFileFailed(str(exc)) from exc
    return data


# A JSON string, escapes and all; one never closed runs to the end of the text (``\Z``).  Matched in one pass from
# its opening quote, never backtracking: every opening quote matches, so no later quote is tried as a start.  The
# earlier pattern, which needed the closing quote, tried each escaped quote of a string never closed as a new start:
# quadratic, 6 s for 32 KB of ``\"`` after 33 brackets, hours for the 4 MiB a manifest may hold (p48 review).
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*\\?(?:"|\Z)', re.S)
_NOT_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")


def json_depth(data: bytes) -> int:
    """How deep arrays and objects lie within each other in the JSON text ``data`` (brackets inside strings not
    counted), found without parsing it, so without recursion: ``b'{"a": [1, {"b": "[["}]}'`` -> 3.  Text that is not
    JSON gives a number all the same (the parser says what is wrong with it)."""
    marks = np.frombuffer(_JSON_STRING.sub(b"", data).translate(None, _NOT_BRACKET), np.uint8)
    steps = np.where((marks == ord("[")) | (marks == ord("{")), 1, -1).astype(np.int32)
    return int(np.cumsum(steps).max(initial=0))


def manifest_json(data: bytes) -> Any:
    """manifest.json's bytes parsed, as untrusted input: PackError (check "manifest") for text that is not UTF-8
    or not JSON, and for arrays and objects nested more than :data:`MAX_MANIFEST_DEPTH` deep, refused before the
    parser (which recurses, and raised RecursionError on a stranger's manifest 100,000 levels deep: p48 QA) sees
    them.  The one reader of a pack's manifest text (read_pack, the box's panel and knob routes, the laptop's
    pack names)."""
    opened = data.count(b"[") + data.count(b"{")            # at least the depth: most manifests end it here
    depth = json_depth(data) if opened > MAX_MANIFEST_DEPTH else 0
    if depth > MAX_MANIFEST_DEPTH:
        raise PackError(f"manifest.json is nested too deeply ({depth} levels; a pack's manifest has a few)",
                        check="manifest", hint="this pack was altered, or not made by hatbox: build it again, or "
                                               "ask whoever gave it to you for one hatbox made")
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PackError(f"manifest.json is not valid JSON ({exc})", check="manifest") from None
    except RecursionError:              # not expected under the depth limit: the same refusal, never a traceback
        raise PackError("manifest.json is nested too deeply (a pack's manifest has a few levels)",
                        check="manifest") from None


def _parse_manifest(data: bytes) -> Manifest:
    return Manifest.from_dict(manifest_json(data))


def _verify_checksums(manifest: Manifest, members: dict[str, bytes]) -> None:
    for name, digest in manifest.files.items():
        if name not in members:
            raise PackError(f"'{name}' is listed in the manifest but missing", check="checksum")
        if sha256_hex(members[name]) != digest:
            raise PackError(f"checksum mismatch for '{name}': the pack was altered or damaged",
                            check="checksum")
    extra = set(members) - set(manifest.files) - {SIGNATURE}
    if extra:
        raise PackError(f"files not listed in the manifest: {', '.join(sorted(extra))}", check="checksum")
    if MODEL not in manifest.files:
        raise PackError("the manifest lists no model.onnx", check="members")
