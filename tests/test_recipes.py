"""Recipes (one source of truth for notebooks and benchmark) and the helpers they brought into utils/."""

import inspect
import json
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from utils.config import Mode
from utils.models import layer_sizes
from utils.models import feature_map_shapes
from utils.recipes import CONV_RECIPES, EXPERIMENTS, PUBLISHED, RECIPES, ConvRecipe, Recipe, recipe
from utils.repro import set_seed

X = np.random.default_rng(2).random((128, 16), dtype=np.float32)
TINY = Recipe(hidden=(8,), code_dim=2, epochs=3, quick_epochs=2, batch_size=32, learning_rate=1e-2)


def test_headline_recipes_have_the_lectures_architectures():
    assert RECIPES["ae2"].sizes() == "784-512-256-128-2"
    assert RECIPES["ae30"].sizes() == "784-1000-500-250-30"
    assert RECIPES["ae32"].sizes() == "784-256-128-32"
    dae = RECIPES["dae"]
    assert dae.code_dim > 784 and dae.allow_overcomplete  # the lecture: the denoiser's hidden layer is larger
    assert layer_sizes(RECIPES["ae2"].build("x").autoencoder) == [784, 512, 256, 128, 2, 128, 256, 512, 784]
    assert EXPERIMENTS["04"].noise["gaussian"] == 0.5
    assert set(EXPERIMENTS["03"].fine_tuning_epochs) == {100, 1000, 10000}


def test_recipe_changes_in_one_line_and_rejects_bad_values():
    assert recipe("ae2", code_dim=3).code_dim == 3 and RECIPES["ae2"].code_dim == 2
    with pytest.raises(KeyError, match="ae2"):
        recipe("nope")
    with pytest.raises(ValueError, match="learning_rate"):
        replace(TINY, learning_rate=0)
    with pytest.raises(ValueError, match="epochs"):
        replace(TINY, epochs=0)
    with pytest.raises(ValueError, match="hidden"):
        replace(TINY, hidden=[8])
    with pytest.raises(ValueError, match="input_noise"):
        replace(TINY, input_noise=-0.1)
    with pytest.raises(ValueError, match="not smaller than input_dim"):
        replace(TINY, code_dim=16).build("x", input_dim=16)


def test_recipe_train_uses_the_mode_and_its_settings(monkeypatch):
    monkeypatch.setenv("AE_CACHE", "off")
    set_seed(0)
    ae = TINY.build("t", input_dim=16)
    assert len(TINY.train(ae, X, X, Mode("quick"), seed=0).history["loss"]) == 2
    set_seed(0)
    ae = TINY.build("t", input_dim=16)
    run = TINY.train(ae, X, X, Mode("full"), seed=0)
    assert len(run.history["loss"]) == 3 and run.history["loss"][-1] < run.history["loss"][0]


def test_input_noise_acts_in_training_only(monkeypatch):
    monkeypatch.setenv("AE_CACHE", "off")
    noisy = replace(TINY, input_noise=0.3)
    results = []
    for r in (TINY, noisy):
        set_seed(0)
        ae = r.build("t", input_dim=16)
        r.train(ae, X, X, Mode("full"), seed=0)
        results.append(ae.autoencoder.predict(X, verbose=0))
    assert not np.allclose(results[0], results[1])  # the noise changed what was learned...
    set_seed(0)
    ae = noisy.build("t", input_dim=16)
    noisy.train(ae, X, X, Mode("full"), seed=0)
    a, b = ae.autoencoder.predict(X, verbose=0), ae.autoencoder.predict(X, verbose=0)
    assert np.array_equal(a, b)  # ...but the trained autoencoder itself adds none
    assert "input noise 0.3" in str(noisy)


def test_conv_recipes_build_the_lectures_models_and_train_like_their_dense_twins():
    assert CONV_RECIPES["cae32"].sizes() == "28x28x1-14x14x32-7x7x64-32"
    assert feature_map_shapes(CONV_RECIPES["cae2"].build("c").encoder)[-1] == (2,)
    cdae = CONV_RECIPES["cdae"]
    assert cdae.code_dim is None and cdae.allow_overcomplete  # the denoiser's code: 7x7x64 > 784
    assert feature_map_shapes(cdae.build("d").encoder)[-1] == (7, 7, 64)
    assert CONV_RECIPES["cdae_masking"].epochs < cdae.epochs
    training = ("epochs", "quick_epochs", "batch_size", "learning_rate", "schedule", "loss")
    for conv, dense in (("cae32", "dense32"), ("cae2", "dense2")):  # same training, only the architecture differs
        assert [getattr(CONV_RECIPES[conv], f) for f in training] == [getattr(CONV_RECIPES[dense], f) for f in training]
    assert CONV_RECIPES["dense32"].hidden == RECIPES["ae32"].hidden
    assert CONV_RECIPES["dense2"].hidden == RECIPES["ae2"].hidden


