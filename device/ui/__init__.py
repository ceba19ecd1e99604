"""The panel's pages, driven by events (never by pins)."""
import os as _os

_os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")   # pygame-ce prints a banner on import otherwise
