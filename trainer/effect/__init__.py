"""Effect capture: train a causal streaming model of a piece of gear from recordings.

Modules: data (pairs.csv loading and checks), align (latency), models (architectures),
losses, train (the loop and :func:`train.train_effect`), evaluate (score a pack on pairs),
report (plots), synthdata (synthetic gear recordings through pedalboard).
"""