def test_conv_recipe_rejects_bad_values_and_trains(monkeypatch):
    tiny = ConvRecipe(filters=(4,), code_dim=3, epochs=2, quick_epochs=1, batch_size=16, learning_rate=1e-2)
    for field, value, match in (("filters", (), "filters"), ("filters", [4], "filters"), ("code_dim", 0, "code_dim"),
                                ("epochs", 0, "epochs"), ("learning_rate", 0, "learning_rate")):
        with pytest.raises(ValueError, match=match):
            replace(tiny, **{field: value})
    monkeypatch.setenv("AE_CACHE", "off")
    x = np.random.default_rng(0).random((32, 28, 28, 1), dtype=np.float32)
    set_seed(0)
    model = tiny.build("tiny")
    assert len(tiny.train(model, x, x, Mode("quick"), seed=0).history["loss"]) == 1
    assert "linear output" in str(replace(tiny, output_activation=None))


# --- one source of truth: the notebooks and the benchmark take their shared settings from utils/recipes.py ---
NOTEBOOK_OF_TASK = {"ae2": "02", "tsne": "02", "ae30": "02", "features": "03", "dae": "04", "conv": "05"}
ROOT = Path(__file__).resolve().parent.parent


def _notebook_code(number: str) -> str:
    path = next((ROOT / "notebooks").glob(f"{number}_*.ipynb"))
    nb = json.loads(path.read_text(encoding="utf-8"))
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")


@pytest.mark.parametrize("task", sorted(NOTEBOOK_OF_TASK))
def test_benchmark_task_reads_its_notebooks_settings(task):
    import benchmarks.tasks as tasks

    source = inspect.getsource(tasks.TASKS[task])
    number = NOTEBOOK_OF_TASK[task]
    assert f'EXPERIMENTS["{number}"]' in source, f"benchmark task {task} does not read EXPERIMENTS[{number!r}]"
    assert "load_mnist(" not in source and not re.search(r"n_(train|test)=\d", source), (
        f"benchmark task {task} picks its own data subsets; use EXPERIMENTS[{number!r}].data.load(mode)")
    assert not re.search(r"corrupt\([^)]*seed=\d", source), f"benchmark task {task} hard-codes a noise seed"


@pytest.mark.parametrize("number", ["01", "02", "03", "04", "05"])
def test_notebook_reads_its_settings_from_the_recipes(number):
    code = _notebook_code(number)
    assert f'EXPERIMENTS["{number}"]' in code and "S.data.load(mode)" in code, (
        f"notebook {number} must take its data subsets and settings from utils.recipes.EXPERIMENTS[{number!r}]")
    assert "load_mnist(" not in code and not re.search(r"n_(train|test)=\d", code), (
        f"notebook {number} picks its own data subsets")
    literal_seed = re.search(r"corrupt\((x_train|x_test|x_val)[^)]*seed=\d", code)
    assert not literal_seed, f"notebook {number}: a literal noise seed"
    for anchor in ("37.7", "76.5", "94.1", "13.87", "92.51"):  # published figures come from recipes.PUBLISHED
        assert not re.search(rf"(?<![\w.]){re.escape(anchor)}(?![\d])", code), f"notebook {number} hard-codes {anchor}"


def test_settings_are_the_same_object_for_both_modes():
    for mode in (Mode("full"), Mode("quick")):
        for number, settings in EXPERIMENTS.items():
            n_train, n_test = mode.pick(*settings.data.n_train), mode.pick(*settings.data.n_test)
            assert n_train is None or 0 < n_train <= 60000, (number, mode)
            assert n_test is None or 0 < n_test <= 10000, (number, mode)
    assert EXPERIMENTS["02"].data.n_test[1] == 2000  # quick mode: the benchmark's subset, not all 10,000
    assert set(PUBLISHED) >= {"knn_2d_pca", "knn_2d_ae", "knn_2d_tsne", "sse30_ae", "sse30_pca"}
    assert all(a.source for a in PUBLISHED.values())
