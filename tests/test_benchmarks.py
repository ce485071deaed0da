"""The benchmark's report and relation checks, on made-up results (the real runs: README, Benchmarks)."""

import copy
import json
import os
from pathlib import Path

import pytest

from benchmarks.__main__ import installed_backends, main
import benchmarks.seeds as seed_spread
from benchmarks.anomaly import RELATIONS as ANOMALY_RELATIONS, render_section as render_anomaly
from benchmarks.common import display, ran, run_seed, table, task_results
from benchmarks.conv import RELATIONS as CONV_RELATIONS, render_section as render_conv
from benchmarks.maps import (HEADING as MAP_HEADING, RELATIONS as MAP_RELATIONS, check as check_map,
                             render_section as render_map)
from benchmarks.report import (check_relations, render, render_2d_codes, render_30d_codes, render_cost,
                               render_denoising, render_features, render_relations, render_sections)
from benchmarks.throughput import render as render_throughput
from benchmarks.vae import RELATIONS as VAE_RELATIONS, render_section as render_vae
from utils.stats import spread

FIXTURES = Path(__file__).resolve().parent / "fixtures"

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
    (lambda r: r["tensorflow"]["features"]["few_labels"]["random"].update({"1000": [0.80, 0.81]}),
     "with 1,000 labels, the random network"),
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
    monkeypatch.setattr(cli, "run_task", lambda task, backend, mode, tmp, seed=0: {"measured": 42})
    monkeypatch.setattr(cli, "check_relations", lambda results: [])
    with pytest.raises(KeyError):  # the conv section cannot be drawn from these results
        main(["--tasks", "conv", "--backends", installed_backends()[0], "--out", str(report)])
    kept = capsys.readouterr().err.split("kept in ")[1].strip()
    try:
        assert '"measured": 42' in open(kept).read()
    finally:
        os.remove(kept)


def fixed_results() -> dict:
    """A quick run's results (TensorFlow), a second backend made up from them, every task in full mode (so that
    every part of the report renders), a throughput section: ``tests/fixtures/benchmark_results.json``."""
    return json.loads((FIXTURES / "benchmark_results.json").read_text(encoding="utf-8"))


def render_fixed() -> str:
    f = fixed_results()
    return render(f["results"], f["throughput"], f["mode"], f["seconds"], f["problems"])


def write_expected_report() -> None:
    """After a change to the report's text on purpose: ``python -c "from tests.test_benchmarks import
    write_expected_report as w; w()"``, then read the diff of tests/fixtures/benchmark_report.md."""
    (FIXTURES / "benchmark_report.md").write_text(render_fixed(), encoding="utf-8")


def test_report_is_the_same_for_the_same_results():
    expected = (FIXTURES / "benchmark_report.md").read_text(encoding="utf-8")
    assert render_fixed() == expected, "the report changed; if on purpose, see write_expected_report"


def test_each_section_renders_alone_and_the_report_is_them_in_order():
    f = fixed_results()
    r = f["results"]
    report = render_fixed()
    at = 0
    for section in (render_2d_codes, render_30d_codes, render_features, render_denoising, render_conv,
                    render_anomaly, render_vae, render_map, render_cost):
        lines = section(r)
        assert lines[0].startswith("## ") and lines[-1] == "", section.__name__
        at = report.index("\n".join(lines), at)  # in the report as it is alone, after the section before it
    assert report.index(f["throughput"], at) < report.index("## Relations checked")


def test_relations_section_adds_the_relations_of_the_tasks_that_ran():
    r = results()  # conv, but neither anomaly nor vae
    text = "\n".join(render_relations(r, []))
    assert text.startswith("## Relations checked") and "All hold" in text and CONV_RELATIONS in text
    assert ANOMALY_RELATIONS not in text and VAE_RELATIONS not in text and MAP_RELATIONS not in text
    assert render_relations(r, ["one", "two"]) == ["## Relations checked", "", "- FAILED: one", "- FAILED: two"]
    assert "JAX / TF time per epoch" not in "\n".join(render_cost({"tensorflow": r["tensorflow"]}))


