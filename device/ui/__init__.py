"""The panel's pages, driven by events (never by pins)."""
