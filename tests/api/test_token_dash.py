"""A pairing token never starts with "-" (twenty-ninth stop): one in 64 did (base64url has "-"), and
``hatbox status --url URL --token -Xy...`` then failed with argparse's "argument --token: expected one argument"
(a test that passed the token on the command line failed about once in 64 runs)."""
from __future__ import annotations

from pathlib import Path

import device.api.auth as auth
from device.api.auth import TokenStore


def test_an_issued_token_never_starts_with_a_dash(tmp_path: Path, monkeypatch) -> None:
    drawn = iter(["-starts-with-a-dash", "--two", "fine-token_value"])
    monkeypatch.setattr(auth.secrets, "token_urlsafe", lambda n: next(drawn))
    tokens = TokenStore(tmp_path / "tokens.json")
    tid, token = tokens.issue("laptop")
    assert token == "fine-token_value" and tokens.check(token) == tid


def test_real_tokens_pass_as_a_command_line_value(tmp_path: Path) -> None:
    tokens = TokenStore(tmp_path / "tokens.json")
    for _ in range(300):                                         # about five would have started with "-"
        _, token = tokens.issue("laptop")
        assert not token.startswith("-")
