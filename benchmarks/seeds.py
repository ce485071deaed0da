"""The seed spread of the headline numbers: ``python -m benchmarks --seeds N`` (see :mod:`benchmarks.__main__`).

Each task runs with seeds 0 .. N-1 (``python -m benchmarks.tasks TASK --seed S``: the seed of the initial
weights, of the data order and of every noise draw, :func:`benchmarks.common.run_seed`; seed 0 is the
notebooks' own run). The per-seed results go to a JSON file, written after every run, so a long run that stops
keeps what it measured and a second call with the same file runs only what is missing (another backend, more
tasks). From that file: per headline number its mean, standard deviation (ddof = 1) and range per backend
(:class:`utils.stats.Spread`), the TensorFlow - JAX difference beside them, and the lectures' comparisons decided
by :func:`utils.stats.runs_differ`; those the relation checks make are checked that way (:func:`check`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from utils.stats import Spread, runs_differ, spread, verdict

from .anomaly import LOO_WEAKER, NORM
from .common import display, table

HEADING = "## Seed spread"
BEFORE = "## Training cost"  # where the section goes when the report does not have it yet

#: How each kind of number is written: (scale, format, unit).
KINDS = {"accuracy": (100.0, ".2f", " %"), "error": (1.0, ".2f", ""), "psnr": (1.0, ".2f", " dB"),
         "nats": (1.0, ".2f", " nats"), "auroc": (1.0, ".3f", ""),
         "trust": (1.0, ".3f", "")}


@dataclass(frozen=True)
class Number:
    """One headline number of a task: its key (what identifies it across seeds and backends), its row in the
    table, its kind (how it is written: :data:`KINDS`)."""

    key: str
    label: str = field(compare=False)
    kind: str = field(compare=False)


def numbers(task: str, result: dict[str, Any]) -> dict[Number, float]:
    """The headline numbers of one task's result (one seed, one backend), in the order of the table; none for a
    task without any."""
    r = result
    if task == "ae2":
        return {Number(f"{m}2.{k}", f"2-D code, {what}: {name}", kind): r[m][k]
                for k, what, kind in (("knn1", "1-NN accuracy", "accuracy"), ("knn5", "5-NN accuracy", "accuracy"),
                                      ("sse", "error per image", "error"))
                for m, name in (("ae", "autoencoder"), ("pca", "PCA-2"))}
    if task == "tsne":
        return {Number("tsne.knn5", "2-D code, 5-NN accuracy: t-SNE (a subset)", "accuracy"): r["tsne"]["knn5"]}
    if task == "ae30":
        return {Number(f"{m}30.sse", f"30-D code, error per image: {name}", "error"): r[m]["sse"]
                for m, name in (("ae", "autoencoder"), ("pca", "PCA-30"))}
    if task == "features":
        return {Number(f"probe.{k}.{n}", f"linear probe, {label}: {name}", "accuracy"):
                r["all_labels"][k] if n == "all" else float(np.mean(r["few_labels"][k][n]))
                for n, label in (("100", "100 labels"), ("1000", "1,000 labels"), ("all", "all labels"))
                for k, name in (("raw", "raw pixels"), ("pca", "PCA-32"), ("ae", "autoencoder code (32)"))}
    if task == "dae":
        rows = r["rows"]
        out = {Number("dae.psnr", f"denoising σ {r['sigma']}, PSNR: dense denoiser (notebook 04)", "psnr"):
               rows["denoising autoencoder"]["psnr"]}
        out.update({Number(f"filter.{name}", f"denoising σ {r['sigma']}, PSNR: {name}", "psnr"): row["psnr"]
                    for name, row in rows.items() if name not in ("denoising autoencoder", "noisy input")})
        return out
    if task == "conv":
        g, sse = r["denoising"]["gaussian"], r["sse"]
        return {**{Number(f"{m}.sse", f"code 32, error per image: {name}", "error"): sse[m]
                   for m, name in (("cae32", "convolutional (notebook 05)"), ("dense32", "dense (notebook 05)"),
                                   ("pca32", "PCA-32"))},
                **{Number(key, f"denoising σ {r['noise']['gaussian']}, PSNR: {m} (notebook 05)", "psnr"): g[m]["psnr"]
                   for key, m in (("cdae.psnr", "conv denoiser"), ("cdense.psnr", "dense denoiser"))}}
    if task == "anomaly":
        return {Number(f"{protocol}.{method}", f"anomaly, {label}, mean AUROC: {method}", "auroc"):
                float(np.mean(list(per_digit.values())))
                for protocol, label in (("one_vs_rest", "one digit normal"), ("leave_one_out", "nine digits normal"))
                for method, per_digit in r[protocol].items()}
    if task == "vae":
        v2, v50 = r["vae2"], r["vae50"]
        return {Number("vae2.knn1", "2-D code, 1-NN accuracy: VAE (code means)", "accuracy"): v2["knn1"],
                Number("vae2.knn5", "2-D code, 5-NN accuracy: VAE (code means)", "accuracy"): v2["knn5"],
                Number("vae50.nll", f"VAE, test NLL (k = {v50['k']})", "nats"): v50["nll"],
                Number("vae50.elbo", "VAE, test -ELBO", "nats"): v50["neg_elbo"]}
    if task == "map":
        rows = r["rows"]
        return {Number(f"map.{m}.{k}", f"2-D map (notebook 08), {what}: {name}", kind): rows[m][k]
                for k, what, kind in (("knn1", "1-NN accuracy", "accuracy"), ("knn5", "5-NN accuracy", "accuracy"),
                                      ("trust", "trustworthiness", "trust"))
                for m, name in MAP_METHODS if m in rows}
    return {}


#: Notebook 08's maps in the seed-spread table: (key in the map task's rows, name).
MAP_METHODS = (("map2", "map that keeps neighbours"), ("ae2", "autoencoder"), ("pca", "PCA-2"), ("tsne", "t-SNE"),
               ("umap", "UMAP"))


@dataclass(frozen=True)
class Claim:
    """A comparison the lectures make between two headline numbers (keys ``a`` and ``b`` of :func:`numbers`).

    ``expected``: what the lecture says (``">"``: a above b, ``"<"``: below; None: it only reports both).
    ``checked``: whether the relation checks hold the benchmark to it (``"any"`` mode, ``"full"`` mode only,
    or None: reported in the section, not checked)."""

    what: str
    a: str
    a_name: str
    b: str
    b_name: str
    expected: str | None = None
    checked: str | None = None


CLAIMS = (
    Claim("5-NN accuracy of the 2-D codes", "ae2.knn5", "autoencoder", "vae2.knn5", "VAE"),
    Claim("1-NN accuracy of the 2-D codes", "ae2.knn1", "autoencoder", "pca2.knn1", "PCA-2", ">", "any"),
    Claim("5-NN accuracy of the 2-D codes", "ae2.knn5", "autoencoder", "pca2.knn5", "PCA-2", ">", "any"),
    Claim("error of the 2-D codes", "ae2.sse", "autoencoder", "pca2.sse", "PCA-2", "<", "any"),
    Claim("error of the 30-D codes", "ae30.sse", "autoencoder", "pca30.sse", "PCA-30", "<", "any"),
    Claim("linear probe with 100 labels", "probe.ae.100", "code", "probe.raw.100", "raw pixels"),
    Claim("linear probe with 100 labels", "probe.ae.100", "code", "probe.pca.100", "PCA-32"),
    Claim("linear probe with 100 labels", "probe.pca.100", "PCA-32", "probe.raw.100", "raw pixels"),
    Claim("linear probe with 1,000 labels", "probe.ae.1000", "code", "probe.raw.1000", "raw pixels"),
    Claim("denoising PSNR at σ 0.5", "dae.psnr", "dense denoiser", "filter.median filter", "median filter", ">",
          "any"),
    Claim("denoising PSNR at σ 0.5", "dae.psnr", "dense denoiser", "filter.Gaussian blur", "Gaussian blur", ">",
          "any"),
    Claim("denoising PSNR at σ 0.5", "dae.psnr", "dense denoiser", "filter.PCA projection", "PCA projection", ">",
          "any"),
    Claim("denoising PSNR at σ 0.5", "dae.psnr", "dense denoiser", "filter.blur + threshold", "blur + threshold", ">",
          "any"),
    Claim("error at code 32", "cae32.sse", "convolutional", "dense32.sse", "dense", "<"),
    Claim("error at code 32", "cae32.sse", "convolutional", "pca32.sse", "PCA-32", "<", "any"),
    Claim("denoising PSNR at σ 0.5 (notebook 05)", "cdae.psnr", "conv denoiser", "cdense.psnr", "dense denoiser", ">"),
    Claim("5-NN accuracy of the 2-D maps (notebook 08)", "map.map2.knn5", "map that keeps neighbours", "map.ae2.knn5",
          "autoencoder", ">", "any"),
    Claim("5-NN accuracy of the 2-D maps (notebook 08)", "map.map2.knn5", "map that keeps neighbours", "map.umap.knn5",
          "UMAP"),
    Claim("5-NN accuracy of the 2-D maps (notebook 08)", "map.map2.knn5", "map that keeps neighbours", "map.tsne.knn5",
          "t-SNE"),
    Claim("1-NN accuracy of the 2-D maps (notebook 08)", "map.map2.knn1", "map that keeps neighbours", "map.tsne.knn1",
          "t-SNE"),
    Claim("1-NN accuracy of the 2-D maps (notebook 08)", "map.map2.knn1", "map that keeps neighbours", "map.umap.knn1",
          "UMAP"),
    Claim("trustworthiness of the 2-D maps (notebook 08)", "map.map2.trust", "map that keeps neighbours",
          "map.ae2.trust", "autoencoder"),
    Claim("trustworthiness of the 2-D maps (notebook 08)", "map.map2.trust", "map that keeps neighbours",
          "map.tsne.trust", "t-SNE"),
)


def _anomaly_claims(keys: list[str]) -> list[Claim]:
    """Notebook 07's comparisons, with the baselines the results have (their names come from the settings)."""
    out = []
    for protocol, label in (("one_vs_rest", "one digit normal"), ("leave_one_out", "nine digits normal")):
        ae, ae_norm = f"{protocol}.autoencoder", f"{protocol}.autoencoder{NORM}"
        if ae not in keys:
            continue
        what = f"anomaly, {label}, mean AUROC"
        for key in keys:
            method = key.split(".", 1)[1] if key.startswith(protocol + ".") else None
            if method is None or method.startswith("autoencoder"):
                continue
            if NORM in method:
                if protocol == "leave_one_out" and ae_norm in keys:  # between PCA's and the k-NN's, normalised
                    expected = ">" if method.startswith("PCA") else "<" if "NN" in method else None
                    out.append(Claim(what, ae_norm, "autoencoder, normalised", key, method, expected,
                                     "full" if expected else None))
                continue
            beats = protocol == "one_vs_rest" or method.startswith(LOO_WEAKER)  # what notebook 07 states
            out.append(Claim(what, ae, "autoencoder", key, method, ">" if beats else None,
                             "full" if beats else None))
        if ae_norm in keys:
            out.append(Claim(what, ae_norm, "autoencoder, normalised", ae, "autoencoder", ">", "full"))
    return out


