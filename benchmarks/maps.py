"""Notebook 08's 2-D maps that keep neighbours, for ``BENCHMARKS.md``: ``python -m benchmarks.tasks map``.

On ``utils.experiments.EXPERIMENTS["08"]``'s data, five 2-D maps fitted on the training images that place the
test images: PCA-2, notebook 02's 2-D autoencoder (``ae2``, trained as notebook 02 trains it), t-SNE
(openTSNE, its ``transform`` places the test images), UMAP (umap-learn, likewise) and the map that keeps
neighbours (recipe ``map2``: ``ae2``'s layers trained on the edges of the training images' neighbour graph,
:mod:`utils.neighbours`). Each is measured by the k-NN accuracy of its test codes (classifiers fitted on the
training codes), the trustworthiness of the test map (scikit-learn, on a subset: it compares all pairs), the
reconstruction error where it has a decoder (PCA's: its inverse transform), and the seconds its fit took.
"""

from __future__ import annotations

import time
from typing import Any

import utils.backend  # noqa: F401  (first: imports Keras with TensorFlow's start-up log hidden)
import numpy as np

from utils.baselines import fit_pca, knn_accuracy, pca_reconstruct, tsne_map, umap_map
from utils.config import Mode
from utils.experiments import EXPERIMENTS
from utils.metrics import sse_per_image
from utils.models import predict
from utils.neighbours import neighbour_graph
from utils.recipes import RECIPES
from utils.repro import set_seed

from .common import display, pct, ran, run_seed, table, task_results

SEED = 0  # the seed of the initial weights, the data order, the baselines' random states (run 0)
BATCH = 2048  # batch size of predictions

#: The methods of the section, in its order: (key in the result, row name).
METHODS = (("pca", "PCA, 2 components"), ("ae2", "autoencoder (notebook 02)"), ("tsne", "t-SNE (openTSNE)"),
           ("umap", "UMAP (umap-learn)"), ("map2", "map that keeps neighbours (notebook 08)"))


def _recipe_name(recipe: Any) -> str:
    """The name of ``recipe`` in :data:`utils.recipes.RECIPES` (the settings hold the recipe itself)."""
    return next(name for name, r in RECIPES.items() if r is recipe)


def _scores(codes_train: np.ndarray, codes_test: np.ndarray, y_train: np.ndarray, y_test: np.ndarray,
            x_test: np.ndarray, ks: tuple[int, ...], trust_k: int, n_trust: int) -> dict[str, Any]:
    """k-NN accuracies of the test codes (classifiers fitted on the training codes) and the trustworthiness of
    the first ``n_trust`` test images' map."""
    from sklearn.manifold import trustworthiness

    out: dict[str, Any] = {f"knn{k}": knn_accuracy(codes_train, y_train, codes_test, y_test, k) for k in ks}
    out["trust"] = float(trustworthiness(x_test[:n_trust], codes_test[:n_trust], n_neighbors=trust_k))
    return out


def task_map(mode: Mode, seed: int = 0) -> dict[str, Any]:
    """k-NN accuracy, trustworthiness, reconstruction error and fitting time of PCA-2, notebook 02's 2-D
    autoencoder, t-SNE, UMAP and the map that keeps neighbours (in run ``seed`` of
    :func:`benchmarks.common.run_seed`: weights, data order, the baselines' random states)."""
    s = EXPERIMENTS["08"]
    x_train, y_train, x_test, y_test = s.data.load(mode)
    n_trust = min(mode.pick(*s.trust_images), len(x_test))
    score = lambda c_tr, c_te: _scores(c_tr, c_te, y_train, y_test, x_test, s.knn_k, s.trust_k, n_trust)  # noqa: E731
    codes = lambda encoder: score(predict(encoder, x_train, batch_size=BATCH),  # noqa: E731
                                  predict(encoder, x_test, batch_size=BATCH))
    rows: dict[str, dict[str, Any]] = {}

    start = time.perf_counter()
    pca = fit_pca(x_train, 2, seed=run_seed(SEED, seed))
    rows["pca"] = {**score(pca.transform(x_train), pca.transform(x_test)),
                   "sse": sse_per_image(x_test, pca_reconstruct(pca, x_test)), "seconds": time.perf_counter() - start}

    # notebook 02's 2-D autoencoder, trained as benchmarks.tasks trains it for notebook 02 (same recipe and seeds)
    name = _recipe_name(s.autoencoder)
    set_seed(run_seed(SEED, seed))
    ae = s.autoencoder.build(name)
    run = s.autoencoder.train(ae, x_train, x_train, mode, corruption=None, seed=run_seed(SEED, seed), label="AE-2",
                              cache=False)
    rows["ae2"] = {**codes(ae.encoder),
                   "sse": sse_per_image(x_test, predict(ae.autoencoder, x_test, batch_size=BATCH)),
                   "seconds": run.seconds}
    ae_cost = _cost(f"AE-2 ({s.autoencoder.sizes()})", run, mode.pick(s.autoencoder.epochs, s.autoencoder.quick_epochs))

    for key, fit in (("tsne", lambda: tsne_map(x_train, x_test, perplexity=s.tsne_perplexity,
                                               seed=run_seed(SEED, seed), cache=None)),
                     ("umap", lambda: umap_map(x_train, x_test, n_neighbors=s.model.n_neighbors,
                                               seed=run_seed(SEED, seed), cache=None))):
        c_tr, c_te, seconds = fit()
        rows[key] = {**score(c_tr, c_te), "sse": None, "seconds": seconds}

    r = s.model
    graph = neighbour_graph(x_train, r.n_neighbors, cache=False)
    set_seed(run_seed(SEED, seed))
    m = r.build(_recipe_name(r))
    run = r.train(m, x_train, graph, mode, seed=run_seed(SEED, seed), label="map-2", cache=False)
    has_decoder = r.reconstruction_weight > 0  # weight 0: the decoder is not trained
    rows["map2"] = {**codes(m.encoder),
                    "sse": sse_per_image(x_test, predict(m.autoencoder, x_test, batch_size=BATCH)) if has_decoder
                    else None, "seconds": run.seconds, "graph_seconds": graph.seconds}
    return {"rows": rows, "n_train": len(x_train), "n_test": len(x_test), "n_trust": n_trust, "trust_k": s.trust_k,
            "knn_k": list(s.knn_k), "n_neighbors": r.n_neighbors, "mode": mode.name, "knn5_target": s.knn5_target,
            "ae2_cost": ae_cost, "cost": _cost(f"map-2 ({r.sizes()})", run, mode.pick(r.epochs, r.quick_epochs))}


def _cost(model: str, run: Any, epochs: int) -> dict[str, Any]:
    """A training cost as the other tasks write it."""
    return {"model": model, "epochs": epochs, "train_seconds": run.seconds, "seconds_per_epoch": run.seconds / epochs}


# ------------------------------------------------------------------------------------------------------
# BENCHMARKS.md section and relation checks (called from benchmarks/report.py)
# ------------------------------------------------------------------------------------------------------
HEADING = "## 2-D maps that keep neighbours (notebook 08)"
RELATIONS = ("2-D maps that keep neighbours (notebook 08): the map trained on the neighbour graph has a higher "
             "5-NN accuracy than notebook 02's 2-D autoencoder on the same images. The lecture's 5-NN target is "
             "reported in the section, met or missed, not checked here.")


def check(results: dict[str, dict[str, Any]]) -> list[str]:
    """Notebook 08's relation on the benchmark's results (``{backend: {task: result}}``); returns what fails."""
    problems = []
    for b, r in task_results(results, "map"):
        ours, ae = r["rows"]["map2"]["knn5"], r["rows"]["ae2"]["knn5"]
        if not ours > ae:
            problems.append(f"{b}: the map that keeps neighbours, 5-NN {pct(ours)}, is not above the 2-D "
                            f"autoencoder's {pct(ae)}")
    return problems


def render_section(results: dict[str, dict[str, Any]]) -> list[str]:
    """The section of BENCHMARKS.md: one table of the five maps (the baselines without Keras from the first
    backend), in full mode whether the map meets the lecture's 5-NN target; "not yet run" when no backend ran the
    task (a report made before notebook 08 keeps every other section and says so)."""
    s = EXPERIMENTS["08"]
    backends = ran(results, "map")
    if not backends:
        return [HEADING, "", "Not yet run: `python -m benchmarks --tasks map` adds this section (or run the whole "
                "benchmark).", ""]
    first = results[backends[0]]["map"]
    ks = first["knn_k"]
    rows = []
    for key, label in METHODS:
        runs = list(task_results(results, "map")) if key in ("ae2", "map2") else [(None, first)]
        for b, r in runs:
            row = r["rows"][key]
            seconds = _seconds(row["seconds"])
            if "graph_seconds" in row:
                seconds += f" (+ {_seconds(row['graph_seconds'])} graph)"
            rows.append([label + (f", {b}" if b else ""), *(pct(row[f"knn{k}"]) for k in ks), f"{row['trust']:.3f}",
                         "–" if row["sse"] is None else f"{row['sse']:.2f}", seconds])
    out = [HEADING, "",
           f"Each map fitted on {first['n_train']:,} training images, placing {first['n_test']:,} test images "
           f"(t-SNE and UMAP by their `transform`; the map of notebook 08: {s.model}). k-NN classifiers fitted on "
           f"the training codes, scored on the test codes; trustworthiness (scikit-learn, {first['trust_k']} "
           f"neighbours) of the first {first['n_trust']:,} test images' map; summed squared reconstruction error per "
           "test image where the map has a decoder; seconds of fitting (the map: its training, and the neighbour "
           f"graph of {first['n_neighbors']} neighbours).", ""]
    out += table(["method", *(f"{k}-NN" for k in ks), "trustworthiness", "error per image", "fitting time"], rows)
    if first["mode"] == "full":
        knn5 = first["rows"]["map2"]["knn5"]
        out += ["", f"Target of the lecture (full mode): 5-NN accuracy at least {pct(first['knn5_target'])}: "
                f"{'met' if knn5 >= first['knn5_target'] else 'missed'} ({pct(knn5)}, {display(backends[0])})."]
    return out + [""]


def _seconds(s: float) -> str:
    """``"0.5 s"``, ``"23 s"``: one decimal below 10 seconds."""
    return f"{s:.1f} s" if s < 10 else f"{s:.0f} s"
