"""Notebook 05's convolutional autoencoders, for ``BENCHMARKS.md``: ``python -m benchmarks.tasks conv``.

Trains the notebook's models from ``utils.recipes.CONV_RECIPES`` with its settings
(``utils.recipes.EXPERIMENTS["05"]``: data, shifts, noise, probe size; notebook 04's noise seeds and filter
grids): convolutional and dense autoencoders at code 32 and 2 (test error, weights, cost; error of moved
digits; k-NN accuracy of the 2-D codes), the convolutional and dense denoisers against the classical filters
(PSNR, SSIM), and a linear classifier on the codes. (The notebook writes its first convolutional model by
hand and fits it with a plain ``fit``; here the same recipe builds it with ``build_conv_autoencoder`` and
trains it through ``utils.training.train``.)
"""

from __future__ import annotations

from typing import Any

import utils  # noqa: F401  (first: quietens TensorFlow's start-up log)
import numpy as np

from utils.baselines import best_setting, classical_denoisers, fit_pca, knn_accuracy, linear_probe, pca_reconstruct
from utils.config import Mode
from utils.metrics import psnr, sse_per_image, ssim
from utils.noise import corrupt
from utils.recipes import CONV_RECIPES, EXPERIMENTS, PUBLISHED, RECIPES
from utils.repro import set_seed

SEED = 0
NAMES = {"tensorflow": "TensorFlow", "jax": "JAX", "torch": "PyTorch"}


def _shift_right(x: np.ndarray, pixels: int) -> np.ndarray:
    out = np.zeros_like(x)
    out[:, :, pixels:] = x[:, :, :x.shape[2] - pixels]
    return out


def _predict(model, x: np.ndarray) -> np.ndarray:
    return model.predict(x, batch_size=1000, verbose=0)


def _trained(name: str, recipe, x_in: np.ndarray, x_out: np.ndarray, mode: Mode) -> tuple[Any, dict[str, Any]]:
    set_seed(SEED)
    model = recipe.build(name=name)
    run = recipe.train(model, x_in, x_out, mode, seed=SEED, label=name, cache=False)
    epochs = len(run.history["loss"])
    return model, {"model": f"{name} ({recipe.sizes()})", "weights": int(model.autoencoder.count_params()),
                   "epochs": epochs, "train_seconds": run.seconds, "seconds_per_epoch": run.seconds / epochs}


def task_conv(mode: Mode) -> dict[str, Any]:
    """Notebook 05's tables: autoencoders at code 32 and 2, moved digits, 2-D k-NN, denoisers, linear probe."""
    s, d = EXPERIMENTS["05"], EXPERIMENTS["04"]
    data = s.data.load(mode)
    n_tuning = mode.pick(*s.n_tuning)
    x_tr, y_tr = data.x_train[:-n_tuning], data.y_train[:-n_tuning]
    x_tune, x_te, y_te = data.x_train[-n_tuning:], data.x_test, data.y_test
    img = {"train": x_tr.reshape(-1, 28, 28, 1), "test": x_te.reshape(-1, 28, 28, 1)}
    costs, models, sse = [], {}, {}
    for name in ("cae32", "dense32", "cae2", "dense2"):
        conv = name.startswith("c")
        x_in = img["train"] if conv else x_tr
        models[name], cost = _trained(name, CONV_RECIPES[name], x_in, x_in, mode)
        costs.append(cost)
        out = np.clip(_predict(models[name].autoencoder, img["test"] if conv else x_te), 0, 1)  # linear output
        sse[name] = sse_per_image(x_te, out.reshape(-1, 784))
    for k in (32, 2):
        sse[f"pca{k}"] = sse_per_image(x_te, pca_reconstruct(fit_pca(x_tr, k), x_te))

    shifted = {"cae32": [], "dense32": []}
    for px in s.shifts:
        moved = _shift_right(img["test"], px) if px else img["test"]
        flat = moved.reshape(-1, 784)
        conv_out = np.clip(_predict(models["cae32"].autoencoder, moved), 0, 1).reshape(-1, 784)
        shifted["cae32"].append(sse_per_image(flat, conv_out))
        shifted["dense32"].append(sse_per_image(flat, np.clip(_predict(models["dense32"].autoencoder, flat), 0, 1)))

    knn = {}
    for name in ("cae2", "dense2"):
        conv = name.startswith("c")
        tr = _predict(models[name].encoder, img["train"] if conv else x_tr)
        te = _predict(models[name].encoder, img["test"] if conv else x_te)
        knn[name] = [knn_accuracy(tr, y_tr, te, y_te, k) for k in s.knn_k]
    pca2 = fit_pca(x_tr, 2)
    knn["pca2"] = [knn_accuracy(pca2.transform(x_tr), y_tr, pca2.transform(x_te), y_te, k) for k in s.knn_k]

    filters = classical_denoisers(x_tr, median_sizes=d.median_sizes, blur_sigmas=d.blur_sigmas,
                                  pca_components=d.pca_components, seed=SEED)
    denoising = {}
    for kind, level in s.noise.items():
        noisy_tr = corrupt(img["train"], kind, level, seed=d.seed_train)
        noisy_te = corrupt(img["test"], kind, level, seed=d.seed_test)
        conv_name = "cdae" if kind == "gaussian" else "cdae_masking"
        cdae, cost = _trained(conv_name, CONV_RECIPES[conv_name], noisy_tr, img["train"], mode)
        costs.append(cost)
        dae, cost = _trained(f"dae_{kind}", RECIPES["dae"], noisy_tr.reshape(-1, 784), x_tr, mode)
        costs.append(cost)
        flat = noisy_te.reshape(-1, 784)
        outs = {"noisy input": flat}
        tune_noisy = corrupt(x_tune, kind, level, seed=d.seed_tuning)
        for fname, settings in filters.items():
            outs[fname] = best_setting(settings, x_tune, tune_noisy)[1](flat)
        outs["dense denoiser"] = _predict(dae.autoencoder, flat)
        outs["conv denoiser"] = np.clip(_predict(cdae.autoencoder, noisy_te), 0, 1).reshape(-1, 784)
        denoising[kind] = {k: {"psnr": psnr(x_te, o), "ssim": ssim(x_te, o)} for k, o in outs.items()}

    n_fit = mode.pick(*s.n_probe) or len(x_tr)
    feats = {"raw": (x_tr, x_te),
             "dense32": (_predict(models["dense32"].encoder, x_tr), _predict(models["dense32"].encoder, x_te)),
             "cae32": (_predict(models["cae32"].encoder, img["train"]), _predict(models["cae32"].encoder, img["test"]))}
    probe = {k: linear_probe(tr[:n_fit], y_tr[:n_fit], te, y_te) for k, (tr, te) in feats.items()}
    return {"sse": sse, "shifted": shifted, "shifts": list(s.shifts), "knn": knn, "knn_k": list(s.knn_k),
            "denoising": denoising, "noise": s.noise, "probe": probe, "n_probe": n_fit, "costs": costs,
            "mode": mode.name, "target_psnr_db": s.target_psnr_db}


