"""Notebook 08's recipe (``map2``) re-chosen on held-out training images, never on the test digits:
``python -m benchmarks.map_selection [--quick] [--out FILE]``.

The recipe's settings were first found in trial runs scored on the test digits (notebook 08 says so). This
script repeats the choice the clean way. The 60,000 MNIST training images are split: the first 50,000 fit each
candidate map (the neighbour graph is built on them alone), the last 10,000 are the held-out validation images,
placed by the trained encoder and scored by 5-NN accuracy with the classifier fitted on the 50,000 fitting
codes (the notebook's protocol, with validation images in place of test images). The test images are not
loaded.

The candidates differ from the recipe in one setting each, all trained on the same number of edges
(``EPOCHS`` x ``STEPS`` batches of 512, a third of the recipe's run of 10 epochs at the time, the same cosine
schedule, seed 0):

- ``recipe``: the map loss of :func:`utils.neighbours.neighbour_loss` (InfoNCE with t-SNE's kernel), Adam 3e-3;
- ``umap_loss``: UMAP's cross-entropy instead (:func:`umap_loss`, negative pairs from the batch);
- ``lr_1e-3``: the recipe with Adam 1e-3;
- ``batch_256``: batches of 256 edges, twice the steps;
- ``batch_1024``: batches of 1,024 edges, half the steps (each code repelled by 2,047 others instead of 1,023);
- ``lr_6e-3``: Adam 6e-3;
- ``heavy_tail``: the kernel 1 / (1 + d²/α)^α with α = 0.5 (:func:`tail_loss`; heavier tails than t-SNE's α = 1,
  which separate clusters further in Kobak et al. 2019, "Heavy-tailed kernels reveal a finer cluster structure in
  t-SNE visualisations");
- ``warm_start``: the map trained from notebook 02's autoencoder (recipe ``ae2``, trained on the same 50,000 fitting
  images with the candidate's seed, train-or-load) instead of fresh weights: its encoder and decoder.

The last four were added later (the levers issue 26 named: a start from 02's encoder, the number of negatives;
and the kernel's tail, a higher learning rate), after the first four had been run (their seed-0 rows are reused
with ``--reuse``) and after trial runs of ``lr_6e-3``, ``heavy_tail`` and ``warm_start`` on these same validation
images, seed 0 (the same numbers as their rows here).

The rule, fixed before the first runs: every candidate is trained with seed 0; the recipe and the best other
candidate by validation 5-NN accuracy are trained again with seeds 1 .. ``--seeds`` - 1 (the first run took the
two best, which included the recipe; the recipe now always stays, since a pair without it would decide
nothing); the recipe is kept unless the other one's mean beats it by more than the larger of the two standard
deviations over seeds (ddof = 1).

Writes a markdown table (and the results as JSON beside it) to ``--out`` (default
``benchmarks/map_selection.md``). ``--reuse`` takes the seed-0 rows from the JSON of an earlier run with the same
settings instead of training them again. ``--quick`` runs a few minutes on small subsets to check the script,
not to choose anything.

``--length`` asks a second question the same way, at the recipe's full length (written to
``benchmarks/map_length.md``): does training longer than the recipe's ``LENGTHS[0]`` epochs give a better map
on the validation images? The recipe and a run of ``LENGTHS[1]`` epochs (the same batches, steps per epoch and
schedule) are each trained with seeds 0 .. ``--seeds`` - 1; the rule, fixed before the runs, is the one above:
the longer run replaces the recipe's epochs only if its mean 5-NN accuracy beats the recipe's by more than the
larger standard deviation over seeds. Its last run did (the recipe has trained 15 epochs since); the rows keep
their names, ``recipe`` for the ``LENGTHS[0]`` epochs the recipe had when the question was asked.

``--weights`` measures, not chooses (written to ``benchmarks/map_weights.md``): notebook 08's optional sweep
(its weights of the reconstruction term and its shorter run, :data:`utils.experiments.EXPERIMENTS` ``"08"``),
each weight trained with seeds 0 .. ``--seeds`` - 1 and scored on the validation images as above. Two weights'
maps are called different only when :func:`utils.stats.runs_differ` says their 5-NN accuracies over seeds differ;
the notebook, which trains each weight once, cites this verdict.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import utils.backend  # noqa: F401  (first: imports Keras with TensorFlow's start-up log hidden)
import keras
import numpy as np
from keras import ops

from utils.baselines import knn_accuracy
from utils.config import Mode
from utils.data import load_mnist
from utils.metrics import sse_per_image
from utils.models import predict
from utils.neighbours import neighbour_graph
from utils.recipes import RECIPES

from .tasks import machine

N_FIT, N_VALIDATION = 50_000, 10_000  # full mode: the training images split in two
EPOCHS, STEPS = 3, 300  # full mode: each candidate's run (the recipe had 10 epochs of 300 batches then)
QUICK = {"n_fit": 3000, "n_validation": 1000, "epochs": 2, "steps": 30, "ae_full": False}
LENGTHS = (10, 15)  # --length: the recipe's epochs when it was asked, and the longer run's (the recipe's since)
QUICK_LENGTH = {"n_fit": 3000, "n_validation": 1000, "lengths": (2, 3), "steps": 30}
NEGATIVES = 5  # UMAP's default number of negative samples per edge end


def umap_loss(_: Any, pair: Any) -> Any:
    """UMAP's cross-entropy on a batch of edges (``pair``: each edge's two codes side by side): -log q on each edge,
    -log(1 - q) on every other pair of the batch's codes, weighted to ``NEGATIVES`` negatives per code;
    q = 1 / (1 + a d^(2b)) with a, b fitted by umap-learn for its defaults (spread 1, min_dist 0.1)."""
    from umap.umap_ import find_ab_params  # here: a slow import that only this loss needs

    a, b = (float(v) for v in find_ab_params(1.0, 0.1))
    dim = ops.shape(pair)[1] // 2
    codes = ops.concatenate([pair[:, :dim], pair[:, dim:]], axis=0)
    n = ops.shape(codes)[0]

    def q(d2: Any) -> Any:
        return 1 / (1 + a * ops.power(d2 + 1e-3, b))  # + 1e-3: d^(2b) has an infinite slope at 0 (b < 1)

    d2_edge = ops.sum((pair[:, :dim] - pair[:, dim:]) ** 2, axis=1)
    d2 = ops.sum((codes[:, None, :] - codes[None, :, :]) ** 2, axis=-1)
    others = 1 - ops.eye(n)
    attraction = ops.mean(-ops.log(q(d2_edge) + 1e-4))
    repulsion = ops.sum(-ops.log(1 - q(d2) + 1e-4) * others) / ops.cast(n * (n - 1), "float32")
    return attraction + 2 * NEGATIVES * repulsion


def tail_loss(alpha: float) -> Any:
    """The recipe's map loss (:func:`utils.neighbours.neighbour_loss`) with the kernel 1 / (1 + d²/alpha)^alpha
    (alpha = 1: t-SNE's, the recipe's; smaller: heavier tails)."""
    alpha = float(alpha)
    if not alpha > 0:
        raise ValueError(f"alpha must be positive, got {alpha!r}")

    def loss(_: Any, pair: Any) -> Any:
        dim = ops.shape(pair)[1] // 2
        codes = ops.concatenate([pair[:, :dim], pair[:, dim:]], axis=0)
        n = ops.shape(codes)[0]
        d2 = ops.sum((codes[:, None, :] - codes[None, :, :]) ** 2, axis=-1)
        log_sim = -alpha * ops.log1p(d2 / alpha) - 1e9 * ops.eye(n)
        partner = ops.concatenate([ops.arange(n // 2) + n // 2, ops.arange(n // 2)], axis=0)
        attraction = -ops.take_along_axis(log_sim, partner[:, None], axis=1)[:, 0]
        return ops.mean(attraction + ops.logsumexp(log_sim, axis=1))

    return loss


@dataclass(frozen=True)
class Candidate:
    """One setting changed from the recipe ``map2``."""

    name: str
    what: str
    learning_rate: float = 3e-3
    batch_size: int = 512
    loss: str = "recipe"  # "recipe" (utils.neighbours.neighbour_loss), "umap" (umap_loss) or "tail" (tail_loss)
    reconstruction_weight: float | None = None  # None: the recipe's
    tail: float = 1.0  # alpha of the kernel 1 / (1 + d²/alpha)^alpha; 1: t-SNE's (the recipe's loss)
    warm_start: bool = False  # start from notebook 02's autoencoder (ae2) trained on the fitting images


CANDIDATES = (Candidate("recipe", "the recipe: InfoNCE with t-SNE's kernel, Adam 3e-3, batches of 512"),
              Candidate("umap_loss", "UMAP's cross-entropy instead of InfoNCE", loss="umap"),
              Candidate("lr_1e-3", "Adam 1e-3 instead of 3e-3", learning_rate=1e-3),
              Candidate("batch_256", "batches of 256 edges, twice the steps", batch_size=256),
              Candidate("batch_1024", "batches of 1,024 edges (more negatives), half the steps", batch_size=1024),
              Candidate("lr_6e-3", "Adam 6e-3 instead of 3e-3", learning_rate=6e-3),
              Candidate("heavy_tail", "kernel 1 / (1 + d²/α)^α with α = 0.5 (t-SNE: α = 1)", loss="tail",
                        tail=0.5),
              Candidate("warm_start", "starts from 02's autoencoder (ae2) trained on the fitting images",
                        warm_start=True))


def compared(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The two seed-0 rows trained again with more seeds: the recipe's and the other candidates' best by 5-NN."""
    first = [r for r in rows if r.get("seed", 0) == 0]
    others = sorted((r for r in first if r["name"] != "recipe"), key=lambda r: -r["knn5"])
    return [r for r in first if r["name"] == "recipe"][:1] + others[:1]