def test_common_helpers():
    assert table(["a", "b"], [["1", "2"], ["3", ""]]) == ["| a | b |", "|---|---|", "| 1 | 2 |", "| 3 |  |"]
    assert display("jax") == "JAX" and display("tensorflow") == "TensorFlow" and display("mlx") == "mlx"
    r = {"tensorflow": {"conv": 1}, "jax": {}, "torch": {"conv": 2}}
    assert ran(r, "conv") == ["tensorflow", "torch"] and ran(r, "vae") == []
    assert list(task_results(r, "conv")) == [("TensorFlow", 1), ("PyTorch", 2)]


# ------------------------------------------------------------------------------------------------------------
# Seed spread: python -m benchmarks --seeds N (benchmarks/seeds.py), on made-up per-seed results
# ------------------------------------------------------------------------------------------------------------
def _scaled(x, factor):
    """``x`` (a result) with every float times ``factor``: a made-up run with another seed."""
    if isinstance(x, dict):
        return {k: v if k in ("machine", "cost", "costs") else _scaled(v, factor) for k, v in x.items()}
    if isinstance(x, list):
        return [_scaled(v, factor) for v in x]
    return x * factor if isinstance(x, float) else x


FACTORS = (1.0, 1.002, 0.997)  # seed s: every number times FACTORS[s]


def seeded_runs(n_seeds=3, backends=("tensorflow", "jax")):
    """``{backend: {task: {seed: result}}}`` from the fixture's results, seed s scaled by ``FACTORS[s]``."""
    res = fixed_results()["results"]
    return {b: {t: {str(s): _scaled(r, FACTORS[s]) for s in range(n_seeds)} for t, r in res[b].items()}
            for b in backends}


def test_seed_section_has_each_headline_number_its_spread_and_the_backends_difference():
    runs = seeded_runs()
    lines = seed_spread.render_section(runs, "python -m benchmarks --seeds 3", "full", "BENCHMARKS-seeds.json", 600.0)
    text = "\n".join(lines)
    assert lines[0] == seed_spread.HEADING and lines[-1] == ""
    assert "every run in `BENCHMARKS-seeds.json`" in text
    assert "last updated by `python -m benchmarks --seeds 3`, which ran what was missing in 10.0 min" in text
    assert "| headline number | TensorFlow mean | sd | min–max | n | JAX mean | sd | min–max | n | TF − JAX |" in text
    knn5 = [fixed_results()["results"]["tensorflow"]["ae2"]["ae"]["knn5"] * f for f in FACTORS]
    s = spread(knn5)
    row = next(line for line in lines if line.startswith("| 2-D code, 5-NN accuracy: autoencoder |"))
    assert row.startswith(f"| 2-D code, 5-NN accuracy: autoencoder | {100 * s.mean:.2f} % | {100 * s.sd:.2f} | "
                          f"{100 * s.min:.2f}–{100 * s.max:.2f} | 3 |"), row
    assert "Quick mode" not in text
    for label in ("2-D code, 5-NN accuracy: VAE (code means)", "30-D code, error per image: autoencoder",
                  "linear probe, 100 labels: raw pixels", "linear probe, 1,000 labels: PCA-32",
                  "linear probe, all labels: autoencoder code (32)",
                  "denoising σ 0.5, PSNR: dense denoiser (notebook 04)",
                  "code 32, error per image: convolutional", "denoising σ 0.5, PSNR: conv denoiser", "VAE, test NLL",
                  "anomaly, one digit normal, mean AUROC: autoencoder, normalised",
                  "anomaly, nine digits normal, mean AUROC: autoencoder |"):
        assert f"| {label}" in text, label
    assert "(differ)" in text or "(within the spread)" in text
    assert "- TensorFlow, 5-NN accuracy of the 2-D codes: **autoencoder > PCA-2 — as the lecture says**" in text
    assert "- JAX, linear probe with 100 labels: **code" in text
    assert "- TensorFlow, denoising PSNR at σ 0.5 (notebook 05): **conv denoiser" in text
    assert "- JAX: 24 runs" in text and "- TensorFlow: 27 runs" in text  # t-SNE runs once per seed
    assert "| 2-D map (notebook 08), 5-NN accuracy: map that keeps neighbours |" in text
    assert ("- TensorFlow, 5-NN accuracy of the 2-D maps (notebook 08): **map that keeps neighbours > autoencoder"
            in text)