# ------------------------------------------------------------------------------------------------------
# BENCHMARKS.md section and relation checks (called from benchmarks/report.py)
# ------------------------------------------------------------------------------------------------------
RELATIONS = ("Convolutional autoencoders (notebook 05): at code 32 the convolutional autoencoder's test error is "
             "below PCA-32's; on digits moved 0 to 4 pixels its error stays below the dense autoencoder's and grows "
             "by less (in squared error; relative to its own error it grows more, as notebook 05 shows); the "
             "convolutional denoiser beats every classical filter at both noise models. The 21 dB target is "
             "reported in the section, met or missed, not checked here.")


def check(results: dict[str, dict[str, Any]]) -> list[str]:
    """Notebook 05's claims on the benchmark's results (``{backend: {task: result}}``); returns what fails."""
    problems = []
    for backend, res in results.items():
        if "conv" not in res:
            continue
        r, b = res["conv"], NAMES.get(backend, backend)
        if not r["sse"]["cae32"] < r["sse"]["pca32"]:
            problems.append(f"{b}: conv autoencoder (code 32) error {r['sse']['cae32']:.2f} is not below PCA-32's "
                            f"{r['sse']['pca32']:.2f}")
        conv, dense = np.array(r["shifted"]["cae32"]), np.array(r["shifted"]["dense32"])
        if not (conv < dense).all():
            problems.append(f"{b}: the conv autoencoder's error of moved digits is not below the dense one's at "
                            f"every shift ({np.round(conv, 2).tolist()} against {np.round(dense, 2).tolist()})")
        if not conv[-1] - conv[0] < dense[-1] - dense[0]:
            problems.append(f"{b}: moving digits {r['shifts'][-1]} px adds {conv[-1] - conv[0]:.2f} to the conv "
                            f"autoencoder's error, not less than the {dense[-1] - dense[0]:.2f} it adds to the "
                            "dense one's")
        for kind, rows in r["denoising"].items():
            ours = rows["conv denoiser"]["psnr"]
            for name in ("median filter", "Gaussian blur", "PCA projection"):
                if not ours > rows[name]["psnr"]:
                    problems.append(f"{b}: {kind} noise: conv denoiser {ours:.2f} dB is not above the "
                                    f"{name}'s {rows[name]['psnr']:.2f} dB")
    return problems


