"""Recipes, experiment settings and published anchors (utils/recipes.py, utils/experiments.py,
utils/published.py): one source of truth for the notebooks and the benchmark."""

import ast
import inspect
import json
import re
import typing
from dataclasses import fields, replace
from pathlib import Path

import numpy as np
import pytest

import utils.experiments as experiments
import utils.published as published
import utils.recipes as recipes
from utils.config import Mode
from utils.experiments import (EXPERIMENTS, AnomalySettings, ConvSettings, DenoisingSettings, FeatureSettings,
                               IntroSettings, MapSettings, NeighbourMapSettings, VAESettings)
from utils.models import feature_map_shapes, layer_sizes
from utils.published import PUBLISHED
from utils.recipes import RECIPES, ConvRecipe, MapRecipe, Recipe, TrainingRecipe, VAERecipe, recipe
from utils.repro import set_seed
from utils.training import SCHEDULES

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
    assert RECIPES["cae32"].sizes() == "28x28x1-14x14x32-7x7x64-32"
    assert feature_map_shapes(RECIPES["cae2"].build("c").encoder)[-1] == (2,)
    cdae = RECIPES["cdae"]
    assert cdae.code_dim is None and cdae.allow_overcomplete  # the denoiser's code: 7x7x64 > 784
    assert feature_map_shapes(cdae.build("d").encoder)[-1] == (7, 7, 64)
    assert RECIPES["cdae_masking"].epochs < cdae.epochs
    training = ("epochs", "quick_epochs", "batch_size", "learning_rate", "schedule", "loss")
    for conv, dense in (("cae32", "dense32"), ("cae2", "dense2")):  # same training, only the architecture differs
        assert [getattr(RECIPES[conv], f) for f in training] == [getattr(RECIPES[dense], f) for f in training]
    assert RECIPES["dense32"].hidden == RECIPES["ae32"].hidden
    assert RECIPES["dense2"].hidden == RECIPES["ae2"].hidden


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
    assert "AdamW 0.01 (weight decay 0.1)" in str(replace(tiny, weight_decay=0.1))  # what train() uses



# --- the table of recipes ---
SCHEDULE_CASES = [  # one recipe of each kind; the schedule is validated by their shared base
    Recipe(hidden=(8,), code_dim=2, epochs=1, quick_epochs=1, batch_size=8, learning_rate=1e-3),
    ConvRecipe(filters=(4,), code_dim=3, epochs=1, quick_epochs=1, batch_size=8, learning_rate=1e-3),
    VAERecipe(hidden=(8,), latent_dim=2, epochs=1, quick_epochs=1, batch_size=8, learning_rate=1e-3),
]


@pytest.mark.parametrize("name", sorted(RECIPES))
def test_every_recipe_is_valid_and_of_its_declared_kind(name):
    r = RECIPES[name]
    assert isinstance(r, typing.get_type_hints(recipes.Recipes)[name]) and isinstance(r, TrainingRecipe)
    assert replace(r) == r  # validates again
    assert r.schedule in SCHEDULES
    # a map recipe's epoch is a number of batches of graph edges, not a pass over the images
    epochs = (f"{r.epochs} epochs of {r.steps} batches of {r.batch_size} edges" if isinstance(r, MapRecipe)
              else f"{r.epochs} epochs of batch {r.batch_size}")
    assert str(r).startswith(r.sizes()) and epochs in str(r)
    assert recipe(name) == r and recipe(name) is not r


def test_the_table_lists_every_recipe_and_the_docstring_too():
    assert set(typing.get_type_hints(recipes.Recipes)) == set(RECIPES)
    assert set(re.findall(r"^``(\w+)``", recipes.__doc__, re.M)) == set(RECIPES)
    assert not hasattr(recipes, "CONV_RECIPES")


@pytest.mark.parametrize("r", SCHEDULE_CASES, ids=lambda r: type(r).__name__)
def test_every_kind_of_recipe_validates_its_schedule_and_training_fields(r):
    for schedule in SCHEDULES:
        assert replace(r, schedule=schedule).schedule == schedule
    for field, value in (("schedule", "step"), ("schedule", "Cosine"), ("epochs", 0), ("quick_epochs", 1.5),
                         ("batch_size", -1), ("quick_batch_size", 0), ("learning_rate", 0)):
        with pytest.raises(ValueError, match=field):
            replace(r, **{field: value})