def test_seed_cost_names_every_machine_a_resumed_run_used():
    runs = {"jax": {t: {k: {**r, "machine": MACHINE} for k, r in by_seed.items()}
                    for t, by_seed in seeded_runs(3, ("jax",))["jax"].items()}}
    one = "test CPU, 2 CPUs; Python 3.11, Keras 3, tensorflow 2, NumPy 2"
    assert seed_spread._machine(runs["jax"]) == one  # one machine: named once
    other = {**MACHINE, "cpu": "other CPU"}
    runs["jax"]["ae2"]["2"] = {**runs["jax"]["ae2"]["2"], "machine": other}  # seed 2 resumed elsewhere
    named = seed_spread._machine(runs["jax"])
    n_test_cpu = sum(map(len, runs["jax"].values())) - 1
    assert named.startswith(f"{n_test_cpu} runs on test CPU"), named
    assert "; 1 runs on other CPU, 2 CPUs" in named, named
    assert seed_spread._machine({"ae30": {"0": {}}}) == "machine not recorded"


def test_seed_section_with_one_backend_and_a_single_seed():
    text = "\n".join(seed_spread.render_section(seeded_runs(1, ("jax",)), "cmd", "quick"))
    assert "TF − JAX" not in text and "Quick mode" in text
    assert "| 2-D code, 5-NN accuracy: autoencoder | " in text and " | – | " in text  # no sd of one run
    assert seed_spread.TOO_FEW in text
    assert seed_spread.check(seeded_runs(1, ("jax",)), "quick") == []  # nothing to decide with one seed


def _ae2_runs(ae_knn5, pca_knn5=(0.42, 0.42, 0.42)):
    base = results()["tensorflow"]["ae2"]
    return {"jax": {"ae2": {str(s): {**base, "ae": {**base["ae"], "knn5": a}, "pca": {**base["pca"], "knn5": p}}
                            for s, (a, p) in enumerate(zip(ae_knn5, pca_knn5))}}}


@pytest.mark.parametrize("ae_knn5, said", [
    ((0.80, 0.81, 0.82), None),  # clearly above PCA-2's 0.42 on every seed
    ((0.80, 0.41, 0.82), "no measurable difference"),  # one seed below PCA: the ranges overlap
    ((0.43, 0.44, 0.45), "no measurable difference"),  # above on every seed, but by less than twice the sd
    ((0.30, 0.31, 0.32), "autoencoder < PCA-2"),
])
def test_seed_checks_decide_the_comparisons_by_runs_differ(ae_knn5, said):
    problems = seed_spread.check(_ae2_runs(ae_knn5), "full")
    knn5 = [p for p in problems if "5-NN accuracy of the 2-D codes" in p]
    if said is None:
        assert problems == []
    else:
        assert len(knn5) == 1 and "JAX, 3 seeds" in knn5[0] and "autoencoder > PCA-2 is not seen" in knn5[0]
        assert f"({said}:" in knn5[0], knn5[0]


