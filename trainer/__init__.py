"""Training on the laptop / cloud side (torch)."""
