"""The tagger trainer (Sorting H.A.T.): data recipe, loader, augmentation, CNN, training, report."""
