"""Turn benchmark results into ``BENCHMARKS.md`` and check the relations the lectures teach."""

from __future__ import annotations

from typing import Any

import numpy as np

from utils.published import PUBLISHED
from utils.recipes import RECIPES

from .anomaly import RELATIONS as ANOMALY_RELATIONS, check as check_anomaly, render_section as render_anomaly
from .common import display, pct, ran, table, task_results
from .conv import RELATIONS as CONV_RELATIONS, check as check_conv, render_section as render_conv
from .maps import HEADING as MAP_HEADING, RELATIONS as MAP_RELATIONS, check as check_map, render_section as render_map
from .vae import RELATIONS as VAE_RELATIONS, check as check_vae, render_section as render_vae

# Published anchors: utils/published.py, PUBLISHED (the notebooks print the same ones).
SAINBURG = "Sainburg, McInnes & Gentner (2021), table 1"
HINTON = "Hinton & Salakhutdinov (2006), Science 313:504"
LR_RAW = PUBLISHED["lr_raw_pixels"].source


def _published_pair(name: str) -> str:
    """A published pair of percentages, ``PUBLISHED[name]`` (1-NN and 5-NN accuracy): ``"76.5 / 79.3 %"``."""
    a, b = PUBLISHED[name].value
    return f"{a:.1f} / {b:.1f} %"


def _mean_sd(values: list[float]) -> str:
    """Mean ± standard deviation (ddof = 1) of accuracies, in percent."""
    sd = np.std(values, ddof=1) if len(values) > 1 else float("nan")
    return f"{100 * np.mean(values):.2f} ± {100 * sd:.1f} %"


def check_relations(results: dict[str, dict[str, Any]]) -> list[str]:
    """The lectures' claims, checked on these results; returns what does not hold (empty: all hold)."""
    problems = []
    first = next(iter(results))
    for backend, res in results.items():
        b = display(backend)
        if "ae2" in res:
            ae, pca = res["ae2"]["ae"], res["ae2"]["pca"]
            for k in ("knn1", "knn5"):
                if not ae[k] > pca[k]:
                    problems.append(f"{b}: 2-D autoencoder {k} {pct(ae[k])} is not above PCA-2's {pct(pca[k])}")
            if not ae["sse"] < pca["sse"]:
                problems.append(f"{b}: 2-D autoencoder error {ae['sse']:.2f} is not below PCA-2's {pca['sse']:.2f}")
        if "ae30" in res and not res["ae30"]["ae"]["sse"] < res["ae30"]["pca"]["sse"]:
            problems.append(f"{b}: 30-D autoencoder error {res['ae30']['ae']['sse']:.2f} is not below "
                            f"PCA-30's {res['ae30']['pca']['sse']:.2f}")
        if "features" in res:
            f = res["features"]
            ae, pca = f["all_labels"]["ae"], f["all_labels"]["pca"]
            if not abs(ae - pca) < 0.02:  # notebook 03's claim: as good as PCA of the same size, within 2 points
                problems.append(f"{b}: LR on the 32-number code {pct(ae)} is not within 2 points of PCA-32's "
                                f"{pct(pca)}")
            few = f["few_labels"]  # notebook 03: from 1,000 labels on, training the network beats every probe
            best_probe = max(np.mean(few[k]["1000"]) for k in ("raw", "pca", "ae"))
            for m in ("finetuned", "random"):
                if not np.mean(few[m]["1000"]) > best_probe:
                    problems.append(f"{b}: with 1,000 labels, the {m} network {pct(np.mean(few[m]['1000']))} is not "
                                    f"above the best linear probe {pct(best_probe)}")
        if "dae" in res:
            rows = res["dae"]["rows"]
            ours = rows["denoising autoencoder"]["psnr"]
            for name, row in rows.items():
                if name != "denoising autoencoder" and not ours > row["psnr"]:
                    problems.append(f"{b}: denoiser {ours:.2f} dB is not above {name} {row['psnr']:.2f} dB")
    if "tsne" in results[first]:
        t = results[first]["tsne"]["tsne"]
        pca = results[first]["ae2"]["pca"]
        if not t["knn5"] > pca["knn5"]:
            problems.append("t-SNE's 5-NN accuracy is not above PCA-2's")
    return problems + check_conv(results) + check_anomaly(results) + check_vae(results) + check_map(results)


