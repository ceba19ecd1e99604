"""Data recipe (Hydrogen kit names -> tags), loaders (folder tree, CSV), few-shot, augmentation."""
from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf

from hatbox.errors import DataError
from trainer.tagger import augment as aug
from trainer.tagger.data import few_shot, load_clip, load_items, tag_list, targets
from trainer.tagger.hydrogen import build, tag_for

from .conftest import hiss, thump


@pytest.mark.parametrize("name,tag", [
    ("Kick", "kick"), ("BassDrum", "kick"), ("c3 - bass drum 1", "kick"), ("Snare Rimshot (Pearl)", "snare"),
    ("Closed HH", "hihat"), ("Hi-Hat Open (Paiste)", "hihat"), ("Sabian Hat Choke", "hihat"),
    ("Tom Low", "tom"), ("Floor Tom", "tom"), ("Ride Bell", "cymbal"), ("China (Paiste)", "cymbal"),
    ("Paiste Bell", "cymbal"), ("Zildjian Splash Choke", "cymbal"), ("Dununba1 Bell", "percussion"),
    ("Hand Clap", "percussion"), ("Djembe1 Slap", "percussion"), ("Cowbell", "percussion"),
    ("Stick", None), ("Zap 1", None), ("23", None), ("", None)])
def test_instrument_names_map_to_tags(name, tag):
    assert tag_for(name) == tag


def _kit(root, name, instruments):
    layers = []
    for i, (inst, fname, audio) in enumerate(instruments):
        sf.write(root / name / fname, audio, 44100)
        layers.append(f"<instrument><id>{i}</id><name>{inst}</name><layer><filename>{fname}</filename></layer></instrument>")
    xml = ('<?xml version="1.0"?><drumkit_info xmlns="http://www.hydrogen-music.org/drumkit">'
           f"<name>{name}</name><instrumentList>{''.join(layers)}</instrumentList></drumkit_info>")
    (root / name / "drumkit.xml").write_text(xml)


def test_recipe_writes_one_csv_per_kit_without_duplicate_sounds(tmp_path):
    kits = tmp_path / "kits"
    for name in ("A", "B"):
        (kits / name).mkdir(parents=True)
    _kit(kits, "A", [("Kick", "k.wav", thump(44100)), ("Open HH", "h.wav", hiss(44100)), ("Stick", "s.wav", hiss(44100, seed=3))])
    _kit(kits, "B", [("Kick 1", "k.wav", thump(44100)), ("Snare", "s.wav", hiss(44100, seed=7))])   # k.wav duplicates A's
    counts = build(tmp_path / "out", kits)
    assert counts == {"A": 2, "B": 1}
    items = load_items(tmp_path / "out" / "all.csv")
    assert [(i.path.name, i.tags) for i in items] == [("k.wav", ("kick",)), ("h.wav", ("hihat",)), ("s.wav", ("snare",))]
    # a kit made mostly of a larger kit's files ("G" sorts first, as GMRockKit does before The Black
    # Pearl) is dropped whole: it must not take P's files, nor keep its one own file
    more = tmp_path / "more"
    for name in ("G", "P"):
        (more / name).mkdir(parents=True)
    pearl = [("Kick", "k.wav", thump(44100)), ("Snare", "s.wav", hiss(44100, seed=7)),
             ("Open HH", "h.wav", hiss(44100)), ("Tom", "t.wav", thump(44100, seed=5))]
    _kit(more, "P", pearl)
    _kit(more, "G", pearl[:2] + [("Ride", "r.wav", hiss(44100, seed=11))])
    assert build(tmp_path / "out3", more) == {"P": 4}
    assert not (tmp_path / "out3" / "G.csv").exists()
    with pytest.raises(DataError, match="no Hydrogen drum kits"):
        build(tmp_path / "out2", tmp_path / "empty")


def test_folder_tree_and_multilabel_csv(tmp_path):
    for tag in ("kick", "boomy"):
        (tmp_path / "tree" / tag).mkdir(parents=True)
    sf.write(tmp_path / "tree" / "kick" / "a.wav", thump(16000), 16000)
    (tmp_path / "tree" / "boomy" / "a.wav").symlink_to(tmp_path / "tree" / "kick" / "a.wav")
    sf.write(tmp_path / "tree" / "boomy" / "b.wav", thump(16000, seed=4), 16000)
    items = load_items(tmp_path / "tree")
    assert sorted((i.path.name, i.tags) for i in items) == [("a.wav", ("boomy", "kick")), ("b.wav", ("boomy",))]
    (tmp_path / "tags.csv").write_text("path,tag\n# comment\ntree/kick/a.wav,kick,dark\n\ntree/boomy/b.wav,boomy\n")
    items = load_items(tmp_path / "tags.csv")
    assert [i.tags for i in items] == [("kick", "dark"), ("boomy",)]
    assert tag_list(items) == ["boomy", "dark", "kick"]
    np.testing.assert_array_equal(targets(items, tag_list(items)), [[0, 1, 1], [1, 0, 0]])