def run(n_fit: int = N_FIT, n_validation: int = N_VALIDATION, epochs: int = EPOCHS, steps: int = STEPS,
        candidates: tuple[Candidate, ...] = CANDIDATES, seeds: int = 3, reuse: dict[str, Any] | None = None,
        ae_full: bool = True) -> dict[str, Any]:
    """Train every candidate with seed 0 on the first ``n_fit`` training images' graph and score it on the next
    ``n_validation`` training images, then the recipe and the best other candidate (:func:`compared`) again with
    seeds 1 .. ``seeds`` - 1; returns the settings
    and one row per run. ``reuse``: an earlier result whose seed-0 rows are taken when its settings match.
    ``ae_full``: see :func:`_train_and_score` (``warm_start``)."""
    recipe = RECIPES["map2"]
    x_fit, y_fit, x_val, y_val, graph = _split(n_fit, n_validation, recipe.n_neighbors)
    same = {"n_fit": n_fit, "n_validation": n_validation, "epochs": epochs, "steps": steps,
            "backend": keras.backend.backend()}
    rows = []
    if reuse is not None and all(reuse.get(k) == v for k, v in same.items()):
        rows = [{**r, "seed": 0} for r in reuse["rows"]
                if r.get("seed", 0) == 0 and r["name"] in {c.name for c in candidates}]
    done = {r["name"] for r in rows}
    for c in candidates:
        if c.name not in done:
            rows.append(_train_and_score(c, recipe, x_fit, y_fit, x_val, y_val, graph, epochs, steps, 0, ae_full))
    top = compared(rows)
    by_name = {c.name: c for c in candidates}
    for seed in range(1, seeds):
        for r in top:
            rows.append(_train_and_score(by_name[r["name"]], recipe, x_fit, y_fit, x_val, y_val, graph, epochs,
                                         steps, seed, ae_full))
    return {**same, "seeds": seeds, "top": [r["name"] for r in top],
            "machine": machine(), "graph_seconds": graph.seconds, "rows": rows}


