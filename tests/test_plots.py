"""utils/plots.py: rows of digits, loss curves, 2-D code maps."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from utils.plots import (  # noqa: E402
    compact_png, digit_legend, method_style, plot_auroc_per_digit, plot_codes_2d, plot_curves, plot_feature_maps,
    plot_history, plot_kernels, show_image_rows, use_style,
)


def test_image_rows_figure():
    use_style()
    x = np.random.default_rng(0).random((4, 784))
    fig = show_image_rows({"original": x, "reconstruction": x}, title="t", captions=list("abcd"))
    assert len(fig.axes) == 8
    assert fig.axes[0].get_ylabel() == "original" and fig.axes[0].get_title() == "a"
    with pytest.raises(ValueError, match="same, non-zero number"):
        show_image_rows({"a": x, "b": x[:3]})
    with pytest.raises(ValueError, match="captions"):
        show_image_rows({"a": x}, captions=["1"])


def test_image_rows_frame_shows_a_blank_image():
    blank = np.zeros((2, 784))
    plain = show_image_rows({"blank": blank})
    framed = show_image_rows({"blank": blank}, frame=True)
    assert not any(s.get_visible() for ax in plain.axes for s in ax.spines.values())
    assert all(s.get_visible() for ax in framed.axes for s in ax.spines.values())


def test_history_and_code_plots():
    fig = plot_history({"run": {"loss": [1.0, 0.5], "val_loss": [1.1, 0.6]}})
    ax = fig.axes[0]
    assert len(ax.lines) == 2 and ax.get_xlabel() == "epoch" and ax.get_legend() is not None
    with pytest.raises(ValueError, match="no 'loss'"):
        plot_history({"run": {"acc": [1.0]}})
    codes = np.random.default_rng(0).normal(size=(50, 2))
    ax = plot_codes_2d(codes, np.arange(50) % 10, "map")
    assert ax.get_title() == "map" and len(ax.get_legend().get_texts()) == 10
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        plot_codes_2d(np.zeros((5, 3)), np.zeros(5), "bad")


def test_code_map_draws_classes_in_random_order_and_legend_on_request():
    labels = np.repeat(np.arange(10), 20)  # sorted by class, as a dataset often is
    codes = np.stack([labels, np.arange(200)], axis=1).astype(float)  # x-coordinate = label
    ax = plot_codes_2d(codes, labels, "map", legend=False)
    drawn = np.asarray(ax.collections[0].get_offsets())[:, 0]
    assert sorted(drawn.tolist()) == sorted(labels.tolist())  # every point once
    assert not np.all(np.diff(drawn) >= 0), "drawn class by class: the last class hides the others"
    assert ax.get_legend() is None
    digit_legend(ax.figure)
    assert len(ax.figure.legends[0].get_texts()) == 10
    with pytest.raises(ValueError, match="digits 0-9"):
        plot_codes_2d(codes, labels + 1, "bad")


def test_method_style_is_one_per_method():
    assert method_style("conv denoiser") == method_style("conv, code 32")
    assert method_style("dense, code 32") != method_style("conv, code 32")
    assert method_style("PCA, 32 components") == method_style("PCA projection")
    assert method_style("something new") == {"color": "k", "marker": "."}


def test_curves_kernels_and_feature_maps():
    ax = plot_curves([0, 1, 2], {"dense": [3, 2, 1], "conv": [2, 1, 0]}, xlabel="x", ylabel="y", title="t",
                     marks={1: "trained here"})
    assert len(ax.lines) == 3 and ax.get_xlabel() == "x"
    assert ax.lines[0].get_color() != ax.lines[1].get_color()
    with pytest.raises(ValueError, match="one value per x"):
        plot_curves([0, 1], {"dense": [1.0]}, xlabel="x", ylabel="y", title="t")
    fig = plot_feature_maps({"digit": np.zeros((28, 28, 1)), "its feature map": np.ones((28, 28))}, title="t")
    assert len(fig.axes) == 2 and fig.axes[1].get_images()[0].get_cmap().name == "coolwarm"
    with pytest.raises(ValueError, match="2-D image"):
        plot_feature_maps({"x": np.zeros((2, 3, 4))})
    fig = plot_kernels(np.zeros((3, 3, 1, 20)), np.zeros((14, 14, 20)), per_row=10)
    assert len(fig.axes) == 40
    with pytest.raises(ValueError, match="one per kernel"):
        plot_kernels(np.zeros((3, 3, 1, 20)), np.zeros((14, 14, 8)))


def test_auroc_per_digit_keeps_one_look_per_method():
    table = {"autoencoder": {0: 0.9, 1: 0.8}, "autoencoder, normalised": {0: 0.95, 1: 0.85},
             "5-NN distance": {0: 0.7, 1: 0.6}, "Deep SVDD, published": {0: 0.9, 1: 0.9}}
    ax = plot_auroc_per_digit(table, xlabel="digit", ylabel="AUROC", title="t", chance=True)
    lines = {line.get_label().split(" (mean")[0]: line for line in ax.get_lines()}
    plain, normed = lines["autoencoder"], lines["autoencoder, normalised"]
    assert plain.get_color() == normed.get_color() and plain.get_marker() == normed.get_marker()
    assert plain.get_markerfacecolor() == "none" and normed.get_markerfacecolor() != "none"
    assert lines["5-NN distance"].get_color() != plain.get_color()
    assert "autoencoder (mean 0.850)" in [t.get_text() for t in ax.get_legend().get_texts()]
    assert "chance (0.5)" in lines
    with pytest.raises(ValueError, match="same digits"):
        plot_auroc_per_digit({"a": {0: 0.5}, "b": {1: 0.5}}, xlabel="", ylabel="", title="")
    with pytest.raises(ValueError, match="at least one"):
        plot_auroc_per_digit({}, xlabel="", ylabel="", title="")


def test_compact_png_keeps_the_figure_in_a_palette():
    import io

    from PIL import Image

    use_style()
    rng = np.random.default_rng(0)
    fig = plot_codes_2d(rng.normal(size=(2000, 2)), np.arange(2000) % 10, "codes").figure
    fig.add_axes((0.7, 0.7, 0.2, 0.2)).imshow(rng.random((28, 28)), cmap="gray_r")  # grey levels beside colours
    png = compact_png(fig)
    rgba = io.BytesIO()
    fig.savefig(rgba, format="png", bbox_inches="tight", facecolor="white")
    image, full = Image.open(io.BytesIO(png)), Image.open(rgba)
    assert image.mode == "P" and image.size == full.size and round(image.info["dpi"][0]) == 110
    assert len(png) < 0.7 * len(rgba.getvalue())
    distance = np.linalg.norm(np.asarray(image.convert("RGB"), float) - np.asarray(full.convert("RGB"), float), axis=-1)
    assert distance.max() < 40, f"a pixel's colour moved by {distance.max():.0f} (RGB distance)"
    with pytest.raises(ValueError, match="between 2 and 256"):
        compact_png(fig, colors=300)
