"""Small helpers shared by the autoencoder lectures.

One module per concern:

- :mod:`utils.notebook`  setup(): the one call at the top of every lecture
- :mod:`utils.backend`   Keras, imported with TensorFlow's C++ start-up lines hidden
- :mod:`utils.config`    quick/full mode switch and the environment variables the collection reads
- :mod:`utils.checks`    argument checks shared by the modules
- :mod:`utils.data`      MNIST loading and validation; binarising, shifting images
- :mod:`utils.models`    the mirrored dense and convolutional autoencoder builders; predict, layer kinds
- :mod:`utils.recipes`   every model and how it is trained (RECIPES), shared with the benchmark
- :mod:`utils.experiments` each notebook's experiment settings (EXPERIMENTS), shared with the benchmark
- :mod:`utils.published` published figures with their sources (PUBLISHED)
- :mod:`utils.training`  compact training with a train-or-load cache; the epoch-printing callback
- :mod:`utils.cache`     the train-or-load cache (key, load, best-effort save)
- :mod:`utils.repro`     seeding and deterministic ops
- :mod:`utils.metrics`   reconstruction error, PSNR, SSIM, Fréchet distance
- :mod:`utils.stats`     runs with several seeds: their spread, and whether two sets of runs differ
- :mod:`utils.baselines` PCA, k-NN and linear-probe baselines, classical denoisers and anomaly detectors
- :mod:`utils.noise`     noise models for denoising
- :mod:`utils.vae`       the variational autoencoder: sampling, model, likelihood
- :mod:`utils.anomaly`   anomaly-detection protocols, scores, decisions, out-of-distribution inputs
- :mod:`utils.tables`    tables printed in the notebooks
- :mod:`utils.plots`     the shared figure style, image rows, loss curves, code maps

Importing ``utils`` imports nothing else. The modules that use Keras import it through
:mod:`utils.backend`, which hides TensorFlow's C++ start-up lines: in a notebook, import a ``utils`` module
that uses Keras (``from utils.notebook import setup``) before ``import keras``. The NumPy-only modules
(:mod:`utils.noise`, :mod:`utils.checks`, :mod:`utils.config`, :mod:`utils.metrics`, :mod:`utils.data`,
:mod:`utils.baselines`, :mod:`utils.anomaly`, :mod:`utils.tables`, :mod:`utils.plots`,
:mod:`utils.published`, :mod:`utils.stats`) start no backend; tests/test_imports.py checks it.
"""