def claims(keys: list[str]) -> list[Claim]:
    """The comparisons whose two numbers are among ``keys``: :data:`CLAIMS` and notebook 07's."""
    return [c for c in CLAIMS if c.a in keys and c.b in keys] + _anomaly_claims(keys)


# ------------------------------------------------------------------------------------------------------------
# The per-seed results: {backend: {task: {seed: result}}}, seeds as strings (JSON keys)
# ------------------------------------------------------------------------------------------------------------
Runs = dict[str, dict[str, dict[str, dict[str, Any]]]]
TOO_FEW = "too few runs"


def spreads(runs: Runs) -> dict[str, dict[Number, Spread]]:
    """Per backend, each headline number's :class:`~utils.stats.Spread` over the seeds that ran."""
    out: dict[str, dict[Number, Spread]] = {}
    for backend, tasks in runs.items():
        values: dict[Number, list[float]] = {}
        for task, by_seed in tasks.items():
            for seed in sorted(by_seed, key=int):
                for number, v in numbers(task, by_seed[seed]).items():
                    values.setdefault(number, []).append(v)
        out[backend] = {number: spread(v) for number, v in values.items()}
    return out


@dataclass(frozen=True)
class Verdict:
    """One comparison (``claim``) on one backend: both sets of runs and what :func:`utils.stats.verdict` says."""

    claim: Claim
    backend: str
    a: Spread
    b: Spread
    kind: str  # how both numbers are written (KINDS)
    said: str  # utils.stats.verdict's words, or "too few runs"

    @property
    def as_expected(self) -> bool:
        """Whether the runs differ in the direction the lecture states."""
        return self.said == f"{self.claim.a_name} {self.claim.expected} {self.claim.b_name}"


