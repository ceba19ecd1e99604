"""The words of a pack's signature check (device/validate.py ``check_signature``) that others read too: the note a
box that does not require signatures ends them with (hatbox/box_packs.py leaves it out of the laptop's checks
line), and the ways to sign a pack or trust its key.  Plain text only: importing this loads nothing else (the
laptop's push would otherwise load device.validate and numpy with it, ~160 ms, for one string)."""
from __future__ import annotations

# the note the signature check's words end with on a box that does not require signatures (hatbox.box_packs leaves
# it out of the laptop's checks line): "unsigned (this box does not require signatures)"
NOT_REQUIRED_NOTE = " (this box does not require signatures"
REFUSE_NOTE = f"{NOT_REQUIRED_NOTE}; with --require-signature it would refuse it)"
SIGN_HINT = ("sign it: hatbox pack sign PACK.hatpack --key KEY.pem (hatbox keygen makes a key), trust the key on the "
             "box: copy KEY.pub into trusted_keys/ in its store folder, then send it again: hatbox push PACK.hatpack "
             "--activate")


def trust_way(keys_dir: str | None, installed: bool = False) -> str:
    """The way to trust the key that signed a pack (p53 QA Q4: a pack signed by a key not trusted was said tampered
    with, and no way given), naming the box's folder ``keys_dir`` (None: trusted_keys/ in its store folder; never
    the laptop's ~).  ``installed``: the pack went in all the same (a box that does not require signatures), and a
    key copied in counts at once, so nothing is sent again."""
    where = f"{keys_dir} on the box" if keys_dir else "trusted_keys/ in the box's store folder"
    then = "the box counts it at once" if installed else "then send the pack again"
    return f"to trust the key, copy the KEY.pub that hatbox keygen wrote beside KEY.pem into {where}: {then}"


def trust_hint(keys_dir: str | None, any_trusted: bool = True) -> str:
    """What to do about a signed pack a box that requires signatures refused: trust its key (:func:`trust_way`), or
    (``any_trusted``: the box trusts some key) sign it with a key the box trusts."""
    other = ("; or sign it with a key the box trusts: hatbox pack sign PACK.hatpack --key KEY.pem, then send it again"
             if any_trusted else "")
    return f"{trust_way(keys_dir)}{other}"


def without_note(words: str) -> str:
    """The signature check's ``words`` less the note of a box that does not require signatures: "unsigned (this box
    does not require signatures)" -> "unsigned"."""
    return words.split(NOT_REQUIRED_NOTE)[0]
