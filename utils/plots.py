"""Figures in one shared style: rows of digits, loss curves, maps of 2-D codes."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from PIL import Image

STYLE = {
    "figure.dpi": 110,
    "savefig.dpi": 110,
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
    """Apply the collection's figure style (projector resolution, light grid).

    Inside IPython (a notebook) figures are also shown as compact PNGs (:func:`compact_png`), so that a
    lecture with a dozen figures at 110 dpi stays under 2 MB. Call it once, before the first figure: it loads
    the notebook's backend again, which closes figures already open.
    """
    plt.rcParams.update(STYLE)
    try:
        from IPython import get_ipython
    except ImportError:  # plain Python: no display formatter to set
        return
    shell = get_ipython()
    if shell is None:
        return
    plt.switch_backend(plt.get_backend())  # load the inline backend now, so its PNG formatter cannot replace ours
    shell.display_formatter.formatters["image/png"].for_type(plt.Figure, compact_png)


def compact_png(fig: plt.Figure, colors: int = 256) -> bytes:
    """The figure as a PNG with a palette of at most ``colors`` colours (about 2.5x smaller than RGBA).

    Drawn at the style's dpi (``savefig.dpi``, recorded in the file) with a tight bounding box, as the
    notebook's own display would, then reduced to an adaptive palette without dithering: figures are flat
    colours and anti-aliased edges, which 256 colours keep. (Maximum coverage, not median cut: on the
    lectures' figures median cut merged small legend markers into grey, up to 108 of 441 off in RGB
    distance; maximum coverage stays within 21.)
    """
    if not 2 <= colors <= 256:
        raise ValueError(f"colors must be between 2 and 256 (a PNG palette), got {colors}")
    dpi = plt.rcParams["savefig.dpi"]
    raw = io.BytesIO()
    fig.canvas.print_figure(raw, format="png", dpi=dpi, bbox_inches="tight", facecolor="white")
    image = Image.open(raw).convert("RGB")
    palette = image.quantize(colors=colors, method=Image.Quantize.MAXCOVERAGE, dither=Image.Dither.NONE)
    out = io.BytesIO()
    palette.save(out, format="png", optimize=True, dpi=(dpi, dpi))  # the dpi is recorded in the file
    return out.getvalue()


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


METHOD_STYLES: dict[str, tuple[str, str]] = {
    "conv": ("C1", "s"),
    "dense": ("C0", "o"),
    "PCA": ("C2", "^"),
    "median": ("C4", "v"),
    "blur": ("C5", "D"),
    "noisy input": ("0.5", "x"),
    "autoencoder": ("C0", "o"),
    "-NN": ("C3", "p"),
    "isolation": ("C7", "X"),
    "SVM": ("C6", "*"),
    "SVDD": ("k", "h"),
    "ink alone": ("C8", "<"),
}
"""One colour and marker per method, the same in every figure: the first key found in a curve's name."""


def method_style(name: str) -> dict[str, str]:
    """Colour and marker of the method named ``name`` (see :data:`METHOD_STYLES`), for ``ax.plot(**...)``.

    ``method_style("conv denoiser")`` is the convolutional models' orange square. A name that matches no
    method gets black dots, so that a new curve is drawn rather than refused.
    """
    for key, (color, marker) in METHOD_STYLES.items():
        if key.lower() in name.lower():
            return {"color": color, "marker": marker}
    return {"color": "k", "marker": "."}


def plot_curves(
    x: Sequence[float],
    curves: Mapping[str, Sequence[float]],
    *,
    xlabel: str,
    ylabel: str,
    title: str,
    ax: plt.Axes | None = None,
    marks: Mapping[float, str] | None = None,
) -> plt.Axes:
    """One line per method over a shared x axis (noise levels, shifts), in :func:`method_style`'s colours.

    ``marks`` draws a dotted vertical line at each x with its label (for example the noise level of training).

    Raises:
        ValueError: no curves, or a curve without one value per x.
    """
    if not curves:
        raise ValueError("curves must hold at least one method")
    bad = {name: len(v) for name, v in curves.items() if len(v) != len(x)}
    if bad:
        raise ValueError(f"every curve needs one value per x ({len(x)}); got {bad}")
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.8))
    for name, values in curves.items():
        ax.plot(x, values, label=name, **method_style(name))
    for at, label in (marks or {}).items():
        ax.axvline(at, color="0.5", linewidth=1, linestyle=":", label=label)
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title, xticks=list(x))
    ax.legend()
    return ax