def render(results: dict[str, dict[str, Any]], throughput: str | None, mode: str, total_seconds: float,
           problems: list[str]) -> str:
    """The markdown report: one section per notebook (05-07 when their task ran; 08 always, "not yet run" when its
    task did not run), the training cost, the
    training throughput (``throughput``, :func:`benchmarks.throughput.render`, when measured) and the
    relations checked (``problems``: :func:`check_relations`)."""
    out = render_header(mode, total_seconds)
    for section in (render_2d_codes, render_30d_codes, render_features, render_denoising,  # notebooks 02-04
                    render_conv, render_anomaly, render_vae,  # notebooks 05, 07, 06: when their task ran
                    render_map,  # notebook 08: its results, or "not yet run"
                    render_cost):
        out += section(results)
    if throughput:
        out += [throughput, ""]
    out += render_relations(results, problems)
    return "\n".join(out) + "\n"


def render_header(mode: str, total_seconds: float) -> list[str]:
    """The report's title and how it was made; in quick mode, a warning that its numbers are not results."""
    out = [
        "# Benchmarks: the collection's headline numbers",
        "",
        "Generated by `python -m benchmarks` (see README, *Benchmarks*); do not edit by hand. Every model is "
        "built and trained from `utils/recipes.py`, the configurations the notebooks use, with the notebooks' "
        "seed, data and noise draws, in a fresh process with the train-or-load cache off. All numbers are on "
        f"the MNIST test set; {mode} mode; {total_seconds / 60:.1f} min in all.",
        "",
    ]
    if mode != "full":
        out += ["**Quick mode: small subsets and few epochs. These numbers only check relations; they are not "
                "the collection's results.**", ""]
    return out


def render_2d_codes(results: dict[str, dict[str, Any]]) -> list[str]:
    """Notebook 02's 2-D codes: k-NN accuracy and reconstruction error of PCA-2, the autoencoders and t-SNE."""
    first = results[next(iter(results))]
    pca = first["ae2"]["pca"]
    rows = [["PCA, 2 components", pct(pca["knn1"]), pct(pca["knn5"]), f"{pca['sse']:.2f}",
             _published_pair("knn_2d_pca")]]
    for b, r in task_results(results, "ae2"):
        rows.append([f"autoencoder {RECIPES['ae2'].sizes()}, {b}", pct(r["ae"]["knn1"]), pct(r["ae"]["knn5"]),
                     f"{r['ae']['sse']:.2f}", _published_pair("knn_2d_ae")])
    if "tsne" in first:
        t = first["tsne"]["tsne"]
        rows.append([f"t-SNE ({t['subset'][0]:,} train + {t['subset'][1]:,} test images, one embedding)",
                     pct(t["knn1"]), pct(t["knn5"]), "–", _published_pair("knn_2d_tsne")])
    return (["## 2-D codes (notebook 02)", "",
             "k-NN classifiers fitted on training codes, scored on test codes; summed squared reconstruction error "
             "per test image.", ""]
            + table(["method", "1-NN", "5-NN", "error per image", "published 1-NN / 5-NN"], rows)
            + ["", f"Published: {SAINBURG} (MNIST, 2-D embeddings, same k-NN protocol).", ""])


def render_30d_codes(results: dict[str, dict[str, Any]]) -> list[str]:
    """Notebook 02's 30-D codes: reconstruction error of PCA-30 and the autoencoders, with Hinton's numbers."""
    first = results[next(iter(results))]
    rows = [["PCA, 30 components", f"{first['ae30']['pca']['sse']:.2f}", f"{PUBLISHED['sse30_pca'].value:.2f}"],
            ["logistic PCA, 30 components", "not measured", f"{PUBLISHED['sse30_logistic_pca'].value:.2f}"]]
    for b, r in task_results(results, "ae30"):
        rows.append([f"autoencoder {RECIPES['ae30'].sizes()}, {b}", f"{r['ae']['sse']:.2f}",
                     f"{PUBLISHED['sse30_ae'].value:.2f} (RBM pretraining)"])
    return (["## 30-D codes (notebook 02): Hinton & Salakhutdinov's autoencoder", ""]
            + table(["method", "summed squared error per test image", "published"], rows)
            + ["", f"Published: {HINTON}. Ours: trained end to end, {RECIPES['ae30']}.", ""])


