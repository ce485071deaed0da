"""One benchmark task per process: ``python -m benchmarks.tasks TASK --mode full|quick [--seed S] --out result.json``.

Each task trains one headline model from :mod:`utils.recipes` exactly as its notebook does (same recipe,
seed, data and noise draws), measures it and the baselines, and writes a JSON result with the model's
training cost. ``--seed S`` (``python -m benchmarks --seeds N``) moves every seed the task uses, of the initial
weights, the data order, every noise draw, the label subsets and the baselines' random states, by
:func:`benchmarks.common.run_seed`; seed 0, the default, is the notebooks' own run. Running each task in its
own process gives its own peak memory and lets the parent choose the Keras backend (``KERAS_BACKEND``) before
Keras is imported.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import time
from importlib import metadata
from pathlib import Path
from typing import Any

import utils.backend  # noqa: F401  (first: imports Keras with TensorFlow's start-up log hidden)
import keras
import numpy as np

from utils.baselines import best_setting, classical_denoisers, fit_pca, knn_accuracy, linear_probe, pca_reconstruct
from utils.config import Mode
from utils.data import balanced_subset
from utils.metrics import psnr, sse_per_image, ssim
from utils.models import predict
from utils.noise import corrupt
from utils.experiments import EXPERIMENTS
from utils.recipes import RECIPES, fine_tuning_classifier
from utils.repro import set_seed
from utils.training import TrainResult, train

from .anomaly import task_anomaly  # notebook 07 (benchmarks/anomaly.py)
from .common import run_seed
from .conv import task_conv  # notebook 05 (benchmarks/conv.py)
from .maps import task_map  # notebook 08 (benchmarks/maps.py)
from .vae import task_vae  # notebook 06 (benchmarks/vae.py)

SEED = 0  # the notebooks' seed of the initial weights, the data order and the baselines (run 0)
BATCH = 2048  # batch size of predictions and evaluations


def _trained(name: str, label: str, inputs: np.ndarray, targets: np.ndarray, mode: Mode, seed: int = 0,
             corruption: tuple[str, float] | None = None):
    """Build and train recipe ``name`` as its notebook does (in run ``seed``; ``corruption``: see
    :meth:`utils.recipes.ReconstructionRecipe.train`); return the autoencoder and its training cost."""
    r = RECIPES[name]
    set_seed(run_seed(SEED, seed))
    ae = r.build(name)
    run: TrainResult = r.train(ae, inputs, targets, mode, corruption=corruption, seed=run_seed(SEED, seed),
                               label=label, cache=False)
    epochs = mode.pick(r.epochs, r.quick_epochs)
    extra = ", overcomplete" if r.allow_overcomplete else ""
    return ae, {"model": f"{label} ({r.sizes()}{extra})", "epochs": epochs, "train_seconds": run.seconds,
                "seconds_per_epoch": run.seconds / epochs}


def task_ae2(mode: Mode, seed: int = 0) -> dict[str, Any]:
    """Notebook 02: the 2-D code; k-NN accuracy and summed squared error, with PCA-2 beside it."""
    x_train, y_train, x_test, y_test = EXPERIMENTS["02"].data.load(mode)
    ae, cost = _trained("ae2", "AE-2", x_train, x_train, mode, seed)
    c_tr, c_te = predict(ae.encoder, x_train, batch_size=BATCH), predict(ae.encoder, x_test, batch_size=BATCH)
    pca = fit_pca(x_train, 2, seed=run_seed(SEED, seed))
    p_tr, p_te = pca.transform(x_train), pca.transform(x_test)
    return {
        "ae": {"knn1": knn_accuracy(c_tr, y_train, c_te, y_test, 1),
               "knn5": knn_accuracy(c_tr, y_train, c_te, y_test, 5),
               "sse": sse_per_image(x_test, predict(ae.autoencoder, x_test, batch_size=BATCH))},
        "pca": {"knn1": knn_accuracy(p_tr, y_train, p_te, y_test, 1),
                "knn5": knn_accuracy(p_tr, y_train, p_te, y_test, 5),
                "sse": sse_per_image(x_test, pca_reconstruct(pca, x_test))},
        "cost": cost,
    }


def task_tsne(mode: Mode, seed: int = 0) -> dict[str, Any]:
    """Notebook 02's t-SNE reference: one joint embedding of a training and a test subset (no Keras)."""
    from sklearn.manifold import TSNE

    settings = EXPERIMENTS["02"]
    x_train, y_train, x_test, y_test = settings.data.load(mode)
    n_tr, n_te = mode.pick(*settings.tsne_subset)
    emb = TSNE(n_components=2, init="pca", perplexity=settings.tsne_perplexity,
               random_state=run_seed(SEED, seed)).fit_transform(
        np.concatenate([x_train[:n_tr], x_test[:n_te]]))
    e_tr, e_te = emb[:n_tr], emb[n_tr:]
    return {"tsne": {"knn1": knn_accuracy(e_tr, y_train[:n_tr], e_te, y_test[:n_te], 1),
                     "knn5": knn_accuracy(e_tr, y_train[:n_tr], e_te, y_test[:n_te], 5),
                     "subset": [n_tr, n_te]}}


def task_ae30(mode: Mode, seed: int = 0) -> dict[str, Any]:
    """Notebook 02: Hinton & Salakhutdinov's 784-1000-500-250-30 autoencoder against PCA-30."""
    x_train, _, x_test, _ = EXPERIMENTS["02"].data.load(mode)
    ae, cost = _trained("ae30", "AE-30", x_train, x_train, mode, seed)
    pca = fit_pca(x_train, 30, seed=run_seed(SEED, seed))
    return {"ae": {"sse": sse_per_image(x_test, predict(ae.autoencoder, x_test, batch_size=BATCH))},
            "pca": {"sse": sse_per_image(x_test, pca_reconstruct(pca, x_test))},
            "cost": cost}


