"""The benchmark's report and relation checks, on made-up results (the real runs: README, Benchmarks)."""

import copy
import os

import pytest

from benchmarks.__main__ import installed_backends, main
from benchmarks.report import check_relations, render, render_sections
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
    rows = {"noisy input": (9.4, 0.37), "median filter": (14.2, 0.5), "Gaussian blur": (14.0, 0.48),
            "PCA projection": (15.2, 0.5), "dense denoiser": (19.4, 0.83), "conv denoiser": (21.2, 0.88)}
    res["conv"] = {
        "sse": {"cae32": 6.0, "dense32": 8.0, "pca32": 13.9, "cae2": 36.0, "dense2": 35.0, "pca2": 43.0},
        "shifted": {"cae32": [6.0, 7.0, 9.0, 12.0, 15.0], "dense32": [8.0, 9.5, 13.5, 20.0, 27.5]},
        "shifts": [0, 1, 2, 3, 4], "knn": {"cae2": [0.7, 0.75], "dense2": [0.72, 0.76], "pca2": [0.39, 0.42]},
        "knn_k": [1, 5], "noise": {"gaussian": 0.5, "masking": 0.5},
        "denoising": {k: {n: {"psnr": p, "ssim": q} for n, (p, q) in rows.items()} for k in ("gaussian", "masking")},
        "probe": {"raw": 0.92, "dense32": 0.90, "cae32": 0.91}, "n_probe": 20000,
        "costs": [{**cost("cae32"), "weights": 241441}], "mode": "full", "target_psnr_db": 21.0,
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
                    "## Convolutional autoencoders", "## Relations checked"):
        assert heading in text
    assert "76.5 / 79.3 %" in text and "3.00" in text and "13.87" in text  # published anchors
    assert "| 0.60 |" in text  # JAX / TF time per epoch
    assert "Quick mode" not in text
    assert "| 6.00 | 7.00 | 9.00 | 12.00 | 15.00 | 2.50x |" in text  # conv: error of moved digits and its growth
    assert "21.20 / 0.880" in text and "met (21.20 dB" in text


@pytest.mark.parametrize("breaks, message", [
    (lambda r: r["jax"]["ae2"]["ae"].update(knn5=0.3), "JAX: 2-D autoencoder knn5"),
    (lambda r: r["tensorflow"]["ae30"]["ae"].update(sse=14.0), "30-D autoencoder error"),
    (lambda r: r["tensorflow"]["features"]["all_labels"].update(ae=0.85), "within 2 points"),
    (lambda r: r["tensorflow"]["dae"]["rows"]["denoising autoencoder"].update(psnr=14.0), "median filter"),
    (lambda r: r["tensorflow"]["tsne"]["tsne"].update(knn5=0.3), "t-SNE"),
    (lambda r: r["jax"]["conv"]["sse"].update(cae32=14.0), "JAX: conv autoencoder (code 32)"),
    (lambda r: r["tensorflow"]["conv"]["shifted"].update(cae32=[1.0, 2.0, 5.0, 10.0, 27.0]), "adds 26.00 to the conv"),
    (lambda r: r["tensorflow"]["conv"]["shifted"].update(cae32=[6.0, 7.0, 19.0, 12.0, 15.0]), "not below the dense"),
    (lambda r: r["tensorflow"]["conv"]["denoising"]["masking"]["conv denoiser"].update(psnr=15.0),
     "masking noise: conv denoiser 15.00 dB is not above the PCA projection"),
])
def test_a_broken_relation_is_reported(breaks, message):
    r = copy.deepcopy(results())
    breaks(r)
    problems = check_relations(r)
    assert len(problems) == 1 and message in problems[0]
    assert "FAILED" in render(r, None, "quick", 60.0, problems)


def test_throughput_table_is_relative_to_each_backends_training_path():
    def backend(name, spe):
        rates = {"fit, batch 128, steps_per_execution=1": 1000.0, "fit, batch 128, steps_per_execution=8": 1200.0,
                 "(a) fit with default settings (batch 32)": 400.0}
        return {"backend": name, "n_images": 100,
                "models": {m: {"sizes": m, "batch_size": 128, "rates": rates,
                               "train_path": f"fit, batch 128, steps_per_execution={spe}",
                               "ab": {"1": [900.0, 1000.0, 1100.0], "8": [1000.0, 1500.0, 1300.0]}}
                           for m in ("784-2", "cae")}}

    text = render_throughput([backend("tensorflow", 8), backend("jax", 1)])
    tf_row = "| fit, batch 128, steps_per_execution=8 | 1,200 (1.00×) ◀ | 1,200 (1.20×) |"
    jax_row = "| fit, batch 128, steps_per_execution=1 | 1,000 (0.83×) | 1,000 (1.00×) ◀ |"
    assert tf_row in text and jax_row in text, text
    assert "| (a) fit with default settings (batch 32) | 400 (0.33×) | 400 (0.40×) |" in text
    assert "| 784-2 | TensorFlow | 1,000 (900–1,100) | 1,300 (1,000–1,500) | 1.30× |" in text, text  # medians
    assert "| cae | JAX |" in text and "alternated" in text