def render_features(results: dict[str, dict[str, Any]]) -> list[str]:
    """Notebook 03's features: a linear classifier on raw pixels, PCA-32 and the code, with all labels and few."""
    first = results[next(iter(results))]["features"]
    few = first["few_labels"]
    rows = [["raw pixels (784) + LR", pct(first["all_labels"]["raw"]), *_few_labels(few["raw"])],
            ["PCA, 32 components + LR", pct(first["all_labels"]["pca"]), *_few_labels(few["pca"])]]
    for b, f in task_results(results, "features"):
        few = f["few_labels"]
        rows += [[f"autoencoder code (32) + LR, {b}", pct(f["all_labels"]["ae"]), *_few_labels(few["ae"])],
                 [f"encoder fine-tuned from the autoencoder, {b}", "–", *_few_labels(few["finetuned"])],
                 [f"same network from random weights, {b}", "–", *_few_labels(few["random"])]]
    n_seeds = len(first["few_labels"]["raw"]["100"])
    return (["## Features (notebook 03)", "",
             "Logistic regression (all 60,000 training labels, or a class-balanced subset of 100 or 1,000; mean ± sd "
             f"(ddof = 1) over n = {n_seeds} subsets), its regularisation C and whether to standardise chosen for each "
             "feature set by 3-fold cross-validation on its own labelled training images "
             "(`utils.baselines.choose_probe`); the last rows train the encoder itself "
             "(784-256-128-32 + layer normalisation + softmax) on the same few labels.", ""]
            + table(["features", "all labels", "100 labels", "1,000 labels"], rows)
            + ["", f"Published, raw pixels: {LR_RAW}.", ""])


def _few_labels(accuracies: dict[str, list[float]]) -> list[str]:
    """The cells of one feature's accuracies with 100 and 1,000 labels (mean ± sd over the subsets)."""
    return [_mean_sd(accuracies["100"]), _mean_sd(accuracies["1000"])]


def render_denoising(results: dict[str, dict[str, Any]]) -> list[str]:
    """Notebook 04's denoisers: test PSNR and SSIM of the classical filters (tuned) and the autoencoders."""
    first = results[next(iter(results))]["dae"]
    rows = [[name, row["setting"], f"{row['psnr']:.2f}", f"{row['ssim']:.3f}"]
            for name, row in first["rows"].items() if name != "denoising autoencoder"]
    for b, r in task_results(results, "dae"):
        row = r["rows"]["denoising autoencoder"]
        rows.append([f"denoising autoencoder {RECIPES['dae'].sizes()}, {b}", "–", f"{row['psnr']:.2f}",
                     f"{row['ssim']:.3f}"])
    return ([f"## Denoising (notebook 04): Gaussian noise, σ = {first['sigma']}", "",
             "Test PSNR and SSIM against the clean images. The denoiser is trained on clean images behind a noise "
             "layer that draws fresh noise for every batch (`utils.models.Corruption`). Each classical filter uses "
             "its best setting on 2,000 held-out training images (blur + threshold: (blur σ, threshold)).", ""]
            + table(["method", "setting", "PSNR dB", "SSIM"], rows)
            + ["", "No published anchor uses this exact noise on MNIST; the baselines are measured in the same run.",
               ""])


def render_cost(results: dict[str, dict[str, Any]]) -> list[str]:
    """The training cost of notebooks 02-04's models on each backend (with JAX's time relative to TensorFlow's
    when both ran) and the machines they ran on."""
    has_ratio = "tensorflow" in results and "jax" in results
    rows = []
    for task in ("ae2", "ae30", "features", "dae"):
        for b in results:
            c = results[b][task]["cost"]
            row = [c["model"], display(b), str(c["epochs"]), f"{c['seconds_per_epoch']:.2f} s",
                   f"{c['train_seconds']:.0f} s", f"{results[b][task]['peak_rss_mb']:,.0f} MB"]
            if has_ratio:
                tf = results["tensorflow"][task]["cost"]["seconds_per_epoch"]
                row.append(f"{c['seconds_per_epoch'] / tf:.2f}" if b == "jax" else "–")
            rows.append(row)
    header = ["model", "backend", "epochs", "seconds per epoch", "training time", "peak memory"]
    return (["## Training cost", "",
             "Seconds per epoch include the first epoch's compilation. Peak memory: the resident set of the process "
             "that loaded MNIST, trained the model and ran its baselines.", ""]
            + table(header + (["JAX / TF time per epoch"] if has_ratio else []), rows)
            + ["", "Machine:", ""] + _machines(results) + [""])