def task_features(mode: Mode, seed: int = 0) -> dict[str, Any]:
    """Notebook 03: linear classifiers on raw pixels, PCA-32 and the 32-number code (all labels and few),
    and the encoder fine-tuned from pretrained against random weights."""
    settings = EXPERIMENTS["03"]
    x_train, y_train, x_test, y_test = settings.data.load(mode)
    ae, cost = _trained("ae32", "AE-32", x_train, x_train, mode, seed)
    pca = fit_pca(x_train, 32, seed=run_seed(SEED, seed))
    feats = {"raw": (x_train, x_test), "pca": (pca.transform(x_train), pca.transform(x_test)),
             "ae": (predict(ae.encoder, x_train, batch_size=BATCH), predict(ae.encoder, x_test, batch_size=BATCH))}
    probe_seed = run_seed(SEED, seed)  # the seed of the probe's cross-validation (notebook 03: 0)
    out: dict[str, Any] = {"all_labels": {k: linear_probe(f[0], y_train, f[1], y_test, seed=probe_seed)
                                          for k, f in feats.items()}}
    few: dict[str, dict[str, list[float]]] = {m: {} for m in ("raw", "pca", "ae", "finetuned", "random")}
    for n in mode.pick(*settings.label_counts):
        epochs = mode.pick(*settings.fine_tuning_epochs[n])
        for m in few:
            few[m][str(n)] = []
        for label_seed in (run_seed(s, seed) for s in mode.pick(*settings.label_seeds)):
            idx = balanced_subset(y_train, n, label_seed)
            for k, f in feats.items():
                few[k][str(n)].append(linear_probe(f[0][idx], y_train[idx], f[1], y_test, seed=label_seed))
            for m, pretrained in (("finetuned", True), ("random", False)):
                net = fine_tuning_classifier(RECIPES["ae32"], label_seed, ae.encoder if pretrained else None)
                train(net, x_train[idx], y_train[idx], epochs=epochs, learning_rate=settings.fine_tuning_learning_rate,
                      batch_size=settings.fine_tuning_batch_size, loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"], seed=label_seed, label=f"{m} {n} labels, seed {label_seed}",
                      print_every=epochs, cache=False)
                few[m][str(n)].append(float(net.evaluate(x_test, y_test, batch_size=BATCH, verbose=0)[1]))
    out["few_labels"] = few
    out["cost"] = cost
    return out


def task_dae(mode: Mode, seed: int = 0) -> dict[str, Any]:
    """Notebook 04: the overcomplete denoiser at Gaussian sigma 0.5 against classical filters (test PSNR)."""
    s = EXPERIMENTS["04"]
    data = s.data.load(mode)
    x_train, x_val, x_test = data.x_train[:-s.n_tuning], data.x_train[-s.n_tuning:], data.x_test
    sigma = s.noise["gaussian"]
    noisy_test = corrupt(x_test, "gaussian", sigma, seed=run_seed(s.seed_test, seed))  # run 0: the notebook's
    noisy_val = corrupt(x_val, "gaussian", sigma, seed=run_seed(s.seed_tuning, seed))
    # fresh noise for every batch, inside the model (utils.models.Corruption): clean images in, clean targets
    dae, cost = _trained("dae", "DAE", x_train, x_train, mode, seed, corruption=("gaussian", sigma))
    out = predict(dae.autoencoder, noisy_test, batch_size=BATCH)
    rows = {"noisy input": {"setting": "", "psnr": psnr(x_test, noisy_test), "ssim": ssim(x_test, noisy_test)}}
    grids = dict(median_sizes=s.median_sizes, blur_sigmas=s.blur_sigmas, pca_components=s.pca_components,
                 thresholds=s.thresholds)
    for name, settings in classical_denoisers(x_train, seed=run_seed(SEED, seed), **grids).items():
        setting, f = best_setting(settings, x_val, noisy_val)
        restored = f(noisy_test)
        rows[name] = {"setting": str(setting), "psnr": psnr(x_test, restored), "ssim": ssim(x_test, restored)}
    rows["denoising autoencoder"] = {"setting": "", "psnr": psnr(x_test, out), "ssim": ssim(x_test, out)}
    return {"rows": rows, "sigma": sigma,
            "cost": cost}


TASKS = {"ae2": task_ae2, "tsne": task_tsne, "ae30": task_ae30, "features": task_features, "dae": task_dae,
         "conv": task_conv, "anomaly": task_anomaly, "vae": task_vae, "map": task_map}
#: Tasks that train a Keras model (run once per backend); the others run once.
KERAS_TASKS = ("ae2", "ae30", "features", "dae", "conv", "anomaly", "vae", "map")


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    backend = keras.backend.backend()
    lib = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}.get(backend, backend)
    return {"cpu": cpu, "cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
            "python": platform.python_version(), "keras": keras.__version__, "backend": backend,
            "backend_version": metadata.version(lib), "numpy": np.__version__}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("task", choices=sorted(TASKS))
    parser.add_argument("--mode", choices=("full", "quick"), default="full")
    parser.add_argument("--seed", type=int, default=0, help="run seed (0: the notebooks' draws); see run_seed")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    if args.seed < 0:
        parser.error(f"--seed must be >= 0, got {args.seed}")
    start = time.perf_counter()
    result = TASKS[args.task](Mode(args.mode), seed=args.seed)
    result["seed"] = args.seed
    result["wall_seconds"] = time.perf_counter() - start
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kB
    result["machine"] = machine()
    args.out.write_text(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
