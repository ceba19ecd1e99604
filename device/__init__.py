"""The box: audio engine, API, UI. Never imports torch or trainer/."""
