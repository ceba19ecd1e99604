"""The box's audio engine and the pure DSP shared with the trainer."""