def render_section(results: dict[str, dict[str, Any]]) -> list[str]:
    """The convolutional section of BENCHMARKS.md (empty when no backend ran the task)."""
    backends = [b for b in results if "conv" in results[b]]
    if not backends:
        return []
    r0 = results[backends[0]]["conv"]
    out = ["## Convolutional autoencoders (notebook 05)", "",
           "All autoencoders here are trained the same way (linear output, MSE, Adam with a cosine schedule, "
           f"the same epochs and images): {CONV_RECIPES['cae32']}; the dense ones are notebook 01's and 02's "
           "architectures. Summed squared error per test image:", "",
           "| model | code 32 | code 2 | 1-NN (code 2) | 5-NN (code 2) |", "|---|---|---|---|---|"]
    for b in backends:
        r = results[b]["conv"]
        for conv, label in ((True, "convolutional"), (False, "dense")):
            a, z = ("cae32", "cae2") if conv else ("dense32", "dense2")
            out.append(f"| {label}, {NAMES.get(b, b)} | {r['sse'][a]:.2f} | {r['sse'][z]:.2f} | "
                       f"{100 * r['knn'][z][0]:.2f} % | {100 * r['knn'][z][1]:.2f} % |")
    out.append(f"| PCA | {r0['sse']['pca32']:.2f} | {r0['sse']['pca2']:.2f} | {100 * r0['knn']['pca2'][0]:.2f} % | "
               f"{100 * r0['knn']['pca2'][1]:.2f} % |")
    pub = PUBLISHED["knn_2d_ae"]
    out.append(f"| published autoencoder | | | {pub.value[0]:.1f} % | {pub.value[1]:.1f} % |")
    out += ["", f"Published: {pub.source}.", "",
            f"Moved test digits (shifted right by {', '.join(map(str, r0['shifts']))} pixels), code 32, summed "
            "squared error per image:", "",
            "| model | " + " | ".join(f"{p} px" for p in r0["shifts"]) + " | growth |",
            "|---|" + "---|" * (len(r0["shifts"]) + 1)]
    for b in backends:
        r = results[b]["conv"]
        for name, label in (("cae32", "convolutional"), ("dense32", "dense")):
            v = r["shifted"][name]
            cells = " | ".join(f"{x:.2f}" for x in v)
            out.append(f"| {label}, {NAMES.get(b, b)} | {cells} | {v[-1] / v[0]:.2f}x |")
    out += ["", "Denoising (test PSNR in dB / SSIM; the classical filters tuned on held-out training images; the "
            f"convolutional denoiser {CONV_RECIPES['cdae']}, for masking noise with "
            f"{CONV_RECIPES['cdae_masking'].epochs} epochs; the dense one is notebook 04's {RECIPES['dae'].sizes()}):",
            ""]
    kinds = list(r0["denoising"])
    out += ["| method | " + " | ".join(f"{k} {r0['noise'][k]}" for k in kinds) + " |", "|---|" + "---|" * len(kinds)]
    for b in backends:
        r = results[b]["conv"]
        for name in r["denoising"][kinds[0]]:
            if name in ("noisy input", "median filter", "Gaussian blur", "PCA projection") and b != backends[0]:
                continue
            label = name if name in ("noisy input", "median filter", "Gaussian blur", "PCA projection") \
                else f"{name}, {NAMES.get(b, b)}"
            out.append(f"| {label} | " + " | ".join(
                f"{r['denoising'][k][name]['psnr']:.2f} / {r['denoising'][k][name]['ssim']:.3f}" for k in kinds) + " |")
    if r0["mode"] == "full":
        p = r0["denoising"]["gaussian"]["conv denoiser"]["psnr"]
        verdict = "met" if p >= r0["target_psnr_db"] else "missed"
        out += ["", f"Target of the lecture (full mode): at least {r0['target_psnr_db']:g} dB at Gaussian σ = 0.5: "
                f"{verdict} ({p:.2f} dB, {NAMES.get(backends[0], backends[0])})."]
    out += ["", f"Codes as features: logistic regression fitted on {r0['n_probe']:,} training images, test "
            "accuracy:", "",
            "| features | " + " | ".join(NAMES.get(b, b) for b in backends) + " |", "|---|" + "---|" * len(backends)]
    for name, label in (("raw", "raw pixels (784)"), ("dense32", "dense code (32)"),
                        ("cae32", "convolutional code (32)")):
        cells = " | ".join(f"{100 * results[b]['conv']['probe'][name]:.2f} %" for b in backends)
        out.append(f"| {label} | {cells} |")
    out += ["", "Training cost:", "", "| model | backend | weights | epochs | seconds per epoch | training time |",
            "|---|---|---|---|---|---|"]
    for b in backends:
        for c in results[b]["conv"]["costs"]:
            out.append(f"| {c['model']} | {NAMES.get(b, b)} | {c['weights']:,} | {c['epochs']} | "
                       f"{c['seconds_per_epoch']:.2f} s | {c['train_seconds']:.0f} s |")
    return out + [""]
