"""Headline results in one command: ``python -m benchmarks`` (full) or ``python -m benchmarks --quick``.

Trains the collection's headline models (:mod:`utils.recipes`, the notebooks' own configurations) on
MNIST with every installed Keras backend (TensorFlow, JAX), measures them against the baselines of the
notebooks and the published anchors, and writes ``BENCHMARKS.md`` (full mode). Each model trains in its
own process: one progress line per model, its own peak memory.

Quick mode (CI, about five minutes on a 2-core CPU, two task processes at a time): small subsets and few
epochs; it writes no report unless ``--out`` is given, and instead checks the relations the lectures teach
(each autoencoder against its baseline), exiting with status 1 when one does not hold.

Options: ``--backends tensorflow jax`` (default: those installed; quick mode: the first of them),
``--throughput`` (full mode: also
measure training throughput, see :mod:`benchmarks.throughput`), ``--out PATH``, ``--tasks conv ...`` (full
mode: run only these tasks and regenerate only their sections of an existing report, which says so;
``--tasks throughput`` regenerates the throughput section).

``--seeds N`` (:mod:`benchmarks.seeds`): run the tasks (all, or those of ``--tasks``) with seeds 0 .. N-1,
one backend at a time, keep every run's result in a JSON file (``--results PATH``; full mode default:
``BENCHMARKS-seeds.json`` beside the report), written after each run and resumed when it exists, and
regenerate the report's "Seed spread" section from it: each headline number's mean, standard deviation and
range, and the lectures' comparisons decided by :func:`utils.stats.runs_differ`, which also decides the
comparisons of the relation checks. The quick mode also checks the machinery: it runs its smallest task
(``ae2``) a second time, with seed 1, and checks that task's relations over both seeds.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from . import seeds as seed_spread
from .common import display
from .report import SECTIONS, check_relations, render, render_sections
from utils.checks import positive_int

ROOT = Path(__file__).resolve().parent.parent
BACKEND_MODULES = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}
SEED_CHECK_TASK = "ae2"  # the quick mode's check of the seed machinery: this task again, with seed 1
#: quick mode runs this many task processes at a time (CI's time; its seconds are not reported). Full mode runs
#: one at a time: its report states each model's training seconds, which a second process would slow down.
QUICK_JOBS = 2
#: the longest quick tasks (seconds on a 2-core CPU: about 110, 90, 70, 60), started first when several run at a
#: time, so that the processes finish together
LONGEST_FIRST = ("map", "conv", "features", "ae30")


def installed_backends() -> list[str]:
    """The Keras backends whose library is installed, TensorFlow first."""
    return [b for b, module in BACKEND_MODULES.items() if importlib.util.find_spec(module) is not None]


def run_task(task: str, backend: str, mode: str, workdir: Path, seed: int = 0) -> dict[str, Any]:
    """Run one task in a fresh process under ``backend`` (in run ``seed``, :func:`benchmarks.common.run_seed`);
    return its JSON result, with the process's wall time (``process_seconds``)."""
    out = workdir / f"{task}-{backend}-seed{seed}.json"
    env = {**os.environ, "KERAS_BACKEND": backend, "AE_MODE": mode, "AE_CACHE": "off"}
    start = time.perf_counter()
    name = f"{task:9s}" + (f" seed {seed}" if seed else "")
    print(f"[{backend:10s}] {name} ...", flush=True)
    proc = subprocess.run([sys.executable, "-m", "benchmarks.tasks", task, "--mode", mode, "--seed", str(seed),
                           "--out", str(out)], cwd=ROOT, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-25:])
        raise RuntimeError(f"benchmark task {task!r} failed under {backend} (exit {proc.returncode}):\n{tail}")
    result = json.loads(out.read_text())
    result["process_seconds"] = time.perf_counter() - start
    cost = result.get("cost")
    detail = (f"{cost['epochs']} epochs in {cost['train_seconds']:.0f} s ({cost['seconds_per_epoch']:.2f} s/epoch), "
              if cost else "")
    print(f"[{backend:10s}] {name} done: {detail}{result['process_seconds']:.0f} s in all, "
          f"peak memory {result['peak_rss_mb']:.0f} MB", flush=True)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    from .tasks import TASKS  # (fails early if the project cannot be imported)

    if args.seeds is not None:
        return _main_seeds(parser, args, list(TASKS))
    if args.results is not None:
        parser.error("--results is the per-seed results file of --seeds N")
    tasks = _chosen_tasks(parser, args, list(TASKS)) if args.tasks else list(TASKS)
    backends = _chosen_backends(parser, args)
    mode = "quick" if args.quick else "full"
    print(f"benchmark, {mode} mode, backends: {', '.join(backends)}", flush=True)

    start = time.perf_counter()
    seed_check = args.quick and SEED_CHECK_TASK in tasks
    results, throughput = _run(tasks, backends, mode, args.throughput and not args.quick,
                               jobs=QUICK_JOBS if args.quick else 1, seed_check=seed_check)
    total = time.perf_counter() - start

    second = results[backends[0]].pop(f"{SEED_CHECK_TASK} seed 1", None)
    problems = check_relations(results)
    if seed_check:
        problems += _quick_seed_check(results, backends[0], mode, second)
    for line in problems or ["all relations hold"]:
        print(("FAILED: " if problems else "") + line)
    out = args.out or (None if args.quick else ROOT / "BENCHMARKS.md")
    try:
        _write_report(args, out, results, tasks, backends, total, throughput, mode, problems)
    except Exception:
        kept = Path(tempfile.mkstemp(prefix="benchmark-results-", suffix=".json")[1])
        kept.write_text(json.dumps({"results": results, "throughput": throughput, "seconds": total}, indent=1))
        print(f"writing the report failed; the measured results are kept in {kept}", file=sys.stderr)
        raise
    return 1 if problems else 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small and fast: check relations (CI)")
    parser.add_argument("--backends", nargs="+", choices=sorted(BACKEND_MODULES), help="default: all installed")
    parser.add_argument("--throughput", action="store_true", help="also measure training throughput (full mode)")
    parser.add_argument("--out", type=Path, help="report path (full mode default: BENCHMARKS.md)")
    parser.add_argument("--tasks", nargs="+", help="full mode: only these tasks; their sections of the existing "
                        "report are regenerated in place (with --seeds: the tasks to run with each seed)")
    parser.add_argument("--seeds", type=int, metavar="N", help="run each task with seeds 0..N-1 and regenerate the "
                        "report's seed-spread section (see benchmarks/seeds.py)")
    parser.add_argument("--results", type=Path, help="with --seeds: the per-seed results file, written after every "
                        "run and resumed (full mode default: BENCHMARKS-seeds.json beside the report)")
    return parser


