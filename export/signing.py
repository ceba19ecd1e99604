"""Signing packs: an ed25519 signature over the exact bytes of ``manifest.json``.

The manifest lists the sha256 of every other member, so signing it covers the whole pack.
The signature is stored as the ``manifest.sig`` member (see export/pack.py).  Keys are
files: a private key is PKCS#8 PEM, a public key is SubjectPublicKeyInfo PEM (or the raw
32 bytes).  A key's id is the first 16 hex digits of the sha256 of its raw public bytes.
"""
from __future__ import annotations

import hashlib
import logging
import zipfile
from pathlib import Path
from typing import Iterable

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from export.atomic import atomic_output
from export.pack import MANIFEST, SIGNATURE, read_pack
from hatbox.errors import PackError

_RAW = serialization.Encoding.Raw, serialization.PublicFormat.Raw
MAX_KEY_FILE_BYTES = 64 * 1024      # a PEM key is a few hundred bytes
_log = logging.getLogger(__name__)
_warned: set[tuple[str, int, int]] = set()     # (path, size, mtime_ns) of key files already reported unreadable


# the manifest's signature holds under none of the keys trusted: a key not trusted is the likely cause (a signature
# cannot say whose key made it), a manifest changed since signing the other (p53 QA Q4: "tampered with" came first)
OR_CHANGED = "(or changed since it was signed)"
UNTRUSTED = f"signed by a key this box does not trust {OR_CHANGED}"
OTHER_KEY = f"signed with another key {OR_CHANGED}"     # `hatbox pack inspect --key`: the likely cause first too


def _fail(msg: str) -> PackError:
    return PackError(f"signature: {msg}", check="signature")


def generate_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def key_id(public: Ed25519PublicKey) -> str:
    """Short stable id of a public key (16 hex digits)."""
    return hashlib.sha256(public.public_bytes(*_RAW)).hexdigest()[:16]


def private_pem(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def public_pem(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def load_private(data: bytes) -> Ed25519PrivateKey:
    """The private key in PEM ``data``; PackError in plain words for anything else (a public key given by mistake
    is said so: cryptography's own text named BEGIN/END delimiters and a web page)."""
    if b"PUBLIC KEY-----" in data:
        raise _fail("it is a public key, which checks signatures; signing takes the private key")
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except TypeError:
        raise _fail("it is a password-protected private key; hatbox signs with an unencrypted one (hatbox keygen)") \
            from None
    except (ValueError, UnsupportedAlgorithm):
        raise _fail("it is not a PEM private key") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise _fail("the private key is not an ed25519 key")
    return key


def load_public(data: bytes) -> Ed25519PublicKey:
    """A public key from PEM or from its raw 32 bytes."""
    if len(data) == 32:
        return Ed25519PublicKey.from_public_bytes(data)
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise _fail(f"not a PEM public key ({exc})") from None
    if not isinstance(key, Ed25519PublicKey):
        raise _fail("the public key is not an ed25519 key")
    return key


def load_trusted(directory: str | Path) -> list[Ed25519PublicKey]:
    """Every ``*.pub`` / ``*.pem`` public key in ``directory`` (missing directory: none).  A file there that is
    not an ed25519 public key (a private key copied by mistake, a damaged or empty file) is skipped with one
    warning in the log naming it, so that it cannot refuse every upload, signed or not."""
    d = Path(directory)
    if not d.is_dir():
        return []
    keys = []
    for path in sorted(p for p in d.iterdir() if p.suffix in (".pub", ".pem") and p.is_file()):
        try:
            keys.append(_trusted_key(path))
        except (OSError, PackError) as exc:
            _warn_once(path, exc)
    return keys


def _trusted_key(path: Path) -> Ed25519PublicKey:
    """The public key in file ``path`` (at most MAX_KEY_FILE_BYTES); PackError or OSError otherwise."""
    if path.stat().st_size > MAX_KEY_FILE_BYTES:
        raise _fail(f"{path.stat().st_size} bytes: too large for a key file")
    return load_public(path.read_bytes())


def _warn_once(path: Path, exc: Exception) -> None:
    """Log that trusted key file ``path`` is skipped, once for each version of the file."""
    try:
        st = path.stat()
        stamp = (str(path), st.st_size, st.st_mtime_ns)
    except OSError:
        stamp = (str(path), -1, -1)
    if stamp not in _warned:
        _warned.add(stamp)
        reason = exc.args[0] if isinstance(exc, PackError) else (exc.strerror or str(exc))
        _log.warning("trusted key file %s is skipped: %s (a trusted key is an ed25519 public key, PEM or raw)",
                     path, reason)


def sign_manifest(manifest_bytes: bytes, key: Ed25519PrivateKey) -> bytes:
    """The 64-byte detached signature of ``manifest.json``'s bytes."""
    return key.sign(manifest_bytes)


def verify_manifest(manifest_bytes: bytes, signature: bytes | None,
                    trusted: Iterable[Ed25519PublicKey]) -> str:
    """Return the id of the trusted key that signed ``manifest_bytes``; PackError otherwise."""
    if signature is None:
        raise _fail("the pack is not signed and this box only accepts signed packs")
    keys = list(trusted)
    if not keys:
        raise _fail("no trusted keys are installed on this box")
    for key in keys:
        try:
            key.verify(signature, manifest_bytes)
            return key_id(key)
        except InvalidSignature:
            continue
    raise _fail(UNTRUSTED)


def sign_pack(path: str | Path, key: Ed25519PrivateKey, out: str | Path | None = None) -> Path:
    """Add (or replace) ``manifest.sig`` in a pack; writes ``out`` (default: in place) atomically.  The pack is
    read and verified first (export.pack.read_pack): what is not a pack, or a pack altered since it was written
    (a checksum that no longer holds), is never signed (PackError naming the failed check)."""
    src, dst = Path(path), Path(out) if out else Path(path)
    pack = read_pack(src)
    with atomic_output(dst, prefix=".hatpack-sign-") as fh:
        with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_DEFLATED) as zout:
            zout.writestr(_member(MANIFEST), pack.manifest_bytes)
            zout.writestr(_member(SIGNATURE), sign_manifest(pack.manifest_bytes, key))   # ed25519: deterministic
            for name, data in sorted(pack.members.items()):
                if name not in (SIGNATURE, MANIFEST):
                    zout.writestr(_member(name), data)
    return dst


def _member(name: str) -> zipfile.ZipInfo:
    """A member with a fixed date: the same pack signed twice with the same key is the same file, byte for byte
    (`hatbox push --sign` twice installed two copies under two ids, each signing stamped with its own second)."""
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info