def plot_auroc_per_digit(
    table: Mapping[str, Mapping[int, float]], *, xlabel: str, ylabel: str, title: str, chance: bool = False,
) -> plt.Axes:
    """One marker per method and digit (notebook 07's AUROC tables), methods side by side within a digit.

    Colours and markers come from :func:`method_style`, so a method looks the same in every figure; a name
    with "normalised" gets the filled marker, every other name the hollow one. The legend gives each method's
    mean.
    ``chance`` draws the 0.5 line.

    Raises:
        ValueError: no methods, or methods with different digits.
    """
    if not table:
        raise ValueError("table must hold at least one method")
    digits = sorted(next(iter(table.values())))
    bad = [name for name, col in table.items() if sorted(col) != digits]
    if bad:
        raise ValueError(f"every method needs the same digits {digits}; these differ: {bad}")
    fig, ax = plt.subplots(figsize=(8.5, 4))
    offsets = np.linspace(-0.3, 0.3, len(table))  # side by side, so that equal values do not hide each other
    for (name, col), dx in zip(table.items(), offsets):
        style = method_style(name)
        filled = "normalised" in name
        ax.plot(np.array(digits) + dx, [col[d] for d in digits], ls="none", ms=7, color=style["color"],
                marker=style["marker"], markerfacecolor=style["color"] if filled else "none", markeredgewidth=1.5,
                label=f"{name} (mean {np.mean([col[d] for d in digits]):.3f})")
    if chance:
        ax.axhline(0.5, color="grey", ls=":", lw=1, label="chance (0.5)")
    ax.set_xticks(digits)
    for d in digits[:-1]:
        ax.axvline(d + 0.5, color="0.85", lw=0.8)  # separates the digits
    ax.grid(axis="x", visible=False)
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=9)  # beside the plot, not over the points
    fig.tight_layout()
    return ax


def plot_feature_maps(panels: Mapping[str, np.ndarray], title: str = "") -> plt.Figure:
    """Images and feature maps side by side: a 2-D array per panel.

    A panel whose name contains "map" is drawn red (positive) and blue (negative) around a white 0, on one
    scale for all maps; the others as digits (ink dark).
    """
    if not panels:
        raise ValueError("panels must hold at least one image")
    arrays = {name: np.squeeze(np.asarray(a)) for name, a in panels.items()}
    bad = {name: a.shape for name, a in arrays.items() if a.ndim != 2}
    if bad:
        raise ValueError(f"every panel must be one 2-D image (height, width); got {bad}")
    maps = [a for name, a in arrays.items() if "map" in name]
    limit = max((float(np.abs(a).max()) for a in maps), default=1.0) or 1.0
    fig, axes = plt.subplots(1, len(arrays), figsize=(2.5 * len(arrays), 2.8), squeeze=False)
    for ax, (name, a) in zip(axes[0], arrays.items()):
        style = {"cmap": "coolwarm", "vmin": -limit, "vmax": limit} if "map" in name else {"cmap": "gray_r"}
        ax.imshow(a, **style)
        ax.set(title=name, xticks=[], yticks=[])
        ax.grid(False)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_kernels(kernels: np.ndarray, maps: np.ndarray, title: str = "", per_row: int = 16) -> plt.Figure:
    """A convolution's kernels (red +, blue -) above the feature maps they give for one image.

    ``kernels`` is a first layer's weights, shape (height, width, 1, n); ``maps`` its output for one image,
    shape (height, width, n).
    """
    kernels, maps = np.asarray(kernels), np.asarray(maps)
    if kernels.ndim != 4 or kernels.shape[2] != 1:
        raise ValueError(f"kernels must have shape (h, w, 1, n), a first layer's on one channel; got {kernels.shape}")
    n = kernels.shape[3]
    if maps.ndim != 3 or maps.shape[2] != n:
        raise ValueError(f"maps must have shape (h, w, {n}), one per kernel; got {maps.shape}")
    rows = -(-n // per_row)
    fig, axes = plt.subplots(2 * rows, per_row, figsize=(0.8 * per_row + 0.8, 1.9 * rows), squeeze=False)
    for ax in axes.flat:
        ax.set(xticks=[], yticks=[])
        ax.grid(False)
        ax.axis("off")
    for i in range(n):
        k = kernels[:, :, 0, i]
        ax_k, ax_m = axes[2 * (i // per_row), i % per_row], axes[2 * (i // per_row) + 1, i % per_row]
        ax_k.imshow(k, cmap="coolwarm", vmin=-np.abs(k).max(), vmax=np.abs(k).max())
        ax_m.imshow(maps[:, :, i], cmap="magma")
    for row in range(2 * rows):
        axes[row, 0].text(-0.3, 0.5, "kernel" if row % 2 == 0 else "map", transform=axes[row, 0].transAxes,
                          ha="right", va="center")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig
