"""Keras, imported quietly: TensorFlow's C++ start-up lines hidden.

TensorFlow prints a few start-up lines from C++ (oneDNN, CUDA drivers) before any log level applies, and
they would land in every notebook. :func:`import_keras` imports Keras with those lines hidden, unless you
have set ``TF_CPP_MIN_LOG_LEVEL`` yourself; Python errors raised by the import still show as usual.
(Under another backend, TensorFlow, when installed, is loaded the same way: Keras loads it anyway.)
TensorFlow's Python warnings about function re-tracing are silenced too.

Importing this module calls :func:`import_keras`. Every module of :mod:`utils` that uses Keras imports it
first (``from . import backend as _backend`` before ``import keras``); so do the notebooks, through
``from utils.notebook import setup`` before their own ``import keras``. The NumPy-only modules
(:mod:`utils.noise`, :mod:`utils.metrics`, :mod:`utils.data` ...) do not, so importing them starts no backend.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import os
import sys
from types import ModuleType


def _import_with_stderr_hidden() -> None:
    """Import Keras and initialise its backend with file descriptor 2 (C++'s stderr) sent to /dev/null."""
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            keras = importlib.import_module("keras")
            keras.ops.zeros(1)  # the first op initialises the backend, which logs too
            if keras.backend.backend() != "tensorflow" and importlib.util.find_spec("tensorflow") is not None:
                # Under JAX or PyTorch, Keras still loads TensorFlow when it is installed (to seed it in
                # keras.utils.set_random_seed); load it here, so that its start-up lines stay hidden too.
                importlib.import_module("tensorflow")
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def import_keras() -> ModuleType:
    """Import Keras with TensorFlow's C++ start-up lines hidden, and return the ``keras`` module.

    Idempotent: once Keras is imported (by this function or any other way), it returns the module at once.
    With ``TF_CPP_MIN_LOG_LEVEL`` set in the environment, Keras is imported as usual (your setting applies).
    """
    if "keras" not in sys.modules and "TF_CPP_MIN_LOG_LEVEL" not in os.environ:
        os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
        _import_with_stderr_hidden()
    # TensorFlow's Python logger warns about re-tracing when a notebook calls predict() on many small models;
    # harmless here, and noise in a lecture. (Only a logger name: nothing backend-specific is imported.)
    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    return importlib.import_module("keras")


import_keras()