def run_length(n_fit: int = N_FIT, n_validation: int = N_VALIDATION, lengths: tuple[int, int] = LENGTHS,
               steps: int = RECIPES["map2"].steps, seeds: int = 3) -> dict[str, Any]:
    """The ``--length`` question: the recipe trained for ``lengths[0]`` and for ``lengths[1]`` epochs of ``steps``
    batches, each with seeds 0 .. ``seeds`` - 1, scored like :func:`run`'s candidates; rows named ``recipe`` and
    ``longer`` so that :func:`decision` applies the same rule."""
    if len(lengths) != 2 or not 0 < lengths[0] < lengths[1]:
        raise ValueError(f"lengths must be two epoch counts, the recipe's and a larger one, got {lengths!r}")
    recipe = RECIPES["map2"]
    x_fit, y_fit, x_val, y_val, graph = _split(n_fit, n_validation, recipe.n_neighbors)
    runs = (Candidate("recipe", f"{lengths[0]} epochs (the recipe when asked)"),
            Candidate("longer", f"{lengths[1]} epochs"))
    rows = [{**_train_and_score(c, recipe, x_fit, y_fit, x_val, y_val, graph, epochs, steps, seed), "epochs": epochs}
            for seed in range(seeds) for c, epochs in zip(runs, lengths)]
    return {"n_fit": n_fit, "n_validation": n_validation, "lengths": list(lengths), "steps": steps, "seeds": seeds,
            "backend": keras.backend.backend(), "top": ["longer", "recipe"], "machine": machine(),
            "graph_seconds": graph.seconds, "rows": rows}


