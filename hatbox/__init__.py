"""hatbox: a trainable neural instrument (command-line front end)."""

__version__ = "0.1.0"
