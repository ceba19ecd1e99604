"""A file libsndfile could not open, said in the system's words: libsndfile says "System error" for any file its
open() fails on (no permission, an I/O error), which reads as a damaged file (p54 QA_A: a file of mode 000 was
"cannot decode x.wav: system error"); :func:`open_refusal` opens it again to learn why.  Used by
device.audio.audiofile's one wording of libsndfile's errors (``reason``)."""
from __future__ import annotations

import os


def open_refusal(exc: Exception, name: str | bytes) -> OSError | None:
    """The system's error for opening the file ``name`` (its name as libsndfile was given it: text or bytes) when
    libsndfile's failure ``exc`` is its "System error"; None when libsndfile said something else, or the file opens
    now (a failure of the system's that passed: libsndfile's words stand)."""
    said = getattr(exc, "error_string", None)
    if not isinstance(said, str) or said.strip().rstrip(".").casefold() != "system error":
        return None
    try:
        os.close(os.open(name, os.O_RDONLY))
    except OSError as err:
        return err
    return None