def _chosen_tasks(parser: argparse.ArgumentParser, args: argparse.Namespace, all_tasks: list[str]) -> list[str]:
    """The tasks of ``--tasks``, in the benchmark's order, once checked (``parser.error`` otherwise); sets
    ``args.throughput`` when ``throughput`` is one of them."""
    unknown = sorted(set(args.tasks) - set(all_tasks) - {"throughput"})
    if unknown:
        parser.error(f"unknown task(s) {unknown}; the tasks are {sorted(all_tasks)}, and throughput")
    if args.quick or args.throughput:
        parser.error("--tasks regenerates sections of the full report: use it without --quick and --throughput "
                     "(--tasks throughput regenerates the throughput section; with --seeds N, --tasks chooses the "
                     "tasks to run with each seed, in quick mode too)")
    alone = sorted(set(args.tasks) - set(SECTIONS))
    if alone:
        parser.error(f"task(s) {alone} have no report section of their own: run the whole benchmark "
                     f"(python -m benchmarks); --tasks takes {sorted(SECTIONS)}")
    report = args.out or ROOT / "BENCHMARKS.md"
    if not report.is_file():
        parser.error(f"--tasks updates sections of an existing report; {report} does not exist (run the full "
                     "benchmark first)")
    args.throughput = "throughput" in args.tasks
    return [t for t in all_tasks if t in args.tasks]