def run_weights(n_fit: int = N_FIT, n_validation: int = N_VALIDATION, quick: bool = False, seeds: int = 3,
                steps: int | None = None) -> dict[str, Any]:
    """The ``--weights`` measurement: notebook 08's sweep (its weights and epochs for the mode, ``quick`` picks
    the quick ones) with seeds 0 .. ``seeds`` - 1, scored like :func:`run`'s candidates; one row per run,
    named ``weight_<w>`` (Keras scope names take no spaces). ``steps``: batches per epoch (default the recipe's)."""
    from utils.experiments import EXPERIMENTS

    recipe, settings = RECIPES["map2"], EXPERIMENTS["08"]
    mode = Mode("quick" if quick else "full")
    weights, epochs = mode.pick(*settings.sweep_weights), mode.pick(*settings.sweep_epochs)
    x_fit, y_fit, x_val, y_val, graph = _split(n_fit, n_validation, recipe.n_neighbors)
    runs = [Candidate(f"weight_{w:g}", f"map loss + {w:g} x cross-entropy", reconstruction_weight=w)
            for w in weights]
    rows = [_train_and_score(c, recipe, x_fit, y_fit, x_val, y_val, graph, epochs, steps or recipe.steps, seed)
            for seed in range(seeds) for c in runs]
    return {"n_fit": n_fit, "n_validation": n_validation, "weights": list(weights), "epochs": epochs,
            "steps": steps or recipe.steps, "seeds": seeds, "backend": keras.backend.backend(),
            "machine": machine(), "graph_seconds": graph.seconds, "rows": rows}


def weights_verdict(result: dict[str, Any]) -> list[str]:
    """For each pair of weights: whether their 5-NN accuracies over seeds differ (:func:`utils.stats.runs_differ`)."""
    from utils.stats import runs_differ

    scores = {w: [r["knn5"] for r in result["rows"] if r["name"] == f"weight_{w:g}"] for w in result["weights"]}
    if min(len(v) for v in scores.values()) < 2:
        return ["not decided: fewer than two seeds per weight"]
    errors = {w: [r["sse"] for r in result["rows"] if r["name"] == f"weight_{w:g}"] for w in result["weights"] if w}
    lines = []
    for what, values, unit in (("5-NN accuracy", scores, "%"), ("error per image", errors, "")):
        for i, a in enumerate(list(values)):
            for b in list(values)[i + 1:]:
                gap = float(np.mean(values[a]) - np.mean(values[b]))
                word = "differ" if runs_differ(values[a], values[b]) else "no measurable difference"
                lines.append(f"{what}, weight {a:g} against {b:g}: means "
                             f"{f'{gap:+.2%}' if unit else f'{gap:+.2f}'} apart, {word}")
    return lines


