"""The benchmark's report and relation checks, on made-up results (the real runs: README, Benchmarks)."""

import copy

import pytest

from benchmarks.__main__ import installed_backends, main
from benchmarks.report import check_relations, render
from benchmarks.throughput import render as render_throughput

MACHINE = {"cpu": "test CPU", "cpus": 2, "python": "3.11", "keras": "3", "backend": "tensorflow",
           "backend_version": "2", "numpy": "2"}


def cost(name):
    return {"model": name, "epochs": 10, "train_seconds": 20.0, "seconds_per_epoch": 2.0}


def backend_results(speed=1.0):
    few = {"raw": {"100": [0.70, 0.72], "1000": [0.85, 0.86]}, "pca": {"100": [0.69, 0.70], "1000": [0.84, 0.85]},
           "ae": {"100": [0.75, 0.76], "1000": [0.86, 0.87]}, "finetuned": {"100": [0.74, 0.75], "1000": [0.90, 0.91]},
           "random": {"100": [0.74, 0.76], "1000": [0.90, 0.90]}}
    res = {
        "ae2": {"ae": {"knn1": 0.8, "knn5": 0.85, "sse": 25.0}, "pca": {"knn1": 0.39, "knn5": 0.42, "sse": 43.6},
                "cost": cost("AE-2"), "peak_rss_mb": 1000.0, "machine": MACHINE},
        "ae30": {"ae": {"sse": 3.2}, "pca": {"sse": 13.87}, "cost": cost("AE-30"), "peak_rss_mb": 1100.0},
        "features": {"all_labels": {"raw": 0.92, "pca": 0.90, "ae": 0.905}, "few_labels": few,
                     "cost": cost("AE-32"), "peak_rss_mb": 1200.0},
        "dae": {"sigma": 0.5, "cost": cost("DAE"), "peak_rss_mb": 900.0,
                "rows": {"noisy input": {"setting": "", "psnr": 9.4, "ssim": 0.37},
                         "median filter": {"setting": "3", "psnr": 14.2, "ssim": 0.5},
                         "denoising autoencoder": {"setting": "", "psnr": 19.4, "ssim": 0.83}}},
    }
    for task in ("ae2", "ae30", "features", "dae"):
        res[task]["cost"]["seconds_per_epoch"] *= speed
    return res


def results():
    tf = backend_results()
    tf["tsne"] = {"tsne": {"knn1": 0.9, "knn5": 0.91, "subset": [5000, 2000]}}
    return {"tensorflow": tf, "jax": backend_results(speed=0.6)}


def test_relations_hold_and_report_has_every_table():
    r = results()
    assert check_relations(r) == []
    text = render(r, None, "full", 600.0, [])
    for heading in ("## 2-D codes", "## 30-D codes", "## Features", "## Denoising", "## Training cost",
                    "## Relations checked"):
        assert heading in text
    assert "76.5 / 79.3 %" in text and "3.00" in text and "13.87" in text  # published anchors
    assert "| 0.60 |" in text  # JAX / TF time per epoch
    assert "Quick mode" not in text


@pytest.mark.parametrize("breaks, message", [
    (lambda r: r["jax"]["ae2"]["ae"].update(knn5=0.3), "JAX: 2-D autoencoder knn5"),
    (lambda r: r["tensorflow"]["ae30"]["ae"].update(sse=14.0), "30-D autoencoder error"),
    (lambda r: r["tensorflow"]["features"]["all_labels"].update(ae=0.85), "within 2 points"),
    (lambda r: r["tensorflow"]["dae"]["rows"]["denoising autoencoder"].update(psnr=14.0), "median filter"),
    (lambda r: r["tensorflow"]["tsne"]["tsne"].update(knn5=0.3), "t-SNE"),
])
def test_a_broken_relation_is_reported(breaks, message):
    r = copy.deepcopy(results())
    breaks(r)
    problems = check_relations(r)
    assert len(problems) == 1 and message in problems[0]
    assert "FAILED" in render(r, None, "quick", 60.0, problems)


def test_throughput_table_is_relative_to_the_collections_path():
    rates = {"fit, batch 128, compiled (default)": 1000.0, "(a) fit with default settings (batch 32)": 400.0}
    res = [{"backend": "tensorflow", "n_images": 100,
            "models": {m: {"sizes": "784-2", "batch_size": 128, "rates": rates} for m in ("ae2", "ae30")}}]
    text = render_throughput(res)
    assert "1,000 (1.00×)" in text and "400 (0.40×)" in text and "◀" in text


def test_cli_rejects_a_backend_that_is_not_installed(capsys):
    if "torch" in installed_backends():
        pytest.skip("torch is installed here")
    with pytest.raises(SystemExit):
        main(["--quick", "--backends", "torch"])
    assert "not installed" in capsys.readouterr().err
