"""Maps that keep neighbours (notebook 08): the neighbour graph, batches of its edges, the map loss, training.

- :func:`neighbour_graph`: the k nearest training images of every training image, cached like a trained model
  (keyed by the images' contents and the settings; a damaged entry is computed again, never trusted).
- :class:`EdgeBatches`: batches of graph edges, each drawn with probability proportional to its weight.
- :func:`build_map_trainer`: the two-input model that trains an autoencoder's encoder on edges (and its
  decoder on reconstruction).
- :func:`neighbour_loss`: attraction on edges, repulsion among all codes of a batch (t-SNE's kernel). Notebook 08
  writes the same loss in view and checks it equal to this one; the benchmark uses this copy.
- :func:`train_map`: compile, fit on :class:`EdgeBatches`, with the train-or-load cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass
from collections.abc import Callable
from typing import Any

from . import backend as _backend  # noqa: F401  (before keras: hides TensorFlow's start-up lines)
import keras
import numpy as np
from keras import ops

from .cache import ModelCache, array_digest, backend_and_version, cached_arrays, model_structure, record_runtime
from .checks import check_number, non_negative_int, positive_int
from .training import TrainResult, _cache_folder, _CompactProgress, _load_cached

#: Version of the graph's cache files; bump it when the graph's computation or layout changes.
GRAPH_FORMAT = 1


@dataclass(frozen=True)
class NeighbourGraph:
    """A symmetric neighbour graph of ``n_points`` images: edge ``e`` joins ``head[e]`` and ``tail[e]`` with
    ``weight[e]`` > 0 (both directions are listed; :class:`EdgeBatches` draws edges in proportion to it).
    ``seconds``: the time it took to
    compute (in the run that computed it); ``from_cache``: loaded instead of computed."""

    head: np.ndarray
    tail: np.ndarray
    weight: np.ndarray
    n_points: int
    seconds: float
    from_cache: bool = False

    @property
    def n_edges(self) -> int:
        """Number of (directed) edges."""
        return len(self.weight)

    def neighbours(self, i: int) -> np.ndarray:
        """The images joined to image ``i``, strongest edge first (among equal weights, in no particular order)."""
        mask = self.head == i
        return self.tail[mask][np.argsort(-self.weight[mask])]


def _compute_graph(x: np.ndarray, n_neighbors: int) -> dict[str, np.ndarray]:
    from scipy import sparse
    from sklearn.neighbors import NearestNeighbors

    n = len(x)
    index = NearestNeighbors(n_neighbors=n_neighbors + 1, algorithm="brute").fit(x).kneighbors(
        x, return_distance=False)
    keep = index != np.arange(n)[:, None]  # drop each image itself (wherever it ranks among exact duplicates)
    keep[keep.all(axis=1), -1] = False  # itself not found (duplicates ranked first): drop the farthest instead
    rows, cols = np.repeat(np.arange(n), n_neighbors + 1)[keep.ravel()], index[keep]
    chose = sparse.coo_matrix((np.ones(len(rows), np.float32), (rows, cols)), shape=(n, n)).tocsr()
    graph = chose.maximum(chose.T).tocoo()  # an edge where either image chose the other; both directions
    order = np.lexsort((graph.col, graph.row))
    return {"head": graph.row[order].astype(np.int32), "tail": graph.col[order].astype(np.int32),
            "weight": graph.data[order].astype(np.float32)}


def neighbour_graph(x: np.ndarray, n_neighbors: int = 15, *,
                    cache: bool | str | os.PathLike = True) -> NeighbourGraph:
    """The ``n_neighbors``-nearest-neighbour graph of the rows of ``x``, computed once and cached.

    Each row is joined to its ``n_neighbors`` nearest other rows (exact search, Euclidean distance); an edge is
    kept when either end chose the other, listed in both directions, every edge with weight 1 (the simplest
    graph: the map loss asks only who is whose neighbour). ``cache``: as :func:`utils.training.train` (True: the
    configured folder, False: none, or a folder).

    Raises:
        ValueError: ``x`` is not a 2-D array of finite numbers with more rows than ``n_neighbors``.
    """
    n_neighbors = positive_int("n_neighbors", n_neighbors)
    x = np.asarray(x)
    if x.ndim != 2 or not np.issubdtype(x.dtype, np.number) or not np.isfinite(x).all():
        raise ValueError(f"x must be a 2-D array of finite numbers (images flattened), got shape {x.shape}")
    if len(x) <= n_neighbors:
        raise ValueError(f"x has {len(x)} rows: a graph of {n_neighbors} neighbours needs more")
    settings = {"what": "graph", "version": GRAPH_FORMAT, "images": array_digest(x), "n_neighbors": n_neighbors}
    arrays, seconds, loaded = cached_arrays(_cache_folder(cache), "graph", settings,
                                            lambda: _compute_graph(x, n_neighbors))
    head, tail, weight = arrays["head"], arrays["tail"], arrays["weight"]
    if len(head) and max(head.max(), tail.max()) >= len(x):
        raise ValueError("the neighbour graph's edges do not fit the images; delete its cache entry")
    return NeighbourGraph(head, tail, weight, len(x), seconds, loaded)


class EdgeBatches(keras.utils.PyDataset):
    """``steps`` batches of ``batch_size`` graph edges per epoch, each edge drawn with probability proportional
    to its weight. A batch is ``((x[head], x[tail]), {"map": zeros, "reconstruction": x[head]})``: the two
    images of each edge, a placeholder target for the map loss (it needs none) and the reconstruction target.
    Seeded: batch ``i`` of epoch ``e`` is the same in every run with the same ``seed``.
    """

    def __init__(self, x: np.ndarray, graph: NeighbourGraph, *, batch_size: int, steps: int, seed: int) -> None:
        super().__init__()
        if len(x) != graph.n_points:
            raise ValueError(f"the graph joins {graph.n_points} images, x has {len(x)}: build it from these images")
        self.x, self.graph = x, graph
        self.batch_size = positive_int("batch_size", batch_size)
        self.steps = positive_int("steps", steps)
        self.seed = non_negative_int("seed", seed)
        self.cumulative = np.cumsum(graph.weight, dtype=np.float64)
        self.epoch = 0

    def __len__(self) -> int:
        return self.steps

    def edges(self, i: int) -> np.ndarray:
        """The edges of batch ``i`` of the current epoch."""
        rng = np.random.default_rng([self.seed, self.epoch, i])
        u = rng.random(self.batch_size) * self.cumulative[-1]
        return np.minimum(np.searchsorted(self.cumulative, u, side="right"), self.graph.n_edges - 1)

    def __getitem__(self, i: int) -> tuple[tuple[np.ndarray, np.ndarray], dict[str, np.ndarray]]:
        e = self.edges(i)
        a, b = self.x[self.graph.head[e]], self.x[self.graph.tail[e]]
        return (a, b), {"map": np.zeros((len(e), 1), np.float32), "reconstruction": a}

    def on_epoch_end(self) -> None:
        self.epoch += 1


def build_map_trainer(encoder: keras.Model, decoder: keras.Model) -> keras.Model:
    """The model that trains ``encoder`` and ``decoder`` on edges: both images of an edge go through the same
    encoder; output ``"map"`` is the two codes side by side (for :func:`neighbour_loss`), output
    ``"reconstruction"`` the decoded first image."""
    n_pixels = encoder.input_shape[-1]
    image_a, image_b = keras.Input((n_pixels,), name="image_a"), keras.Input((n_pixels,), name="image_b")
    code_a, code_b = encoder(image_a), encoder(image_b)
    pair = keras.layers.Concatenate(name="map")([code_a, code_b])
    reconstruction = keras.layers.Identity(name="reconstruction")(decoder(code_a))
    return keras.Model([image_a, image_b], {"map": pair, "reconstruction": reconstruction}, name="map_trainer")


def neighbour_loss(_: Any, pair: Any) -> Any:
    """The map loss of a batch of edges: ``pair`` holds each edge's two codes side by side.

    Similarity of two codes at distance d: t-SNE's kernel 1 / (1 + d²). Attraction: -log of the similarity
    of each edge's two codes. Repulsion: log of the summed similarity of each code to every other code of the
    batch. Their sum is the cross-entropy of picking the edge's partner among all codes of the batch (InfoNCE
    with t-SNE's kernel), averaged over both ends of every edge.
    """
    dim = ops.shape(pair)[1] // 2
    codes = ops.concatenate([pair[:, :dim], pair[:, dim:]], axis=0)  # 2B codes: all heads, then all tails
    n = ops.shape(codes)[0]
    d2 = ops.sum((codes[:, None, :] - codes[None, :, :]) ** 2, axis=-1)
    log_sim = -ops.log1p(d2) - 1e9 * ops.eye(n)  # log similarity; a code is not its own partner
    partner = ops.concatenate([ops.arange(n // 2) + n // 2, ops.arange(n // 2)], axis=0)
    attraction = -ops.take_along_axis(log_sim, partner[:, None], axis=1)[:, 0]
    repulsion = ops.logsumexp(log_sim, axis=1)
    return ops.mean(attraction + repulsion)


def train_map(trainer: keras.Model, x: np.ndarray, graph: NeighbourGraph, *, map_loss: Callable[[Any, Any], Any],
              reconstruction_weight: float, steps: int, epochs: int, batch_size: int, learning_rate: float,
              seed: int, label: str = "", cache: bool | str | os.PathLike = True) -> TrainResult:
    """Train ``trainer`` (:func:`build_map_trainer`) on ``epochs`` x ``steps`` batches of ``graph``'s edges, or load
    the same run from the train-or-load cache.

    Loss: ``map_loss`` + ``reconstruction_weight`` x binary cross-entropy of the first image's reconstruction
    (0: the decoder is not trained). Adam, learning rate falling from ``learning_rate`` to 0 along a cosine.
    The cache key covers the architecture, initial weights, images, graph, the loss function's source, the
    weight, steps, epochs, batch size, learning rate, seed, the Keras backend and version.

    Raises:
        ValueError: a setting out of range, or a graph of other images.
    """
    weight = check_number("reconstruction_weight", reconstruction_weight, 0, 1e6, include_low=True)
    epochs, steps = positive_int("epochs", epochs), positive_int("steps", steps)
    learning_rate = check_number("learning_rate", learning_rate, 0, 10)
    batches = EdgeBatches(x, graph, batch_size=batch_size, steps=steps, seed=seed)
    schedule = keras.optimizers.schedules.CosineDecay(learning_rate, epochs * steps)
    trainer.compile(keras.optimizers.Adam(schedule), loss={"map": map_loss, "reconstruction": "binary_crossentropy"},
                    loss_weights={"map": 1.0, "reconstruction": weight})
    prefix = f"[{label}] " if label else ""
    folder = _cache_folder(cache)
    store = entry = None
    if folder is not None:
        from .cache import _code_text

        settings = {"structure": model_structure(trainer), "initial": [array_digest(w) for w in trainer.get_weights()],
                    "images": array_digest(x), "graph": [array_digest(graph.head), array_digest(graph.tail),
                                                         array_digest(graph.weight)],
                    "map_loss": _code_text(map_loss), "weight": weight, "steps": steps, "epochs": epochs,
                    "batch": batch_size, "lr": learning_rate, "seed": seed, **backend_and_version()}
        key = hashlib.sha256(json.dumps(settings, sort_keys=True, default=str).encode()).hexdigest()
        store = ModelCache(folder)
        entry = store.entry(label or trainer.name, key)
        cached = _load_cached(store, entry, trainer, epochs, prefix)
        if cached is not None:
            return cached
    keras.utils.set_random_seed(seed)
    start = time.perf_counter()
    fit = trainer.fit(batches, epochs=epochs, verbose=0,
                      callbacks=[_CompactProgress(epochs, max(1, epochs // 5), prefix)])
    seconds = time.perf_counter() - start
    history = {k: [float(v) for v in vals] for k, vals in fit.history.items() if k != "learning_rate"}
    if store is not None and store.save(trainer, entry, history, seconds):
        record_runtime(entry)
    return TrainResult(history, seconds, False)