def render_weights(result: dict[str, Any]) -> str:
    """The markdown report of :func:`run_weights`'s result."""
    lines = ["# Notebook 08's optional sweep: the weight of the reconstruction term, over seeds", "",
             "Written by `python -m benchmarks.map_selection --weights` (see its docstring). The sweep's maps (each "
             f"weight trained {result['epochs']} epochs of {result['steps']} batches) fitted on the first "
             f"{result['n_fit']:,} MNIST training images (their neighbour graph) and scored on the next "
             f"{result['n_validation']:,}, never on test digits; {result['backend']} backend, "
             f"{result['machine']['cpu']} ({result['machine']['cpus']} cores).", "",
             "| weight | 5-NN per seed | mean | standard deviation | 1-NN mean | error per image, per seed | "
             "seconds per run |", "|---|---|---|---|---|---|---|"]
    for w in result["weights"]:
        rows = [r for r in result["rows"] if r["name"] == f"weight_{w:g}"]
        v = [r["knn5"] for r in rows]
        sd = f"{np.std(v, ddof=1):.2%}" if len(v) > 1 else "-"
        errors = ", ".join(f"{r['sse']:.2f}" for r in rows) if w else "– (no decoder trained)"
        knn1, seconds = np.mean([r["knn1"] for r in rows]), np.mean([r["seconds"] for r in rows])
        lines.append(f"| {w:g} | {', '.join(f'{x:.2%}' for x in v)} | {np.mean(v):.2%} | {sd} | {knn1:.2%} | "
                     f"{errors} | {seconds:.0f} |")
    lines += ["", "Differences by `utils.stats.runs_differ` (ranges apart and means more than twice the larger "
              "standard deviation apart):", ""]
    return "\n".join(lines + [f"- {line}" for line in weights_verdict(result)] + [""])


def _split(n_fit: int, n_validation: int, n_neighbors: int) -> tuple[Any, Any, Any, Any, Any]:
    """The first ``n_fit`` training images and labels, the next ``n_validation``, and the fitting images'
    neighbour graph (the configured cache: computed once). The test images are not used."""
    if n_fit + n_validation > 60_000:
        raise ValueError(f"n_fit + n_validation must be at most 60,000 training images, got {n_fit + n_validation}")
    data = load_mnist(flatten=True, n_test=1)  # one test image is loaded: the API needs a count
    x, y = data.x_train, data.y_train
    x_fit, y_fit = x[:n_fit], y[:n_fit]
    x_val, y_val = x[n_fit:n_fit + n_validation], y[n_fit:n_fit + n_validation]
    return x_fit, y_fit, x_val, y_val, neighbour_graph(x_fit, n_neighbors)


def _train_and_score(c: Candidate, recipe: Any, x_fit: Any, y_fit: Any, x_val: Any, y_val: Any, graph: Any,
                     epochs: int, steps: int, seed: int, ae_full: bool = True) -> dict[str, Any]:
    """One candidate trained with ``seed`` and scored on the validation images. ``ae_full``: a warm start's
    autoencoder trained with ``ae2``'s full-mode epochs (False: its quick mode's, for ``--quick``)."""
    keras.utils.set_random_seed(seed)
    ae = recipe.build(f"select_{c.name}")
    base_steps = steps * recipe.batch_size // c.batch_size  # the same number of edges for every candidate
    weight = recipe.reconstruction_weight if c.reconstruction_weight is None else c.reconstruction_weight
    changed = replace(recipe, learning_rate=c.learning_rate, batch_size=c.batch_size, steps=base_steps,
                      reconstruction_weight=weight)
    loss = {"umap": {"map_loss": umap_loss}, "tail": {"map_loss": tail_loss(c.tail)}}.get(c.loss, {})
    if c.warm_start:  # notebook 02's autoencoder on the same images and seed; its weights fit the map's layers
        ae2_recipe = RECIPES["ae2"]
        keras.utils.set_random_seed(seed)
        ae2 = ae2_recipe.build("select_ae2")
        ae2_recipe.train(ae2, x_fit, x_fit, Mode("full") if ae_full else Mode("quick"), seed=seed,
                         label=f"select ae2, seed {seed}", print_every=20)
        ae.autoencoder.set_weights(ae2.autoencoder.get_weights())
    result = changed.train(ae, x_fit, graph, Mode("full"), epochs=epochs, seed=seed, label=f"select {c.name}",
                           cache=False, **loss)
    codes_fit, codes_val = predict(ae.encoder, x_fit, batch_size=2048), predict(ae.encoder, x_val, batch_size=2048)
    row = {"name": c.name, "what": c.what, "seed": seed,
           "knn1": knn_accuracy(codes_fit, y_fit, codes_val, y_val, 1),
           "knn5": knn_accuracy(codes_fit, y_fit, codes_val, y_val, 5), "seconds": result.seconds,
           "sse": sse_per_image(x_val, predict(ae.autoencoder, x_val, batch_size=2048)),
           "steps": base_steps * epochs, "batch_size": c.batch_size}
    print(f"{c.name}, seed {seed}: 5-NN {row['knn5']:.2%} on validation, {result.seconds:.0f} s", flush=True)
    return row


