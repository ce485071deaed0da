"""Published figures that the notebooks and BENCHMARKS.md print beside their own measurements: ``PUBLISHED``.

Each :class:`Anchor` carries its value and the source it is cited from. tests/test_notebook_prose.py accepts
these values in the notebooks' prose as cited figures.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Anchor:
    """A published figure, with the source it is cited from."""

    value: float | tuple[float, ...]
    source: str


PUBLISHED: dict[str, Anchor] = {
    # notebook 02: the 2-D map's k-NN accuracy, the 30-D model's reconstruction error
    "knn_2d_pca": Anchor((37.7, 42.0), "Sainburg, McInnes & Gentner (2021), Neural Computation 33(11), table 1: "
                                       "PCA, MNIST, 1-NN / 5-NN accuracy %"),
    "knn_2d_ae": Anchor((76.5, 79.3), "Sainburg, McInnes & Gentner (2021), table 1: autoencoder, 1-NN / 5-NN %"),
    "knn_2d_tsne": Anchor((94.1, 95.0), "Sainburg, McInnes & Gentner (2021), table 1: t-SNE, 1-NN / 5-NN %"),
    # notebook 08: the parametric map that keeps neighbours
    "knn_2d_parametric_umap": Anchor((94.0, 96.1), "Sainburg, McInnes & Gentner (2021), table 1: parametric UMAP, "
                                                   "MNIST test, 1-NN / 5-NN accuracy %"),
    "sse30_ae": Anchor(3.00, "Hinton & Salakhutdinov (2006), Science 313:504: deep autoencoder, MNIST test, "
                             "summed squared error per image"),
    "sse30_logistic_pca": Anchor(8.01, "Hinton & Salakhutdinov (2006): logistic PCA, 30 components"),
    "sse30_pca": Anchor(13.87, "Hinton & Salakhutdinov (2006): PCA, 30 components"),
    # notebook 03: a linear classifier on the raw pixels
    "lr_raw_pixels": Anchor(92.51, "deeplearning.net Theano tutorial, logistic regression on MNIST: 7.49 % "
                                   "test error (a tutorial figure, not a paper)"),
    # notebook 06: the VAE's 2-D map and its likelihood
    "knn_2d_vae": Anchor((72.4, 76.5), "Sainburg, McInnes & Gentner (2021), table 1: VAE, 2-D, MNIST, "
                                       "1-NN / 5-NN accuracy %"),
    "nll_vae": Anchor(86.76, "Burda, Grosse & Salakhutdinov (2016), Importance Weighted Autoencoders, ICLR, "
                             "table 1: VAE with one stochastic layer (784-200-200-50, tanh), dynamically "
                             "binarised MNIST, test NLL in nats (k = 5000), trained 3,280 epochs"),
    # notebook 07: one-class anomaly detection
    "deep_svdd_mnist": Anchor(
        (98.0, 99.7, 91.7, 91.9, 94.9, 88.5, 98.3, 94.6, 93.9, 96.5),
        "Ruff et al. (2018), Deep One-Class Classification, ICML, Table 1: one-class Deep SVDD, MNIST one-vs-rest, "
        "AUROC % for normal digit 0..9 (mean of 10 seeds; GCN + min-max preprocessing, LeNet-type CNN)"),
}
"""Every published anchor by name, with its source."""
