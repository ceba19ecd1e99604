"""Latency alignment of (input, output) recordings: the trainer's name for device/audio/align.py, the one
implementation (regularised impulse response, its onset tap, a confidence check) that the box's capture uses too
(device/audio/capture_result.py), so the two never disagree about one recording."""
from __future__ import annotations

from device.audio.align import (EDGE_SAMPLES, LEAD_LIMIT_S, MARGIN, MAX_ANALYSIS, MAX_DELAY_MS, ONSET_SHARE,
                                PEAK_RATIO, OutputLeads, find_delay, find_latency, impulse_response, onset, polarity,
                                shift)

__all__ = ["EDGE_SAMPLES", "LEAD_LIMIT_S", "MARGIN", "MAX_ANALYSIS", "MAX_DELAY_MS", "ONSET_SHARE", "PEAK_RATIO",
           "OutputLeads", "find_delay", "find_latency", "impulse_response", "onset", "polarity", "shift"]