def decision(result: dict[str, Any]) -> tuple[dict[str, list[float]], str]:
    """The 5-NN accuracies over seeds of the two candidates trained with every seed (``result["top"]``: the recipe
    and the best other one), and the rule's verdict (see the docstring)."""
    scores = {name: [r["knn5"] for r in result["rows"] if r["name"] == name] for name in result["top"]}
    if "recipe" not in scores or len(scores) < 2 or min(len(v) for v in scores.values()) < 2:
        return scores, "not decided: the recipe is not among the two compared, or fewer than two seeds each"
    other = next(n for n in scores if n != "recipe")
    gap = float(np.mean(scores[other]) - np.mean(scores["recipe"]))
    margin = max(float(np.std(v, ddof=1)) for v in scores.values())
    if gap > margin:
        return scores, f"change the recipe to {other}: its mean is {gap:.2%} higher, more than the spread {margin:.2%}"
    return scores, (f"keep the recipe: {other}'s mean is {gap:+.2%} from the recipe's, within the larger "
                    f"standard deviation over seeds, {margin:.2%}")


def render(result: dict[str, Any]) -> str:
    """The markdown report of :func:`run`'s result."""
    first = [r for r in result["rows"] if r["seed"] == 0]
    lines = ["# Notebook 08's recipe chosen on held-out training images", "",
             "Written by `python -m benchmarks.map_selection` (see its docstring). Each candidate map was fitted on "
             f"the first {result['n_fit']:,} MNIST training images (their {RECIPES['map2'].n_neighbors}-neighbour "
             f"graph) and scored on the next {result['n_validation']:,} training images, never on test digits: "
             "k-NN classifiers fitted on the fitting codes, accuracy on the validation codes. Every candidate "
             f"trained on the same number of edges, {result['backend']} backend, {result['machine']['cpu']} "
             f"({result['machine']['cpus']} cores).", "",
             "Seed 0, every candidate:", "",
             "| candidate | what changes | steps x batch | 1-NN | 5-NN | seconds |", "|---|---|---|---|---|---|"]
    for r in first:
        lines.append(f"| {r['name']} | {r['what']} | {r['steps']} x {r['batch_size']} | {r['knn1']:.2%} | "
                     f"{r['knn5']:.2%} | {r['seconds']:.0f} |")
    scores, verdict = decision(result)
    lines += ["", f"The recipe and the best other candidate, over seeds 0 .. {result['seeds'] - 1} (5-NN on the "
              "validation images; standard deviation with ddof = 1):", "",
              "| candidate | 5-NN per seed | mean | standard deviation |",
              "|---|---|---|---|"]
    for name, v in scores.items():
        sd = f"{np.std(v, ddof=1):.2%}" if len(v) > 1 else "-"
        lines.append(f"| {name} | {', '.join(f'{x:.2%}' for x in v)} | {np.mean(v):.2%} | {sd} |")
    return "\n".join(lines + ["", f"Verdict by the rule of the docstring: **{verdict}**.", ""])