def test_throughput_section_is_regenerated_alone():
    r = results()
    full = render(r, "## Training throughput\n\nold table\n", "full", 600.0, [])
    assert "old table" in full and "## Relations checked" in full
    updated = render_sections(full, {"tensorflow": {}}, "python -m benchmarks --tasks throughput", 90.0,
                              "## Training throughput\n\nnew table\n")
    assert "old table" not in updated and "new table" in updated and "--tasks throughput`, 1.5 min" in updated
    assert updated.split("## Training throughput")[0] == full.split("## Training throughput")[0]
    assert updated.index("new table") < updated.index("## Relations checked")


def test_cli_rejects_a_backend_that_is_not_installed(capsys):
    if "torch" in installed_backends():
        pytest.skip("torch is installed here")
    with pytest.raises(SystemExit):
        main(["--quick", "--backends", "torch"])
    assert "not installed" in capsys.readouterr().err


def test_one_tasks_section_is_regenerated_in_place():
    r = results()
    full = render(r, None, "full", 600.0, [])
    changed = copy.deepcopy(r)
    changed["tensorflow"]["conv"]["sse"]["cae32"] = 4.25
    only_conv = {b: {"conv": res["conv"]} for b, res in changed.items()}
    updated = render_sections(full, only_conv, "python -m benchmarks --tasks conv", 120.0)
    assert "| convolutional, TensorFlow | 4.25 |" in updated and "--tasks conv`, 2.0 min" in updated
    before, after = full.split("## Convolutional autoencoders")[0], updated.split("## Convolutional autoencoders")[0]
    assert before == after and updated.count("## Convolutional autoencoders") == 1
    assert full.split("## Relations checked")[1] == updated.split("## Relations checked")[1]
    assert "|\n\n## " in updated.split("## Convolutional autoencoders")[1]  # an empty line before the next heading
    no_section = full.replace("## Convolutional autoencoders (notebook 05)", "## Something else")
    inserted = render_sections(no_section.split("## Something else")[0] + "## Anomaly detection (notebook 07)\n",
                               only_conv, "cmd", 60.0)
    assert inserted.index("## Convolutional") < inserted.index("## Anomaly detection")
    with pytest.raises(ValueError, match="no report section"):
        render_sections(full, {"tensorflow": {"ae2": r["tensorflow"]["ae2"]}}, "cmd", 1.0)


@pytest.mark.parametrize("argv, message", [
    (["--tasks", "nonsense"], "unknown task(s) ['nonsense']"),
    (["--tasks", "throughput", "--quick"], "--tasks throughput regenerates the throughput section"),
    (["--tasks", "conv", "--throughput"], "use it without --quick and --throughput"),
    (["--tasks", "ae2"], "have no report section of their own"),  # said before anything trains
    (["--tasks", "conv", "--out", "/nonexistent/report.md"], "does not exist"),
])
def test_cli_rejects_a_wrong_tasks_option(argv, message, capsys):
    with pytest.raises(SystemExit):
        main(argv)
    assert message in capsys.readouterr().err


def test_measured_results_are_kept_when_writing_the_report_fails(monkeypatch, tmp_path, capsys):
    import benchmarks.__main__ as cli

    report = tmp_path / "BENCHMARKS.md"
    report.write_text("# Benchmarks\n\n## Something else\n")
    monkeypatch.setattr(cli, "run_task", lambda task, backend, mode, tmp: {"measured": 42})
    monkeypatch.setattr(cli, "check_relations", lambda results: [])
    with pytest.raises(KeyError):  # the conv section cannot be drawn from these results
        main(["--tasks", "conv", "--backends", installed_backends()[0], "--out", str(report)])
    kept = capsys.readouterr().err.split("kept in ")[1].strip()
    try:
        assert '"measured": 42' in open(kept).read()
    finally:
        os.remove(kept)
