"""Small helpers shared by the autoencoder lectures.

One module per concern:

- :mod:`utils.notebook`  setup(): the one call at the top of every lecture
- :mod:`utils.config`    quick/full mode switch and the environment variables the collection reads
- :mod:`utils.checks`    argument checks shared by the modules
- :mod:`utils.data`      MNIST loading and validation
- :mod:`utils.models`    the mirrored dense and convolutional autoencoder builders
- :mod:`utils.recipes`   models, training settings and experiment settings shared with the benchmark
- :mod:`utils.training`  compact training with a train-or-load cache
- :mod:`utils.cache`     the train-or-load cache (key, load, best-effort save)
- :mod:`utils.repro`     seeding and deterministic ops
- :mod:`utils.metrics`   reconstruction error and PSNR
- :mod:`utils.baselines` PCA, k-NN and linear-probe baselines
- :mod:`utils.noise`     noise models for denoising
- :mod:`utils.plots`     the shared figure style, image rows, loss curves, code maps

Import ``utils`` before ``keras``: TensorFlow prints a few start-up lines from C++ (oneDNN, CUDA
drivers) before any log level applies, and they would land in every notebook. Unless you have set
``TF_CPP_MIN_LOG_LEVEL`` yourself, importing ``utils`` imports Keras with those lines hidden; Python
errors raised by the import still show as usual. (Under another backend, TensorFlow, when installed, is
loaded the same way: Keras loads it anyway.) TensorFlow's Python warnings about function
re-tracing are silenced too.
"""

import importlib
import importlib.util
import logging
import os
import sys


def _import_keras_quietly() -> None:
    if "keras" in sys.modules or "TF_CPP_MIN_LOG_LEVEL" in os.environ:
        import keras  # noqa: F401
        return
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            import keras  # noqa: F401

            keras.ops.zeros(1)  # the first op initialises the backend, which logs too
            if keras.backend.backend() != "tensorflow" and importlib.util.find_spec("tensorflow") is not None:
                # Under JAX or PyTorch, Keras still loads TensorFlow when it is installed (to seed it in
                # keras.utils.set_random_seed); load it here, so that its start-up lines stay hidden too.
                importlib.import_module("tensorflow")
    finally:
        os.dup2(saved, 2)
        os.close(saved)


_import_keras_quietly()
# TensorFlow's Python logger warns about re-tracing when a notebook calls predict() on many small models;
# harmless here, and noise in a lecture. (Only a logger name: nothing backend-specific is imported.)
logging.getLogger("tensorflow").setLevel(logging.ERROR)