def render_length(result: dict[str, Any]) -> str:
    """The markdown report of :func:`run_length`'s result."""
    scores, verdict = decision(result)
    lines = ["# Notebook 08's recipe: how long to train, chosen on held-out training images", "",
             "Written by `python -m benchmarks.map_selection --length` (see its docstring). The recipe's map fitted "
             f"on the first {result['n_fit']:,} MNIST training images (their neighbour graph) and scored on the next "
             f"{result['n_validation']:,}, never on test digits, trained for {result['lengths'][0]} and for "
             f"{result['lengths'][1]} epochs of {result['steps']} batches; {result['backend']} backend, "
             f"{result['machine']['cpu']} ({result['machine']['cpus']} cores).", "",
             "| run | 5-NN per seed | mean | standard deviation | 1-NN mean | seconds per run |",
             "|---|---|---|---|---|---|"]
    for name in ("recipe", "longer"):
        rows = [r for r in result["rows"] if r["name"] == name]
        v = scores.get(name, [r["knn5"] for r in rows])
        sd = f"{np.std(v, ddof=1):.2%}" if len(v) > 1 else "-"
        lines.append(f"| {rows[0]['what']} | {', '.join(f'{x:.2%}' for x in v)} | {np.mean(v):.2%} | {sd} | "
                     f"{np.mean([r['knn1'] for r in rows]):.2%} | {np.mean([r['seconds'] for r in rows]):.0f} |")
    longer = f"{result['lengths'][1]} epochs"
    verdict = verdict.replace("change the recipe to longer", f"train {longer}").replace("longer's", f"{longer}'")
    return "\n".join(lines + ["", f"Verdict by the rule of the docstring: **{verdict}**.", ""])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small subsets and short runs: checks the script only")
    parser.add_argument("--out", type=Path, help="the report (default: benchmarks/map_selection.md, with --length "
                        "benchmarks/map_length.md); the results as JSON beside it")
    parser.add_argument("--seeds", type=int, default=3, help="seeds of the recipe and the best "
                        "other candidate (default 3)")
    parser.add_argument("--reuse", type=Path, help="an earlier run's JSON: its seed-0 rows are not trained again")
    parser.add_argument("--length", action="store_true", help="the second question: the recipe's epochs or more")
    parser.add_argument("--weights", action="store_true", help="measure notebook 08's sweep of reconstruction "
                        "weights over seeds")
    args = parser.parse_args(argv)
    if args.seeds < 1:
        parser.error("--seeds must be at least 1")
    if args.length and args.weights:
        parser.error("--length and --weights are two runs: give one of them")
    if (args.length or args.weights) and args.reuse:
        parser.error("--reuse applies to the candidates' run, not to --length or --weights")
    reuse = json.loads(args.reuse.read_text()) if args.reuse else None
    start = time.perf_counter()
    if args.length:
        out = args.out or Path(__file__).with_name("map_length.md")
        result = run_length(**QUICK_LENGTH, seeds=args.seeds) if args.quick else run_length(seeds=args.seeds)
        result["total_seconds"] = time.perf_counter() - start
        out.write_text(render_length(result))
        out.with_suffix(".json").write_text(json.dumps(result, indent=1) + "\n")
        print(f"wrote {out} ({result['total_seconds']:.0f} s)")
        return
    if args.weights:
        out = args.out or Path(__file__).with_name("map_weights.md")
        quick = {"n_fit": QUICK["n_fit"], "n_validation": QUICK["n_validation"], "steps": QUICK["steps"]}
        result = run_weights(**quick, quick=True, seeds=args.seeds) if args.quick else run_weights(seeds=args.seeds)
        result["total_seconds"] = time.perf_counter() - start
        out.write_text(render_weights(result))
        out.with_suffix(".json").write_text(json.dumps(result, indent=1) + "\n")
        print(f"wrote {out} ({result['total_seconds']:.0f} s)")
        return
    out = args.out or Path(__file__).with_name("map_selection.md")
    result = run(**QUICK, seeds=args.seeds, reuse=reuse) if args.quick else run(seeds=args.seeds, reuse=reuse)
    result["total_seconds"] = time.perf_counter() - start
    out.write_text(render(result))
    out.with_suffix(".json").write_text(json.dumps(result, indent=1) + "\n")
    print(f"wrote {out} ({result['total_seconds']:.0f} s)")


if __name__ == "__main__":
    main()
