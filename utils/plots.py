"""Figures in one shared style: rows of digits, loss curves, maps of 2-D codes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np

STYLE = {
    "figure.dpi": 80,
    "savefig.dpi": 80,
    "figure.figsize": (7.0, 4.0),
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "legend.fontsize": 9,
    "legend.frameon": False,
}
DIGIT_COLORS = plt.get_cmap("tab10")


def use_style() -> None:
    """Apply the collection's figure style (moderate size and resolution, light grid)."""
    plt.rcParams.update(STYLE)


def show_image_rows(
    rows: Mapping[str, np.ndarray],
    title: str = "",
    captions: Sequence[str] | None = None,
    image_shape: tuple[int, int] = (28, 28),
    scale: float = 0.9,
    frame: bool = False,
) -> plt.Figure:
    """Draw several rows of images with a label at the left of each row.

    ``show_image_rows({"original": x[:10], "reconstruction": x_hat[:10]})`` draws the lecture's
    figure: originals above their reconstructions. Every row must hold the same number of images;
    ``captions`` (one per column) are written above the first row, e.g. the digits' labels. ``frame``
    draws a thin grey border around each image, so that a blank (all-zero, white) image is seen as one.
    """
    if not rows:
        raise ValueError("rows must hold at least one row of images")
    counts = {name: len(images) for name, images in rows.items()}
    n = next(iter(counts.values()))
    if any(c != n for c in counts.values()) or n == 0:
        raise ValueError(f"every row needs the same, non-zero number of images; got {counts}")
    if captions is not None and len(captions) != n:
        raise ValueError(f"captions must have one entry per column ({n}), got {len(captions)}")
    fig, axes = plt.subplots(len(rows), n, figsize=(scale * n + 1.2, scale * len(rows) + 0.5), squeeze=False)
    for r, (name, images) in enumerate(rows.items()):
        for c in range(n):
            ax = axes[r, c]
            ax.imshow(np.asarray(images[c]).reshape(image_shape), cmap="gray_r", vmin=0, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
            ax.grid(False)
            for spine in ax.spines.values():
                spine.set_visible(bool(frame))
                spine.set_edgecolor("0.6")
                spine.set_linewidth(0.6)
            if r == 0 and captions is not None:
                ax.set_title(str(captions[c]), fontsize=9)
        axes[r, 0].set_ylabel(name, rotation=0, ha="right", va="center", fontsize=10)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_history(
    histories: Mapping[str, Mapping[str, Sequence[float]]],
    title: str = "Training",
    ylabel: str = "loss (MSE per pixel)",
    log: bool = True,
) -> plt.Figure:
    """Training (solid) and validation (dashed) loss per epoch, one colour per run.

    ``histories`` maps a run's name to its history (``TrainResult.history``).
    """
    if not histories:
        raise ValueError("histories must hold at least one run")
    fig, ax = plt.subplots()
    for i, (name, hist) in enumerate(histories.items()):
        if "loss" not in hist:
            raise ValueError(f"history of {name!r} has no 'loss' entry")
        color = f"C{i}"
        epochs = np.arange(1, len(hist["loss"]) + 1)
        ax.plot(epochs, hist["loss"], color=color, label=f"{name}: training")
        if "val_loss" in hist:
            ax.plot(epochs, hist["val_loss"], color=color, linestyle="--", label=f"{name}: validation")
    ax.set_xlabel("epoch")
    ax.set_ylabel(ylabel)
    if log:
        ax.set_yscale("log")
    ax.set_title(title)
    ax.legend()
    fig.tight_layout()
    return fig


def digit_legend(target: plt.Axes | plt.Figure, **kwargs: object) -> None:
    """Add the legend of the ten digit colours (as :func:`plot_codes_2d` draws them) to an axes or a figure."""
    handles = [plt.Line2D([], [], marker="o", linestyle="", color=DIGIT_COLORS(d), label=str(d)) for d in range(10)]
    options = {"title": "digit", "loc": "center left", "bbox_to_anchor": (1.0, 0.5), **kwargs}
    target.legend(handles=handles, **options)


def plot_codes_2d(
    codes: np.ndarray,
    labels: np.ndarray,
    title: str,
    ax: plt.Axes | None = None,
    size: float = 2.0,
    axis_names: tuple[str, str] = ("code 1", "code 2"),
    legend: bool = True,
    seed: int = 0,
) -> plt.Axes:
    """Scatter 2-D codes coloured by digit, in a random order, with a legend of the ten digits.

    The points are drawn in one random order (``seed``), not class by class: drawn 0 to 9, the 9s would
    cover the 4s wherever the two overlap, and the figure would show a boundary that is not in the data.
    ``legend=False`` leaves the legend out (for a figure with one legend for all panels, :func:`digit_legend`).

    Raises:
        ValueError: ``codes`` is not of shape (n, 2), or ``labels`` does not have one digit 0-9 per code.
    """
    codes = np.asarray(codes)
    labels = np.asarray(labels)
    if codes.ndim != 2 or codes.shape[1] != 2:
        raise ValueError(f"codes must have shape (n, 2), got {codes.shape}")
    if len(labels) != len(codes):
        raise ValueError(f"{len(codes)} codes but {len(labels)} labels")
    if len(labels) and (labels.min() < 0 or labels.max() > 9):
        raise ValueError(f"labels must be digits 0-9, got values from {labels.min()} to {labels.max()}")
    if ax is None:
        _, ax = plt.subplots(figsize=(5.5, 5))
    order = np.random.default_rng(seed).permutation(len(codes))
    ax.scatter(codes[order, 0], codes[order, 1], s=size, c=DIGIT_COLORS(labels[order].astype(int)), alpha=0.6,
               rasterized=True, linewidths=0)
    ax.set_xlabel(axis_names[0])
    ax.set_ylabel(axis_names[1])
    ax.set_title(title)
    if legend:
        digit_legend(ax)
    return ax
