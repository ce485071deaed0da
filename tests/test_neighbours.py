"""Notebook 08's machinery (utils/neighbours.py, MapRecipe, utils.cache.cached_arrays), on tiny synthetic data: the
neighbour graph against a brute-force search and through its cache, the edge batches, the map loss against a plain
NumPy computation, a tiny training run and its cached twin."""

import json
import warnings
from dataclasses import replace

import keras
import numpy as np
import pytest

from utils.cache import CacheWarning, cached_arrays
from utils.config import Mode
from utils.neighbours import EdgeBatches, build_map_trainer, neighbour_graph, neighbour_loss, train_map
from utils.recipes import RECIPES, MapRecipe
from utils.repro import set_seed

RNG = np.random.default_rng(8)
X = RNG.random((60, 6)).astype(np.float32)  # distinct distances: the k nearest are unambiguous
K = 4


def brute_force_knn(x, k):
    """Each row's k nearest other rows, by plain NumPy."""
    d2 = ((x[:, None, :].astype(np.float64) - x[None, :, :]) ** 2).sum(-1)
    np.fill_diagonal(d2, np.inf)
    return np.argsort(d2, axis=1)[:, :k]


def edge_set(graph):
    return set(zip(graph.head.tolist(), graph.tail.tolist()))


# --- the neighbour graph ---
def test_graph_joins_each_point_to_its_true_nearest_neighbours_and_nothing_else():
    g = neighbour_graph(X, K, cache=False)
    knn = brute_force_knn(X, K)
    edges = edge_set(g)
    expected = {(i, int(j)) for i in range(len(X)) for j in knn[i]}
    expected |= {(j, i) for i, j in expected}  # an edge where either end chose the other
    assert edges == expected
    for i in range(len(X)):
        assert set(knn[i].tolist()) <= set(g.neighbours(i).tolist())
    assert g.n_points == len(X) and g.n_edges == len(expected) and not g.from_cache
    assert g.head.shape == g.tail.shape == g.weight.shape and np.all(g.weight > 0)


def test_graph_is_symmetric_without_self_edges():
    g = neighbour_graph(X, K, cache=False)
    edges = edge_set(g)
    assert edges == {(t, h) for h, t in edges}
    assert not np.any(g.head == g.tail)
    assert len(edges) == g.n_edges  # no edge listed twice


def test_graph_with_duplicate_rows_still_has_no_self_edges():
    x = np.concatenate([X[:20], X[:5]])  # five images twice
    g = neighbour_graph(x, K, cache=False)
    assert not np.any(g.head == g.tail)
    assert all(len(g.neighbours(i)) >= K for i in range(len(x)))


def test_graph_is_loaded_from_the_cache_the_second_time(tmp_path):
    first = neighbour_graph(X, K, cache=tmp_path)
    second = neighbour_graph(X.copy(), K, cache=tmp_path)
    assert not first.from_cache and second.from_cache
    for a, b in ((first.head, second.head), (first.tail, second.tail), (first.weight, second.weight)):
        np.testing.assert_array_equal(a, b)
    assert second.seconds == pytest.approx(first.seconds)  # the time of the run that computed it
    assert not neighbour_graph(X, K + 1, cache=tmp_path).from_cache  # other settings: another entry
    assert not neighbour_graph(X[:50], K, cache=tmp_path).from_cache  # other images too


def test_a_corrupted_graph_file_is_computed_again_not_trusted(tmp_path):
    good = neighbour_graph(X, K, cache=tmp_path)
    (npz,) = tmp_path.glob("graph-*.npz")
    npz.write_bytes(b"not the graph")
    with pytest.warns(CacheWarning, match="unusable"):
        again = neighbour_graph(X, K, cache=tmp_path)
    assert not again.from_cache and edge_set(again) == edge_set(good)
    assert neighbour_graph(X, K, cache=tmp_path).from_cache  # written again, whole


@pytest.mark.parametrize("x, k, message", [
    (np.zeros(10), 3, "2-D array"),
    (np.where(np.eye(10, 4) > 0, np.nan, 0.5), 3, "finite"),
    (np.array([["a", "b"]] * 10), 3, "2-D array of finite numbers"),
    (X[:4], K, "x has 4 rows: a graph of 4 neighbours needs more"),
    (X, 0, "n_neighbors"),
])
def test_graph_rejects_bad_inputs_clearly(x, k, message):
    with pytest.raises(ValueError, match=message):
        neighbour_graph(x, k, cache=False)