def test_seed_section_replaces_only_itself_and_survives_a_full_run():
    full = render_fixed()
    old = seed_spread.render_section(seeded_runs(2), "first", "full")
    with_old = seed_spread.replace_section(full, old)
    assert with_old.count(seed_spread.HEADING) == 1
    assert with_old.index(seed_spread.HEADING) < with_old.index("## Training cost")
    head, tail = full.split("## Training cost")
    assert with_old.startswith(head) and with_old.endswith("## Training cost" + tail)
    assert "\n\n## Training cost" in with_old and "\n\n\n## Training cost" not in with_old  # one empty line
    new = seed_spread.render_section(seeded_runs(3), "second", "full")
    replaced = seed_spread.replace_section(with_old, new)
    assert "`second`" in replaced and "`first`" not in replaced and replaced.count(seed_spread.HEADING) == 1
    assert replaced.startswith(head) and replaced.endswith("## Training cost" + tail)
    assert seed_spread.keep_section(replaced, full) == replaced  # a full run keeps the last --seeds section
    assert seed_spread.keep_section(full, full) == full
    at_end = seed_spread.replace_section("# Report\n\n## Other\n\ntext\n", new)
    assert at_end.startswith("# Report\n\n## Other\n\ntext\n\n## Seed spread")
    assert at_end.endswith("\n") and not at_end.endswith("\n\n")


def test_run_seed_moves_every_seed_but_run_0s():
    assert [run_seed(b, 0) for b in (0, 1, 7)] == [0, 1, 7]
    assert run_seed(0, 1) == 1000 and run_seed(2, 3) == 3002
    for base, seed in ((1000, 1), (-1, 0), (0, -1)):
        with pytest.raises(ValueError, match="run_seed"):
            run_seed(base, seed)


def test_every_task_takes_a_seed_and_the_task_process_passes_it(monkeypatch, tmp_path):
    import inspect

    import benchmarks.tasks as tasks

    for name, f in tasks.TASKS.items():
        assert inspect.signature(f).parameters["seed"].default == 0, name  # seed 0: the notebooks' own run
    got = {}
    monkeypatch.setitem(tasks.TASKS, "ae2", lambda mode, seed: got.update(mode=mode.name, seed=seed) or {"x": 1.0})
    monkeypatch.setattr(tasks, "machine", lambda: MACHINE)
    assert tasks.main(["ae2", "--mode", "quick", "--seed", "3", "--out", str(tmp_path / "r.json")]) == 0
    assert got == {"mode": "quick", "seed": 3}
    assert json.loads((tmp_path / "r.json").read_text())["seed"] == 3


def test_run_task_gives_the_task_process_its_seed(monkeypatch, tmp_path):
    import benchmarks.__main__ as cli

    argvs = []

    def fake_run(argv, **kwargs):
        argvs.append(argv)
        Path(argv[argv.index("--out") + 1]).write_text(json.dumps({"peak_rss_mb": 1.0}))
        return type("Done", (), {"returncode": 0, "stdout": "", "stderr": ""})()

    monkeypatch.setattr(cli.subprocess, "run", fake_run)
    result = cli.run_task("ae2", "jax", "quick", tmp_path, seed=2)
    assert argvs[0][argvs[0].index("--seed") + 1] == "2" and "process_seconds" in result
    cli.run_task("ae2", "jax", "quick", tmp_path)
    assert argvs[1][argvs[1].index("--seed") + 1] == "0"


def _fake_run_task(calls, drop_knn5_at_seed=None):
    """A stand-in for run_task: the fixture's result of ``task``, scaled by the seed's factor; records each call."""
    res = fixed_results()["results"]["tensorflow"]

    def run(task, backend, mode, workdir, seed=0):
        calls.append((task, backend, mode, seed))
        r = _scaled(copy.deepcopy(res[task]), FACTORS[seed])
        if seed == drop_knn5_at_seed:
            r["ae"]["knn5"] = r["pca"]["knn5"] - 0.01
        return r
    return run


