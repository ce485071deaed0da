"""Training throughput (images per second) of the collection's training path against common alternatives.

For the 2-D and 30-D models (:mod:`utils.recipes`), with the same data and model, one process per backend:

- the collection's path, :func:`utils.training.train`: ``model.fit`` on in-memory arrays, the recipe's
  batch size, Keras' default compilation (``jit_compile="auto"``: XLA on TensorFlow, ``jax.jit`` on JAX);
- the same at other batch sizes, without compilation (``jit_compile=False``), and with
  ``steps_per_execution=8`` (several steps per call, less Python overhead);
- (a) ``model.fit`` with default settings (batch size 32);
- (b) an eager, hand-written gradient loop of the kind older course notebooks use (TensorFlow:
  ``GradientTape`` without ``tf.function``; JAX: ``jax.value_and_grad`` without ``jax.jit``).

Each is timed over ``N_IMAGES`` images after a warm-up pass on the same images, so compilation is not
counted. Run by ``python -m benchmarks --throughput``; alone: ``python -m benchmarks.throughput --out f.json``.
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

N_IMAGES = 12_800
MODELS = ("ae2", "ae30")


def _fit_rate(build: Callable, x, batch_size: int, **compile_kwargs: Any) -> float:
    import keras

    model = build()
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="mse", **compile_kwargs)
    model.fit(x, x, batch_size=batch_size, epochs=1, verbose=0)  # warm-up: compile
    start = time.perf_counter()
    model.fit(x, x, batch_size=batch_size, epochs=1, verbose=0)
    return len(x) / (time.perf_counter() - start)


def _eager_rate(build: Callable, x, batch_size: int) -> float:
    import keras
    import numpy as np

    model = build()
    optimizer = keras.optimizers.Adam(1e-3)
    backend = keras.backend.backend()
    batches = [x[i:i + batch_size] for i in range(0, len(x), batch_size)]
    if backend == "tensorflow":
        import tensorflow as tf  # the benchmark compares against backend-specific code on purpose

        def step(batch):
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean(tf.square(model(batch, training=True) - batch))
            grads = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(grads, model.trainable_variables))

        def epoch():
            for b in batches:
                step(tf.constant(b))
    elif backend == "jax":
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
    else:
        return float("nan")
    epoch()  # warm-up
    start = time.perf_counter()
    epoch()
    np.asarray(0)
    return len(x) / (time.perf_counter() - start)


def measure() -> dict[str, Any]:
    """All throughput variants for this process's backend."""
    import utils  # noqa: F401
    import keras

    from utils.data import load_mnist
    from utils.recipes import RECIPES

    x = load_mnist(flatten=True, n_train=N_IMAGES, n_test=10).x_train
    out: dict[str, Any] = {"backend": keras.backend.backend(), "n_images": N_IMAGES, "models": {}}
    for name in MODELS:
        r = RECIPES[name]

        def build(r=r):
            keras.utils.set_random_seed(0)
            return r.build("tp").autoencoder

        rows = {}
        for bs in sorted({64, 128, 256, 512, r.batch_size}):
            rows[f"fit, batch {bs}, compiled (default)"] = _fit_rate(build, x, bs)
        rows[f"fit, batch {r.batch_size}, jit_compile=False"] = _fit_rate(build, x, r.batch_size, jit_compile=False)
        rows[f"fit, batch {r.batch_size}, steps_per_execution=8"] = _fit_rate(build, x, r.batch_size,
                                                                               steps_per_execution=8)
        rows["(a) fit with default settings (batch 32)"] = _fit_rate(build, x, 32)
        rows[f"(b) eager hand-written loop, batch {r.batch_size}"] = _eager_rate(build, x, r.batch_size)
        out["models"][name] = {"sizes": r.sizes(), "batch_size": r.batch_size, "rates": rows}
        print(f"[{out['backend']:10s}] throughput {name}: " + ", ".join(f"{v:,.0f}" for v in rows.values()),
              flush=True)
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
    """Markdown tables: images per second, and relative to the collection's path."""
    names = {"tensorflow": "TensorFlow", "jax": "JAX", "torch": "PyTorch"}
    lines = ["## Training throughput", "",
             f"Images per second while training ({results[0]['n_images']:,} images, timed after a warm-up pass, "
             "so compilation is not counted); in brackets, relative to the collection's path (`train()`: "
             "`model.fit`, the recipe's batch size, compiled), marked ◀.", ""]
    for name in MODELS:
        sizes, bs = results[0]["models"][name]["sizes"], results[0]["models"][name]["batch_size"]
        lines += [f"**{sizes}** (recipe batch size {bs})", "",
                  "| training path | " + " | ".join(names[r["backend"]] for r in results) + " |",
                  "|---|" + "---|" * len(results)]
        ours = f"fit, batch {bs}, compiled (default)"
        for row in results[0]["models"][name]["rates"]:
            cells = []
            for r in results:
                rates = r["models"][name]["rates"]
                cells.append(f"{rates[row]:,.0f} ({rates[row] / rates[ours]:.2f}×)")
            lines.append(f"| {row}{' ◀' if row == ours else ''} | " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    args.out.write_text(json.dumps(measure(), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