# --- edge batches ---
GRAPH = neighbour_graph(X, K, cache=False)


def test_edge_batches_have_their_shapes_and_only_graph_edges():
    batches = EdgeBatches(X, GRAPH, batch_size=16, steps=3, seed=0)
    assert len(batches) == 3
    edges = edge_set(GRAPH)
    for i in range(len(batches)):
        (a, b), targets = batches[i]
        e = batches.edges(i)
        assert a.shape == b.shape == (16, X.shape[1]) and targets["map"].shape == (16, 1)
        np.testing.assert_array_equal(targets["reconstruction"], a)
        np.testing.assert_array_equal(a, X[GRAPH.head[e]])
        np.testing.assert_array_equal(b, X[GRAPH.tail[e]])
        assert {(int(GRAPH.head[j]), int(GRAPH.tail[j])) for j in e} <= edges


def test_edge_batches_are_the_same_for_the_same_seed_and_differ_for_another():
    same = [EdgeBatches(X, GRAPH, batch_size=32, steps=2, seed=3) for _ in range(2)]
    other = EdgeBatches(X, GRAPH, batch_size=32, steps=2, seed=4)
    for i in range(2):
        np.testing.assert_array_equal(same[0].edges(i), same[1].edges(i))
        assert not np.array_equal(same[0].edges(i), other.edges(i))
    assert not np.array_equal(same[0].edges(0), same[0].edges(1))  # the batches of an epoch differ
    first = same[0].edges(0)
    same[0].on_epoch_end()
    assert not np.array_equal(first, same[0].edges(0))  # and so do the epochs


def test_edge_batches_reject_images_of_another_graph():
    with pytest.raises(ValueError, match="build it from these images"):
        EdgeBatches(X[:50], GRAPH, batch_size=8, steps=1, seed=0)


# --- the map loss ---
def numpy_loss(pair):
    """neighbour_loss's formula, written plainly: InfoNCE with t-SNE's kernel over the batch's 2B codes."""
    pair = np.asarray(pair, np.float64)
    b, dim = len(pair), pair.shape[1] // 2
    codes = np.concatenate([pair[:, :dim], pair[:, dim:]])
    total = 0.0
    for i in range(2 * b):
        partner = i + b if i < b else i - b
        sim = 1.0 / (1.0 + ((codes - codes[i]) ** 2).sum(1))
        sim[i] = 0.0  # a code is not its own partner
        total += -np.log(sim[partner] / sim.sum())
    return total / (2 * b)


def keras_loss(pair):
    return float(keras.ops.convert_to_numpy(neighbour_loss(None, keras.ops.convert_to_tensor(pair, "float32"))))


def test_loss_equals_a_plain_numpy_computation():
    pair = np.random.default_rng(0).normal(size=(7, 4)).astype(np.float32)
    assert keras_loss(pair) == pytest.approx(numpy_loss(pair), rel=1e-4)
    pair3 = np.random.default_rng(1).normal(scale=5.0, size=(5, 6)).astype(np.float32)  # 3-D codes
    assert keras_loss(pair3) == pytest.approx(numpy_loss(pair3), rel=1e-4)


def test_loss_is_lower_when_edges_are_close_and_the_rest_far():
    b = 16
    angles = 2 * np.pi * np.arange(b) / b
    heads = 50.0 * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    tails = heads + 0.05
    kept = np.concatenate([heads, tails], axis=1).astype(np.float32)
    random = np.random.default_rng(0).normal(scale=50.0, size=(b, 4)).astype(np.float32)
    assert np.isfinite(keras_loss(kept)) and np.isfinite(keras_loss(random))
    assert keras_loss(kept) < keras_loss(random) - 1.0
    assert keras_loss(kept) >= 0  # a cross-entropy
    same = np.zeros((b, 4), np.float32)  # every code at one point: finite, log(2b - 1)
    assert keras_loss(same) == pytest.approx(np.log(2 * b - 1), rel=1e-5)


# --- training: train_map and MapRecipe.train ---
TINY = replace(RECIPES["map2"], hidden=(8,), epochs=2, quick_epochs=1, steps=3, quick_steps=2, batch_size=16,
               quick_batch_size=8, n_neighbors=K)