def _machines(results: dict[str, dict[str, Any]]) -> list[str]:
    """One line per backend: the machine and the versions its results were measured with."""
    out = []
    for b in results:
        m = results[b]["ae2"]["machine"]
        out.append(f"- {display(b)}: {m['cpu']}, {m['cpus']} CPUs; Python {m['python']}, Keras {m['keras']}, "
                   f"{m['backend']} {m['backend_version']}, NumPy {m['numpy']}")
    return out


def render_relations(results: dict[str, dict[str, Any]], problems: list[str]) -> list[str]:
    """The relations checked: what failed, or what holds (with notebooks 05-08's when their task ran)."""
    out = ["## Relations checked", ""]
    out += [f"- FAILED: {p}" for p in problems] or [
        "All hold: each autoencoder beats its baseline (k-NN accuracy and error against PCA-2, error against "
        "PCA-30, PSNR against every classical filter), the 32-number code is within 2 points of PCA-32 for a "
        "linear classifier, with 1,000 labels both trained networks are above every linear probe, t-SNE is above "
        "PCA-2."]
    if not problems:
        for task, relations in (("conv", CONV_RELATIONS), ("anomaly", ANOMALY_RELATIONS), ("vae", VAE_RELATIONS),
                                  ("map", MAP_RELATIONS)):
            if ran(results, task):
                out += ["", relations]
    return out


#: The report sections that a task renders on its own (``python -m benchmarks --tasks ...``), by heading, and
#: the heading each goes before when the report does not have it yet.
SECTIONS = {"features": ("## Features (notebook 03)", "## Denoising (notebook 04)"),
            "dae": ("## Denoising (notebook 04)", "## Convolutional autoencoders (notebook 05)"),
            "conv": ("## Convolutional autoencoders (notebook 05)", "## Anomaly detection (notebook 07)"),
            "anomaly": ("## Anomaly detection (notebook 07)", "## Training cost"),
            "vae": ("## Variational autoencoder (notebook 06)", "## Training cost"),
            "map": (MAP_HEADING, "## Training cost"),
            "throughput": ("## Training throughput", "## Relations checked")}
"""The tasks whose report section ``--tasks`` can regenerate alone: (its heading, the heading it goes before)."""


def render_sections(report: str, results: dict[str, dict[str, Any]], command: str, total_seconds: float,
                    throughput: str | None = None) -> str:
    """``report`` with the sections of the tasks in ``results`` regenerated (or inserted), each marked with
    the command and time that produced it; the rest of the report is kept as it was. ``throughput``: the
    training-throughput section (:func:`benchmarks.throughput.render`), replaced the same way.

    Raises:
        ValueError: a task has no section of its own, or the report lacks the heading to insert it before.
    """
    tasks = {t for res in results.values() for t in res} | ({"throughput"} if throughput else set())
    renderers = {"features": render_features, "dae": render_denoising, "conv": render_conv,
                 "anomaly": render_anomaly, "vae": render_vae, "map": render_map,
                 "throughput": lambda _: throughput.rstrip("\n").split("\n") + [""]}
    for task in sorted(tasks):
        if task not in SECTIONS:
            raise ValueError(f"task {task!r} has no report section of its own; run the whole benchmark")
        heading, before = SECTIONS[task]
        lines = renderers[task](results)
        lines.insert(2, f"*This section: `{command}`, {total_seconds / 60:.1f} min, regenerated after the rest "
                        "of the report.*")
        lines.insert(3, "")
        section = "\n".join(lines) + "\n"  # the sections end with an empty line: keep it before the next one
        if heading in report:
            start = report.index(heading)
            nxt = report.find("\n## ", start + len(heading))
            end = len(report) if nxt < 0 else nxt + 1
            report = report[:start] + section + report[end:]
        elif before in report:
            at = report.index(before)
            report = report[:at] + section + report[at:]
        else:
            raise ValueError(f"the report has neither {heading!r} nor {before!r}")
    return report