def test_recipes_derived_from_others_keep_their_settings():
    conv_training = {"epochs": 6, "quick_epochs": 3, "batch_size": 128, "quick_batch_size": 64,
                     "learning_rate": 2e-3, "schedule": "cosine", "loss": "mse", "output_activation": None}
    assert RECIPES["dense32"] == replace(RECIPES["ae32"], **conv_training)
    assert RECIPES["dense2"] == replace(RECIPES["ae2"], **{**conv_training, "quick_epochs": 3})
    assert RECIPES["cdae_masking"] == replace(RECIPES["cdae"], epochs=6)
    assert RECIPES["ae2_short"] == replace(RECIPES["ae2"], epochs=15, quick_epochs=4)
    assert RECIPES["anomaly_loo"] == replace(RECIPES["anomaly"], epochs=15, quick_epochs=5)
    conv, dense = RECIPES["anomaly_loo_conv"], RECIPES["anomaly_loo"]
    assert conv.filters == RECIPES["cae32"].filters and conv.code_dim == dense.code_dim
    assert RECIPES["vae2"].hidden == RECIPES["ae2"].hidden and RECIPES["vae50"].sizes() == "784-200-200-50"
    assert RECIPES["map2"].sizes() == RECIPES["ae2"].sizes()  # notebook 08: ae2's layers, trained on graph edges


def test_map_recipe_rejects_bad_values():
    r = RECIPES["map2"]
    for field, value, match in (("hidden", [8], "hidden"), ("code_dim", 0, "code_dim"), ("steps", 0, "steps"),
                                ("quick_steps", 1.5, "quick_steps"), ("n_neighbors", 0, "n_neighbors"),
                                ("reconstruction_weight", -1.0, "reconstruction_weight"),
                                ("schedule", "constant", "cosine"), ("epochs", 0, "epochs")):
        with pytest.raises(ValueError, match=match):
            replace(r, **{field: value})
    assert replace(r, reconstruction_weight=0.0).reconstruction_weight == 0.0  # 0: the decoder is not trained
    assert layer_sizes(r.build("m").autoencoder) == layer_sizes(RECIPES["ae2"].build("a").autoencoder)

# --- one source of truth: the notebooks and the benchmark take their shared settings from utils/ ---
NOTEBOOK_OF_TASK = {"ae2": "02", "tsne": "02", "ae30": "02", "features": "03", "dae": "04", "conv": "05"}
ROOT = Path(__file__).resolve().parent.parent


def _notebook_code(number: str) -> str:
    path = next((ROOT / "notebooks").glob(f"{number}_*.ipynb"))
    nb = json.loads(path.read_text(encoding="utf-8"))
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")


@pytest.mark.parametrize("task", sorted(NOTEBOOK_OF_TASK))
def test_benchmark_task_reads_its_notebooks_settings(task):
    import benchmarks.tasks as tasks

    task_function = tasks.TASKS[task]
    source = inspect.getsource(task_function)
    number = NOTEBOOK_OF_TASK[task]
    # the noise draws may sit in helpers of the task's module (conv: _denoisers): check the whole module for them
    module_source = inspect.getsource(inspect.getmodule(task_function))
    assert f'EXPERIMENTS["{number}"]' in source, f"benchmark task {task} does not read EXPERIMENTS[{number!r}]"
    assert "load_mnist(" not in source and not re.search(r"n_(train|test)=\d", source), (
        f"benchmark task {task} picks its own data subsets; use EXPERIMENTS[{number!r}].data.load(mode)")
    assert not re.search(r"corrupt\([^)]*seed=\d", module_source), f"benchmark task {task} hard-codes a noise seed"


def test_notebook_01_loads_mnist_in_view_and_checks_it_against_its_settings():
    """01 shows the loading (issue 22): the Keras-layout arrays, scaled and split in the lesson's cells; a folded
    check compares the split and the first model's hyper-parameters with EXPERIMENTS["01"] and RECIPES["ae32"]."""
    code = _notebook_code("01")
    assert "load_data()" in code and "/ 255" in code and 'EXPERIMENTS["01"]' in code and 'RECIPES["ae32"]' in code
    assert re.search(r"assert len\(x_val\) == \w+\.n_validation", code), "01's split is not checked"
    assert re.search(r"history\.params\[\"epochs\"\] == mode\.pick\(", code), "01's epochs are not checked"


@pytest.mark.parametrize("number", ["01", "02", "03", "04", "05"])
def test_notebook_reads_its_settings_from_the_recipes(number):
    code = _notebook_code(number)
    if number != "01":  # 01 loads MNIST in view; the test above checks it against EXPERIMENTS["01"]
        assert re.search(r"\b\w+\.data\.load\(mode\)", code), f"notebook {number}: data not from its settings"
    assert f'EXPERIMENTS["{number}"]' in code, (
        f"notebook {number} must take its data subsets and settings from utils.experiments.EXPERIMENTS[{number!r}]")
    assert "load_mnist(" not in code and not re.search(r"n_(train|test)=\d", code), (
        f"notebook {number} picks its own data subsets")
    literal_seed = re.search(r"corrupt\((x_train|x_test|x_val)[^)]*seed=\d", code)
    assert not literal_seed, f"notebook {number}: a literal noise seed"
    for anchor in ("37.7", "76.5", "94.1", "13.87", "92.51"):  # published figures come from PUBLISHED
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


SETTINGS = {"01": IntroSettings, "02": MapSettings, "03": FeatureSettings, "04": DenoisingSettings,
            "05": ConvSettings, "06": VAESettings, "07": AnomalySettings, "08": NeighbourMapSettings}


def test_each_notebook_has_its_kind_of_settings():
    assert list(EXPERIMENTS) == list(SETTINGS)
    assert typing.get_type_hints(experiments.Experiments) == SETTINGS
    for number, settings in EXPERIMENTS.items():
        assert type(settings) is SETTINGS[number], number


def test_experiment_settings_take_their_models_from_the_recipes():
    used = {}
    for number, settings in EXPERIMENTS.items():
        for f in fields(settings):
            value = getattr(settings, f.name)
            if isinstance(value, TrainingRecipe):
                names = [name for name, r in RECIPES.items() if r is value]
                assert names, f"EXPERIMENTS[{number!r}].{f.name} is not a recipe of RECIPES: {value}"
                used[f"{number}.{f.name}"] = names[0]
    assert used == {"06.ae": "ae2_short", "06.vae2": "vae2", "06.sweep": "vae_sweep", "06.likelihood": "vae50",
                    "07.model": "anomaly", "07.loo_model": "anomaly_loo", "07.loo_conv_model": "anomaly_loo_conv",
                    "08.model": "map2", "08.autoencoder": "ae2"}


@pytest.mark.parametrize("module", [recipes, experiments, published], ids=lambda m: m.__name__)
def test_tables_are_written_once_and_never_changed_after(module):
    tree = ast.parse(inspect.getsource(module))
    tables = {"RECIPES", "EXPERIMENTS", "PUBLISHED"}
    written = []
    for node in tree.body:  # module level only
        targets = node.targets if isinstance(node, ast.Assign) else \
            [node.target] if isinstance(node, (ast.AnnAssign, ast.AugAssign)) else []
        for t in targets:
            assert not isinstance(t, (ast.Subscript, ast.Attribute)), \
                f"{module.__name__}, line {node.lineno}: a table or object changed after its definition"
            if isinstance(t, ast.Name) and t.id in tables:
                written.append(t.id)
        for call in ast.walk(node) if isinstance(node, ast.Expr) else ():
            if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute):
                owner = call.func.value
                assert not (isinstance(owner, ast.Name) and owner.id in tables), \
                    f"{module.__name__}, line {node.lineno}: {owner.id}.{call.func.attr}() after its definition"
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            assert node is tree.body[0] or all(isinstance(n, (ast.Import, ast.ImportFrom, ast.Expr))
                                               for n in tree.body[:tree.body.index(node)]), \
                f"{module.__name__}, line {node.lineno}: an import after the module's first definitions"
    assert len(written) == len(set(written)), f"{module.__name__} assigns a table twice: {written}"


@pytest.mark.parametrize("number", ["01", "02", "03", "04", "05", "06", "07"])
def test_notebook_imports_each_table_from_its_module(number):
    code = _notebook_code(number)
    assert "CONV_RECIPES" not in code, f"notebook {number}: CONV_RECIPES is gone; use RECIPES[name]"
    for table, module in (("EXPERIMENTS", "utils.experiments"), ("PUBLISHED", "utils.published"),
                          ("RECIPES", "utils.recipes")):
        if f"{table}[" in code:
            imports = re.findall(rf"^\s*from\s+([\w.]+)\s+import\s+[^\n]*\b{table}\b", code, re.M)
            assert imports and set(imports) == {module}, (
                f"notebook {number} must import {table} from {module}, found imports from {imports or 'nowhere'}")


def test_equal_time_dense_model_is_dense32_trained_four_times_as_long():
    base, long = RECIPES["dense32"], RECIPES["dense32_time"]
    assert long == replace(base, epochs=4 * base.epochs, quick_epochs=3 * base.quick_epochs)


def test_equal_time_dense_denoiser_is_dae_trained_longer():
    assert RECIPES["dae_time"] == replace(RECIPES["dae"], epochs=42, quick_epochs=8)
    assert RECIPES["dae_time"].epochs > RECIPES["dae"].epochs