def verdicts(runs: Runs) -> list[Verdict]:
    """Each comparison of :func:`claims` on each backend, decided by :func:`utils.stats.verdict`."""
    out = []
    for backend, by_number in spreads(runs).items():
        by_key = {n.key: (n, s) for n, s in by_number.items()}
        for c in claims(list(by_key)):
            (number, a), (_, b) = by_key[c.a], by_key[c.b]
            said = verdict(a, b, c.a_name, c.b_name) if min(a.n, b.n) >= 2 else TOO_FEW
            out.append(Verdict(c, backend, a, b, number.kind, said))
    return out


def check(runs: Runs, mode: str) -> list[str]:
    """The relation checks over seeds: each comparison the checks make (``Claim.checked``) must come out as the
    lecture says by :func:`utils.stats.runs_differ` (no measurable difference fails too)."""
    problems = []
    for v in verdicts(runs):
        c = v.claim
        if c.checked in ("any", mode) and v.said != TOO_FEW and not v.as_expected:
            problems.append(f"{display(v.backend)}, {v.a.n} seeds: {c.what}: {c.a_name} {c.expected} {c.b_name} "
                            f"is not seen ({v.said}: {_text(v.a, v.kind)} against {_text(v.b, v.kind)})")
    return problems


def _text(s: Spread, kind: str) -> str:
    """``"86.90 ± 0.31 % (86.52–87.20 %)"``: a spread written as its kind of number is."""
    scale, fmt, unit = KINDS[kind]
    return s.format(fmt, scale, unit)


