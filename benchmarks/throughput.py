"""Training throughput (images per second) of the collection's training path against common alternatives.

For the 2-D and 30-D dense models and notebook 05's convolutional code-32 model (:mod:`utils.recipes`), with
the same data and model, one process per backend:

- the collection's path, :func:`utils.training.train`: ``model.fit`` on in-memory arrays, the recipe's
  batch size, Keras' default compilation (``jit_compile="auto"``: XLA on TensorFlow, ``jax.jit`` on JAX),
  and the backend's steps per execution (:func:`utils.training.default_steps_per_execution`: 8 under
  TensorFlow since issue 14, 1 before it and under JAX), so both values are measured: before and after;
- the same at other batch sizes (dense models), and without compilation (``jit_compile=False``);
- (a) ``model.fit`` with default settings (batch size 32);
- (b) an eager, hand-written gradient loop of the kind older course notebooks use (TensorFlow:
  ``GradientTape`` without ``tf.function``; JAX: ``jax.value_and_grad`` without ``jax.jit``); dense models.

Each is timed over ``N_IMAGES`` images after a warm-up pass on the same images, so compilation is not
counted, ``REPEATS`` times; the fastest pass is kept (other jobs on the machine only ever slow a pass down).
The before/after of steps per execution is measured apart, on two compiled copies of the model whose passes
alternate ``AB_ROUNDS`` times (so a slow spell of the machine hits both): median and range of each.
Run by ``python -m benchmarks --throughput`` (or ``--tasks throughput``: this section alone);
alone: ``python -m benchmarks.throughput --out f.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from collections.abc import Callable

import numpy as np

from .common import display, table

N_IMAGES = 12_800
REPEATS = 3
AB_ROUNDS = 7  # before/after: passes of each steps-per-execution setting, alternated
MODELS = ("ae2", "ae30", "cae32")  # names in RECIPES: two dense, one convolutional
STEPS = (1, 8)  # steps per execution, both measured: train() used 1 before issue 14 and 8 under TensorFlow since


def _compiled(build: Callable, x, batch_size: int, **compile_kwargs: Any):
    """A fresh model, compiled with ``compile_kwargs`` and run once over ``x`` (warm-up: compilation)."""
    import keras

    model = build()
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="mse", **compile_kwargs)
    model.fit(x, x, batch_size=batch_size, epochs=1, verbose=0)
    return model


def _fit_rate(build: Callable, x, batch_size: int, **compile_kwargs: Any) -> float:
    model = _compiled(build, x, batch_size, **compile_kwargs)
    return _best_rate(lambda: model.fit(x, x, batch_size=batch_size, epochs=1, verbose=0), len(x))


def _best_rate(one_pass: Callable[[], Any], n: int) -> float:
    """Images per second of the fastest of ``REPEATS`` timed passes over ``n`` images."""
    best = float("inf")
    for _ in range(REPEATS):
        start = time.perf_counter()
        one_pass()
        best = min(best, time.perf_counter() - start)
    return n / best


def _eager_rate(build: Callable, x, batch_size: int) -> float:
    """Images per second of an eager, hand-written gradient loop (TensorFlow, JAX; NaN under other backends)."""
    import keras

    model = build()
    optimizer = keras.optimizers.Adam(1e-3)
    eager_epoch = {"tensorflow": _tensorflow_epoch, "jax": _jax_epoch}.get(keras.backend.backend())
    if eager_epoch is None:
        return float("nan")
    epoch = eager_epoch(model, optimizer, [x[i:i + batch_size] for i in range(0, len(x), batch_size)])
    epoch()  # warm-up
    return _best_rate(epoch, len(x))


def _tensorflow_epoch(model, optimizer, batches: list) -> Callable[[], None]:
    """One pass over ``batches`` with ``tf.GradientTape`` and no ``tf.function``."""
    import tensorflow as tf  # the benchmark compares against backend-specific code on purpose

    def step(batch):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(model(batch, training=True) - batch))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))

    def epoch():
        for b in batches:
            step(tf.constant(b))
    return epoch


def _jax_epoch(model, optimizer, batches: list) -> Callable[[], None]:
    """One pass over ``batches`` with ``jax.value_and_grad`` and no ``jax.jit``."""
    import jax
    import jax.numpy as jnp

    optimizer.build(model.trainable_variables)
    state = {"t": [v.value for v in model.trainable_variables],
             "n": [v.value for v in model.non_trainable_variables],
             "o": [v.value for v in optimizer.variables]}

    def loss_fn(trainable, non_trainable, batch):
        out, _ = model.stateless_call(trainable, non_trainable, batch, training=True)
        return jnp.mean((out - batch) ** 2)

    grad_fn = jax.value_and_grad(loss_fn)  # no jax.jit: every operation dispatched one by one

    def epoch():
        for b in batches:
            _, grads = grad_fn(state["t"], state["n"], jnp.asarray(b))
            state["t"], state["o"] = optimizer.stateless_apply(state["o"], grads, state["t"])
        jax.block_until_ready(state["t"])  # JAX runs asynchronously: wait for the last step
    return epoch


def _ab_rates(build: Callable, x, batch_size: int, steps: tuple[int, ...]) -> dict[str, list[float]]:
    """Images per second of ``AB_ROUNDS`` passes per steps-per-execution value, the values' passes alternating."""
    models = {k: _compiled(build, x, batch_size, steps_per_execution=k) for k in steps}
    rates: dict[str, list[float]] = {str(k): [] for k in steps}
    for _ in range(AB_ROUNDS):
        for k, model in models.items():
            start = time.perf_counter()
            model.fit(x, x, batch_size=batch_size, epochs=1, verbose=0)
            rates[str(k)].append(len(x) / (time.perf_counter() - start))
    return rates