def test_seeds_option_runs_each_seed_once_keeps_every_result_and_resumes(monkeypatch, tmp_path, capsys):
    import benchmarks.__main__ as cli

    backend, calls = installed_backends()[0], []
    monkeypatch.setattr(cli, "run_task", _fake_run_task(calls))
    kept = tmp_path / "runs.json"
    argv = ["--quick", "--seeds", "2", "--tasks", "ae2", "--backends", backend, "--results", str(kept)]
    assert main(argv) == 0
    assert calls == [("ae2", backend, "quick", 0), ("ae2", backend, "quick", 1)]
    saved = json.loads(kept.read_text())
    assert saved["mode"] == "quick" and sorted(saved["runs"][backend]["ae2"]) == ["0", "1"]
    assert "all relations hold" in capsys.readouterr().out
    assert main(argv) == 0 and len(calls) == 2  # both runs are in the file: nothing runs again
    assert main(argv[:2] + ["3"] + argv[3:]) == 0 and calls[2:] == [("ae2", backend, "quick", 2)]
    with pytest.raises(SystemExit):  # a full run must not mix with the quick runs of the file
        main(["--seeds", "2", "--tasks", "ae2", "--backends", backend, "--results", str(kept),
              "--out", str(FIXTURES / "benchmark_report.md")])
    assert "holds quick mode runs" in capsys.readouterr().err


def test_seeds_option_writes_the_section_into_the_report(monkeypatch, tmp_path):
    import benchmarks.__main__ as cli

    backend, calls = installed_backends()[0], []
    monkeypatch.setattr(cli, "run_task", _fake_run_task(calls))
    report = tmp_path / "BENCHMARKS.md"
    report.write_text(render_fixed())
    assert main(["--seeds", "2", "--tasks", "ae2", "ae30", "--backends", backend, "--out", str(report)]) == 0
    assert [c[0] for c in calls] == ["ae2", "ae30", "ae2", "ae30"] and {c[2] for c in calls} == {"full"}
    text = report.read_text()
    assert text.count(seed_spread.HEADING) == 1 and "--seeds 2 --tasks ae2 ae30" in text
    assert (tmp_path / "BENCHMARKS-seeds.json").is_file()  # the per-seed results, beside the report
    before, after = render_fixed().split("## Training cost")
    assert text.split(seed_spread.HEADING)[0] == before and text.split("## Training cost")[1] == after
    assert "which ran what was missing in" in text
    assert main(["--seeds", "2", "--tasks", "ae2", "ae30", "--backends", backend, "--out", str(report)]) == 0
    assert len(calls) == 4 and "which ran what was missing" not in report.read_text()  # nothing ran: no time given


def test_quick_mode_runs_its_smallest_task_with_a_second_seed(monkeypatch, capsys):
    import benchmarks.__main__ as cli

    backend, calls = installed_backends()[0], []
    monkeypatch.setattr(cli, "run_task", _fake_run_task(calls))
    real_run = cli._run
    monkeypatch.setattr(cli, "_run", lambda tasks, *args, **kwargs: real_run(tasks[:5], *args, **kwargs))  # 02-04's
    assert main(["--quick", "--backends", backend]) == 0
    assert [c for c in calls if c[3]] == [("ae2", backend, "quick", 1)]  # run in the pool, beside the others
    assert sorted(c[0] for c in calls) == sorted(["ae2", "tsne", "ae30", "features", "dae", "ae2"])
    out = capsys.readouterr().out
    assert "seed check, ae2 with seeds 0 and 1" in out and "autoencoder > PCA-2 — as the lecture says" in out
    calls.clear()
    monkeypatch.setattr(cli, "run_task", _fake_run_task(calls, drop_knn5_at_seed=1))
    assert main(["--quick", "--backends", backend]) == 1
    out = capsys.readouterr().out
    assert "FAILED: seed 1: " in out and "autoencoder > PCA-2 is not seen" in out


@pytest.mark.parametrize("argv, message", [
    (["--seeds", "1"], "at least 2 seeds"),
    (["--seeds", "2", "--throughput"], "measure the throughput without it"),
    (["--seeds", "2", "--tasks", "nonsense"], "unknown task(s) ['nonsense']"),
    (["--results", "r.json"], "--results is the per-seed results file of --seeds"),
    (["--seeds", "2", "--out", "/nonexistent/report.md"], "does not exist"),
])
def test_cli_rejects_a_wrong_seeds_option(argv, message, capsys):
    with pytest.raises(SystemExit):
        main(argv)
    assert message in capsys.readouterr().err