def _chosen_backends(parser: argparse.ArgumentParser, args: argparse.Namespace) -> list[str]:
    """The backends of ``--backends``, or those installed (quick mode: the first), once checked."""
    backends = args.backends or installed_backends()[: 1 if args.quick else None]
    missing = [b for b in backends if importlib.util.find_spec(BACKEND_MODULES[b]) is None]
    if missing:
        parser.error(f"backend(s) {missing} not installed; install them (pip install jax) or leave them out")
    if not backends:
        parser.error("no Keras backend is installed; pip install -r requirements.txt")
    return backends


def _run(tasks: list[str], backends: list[str], mode: str, throughput: bool, *, jobs: int = 1,
         seed_check: bool = False) -> tuple[dict[str, dict[str, Any]], str | None]:
    """Each task under each backend (a task without Keras under the first only), each in its own process, ``jobs``
    processes at a time; with ``seed_check``, :data:`SEED_CHECK_TASK` also with seed 1 under the first backend
    (its result under the key ``"<task> seed 1"``); the throughput section when ``throughput``. Returns
    ``({backend: {task: result}}, throughput section or None)``."""
    from .tasks import KERAS_TASKS

    runs = [(task, backend, 0) for task in tasks for backend in (backends if task in KERAS_TASKS else backends[:1])]
    if seed_check:
        runs.append((SEED_CHECK_TASK, backends[0], 1))
    if jobs > 1:
        runs.sort(key=lambda run: LONGEST_FIRST.index(run[0]) if run[0] in LONGEST_FIRST else len(LONGEST_FIRST))
    results: dict[str, dict[str, Any]] = {b: {} for b in backends}
    with tempfile.TemporaryDirectory() as tmp:
        with ThreadPoolExecutor(max_workers=positive_int("jobs", jobs)) as pool:  # threads wait on the processes
            done = pool.map(lambda run: run_task(run[0], run[1], mode, Path(tmp), seed=run[2]), runs)
            for (task, backend, seed), result in zip(runs, done):
                results[backend][task if seed == 0 else f"{task} seed {seed}"] = result
        section = None
        if throughput:
            from .throughput import run_all

            section = run_all(backends, Path(tmp))
    return results, section


def _write_report(args: argparse.Namespace, out: Path | None,
                  results: dict[str, dict[str, Any]], tasks: list[str], backends: list[str], total: float,
                  throughput: str | None, mode: str, problems: list[str]) -> None:
    """Write the report (all of it, or the sections of ``--tasks``), or say how long the quick run took."""
    if out is not None and args.tasks:
        names = tasks + (["throughput"] if throughput else [])
        command = f"python -m benchmarks --tasks {' '.join(names)} --backends {' '.join(backends)}"
        out.write_text(render_sections(out.read_text(), results, command, total, throughput))
        print(f"updated the sections of {', '.join(names)} in {out} ({total / 60:.1f} min)")
    elif out is not None:
        report = render(results, throughput, mode, total, problems)
        if out.is_file():  # a full run trains seed 0 only: the seed-spread section of the last --seeds run stays
            report = seed_spread.keep_section(out.read_text(), report)
        out.write_text(report)
        print(f"wrote {out} ({total / 60:.1f} min in all)")
    else:
        print(f"finished in {total:.0f} s")


def _quick_seed_check(results: dict[str, dict[str, Any]], backend: str, mode: str,
                      second: dict[str, Any] | None = None) -> list[str]:
    """The quick mode's check of the seed machinery: :data:`SEED_CHECK_TASK` again with seed 1 (``second``, its
    result, or run here); its relations over seeds 0 and 1 (:func:`benchmarks.seeds.check`, by
    :func:`utils.stats.runs_differ`) and in the new run alone; the seed-spread section drawn (not written).
    Returns what fails."""
    task = SEED_CHECK_TASK
    if second is None:
        with tempfile.TemporaryDirectory() as tmp:
            second = run_task(task, backend, mode, Path(tmp), seed=1)
    runs = {backend: {task: {"0": results[backend][task], "1": second}}}
    lines = seed_spread.render_section(runs, "python -m benchmarks --quick", mode, None, second.get("process_seconds"))
    print(f"seed check, {task} with seeds 0 and 1 ({display(backend)}):")
    _print_verdicts(lines)
    return [f"seed 1: {p}" for p in check_relations({backend: {task: second}})] + seed_spread.check(runs, mode)


