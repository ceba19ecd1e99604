"""Recipes that build effect-capture data from Debian packages (never committed as audio).

Each recipe writes a folder holding ``pairs.csv`` (the trainer's format: ``input,output,<knob names…>``,
paths relative to the folder, one row per recording) and ``heldout.csv`` (same format, audio and/or
knob settings never used for training, for benchmarks).  Run ``python -m trainer.data --help``.
"""