def measure() -> dict[str, Any]:
    """All throughput variants for this process's backend."""
    import utils.backend  # noqa: F401  (first: hides TensorFlow's start-up log)
    import keras

    from utils.data import load_mnist
    from utils.recipes import RECIPES, ConvRecipe
    from utils.training import default_steps_per_execution

    flat = load_mnist(flatten=True, n_train=N_IMAGES, n_test=10).x_train
    backend = keras.backend.backend()
    spe = default_steps_per_execution(backend)
    from .tasks import machine

    out: dict[str, Any] = {"backend": backend, "n_images": N_IMAGES, "repeats": REPEATS, "ab_rounds": AB_ROUNDS,
                           "machine": machine(), "models": {}}
    for name in MODELS:
        r = RECIPES[name]
        conv = isinstance(r, ConvRecipe)
        x = flat.reshape(-1, 28, 28, 1) if conv else flat

        def build(r=r):
            keras.utils.set_random_seed(0)
            return r.build(name="tp").autoencoder

        bs = r.batch_size
        rows = {}
        for size in ([bs] if conv else sorted({64, 128, 256, 512, bs})):
            for k in (STEPS if size == bs else (1,)):
                rows[f"fit, batch {size}, steps_per_execution={k}"] = _fit_rate(build, x, size,
                                                                                steps_per_execution=k)
        rows[f"fit, batch {bs}, jit_compile=False"] = _fit_rate(build, x, bs, jit_compile=False)
        rows["(a) fit with default settings (batch 32)"] = _fit_rate(build, x, 32)
        if not conv:
            rows[f"(b) eager hand-written loop, batch {bs}"] = _eager_rate(build, x, bs)
        out["models"][name] = {"sizes": r.sizes(), "batch_size": bs, "rates": rows,
                               "train_path": f"fit, batch {bs}, steps_per_execution={spe}",
                               "ab": _ab_rates(build, x, bs, STEPS)}
        print(f"[{backend:10s}] throughput {name}: " + ", ".join(f"{v:,.0f}" for v in rows.values()), flush=True)
    return out


def run_all(backends: list[str], workdir: Path) -> str:
    """Measure every backend in its own process; return the markdown section."""
    root = Path(__file__).resolve().parent.parent
    results = []
    for b in backends:
        out = workdir / f"throughput-{b}.json"
        proc = subprocess.run([sys.executable, "-m", "benchmarks.throughput", "--out", str(out)], cwd=root,
                              env={**os.environ, "KERAS_BACKEND": b}, capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"throughput under {b} failed:\n" + "\n".join(proc.stderr.splitlines()[-20:]))
        print("\n".join(line for line in proc.stdout.splitlines() if "throughput" in line), flush=True)
        results.append(json.loads(out.read_text()))
    return render(results)


def render(results: list[dict[str, Any]]) -> str:
    """Markdown tables: images per second, relative to each backend's training path; the before/after table."""
    lines = ["## Training throughput", "",
             f"Images per second while training ({results[0]['n_images']:,} images, timed after a warm-up pass, "
             f"so compilation is not counted; the fastest of {results[0].get('repeats', 1)} passes); in brackets, "
             "relative to the collection's path on that backend "
             "(`train()`: `model.fit`, the recipe's batch size, compiled, the backend's steps per execution), "
             "marked ◀.", ""]
    for name in results[0]["models"]:
        lines += _rates_table(results, name) + [""]
    lines += _steps_table(results)
    machines = [f"{display(r['backend'])}: {r['machine']['cpu']}, {r['machine']['cpus']} CPUs; Keras "
                f"{r['machine']['keras']}, {r['backend']} {r['machine']['backend_version']}"
                for r in results if "machine" in r]
    if machines:
        lines += ["Machine: " + "; ".join(machines) + ".", ""]
    return "\n".join(lines)


def _rates_table(results: list[dict[str, Any]], name: str) -> list[str]:
    """Model ``name``: images per second of each training path on each backend, relative to its own path."""
    model = results[0]["models"][name]
    rows = []
    for row in model["rates"]:
        cells = []
        for r in results:
            m = r["models"][name]
            rate, ours = m["rates"][row], m["rates"][m["train_path"]]
            cells.append(f"{rate:,.0f} ({rate / ours:.2f}×){' ◀' if row == m['train_path'] else ''}")
        rows.append([row, *cells])
    return ([f"**{model['sizes']}** (recipe batch size {model['batch_size']})", ""]
            + table(["training path", *(display(r["backend"]) for r in results)], rows))


def _steps_table(results: list[dict[str, Any]]) -> list[str]:
    """The before/after of steps per execution: median (and range of) images per second of each setting."""
    rows = []
    for name in results[0]["models"]:
        for r in results:
            ab = r["models"][name].get("ab")
            if ab:
                med = {k: float(np.median(v)) for k, v in ab.items()}
                rows.append([r["models"][name]["sizes"], display(r["backend"]),
                             *(f"{med[str(k)]:,.0f} ({min(ab[str(k)]):,.0f}–{max(ab[str(k)]):,.0f})" for k in STEPS),
                             f"{med[str(STEPS[-1])] / med[str(STEPS[0])]:.2f}×"])
    if not rows:
        return []
    return (["**Before and after: steps per execution** (1: `train()` before issue 14, and under JAX now; "
             "8: `train()` under TensorFlow now). Two compiled copies of each model, their passes alternated "
             f"{results[0].get('ab_rounds', AB_ROUNDS)} times; median images per second (slowest–fastest "
             "pass).", ""]
            + table(["model", "backend", *(f"steps_per_execution={k}" for k in STEPS),
                     f"{STEPS[-1]} / {STEPS[0]} (medians)"], rows) + [""])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    args.out.write_text(json.dumps(measure(), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
