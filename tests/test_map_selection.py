"""benchmarks/map_selection.py: the rule that keeps or changes notebook 08's recipe, and its report."""

import pytest

import numpy as np

from benchmarks.map_selection import (CANDIDATES, compared, decision, render, render_length, render_weights, run,
                                      run_length, tail_loss, weights_verdict)


def _result(scores: dict[str, list[float]], top: list[str]) -> dict:
    rows = [{"name": name, "what": name, "seed": seed, "knn1": v - 0.05, "knn5": v, "seconds": 90.0, "steps": 900,
             "batch_size": 512} for name, values in scores.items() for seed, v in enumerate(values)]
    return {"n_fit": 50_000, "n_validation": 10_000, "epochs": 3, "steps": 300, "seeds": 3, "backend": "tensorflow",
            "machine": {"cpu": "a CPU", "cpus": 2}, "graph_seconds": 80.0, "top": top, "rows": rows}


def test_a_gap_within_the_seed_spread_keeps_the_recipe():
    result = _result({"recipe": [0.910, 0.905, 0.915], "batch_256": [0.915, 0.900, 0.920], "umap_loss": [0.84]},
                     ["batch_256", "recipe"])
    scores, verdict = decision(result)
    assert scores == {"batch_256": [0.915, 0.900, 0.920], "recipe": [0.910, 0.905, 0.915]}
    assert verdict.startswith("keep the recipe")


def test_a_gap_beyond_the_seed_spread_changes_the_recipe():
    result = _result({"recipe": [0.900, 0.901, 0.899], "batch_256": [0.920, 0.921, 0.919]}, ["batch_256", "recipe"])
    assert decision(result)[1].startswith("change the recipe to batch_256")


def test_no_verdict_without_the_recipe_or_without_seeds():
    assert decision(_result({"a": [0.9, 0.9], "b": [0.8, 0.8]}, ["a", "b"]))[1].startswith("not decided")
    assert decision(_result({"recipe": [0.9], "b": [0.8]}, ["recipe", "b"]))[1].startswith("not decided")


def test_the_report_lists_every_seed_zero_run_and_the_verdict():
    text = render(_result({"recipe": [0.910, 0.905, 0.915], "batch_256": [0.915, 0.900, 0.920],
                           "umap_loss": [0.843]}, ["batch_256", "recipe"]))
    assert "| umap_loss | umap_loss | 900 x 512 | 79.30% | 84.30% | 90 |" in text
    assert "| recipe | 91.00%, 90.50%, 91.50% | 91.00% | 0.50% |" in text
    assert "**keep the recipe" in text


def test_the_candidates_start_with_the_recipe_and_the_split_is_checked():
    assert CANDIDATES[0].name == "recipe" and len({c.name for c in CANDIDATES}) == len(CANDIDATES)
    with pytest.raises(ValueError, match="at most 60,000"):
        run(n_fit=55_000, n_validation=10_000)


def test_the_recipe_is_always_compared_with_the_best_other_candidate():
    rows = [{"name": n, "seed": 0, "knn5": v} for n, v in (("recipe", 0.910), ("a", 0.916), ("b", 0.915),
                                                           ("c", 0.80))]
    assert [r["name"] for r in compared(rows)] == ["recipe", "a"]  # the recipe third at seed 0: still compared
    rows.append({"name": "c", "seed": 1, "knn5": 0.99})  # later seeds do not choose
    assert [r["name"] for r in compared(rows)] == ["recipe", "a"]


def test_the_tail_loss_at_alpha_one_is_the_recipes_loss():
    from utils.neighbours import neighbour_loss

    pair = np.random.default_rng(0).normal(size=(32, 4)).astype("float32")
    recipe = float(neighbour_loss(None, pair))
    assert np.isclose(float(tail_loss(1.0)(None, pair)), recipe, rtol=1e-5)
    assert not np.isclose(float(tail_loss(0.5)(None, pair)), recipe, rtol=1e-3)
    with pytest.raises(ValueError, match="alpha must be positive"):
        tail_loss(0.0)


def _length_result(recipe: list[float], longer: list[float]) -> dict:
    rows = [{"name": name, "what": what, "seed": seed, "knn1": v - 0.03, "knn5": v, "seconds": sec, "epochs": e}
            for name, what, values, sec, e in (("recipe", "10 epochs (the recipe)", recipe, 300.0, 10),
                                               ("longer", "15 epochs", longer, 450.0, 15))
            for seed, v in enumerate(values)]
    return {"n_fit": 50_000, "n_validation": 10_000, "lengths": [10, 15], "steps": 300, "seeds": len(recipe),
            "backend": "tensorflow", "machine": {"cpu": "a CPU", "cpus": 2}, "top": ["longer", "recipe"],
            "rows": rows}


def test_the_length_report_applies_the_same_rule():
    clear = render_length(_length_result([0.910, 0.912, 0.911], [0.930, 0.931, 0.929]))
    assert "| 15 epochs | 93.00%, 93.10%, 92.90% | 93.00% | 0.10% | 90.00% | 450 |" in clear
    assert "**train 15 epochs: its mean is 1.90% higher" in clear
    close = render_length(_length_result([0.910, 0.900, 0.920], [0.915, 0.905, 0.915]))
    assert "**keep the recipe: 15 epochs' mean is +0.17% from the recipe's" in close


def test_the_length_question_needs_a_longer_run():
    with pytest.raises(ValueError, match="a larger one"):
        run_length(lengths=(10, 10))
    with pytest.raises(ValueError, match="at most 60,000"):
        run_length(n_fit=55_000, n_validation=10_000)


def _weights_result(scores: dict[float, list[float]]) -> dict:
    rows = [{"name": f"weight_{w:g}", "what": "", "seed": seed, "knn1": v - 0.02, "knn5": v, "seconds": 70.0,
             "sse": 30.0 - 10 * w - seed}
            for w, values in scores.items() for seed, v in enumerate(values)]
    return {"n_fit": 50_000, "n_validation": 10_000, "weights": list(scores), "epochs": 4, "steps": 300,
            "seeds": 3, "backend": "tensorflow", "machine": {"cpu": "a CPU", "cpus": 2}, "rows": rows}


def test_the_weights_report_calls_a_difference_only_beyond_the_seeds():
    result = _weights_result({0.0: [0.920, 0.925, 0.915], 1.0: [0.910, 0.920, 0.915], 10.0: [0.880, 0.882, 0.881]})
    assert weights_verdict(result) == [
        "5-NN accuracy, weight 0 against 1: means +0.50% apart, no measurable difference",
        "5-NN accuracy, weight 0 against 10: means +3.90% apart, differ",
        "5-NN accuracy, weight 1 against 10: means +3.40% apart, differ",
        "error per image, weight 1 against 10: means +90.00 apart, differ"]
    text = render_weights(result)
    assert "| 10 | 88.00%, 88.20%, 88.10% | 88.10% | 0.10% | 86.10% | -70.00, -71.00, -72.00 | 70 |" in text
    assert "| 0 | 92.00%, 92.50%, 91.50% | 92.00% | 0.50% | 90.00% | – (no decoder trained) | 70 |" in text
    assert "- 5-NN accuracy, weight 0 against 10: means +3.90% apart, differ" in text
    assert weights_verdict(_weights_result({0.0: [0.9], 1.0: [0.8]}))[0].startswith("not decided")