def _short(s: Spread, kind: str) -> str:
    """``"86.90 ± 0.31 %"``: mean and standard deviation (the table has the range)."""
    scale, fmt, unit = KINDS[kind]
    sd = "–" if math.isnan(s.sd) else f"{scale * s.sd:{fmt}}"
    return f"{scale * s.mean:{fmt}} ± {sd}{unit}"


def _cells(s: Spread | None, kind: str) -> list[str]:
    """The table cells of one backend's spread: mean, sd, min–max, n."""
    if s is None:
        return ["–"] * 4
    scale, fmt, unit = KINDS[kind]
    sd = "–" if math.isnan(s.sd) else f"{scale * s.sd:{fmt}}"
    return [f"{scale * s.mean:{fmt}}{unit}", sd, f"{scale * s.min:{fmt}}–{scale * s.max:{fmt}}", str(s.n)]


def _difference(tf: Spread | None, jax: Spread | None, kind: str) -> str:
    """TensorFlow's mean less JAX's, and whether the runs differ (:func:`utils.stats.runs_differ`)."""
    if tf is None or jax is None:
        return "–"
    scale, fmt, unit = KINDS[kind]
    d = f"{scale * (tf.mean - jax.mean):+{fmt}}{unit}"
    if min(tf.n, jax.n) < 2:
        return d
    return d + (" (differ)" if runs_differ(tf, jax) else " (within the spread)")


def render_section(runs: Runs, command: str, mode: str, results_file: str | None = None,
                   total_seconds: float | None = None) -> list[str]:
    """The "Seed spread" section: the table of spreads, the verdicts, what the runs cost and where they ran;
    ``command`` made it in ``total_seconds``, ``results_file`` holds the runs."""
    by_backend = spreads(runs)
    backends = [b for b in runs if by_backend.get(b)]
    seeds = sorted({int(s) for b in runs for t in runs[b].values() for s in t})
    both = "tensorflow" in backends and "jax" in backends
    order: list = []
    for b in backends:
        order += [n for n in by_backend[b] if n not in order]
    rows = []
    for n in order:
        row = [n.label]
        for b in backends:
            row += _cells(by_backend[b].get(n), n.kind)
        if both:
            row.append(_difference(by_backend["tensorflow"].get(n), by_backend["jax"].get(n), n.kind))
        rows.append(row)
    header = ["headline number"]
    for b in backends:
        header += [f"{display(b)} mean", "sd", "min–max", "n"]
    if both:
        header.append("TF − JAX")
    out = [HEADING, "",
           (f"*This section: every run in `{results_file}` (per-seed results), " if results_file else
            "*This section: ")
           + f"last updated by `{command}`"
           + (f", which ran what was missing in {total_seconds / 60:.1f} min" if total_seconds is not None else "")
           + " (what all the runs cost: below), regenerated after the rest of the report.*", "",
           f"Each headline model trained once per seed ({_seed_list(seeds)}): the seed of the initial weights, of "
           "the data order and of every noise draw (training and test noise, label subsets, binarisation, the "
           "baselines' random states); everything else as in the sections above, whose numbers are seed 0's. "
           "Mean, standard deviation (ddof = 1, in the mean's unit: percentage points for accuracies) and range "
           "over the seeds, per backend"
           + ("; TF − JAX: the difference of the means, *differ* when the runs differ by the rule below." if both
              else ".")]
    if mode != "full":
        out += ["", "**Quick mode: small subsets and few epochs; these spreads are not the collection's.**"]
    out += [""] + table(header, rows) + [""]
    out += _verdict_lines(runs) + [""] + _cost_lines(runs) + [""]
    return out