@pytest.mark.parametrize("content,match", [("missing.wav,kick\n", "1 listed file does not exist"),
                                           ("", "no tagged audio")])
# ("a.wav\n": a row with no tag is a file with none of the words since p49: tests/tagger/test_p49_none_rows.py)
def test_bad_csv_is_a_clear_error(tmp_path, content, match):
    sf.write(tmp_path / "a.wav", thump(16000), 16000)
    (tmp_path / "t.csv").write_text(content)
    with pytest.raises(DataError, match=match):
        load_items(tmp_path / "t.csv")


def test_few_shot_takes_k_per_tag(tmp_path):
    from trainer.tagger.data import Item
    items = [Item(tmp_path / f"{i}.wav", (("kick", "snare", "hat")[i % 3],)) for i in range(30)]
    picked = few_shot(items, 4, seed=1)
    assert sorted(i.tags[0] for i in picked) == ["hat"] * 4 + ["kick"] * 4 + ["snare"] * 4


def test_load_clip_resamples_and_aligns(tmp_path):
    x = np.concatenate([np.zeros(4410, np.float32), thump(44100)])
    sf.write(tmp_path / "k.wav", np.stack([x, x], 1), 44100)
    clip = load_clip(tmp_path / "k.wav", 16000, 8000)
    assert clip.shape == (8000,) and np.abs(clip[:20]).max() < 0.05 and np.abs(clip[30:200]).max() > 0.1


def test_augmentations_keep_length_and_change_the_sound():
    rng = np.random.default_rng(0)
    x = thump(16000, 1.3)
    assert aug.speed(x, 2.0).size == pytest.approx(x.size / 2, abs=2)
    assert np.array_equal(aug.shift(x, 10)[10:], x[:-10]) and np.array_equal(aug.shift(x, -10)[:-10], x[10:])
    assert aug.reverb(x, 0.2, 0.3, rng).shape == x.shape
    outs = [aug.augment(x, 16000, rng) for _ in range(5)]
    assert all(o.shape == (16000,) and np.all(np.isfinite(o)) for o in outs)
    assert not np.allclose(outs[0], outs[1])


def test_colour_boosts_the_bell_and_leaves_far_frequencies():
    t = np.arange(16000) / 16000
    lo, mid = np.sin(2 * np.pi * 100 * t).astype(np.float32), np.sin(2 * np.pi * 1000 * t).astype(np.float32)
    bell = [(1000.0, 6.0, 0.3)]
    gain = lambda x: float(np.sqrt(np.mean(aug.colour(x, 0.0, bell)[2000:-2000] ** 2) / np.mean(x[2000:-2000] ** 2)))
    assert gain(mid) == pytest.approx(10 ** (6 / 20), rel=0.02)
    assert gain(lo) == pytest.approx(1.0, abs=0.01)
    tilted = aug.colour(mid, 3.0, [])                      # 1 kHz is the tilt's pivot
    assert np.allclose(tilted[2000:-2000], mid[2000:-2000], atol=2e-3)


def test_spec_mask_only_while_training():
    import torch
    from trainer.tagger.model import LOG_RANGE, TaggerConfig, TaggerNet, spec_mask
    x = torch.zeros(64, 64, 60)
    masked = spec_mask(x, 1.0, max_bands=8, max_frames=8)
    floor = masked == -LOG_RANGE
    assert floor.any() and floor.float().mean() < 0.3
    assert torch.equal(spec_mask(x, 0.0), x)
    net = TaggerNet(TaggerConfig(spec_mask=1.0), 3).eval()
    audio = torch.randn(2, 16000) * 0.1
    assert torch.equal(net.features(audio), net.features(audio))      # eval: deterministic, no masking


