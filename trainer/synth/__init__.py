"""The neural synth trainer: NSynth-like data, features, a harmonic-plus-noise model, training, report."""