def _seed_list(seeds: list[int]) -> str:
    return f"seeds {seeds[0]}–{seeds[-1]}" if seeds == list(range(seeds[0], seeds[-1] + 1)) and len(seeds) > 2 \
        else "seeds " + ", ".join(map(str, seeds))


def _verdict_lines(runs: Runs) -> list[str]:
    """The rule, then one line per comparison and backend (:func:`verdicts`), with both sets' mean ± sd."""
    out = ["Comparisons the lectures make, decided by `utils.stats.runs_differ`: two sets of runs differ when their "
           "ranges do not overlap and their means are more than twice the larger standard deviation apart (with 3 "
           "seeds a side about 4 % of same-distribution pairs pass by chance, with 2 about 13 %). *As the lecture "
           "says* / *not seen*: against what the lecture states, where it states a direction.", ""]
    for v in verdicts(runs):
        c = v.claim
        said = v.said
        if c.expected and said != TOO_FEW:
            said += " — as the lecture says" if v.as_expected else f" — not seen (lecture: {c.a_name} {c.expected} " \
                                                                 f"{c.b_name})"
        out.append(f"- {display(v.backend)}, {c.what}: **{said}** ({c.a_name} {_short(v.a, v.kind)}, {c.b_name} "
                   f"{_short(v.b, v.kind)})")
    return out


def _cost_lines(runs: Runs) -> list[str]:
    """What the runs cost (the task processes' wall times, summed) and the machine they ran on."""
    out = []
    for b, tasks in runs.items():
        per_task = []
        total = 0.0
        for task, by_seed in tasks.items():
            sec = [r.get("process_seconds", r.get("wall_seconds", 0.0)) for r in by_seed.values()]
            total += sum(sec)
            per_task.append(f"{task} {np.mean(sec) / 60:.1f} min × {len(sec)}")
        spent = f"{total / 3600:.2f} h" if total >= 3600 else f"{total / 60:.1f} min"
        out.append(f"- {display(b)}: {sum(len(s) for s in tasks.values())} runs, {spent} "
                   f"({', '.join(per_task)}); {_machine(tasks)}")
    return ["Cost (each run's process, start to end, summed; one run at a time):", ""] + out


def _machine(tasks: dict[str, dict[str, dict[str, Any]]]) -> str:
    """The machines the runs ran on, each with its number of runs (a resumed run may have moved machine)."""
    seen: dict[str, int] = {}
    for by_seed in tasks.values():
        for r in by_seed.values():
            m = r.get("machine")
            if m:
                name = (f"{m['cpu']}, {m['cpus']} CPUs; Python {m['python']}, Keras {m['keras']}, "
                        f"{m['backend']} {m['backend_version']}, NumPy {m['numpy']}")
                seen[name] = seen.get(name, 0) + 1
    if not seen:
        return "machine not recorded"
    if len(seen) == 1:
        return next(iter(seen))
    return "; ".join(f"{n} runs on {name}" for name, n in seen.items())


# ------------------------------------------------------------------------------------------------------------
# The results file and the runs
# ------------------------------------------------------------------------------------------------------------
def load(path: Path, mode: str) -> Runs:
    """The per-seed results already in ``path`` (none when it does not exist).

    Raises:
        ValueError: the file is not a results file, or holds another mode's runs (quick and full spreads must
            not mix).
    """
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text())
        runs, saved_mode = data["runs"], data["mode"]
    except (ValueError, KeyError, TypeError):
        raise ValueError(f"{path} is not a per-seed results file of python -m benchmarks --seeds") from None
    if saved_mode != mode:
        raise ValueError(f"{path} holds {saved_mode} mode runs, not {mode}: give another --results file")
    return runs


