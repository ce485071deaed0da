"""Headline results in one command: ``python -m benchmarks`` (full) or ``python -m benchmarks --quick``.

Trains the collection's headline models (:mod:`utils.recipes`, the notebooks' own configurations) on
MNIST with every installed Keras backend (TensorFlow, JAX), measures them against the baselines of the
notebooks and the published anchors, and writes ``BENCHMARKS.md`` (full mode). Each model trains in its
own process: one progress line per model, its own peak memory.

Quick mode (CI, about two minutes): small subsets and few epochs; it writes no report unless ``--out`` is
given, and instead checks the relations the lectures teach (each autoencoder against its baseline),
exiting with status 1 when one does not hold.

Options: ``--backends tensorflow jax`` (default: those installed; quick mode: the first of them),
``--throughput`` (full mode: also
measure training throughput, see :mod:`benchmarks.throughput`), ``--out PATH``, ``--tasks conv ...`` (full
mode: run only these tasks and regenerate only their sections of an existing report, which says so;
``--tasks throughput`` regenerates the throughput section).
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
from pathlib import Path
from typing import Any

from .report import SECTIONS, check_relations, render, render_sections

ROOT = Path(__file__).resolve().parent.parent
BACKEND_MODULES = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}


def installed_backends() -> list[str]:
    """The Keras backends whose library is installed, TensorFlow first."""
    return [b for b, module in BACKEND_MODULES.items() if importlib.util.find_spec(module) is not None]


def run_task(task: str, backend: str, mode: str, workdir: Path) -> dict[str, Any]:
    """Run one task in a fresh process under ``backend``; return its JSON result."""
    out = workdir / f"{task}-{backend}.json"
    env = {**os.environ, "KERAS_BACKEND": backend, "AE_MODE": mode, "AE_CACHE": "off"}
    start = time.perf_counter()
    print(f"[{backend:10s}] {task:9s} ...", flush=True)
    proc = subprocess.run([sys.executable, "-m", "benchmarks.tasks", task, "--mode", mode, "--out", str(out)],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-25:])
        raise RuntimeError(f"benchmark task {task!r} failed under {backend} (exit {proc.returncode}):\n{tail}")
    result = json.loads(out.read_text())
    cost = result.get("cost")
    detail = (f"{cost['epochs']} epochs in {cost['train_seconds']:.0f} s ({cost['seconds_per_epoch']:.2f} s/epoch), "
              if cost else "")
    print(f"[{backend:10s}] {task:9s} done: {detail}{time.perf_counter() - start:.0f} s in all, "
          f"peak memory {result['peak_rss_mb']:.0f} MB", flush=True)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small and fast: check relations (CI)")
    parser.add_argument("--backends", nargs="+", choices=sorted(BACKEND_MODULES), help="default: all installed")
    parser.add_argument("--throughput", action="store_true", help="also measure training throughput (full mode)")
    parser.add_argument("--out", type=Path, help="report path (full mode default: BENCHMARKS.md)")
    parser.add_argument("--tasks", nargs="+", help="full mode: only these tasks; their sections of the existing "
                        "report are regenerated in place")
    args = parser.parse_args(argv)

    from .tasks import KERAS_TASKS, TASKS  # noqa: F401  (fails early if the project cannot be imported)

    tasks = list(TASKS)
    if args.tasks:
        unknown = sorted(set(args.tasks) - set(TASKS) - {"throughput"})
        if unknown:
            parser.error(f"unknown task(s) {unknown}; the tasks are {sorted(TASKS)}, and throughput")
        if args.quick or args.throughput:
            parser.error("--tasks regenerates sections of the full report: use it without --quick and --throughput "
                         "(--tasks throughput regenerates the throughput section)")
        alone = sorted(set(args.tasks) - set(SECTIONS))
        if alone:
            parser.error(f"task(s) {alone} have no report section of their own: run the whole benchmark "
                         f"(python -m benchmarks); --tasks takes {sorted(SECTIONS)}")
        report = args.out or ROOT / "BENCHMARKS.md"
        if not report.is_file():
            parser.error(f"--tasks updates sections of an existing report; {report} does not exist (run the full "
                         "benchmark first)")
        tasks = [t for t in TASKS if t in args.tasks]
        args.throughput = "throughput" in args.tasks

    backends = args.backends or installed_backends()[: 1 if args.quick else None]
    missing = [b for b in backends if importlib.util.find_spec(BACKEND_MODULES[b]) is None]
    if missing:
        parser.error(f"backend(s) {missing} not installed; install them (pip install jax) or leave them out")
    if not backends:
        parser.error("no Keras backend is installed; pip install -r requirements.txt")
    mode = "quick" if args.quick else "full"
    print(f"benchmark, {mode} mode, backends: {', '.join(backends)}", flush=True)

    start = time.perf_counter()
    results: dict[str, dict[str, Any]] = {b: {} for b in backends}
    with tempfile.TemporaryDirectory() as tmp:
        for task in tasks:
            for backend in (backends if task in KERAS_TASKS else backends[:1]):
                results[backend][task] = run_task(task, backend, mode, Path(tmp))
        throughput = None
        if args.throughput and not args.quick:
            from .throughput import run_all

            throughput = run_all(backends, Path(tmp))
    total = time.perf_counter() - start

    problems = check_relations(results)
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
        out.write_text(render(results, throughput, mode, total, problems))
        print(f"wrote {out} ({total / 60:.1f} min in all)")
    else:
        print(f"finished in {total:.0f} s")


if __name__ == "__main__":
    sys.exit(main())