def test_seed_runs_are_selected_and_split_by_seed():
    runs = seeded_runs(3)
    runs["jax"]["extra"] = {"2": {}}
    two = seed_spread.select(runs, range(2))
    assert sorted(two["tensorflow"]["ae2"]) == ["0", "1"] and "extra" not in two["jax"]
    assert seed_spread.select({"jax": {"ae2": {"5": {}}}}, range(2)) == {}
    one = seed_spread.one_seed(two, 1)
    assert one["jax"]["ae2"] == two["jax"]["ae2"]["1"] and "tsne" in one["tensorflow"]
    del two["tensorflow"]["ae2"]  # t-SNE is compared with PCA-2 of the 2-D autoencoder's task: not alone
    assert "tsne" not in seed_spread.one_seed(two, 1)["tensorflow"]
    assert seed_spread.has_run(runs, "tsne", 2, None) and not seed_spread.has_run(runs, "tsne", 2, "jax")


# ------------------------------------------------------------------------------------------------------------
# Notebook 08's maps (benchmarks/maps.py)
# ------------------------------------------------------------------------------------------------------------
def test_map_section_has_every_method_and_the_target_in_full_mode():
    r = fixed_results()["results"]
    text = "\n".join(render_map(r))
    assert text.startswith(MAP_HEADING) and "Not yet run" not in text
    for row in ("| PCA, 2 components |", "| autoencoder (notebook 02), TensorFlow |",
                "| autoencoder (notebook 02), JAX |", "| t-SNE (openTSNE) |", "| UMAP (umap-learn) |",
                "| map that keeps neighbours (notebook 08), JAX |"):
        assert row in text, row
    assert "| method | 1-NN | 5-NN | trustworthiness | error per image | fitting time |" in text
    assert "Target of the lecture (full mode): 5-NN accuracy at least 95.00 %" in text
    quick = copy.deepcopy(r)
    for res in quick.values():
        res["map"]["mode"] = "quick"
    assert "Target of the lecture" not in "\n".join(render_map(quick))
    assert MAP_RELATIONS in render(r, None, "full", 60.0, [])


def test_map_relation_map2_above_the_2d_autoencoder():
    r = fixed_results()["results"]
    assert check_map(r) == []
    broken = copy.deepcopy(r)
    rows = broken["jax"]["map"]["rows"]
    rows["map2"]["knn5"] = rows["ae2"]["knn5"] - 0.01
    problems = [p for p in check_relations(broken) if p not in check_relations(r)]  # (the fixture's own stay)
    assert len(problems) == 1 and problems[0].startswith("JAX: the map that keeps neighbours, 5-NN"), problems
    assert check_map(broken) == problems


def test_a_report_without_the_map_task_says_not_yet_run_and_keeps_every_other_section():
    r = fixed_results()["results"]
    without = {b: {t: res for t, res in tasks.items() if t != "map"} for b, tasks in r.items()}
    text = render(without, None, "full", 60.0, [])
    section = text.split(MAP_HEADING)[1].split("\n## ")[0]
    assert "Not yet run: `python -m benchmarks --tasks map`" in section
    for heading in ("## 2-D codes", "## 30-D codes", "## Features", "## Denoising", "## Convolutional autoencoders",
                    "## Anomaly detection", "## Variational autoencoder", "## Training cost", "## Relations checked"):
        assert heading in text, heading
    assert MAP_RELATIONS not in text
    assert text.index("## Variational autoencoder") < text.index(MAP_HEADING) < text.index("## Training cost")
    # --tasks map on a report made before notebook 08: the section goes before the training cost, the rest stays
    old = text.replace(MAP_HEADING + section, "")
    assert MAP_HEADING not in old
    only_map = {b: {"map": res["map"]} for b, res in r.items()}
    updated = render_sections(old, only_map, "python -m benchmarks --tasks map", 60.0)
    assert updated.count(MAP_HEADING) == 1 and "--tasks map`, 1.0 min" in updated
    assert updated.index(MAP_HEADING) < updated.index("## Training cost")
    assert updated.split(MAP_HEADING)[0] == old.split("## Training cost")[0]