def save(path: Path, runs: Runs, mode: str) -> None:
    """Write the per-seed results (after every run: a stopped run keeps what it measured)."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps({"mode": mode, "runs": runs}, indent=1))
    tmp.replace(path)


def select(runs: Runs, seeds: range) -> Runs:
    """The runs of ``seeds`` only (a results file may hold more)."""
    wanted = {str(s) for s in seeds}
    out = {b: {t: {s: r for s, r in by_seed.items() if s in wanted} for t, by_seed in tasks.items()}
           for b, tasks in runs.items()}
    out = {b: {t: by_seed for t, by_seed in tasks.items() if by_seed} for b, tasks in out.items()}
    return {b: tasks for b, tasks in out.items() if tasks}


def one_seed(runs: Runs, seed: int) -> dict[str, dict[str, Any]]:
    """The results of one seed as a single run has them, ``{backend: {task: result}}``, for
    :func:`benchmarks.report.check_relations` (t-SNE only beside the 2-D autoencoder it is compared with)."""
    out = {b: {t: by_seed[str(seed)] for t, by_seed in tasks.items() if str(seed) in by_seed}
           for b, tasks in runs.items()}
    out = {b: res for b, res in out.items() if res}
    for res in out.values():
        if "tsne" in res and "ae2" not in res:
            del res["tsne"]
    return out


def count_runs(runs: Runs) -> int:
    """How many runs (task, seed and backend) ``runs`` holds."""
    return sum(len(seeds) for tasks in runs.values() for seeds in tasks.values())


def has_run(runs: Runs, task: str, seed: int, backend: str | None) -> bool:
    """Whether ``task`` ran with ``seed`` under ``backend`` (None: under any backend, for tasks without Keras)."""
    backends = [backend] if backend else list(runs)
    return any(str(seed) in runs.get(b, {}).get(task, {}) for b in backends)


def run_all(runs: Runs, tasks: list[str], backends: list[str], seeds: range, keras_tasks: tuple[str, ...],
            path: Path, mode: str, run: Callable[..., dict[str, Any]], workdir: Path) -> Runs:
    """Run every task with every seed under every backend (one backend at a time; tasks without Keras under the
    first, once per seed) with ``run`` (:func:`benchmarks.__main__.run_task`), skipping those ``runs`` (read from
    ``path``) has already; add each result to ``runs`` and save them to ``path`` after each run. Returns ``runs``."""
    for backend in backends:
        for seed in seeds:
            for task in tasks:
                keras_task = task in keras_tasks
                if not keras_task and backend != backends[0]:
                    continue
                if has_run(runs, task, seed, backend if keras_task else None):
                    print(f"[{backend:10s}] {task:9s} seed {seed}: in {path} already", flush=True)
                    continue
                result = run(task, backend, mode, workdir, seed=seed)
                runs.setdefault(backend, {}).setdefault(task, {})[str(seed)] = result
                save(path, runs, mode)
    return runs


def replace_section(report: str, lines: list[str]) -> str:
    """``report`` with its "Seed spread" section replaced by ``lines`` (or inserted before the training cost, or
    at the end); the rest is kept as it was."""
    section = "\n".join(lines).rstrip("\n") + "\n\n"  # an empty line before the next heading
    if HEADING in report:
        start = report.index(HEADING)
        nxt = report.find("\n## ", start + len(HEADING))
        if nxt < 0:
            return report[:start] + section.rstrip("\n") + "\n"
        return report[:start] + section + report[nxt + 1:]
    if BEFORE in report:
        at = report.index(BEFORE)
        return report[:at] + section + report[at:]
    return report.rstrip("\n") + "\n\n" + section.rstrip("\n") + "\n"


def keep_section(old_report: str, new_report: str) -> str:
    """``new_report`` (a full run's) with the "Seed spread" section of ``old_report`` kept, when it had one: the
    full run trains seed 0 only, and the section says which command made it."""
    if HEADING not in old_report or HEADING in new_report:
        return new_report
    start = old_report.index(HEADING)
    nxt = old_report.find("\n## ", start + len(HEADING))
    kept = old_report[start:] if nxt < 0 else old_report[start:nxt + 1]
    return replace_section(new_report, kept.rstrip("\n").split("\n"))