def _print_verdicts(section: list[str]) -> None:
    """The verdict lines of a seed-spread section, as plain text."""
    for line in section:
        if line.startswith("- ") and "**" in line:
            print("  " + line[2:].replace("**", ""))


def _main_seeds(parser: argparse.ArgumentParser, args: argparse.Namespace, all_tasks: list[str]) -> int:
    """``--seeds N``: every chosen task with seeds 0 .. N-1 under every chosen backend, the per-seed results file,
    the relation checks over the seeds and the seed-spread section of the report (or, in quick mode without
    ``--out``, the check alone)."""
    from .tasks import KERAS_TASKS

    if args.seeds < 2:
        parser.error(f"--seeds needs at least 2 seeds to measure a spread, got {args.seeds}")
    if args.throughput:
        parser.error("--seeds runs the tasks with several seeds; measure the throughput without it")
    unknown = sorted(set(args.tasks or []) - set(all_tasks))
    if unknown:
        parser.error(f"unknown task(s) {unknown}; with --seeds the tasks are {sorted(all_tasks)}")
    tasks = [t for t in all_tasks if t in args.tasks] if args.tasks else all_tasks
    backends = _chosen_backends(parser, args)
    mode = "quick" if args.quick else "full"
    out = args.out or (None if args.quick else ROOT / "BENCHMARKS.md")
    if out is not None and not out.is_file():
        parser.error(f"--seeds updates the seed-spread section of an existing report; {out} does not exist (run the "
                     "full benchmark first)")
    path = args.results or (out.with_name(f"{out.stem}-seeds.json") if out is not None else
                            Path(tempfile.gettempdir()) / f"benchmark-seeds-{time.strftime('%Y%m%d-%H%M%S')}.json")
    try:
        runs = seed_spread.load(path, mode)
    except ValueError as e:  # the file holds the other mode's runs, or is not a results file
        parser.error(str(e))
    seeds = range(args.seeds)
    print(f"benchmark, {mode} mode, seeds {seeds[0]}..{seeds[-1]}, backends: {', '.join(backends)}, tasks: "
          f"{', '.join(tasks)}; per-seed results: {path}", flush=True)
    start = time.perf_counter()
    before = seed_spread.count_runs(runs)
    with tempfile.TemporaryDirectory() as tmp:
        runs = seed_spread.run_all(runs, tasks, backends, seeds, KERAS_TASKS, path, mode, run_task, Path(tmp))
    ran = seed_spread.count_runs(runs) > before  # False: nothing was missing, the section is only re-rendered
    total = time.perf_counter() - start
    runs = seed_spread.select(runs, seeds)
    problems = seed_spread.check(runs, mode)
    for s in seeds:
        results = seed_spread.one_seed(runs, s)
        problems += [f"seed {s}: {p}" for p in (check_relations(results) if results else [])]
    command = (f"python -m benchmarks{' --quick' if args.quick else ''} --seeds {args.seeds} --tasks {' '.join(tasks)} "
               f"--backends {' '.join(backends)}")
    try:
        lines = seed_spread.render_section(runs, command, mode, path.name, total if ran else None)
        _print_verdicts(lines)
        for line in problems or ["all relations hold"]:
            print(("FAILED: " if problems else "") + line)
        if out is not None:
            out.write_text(seed_spread.replace_section(out.read_text(), lines))
            print(f"updated the seed-spread section of {out} ({total / 60:.1f} min)")
        else:
            print(f"finished in {total:.0f} s")
    except Exception:
        print(f"writing the report failed; the per-seed results are kept in {path}", file=sys.stderr)
        raise
    print(f"per-seed results: {path}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