def test_augmentation_follows_the_clip_rate():
    """At 32 kHz a bell at 10 kHz is applied where it belongs, and the time shift and reverb are in
    seconds, not samples (the same draw moves a 32 kHz clip twice as many samples as a 16 kHz one)."""
    t = np.arange(32000) / 32000
    tone = np.sin(2 * np.pi * 10000 * t).astype(np.float32)
    boosted = aug.colour(tone, 0.0, [(10000.0, 6.0, 0.3)], rate=32000)
    assert np.sqrt(np.mean(boosted[4000:-4000] ** 2) / np.mean(tone[4000:-4000] ** 2)) == pytest.approx(10 ** (6 / 20), rel=0.02)
    click = np.zeros(32000, np.float32)
    click[0] = 1.0
    tail = lambda rate: int(np.flatnonzero(np.abs(aug.reverb(click, 0.3, 1.0, np.random.default_rng(1), rate)) > 1e-6).max())
    assert tail(32000) == pytest.approx(2 * tail(16000), rel=0.01)
    for rate in (16000, 32000):
        rng = np.random.default_rng(3)
        outs = [aug.augment(thump(rate, 1.3), rate, rng, rate=rate) for _ in range(4)]
        assert all(o.shape == (rate,) and np.all(np.isfinite(o)) for o in outs)


def test_band_norm_scales_each_mel_band_on_its_own():
    import torch
    from trainer.tagger.model import BandNorm, TaggerConfig, TaggerNet
    x = torch.randn(16, 1, 8, 20) * torch.arange(1, 9, dtype=torch.float32)[None, None, :, None] + 5.0
    y = BandNorm(8).train()(x)
    assert y.shape == x.shape
    assert torch.allclose(y.mean(dim=(0, 1, 3)), torch.zeros(8), atol=1e-4)
    assert torch.allclose(y.std(dim=(0, 1, 3), unbiased=False), torch.ones(8), atol=1e-2)
    cfg = TaggerConfig(band_norm=True)
    assert isinstance(TaggerNet(cfg, 3).norm, BandNorm)
    assert TaggerConfig.from_dict(cfg.to_dict()).band_norm
    old = cfg.to_dict()
    del old["band_norm"]                        # a config written before band_norm existed
    assert not isinstance(TaggerNet(TaggerConfig.from_dict(old), 3).norm, BandNorm)


def test_decode_clips_skips_what_does_not_decode_and_load_clips_names_it(tmp_path):
    from trainer.tagger.data import Item, decode_clips, load_clips
    sf.write(tmp_path / "a.wav", 0.1 * np.sin(np.arange(8000) / 5.0), 16000)
    (tmp_path / "b.wav").write_bytes(b"not audio")
    sf.write(tmp_path / "c.wav", 0.2 * np.sin(np.arange(8000) / 9.0), 16000)
    items = [Item(tmp_path / n, (t,)) for n, t in (("a.wav", "x"), ("b.wav", "y"), ("c.wav", "z"))]
    kept, clips, skipped, silent = decode_clips(items, 16000, 4000)
    assert [it.path.name for it in kept] == ["a.wav", "c.wav"] and clips.shape == (2, 4000)
    assert np.allclose(clips[1], load_clips(items[2:], 16000, 4000)[0])        # rows follow the kept items
    assert [p.name for p, _ in skipped] == ["b.wav"] and silent == []
    with pytest.raises(DataError, match="training sample unusable: .*b.wav"):
        load_clips(items, 16000, 4000)


@pytest.mark.parametrize("take", [10, 7, 1, 0])
def test_reorder_rows_gives_fancy_indexing_rows_in_place(take):
    from trainer.tagger.data import reorder_rows
    rng = np.random.default_rng(take)
    for _ in range(20):
        a = rng.normal(size=(10, 5)).astype(np.float32)
        order = rng.permutation(10)[:take]
        want, rest = a[order], a[np.setdiff1d(np.arange(10), order)]
        got = reorder_rows(a, order)
        assert np.array_equal(got, want) and (take == 0 or np.shares_memory(got, a))
        # the rows left out are all still there, after the chosen ones
        assert sorted(map(tuple, a[take:])) == sorted(map(tuple, rest))


def test_reorder_rows_refuses_repeated_or_out_of_range_rows():
    from trainer.tagger.data import reorder_rows
    a = np.arange(12.0).reshape(4, 3)
    for bad in ([0, 0], [4], [-1]):
        with pytest.raises(ValueError):
            reorder_rows(a, bad)
    assert np.array_equal(a, np.arange(12.0).reshape(4, 3))          # untouched