def test_map_recipe_trains_and_the_second_run_loads_from_the_cache(tmp_path):
    assert isinstance(TINY, MapRecipe)
    runs, weights = [], []
    for _ in range(2):
        set_seed(0)
        ae = TINY.build("tiny_map", input_dim=X.shape[1])
        runs.append(TINY.train(ae, X, GRAPH, Mode("quick"), seed=0, label="tiny map", cache=tmp_path))
        weights.append(ae.autoencoder.get_weights())
    first, second = runs
    assert not first.from_cache and second.from_cache
    assert len(first.history["loss"]) == 1 and np.isfinite(first.history["loss"]).all()
    assert second.history == first.history
    for a, b in zip(*weights):
        np.testing.assert_array_equal(a, b)
    codes = ae.encoder.predict(X, verbose=0)
    assert codes.shape == (len(X), 2) and np.isfinite(codes).all()


def test_train_map_without_reconstruction_and_its_settings(tmp_path):
    set_seed(1)
    ae = TINY.build("tiny_map", input_dim=X.shape[1])
    decoder_before = ae.decoder.get_weights()
    trainer = build_map_trainer(ae.encoder, ae.decoder)
    run = train_map(trainer, X, GRAPH, map_loss=neighbour_loss, reconstruction_weight=0.0, steps=2, epochs=2,
                    batch_size=8, learning_rate=1e-2, seed=0, cache=False)
    assert len(run.history["loss"]) == 2 and not run.from_cache
    for a, b in zip(decoder_before, ae.decoder.get_weights()):  # weight 0: the decoder is not trained
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="reconstruction_weight"):
        train_map(trainer, X, GRAPH, map_loss=neighbour_loss, reconstruction_weight=-1.0, steps=2, epochs=1,
                  batch_size=8, learning_rate=1e-2, seed=0, cache=False)


# --- cached_arrays ---
def counting(arrays):
    calls = []

    def compute():
        calls.append(1)
        return {k: v.copy() for k, v in arrays.items()}
    return compute, calls


ARRAYS = {"a": np.arange(6, dtype=np.float32).reshape(2, 3), "b": np.array([1, 2, 3], np.int32)}


def test_cached_arrays_round_trip(tmp_path):
    compute, calls = counting(ARRAYS)
    got, seconds, loaded = cached_arrays(tmp_path, "thing", {"x": 1}, compute)
    again, seconds2, loaded2 = cached_arrays(tmp_path, "thing", {"x": 1}, compute)
    assert not loaded and loaded2 and len(calls) == 1 and seconds2 == pytest.approx(seconds)
    for k, v in ARRAYS.items():
        np.testing.assert_array_equal(got[k], v)
        np.testing.assert_array_equal(again[k], v)
        assert again[k].dtype == v.dtype
    assert not cached_arrays(tmp_path, "thing", {"x": 2}, compute)[2] and len(calls) == 2  # other settings
    assert not cached_arrays(None, "thing", {"x": 1}, compute)[2] and len(calls) == 3  # no folder: no cache


@pytest.mark.parametrize("damage", ["npz", "json", "key"])
def test_cached_arrays_rebuilds_a_corrupted_entry_with_a_warning(tmp_path, damage):
    compute, calls = counting(ARRAYS)
    cached_arrays(tmp_path, "thing", {"x": 1}, compute)
    (npz,), (meta,) = tmp_path.glob("thing-*.npz"), tmp_path.glob("thing-*.json")
    if damage == "npz":
        npz.write_bytes(npz.read_bytes()[:-10] + b"0123456789")
    elif damage == "json":
        meta.write_text("{not json")
    else:
        meta.write_text(json.dumps({**json.loads(meta.read_text()), "key": "0" * 64}))
    with pytest.warns(CacheWarning, match="computing it again"):
        got, _, loaded = cached_arrays(tmp_path, "thing", {"x": 1}, compute)
    assert not loaded and len(calls) == 2
    np.testing.assert_array_equal(got["a"], ARRAYS["a"])
    assert cached_arrays(tmp_path, "thing", {"x": 1}, compute)[2] and len(calls) == 2  # written again, whole


def test_cached_arrays_in_an_unwritable_folder_warns_and_returns_the_arrays(tmp_path):
    (tmp_path / "notes.txt").write_text("a file, not a folder")
    folder = tmp_path / "notes.txt" / "cache"
    compute, calls = counting(ARRAYS)
    with pytest.warns(CacheWarning, match="could not save thing"):
        got, _, loaded = cached_arrays(folder, "thing", {"x": 1}, compute)
    assert not loaded and len(calls) == 1
    np.testing.assert_array_equal(got["b"], ARRAYS["b"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CacheWarning)
        assert not cached_arrays(folder, "thing", {"x": 1}, compute)[2] and len(calls) == 2
