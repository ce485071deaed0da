"""MNIST loader: the real file, and every way a file or the download can be wrong."""

import os
import pickle

import numpy as np
import pytest

from utils import data
from utils.data import MnistError, load_mnist, one_per_digit


@pytest.fixture(scope="module")
def valid_arrays():
    """Arrays in the Keras MNIST layout (zeros, labels cycling 0..9)."""
    return {
        "x_train": np.zeros((60000, 28, 28), np.uint8),
        "y_train": (np.arange(60000) % 10).astype(np.uint8),
        "x_test": np.full((10000, 28, 28), 255, np.uint8),
        "y_test": (np.arange(10000) % 10).astype(np.uint8),
    }


def write(path, arrays):
    np.savez(path, **arrays)
    return path


@pytest.fixture(autouse=True)
def no_env_path(monkeypatch):
    monkeypatch.delenv(data.ENV_VAR, raising=False)


def test_valid_file_gives_float_images_in_unit_range(tmp_path, valid_arrays):
    d = load_mnist(write(tmp_path / "m.npz", valid_arrays))
    assert d.x_train.shape == (60000, 28, 28) and d.x_train.dtype == np.float32
    assert d.x_test.max() == 1.0 and d.x_train.min() == 0.0
    assert d.y_test[:3].tolist() == [0, 1, 2]


def test_flatten_and_subsets(tmp_path, valid_arrays):
    d = load_mnist(write(tmp_path / "m.npz", valid_arrays), flatten=True, n_train=100, n_test=7)
    assert d.x_train.shape == (100, 784) and d.x_test.shape == (7, 784) and len(d.y_test) == 7


@pytest.mark.parametrize("bad", [0, -1, 60001, 2.5, True])
def test_bad_subset_size(tmp_path, valid_arrays, bad):
    with pytest.raises(ValueError, match="n_train"):
        load_mnist(write(tmp_path / "m.npz", valid_arrays), n_train=bad)


def test_environment_variable_is_used(tmp_path, valid_arrays, monkeypatch):
    monkeypatch.setenv(data.ENV_VAR, str(write(tmp_path / "m.npz", valid_arrays)))
    assert load_mnist().x_test.max() == 1.0
    assert "AE_MNIST_PATH" in data.mnist_source() and str(tmp_path) not in data.mnist_source()


def test_no_network_and_no_local_copy(monkeypatch):
    import keras

    def offline():
        raise Exception("URL fetch failure on https://storage.googleapis.com/...: None -- [Errno -3]")

    monkeypatch.setattr(keras.datasets.mnist, "load_data", offline)
    with pytest.raises(MnistError, match="could not be downloaded.*AE_MNIST_PATH"):
        load_mnist()


def test_download_path_is_validated(monkeypatch, valid_arrays):
    import keras

    bad = dict(valid_arrays, y_test=np.full(10000, 12, np.uint8))
    monkeypatch.setattr(keras.datasets.mnist, "load_data",
                        lambda: ((bad["x_train"], bad["y_train"]), (bad["x_test"], bad["y_test"])))
    with pytest.raises(MnistError, match="outside 0..9"):
        load_mnist()


def test_path_set_but_missing(tmp_path, monkeypatch):
    monkeypatch.setenv(data.ENV_VAR, str(tmp_path / "nowhere.npz"))
    with pytest.raises(MnistError, match="does not exist.*unset AE_MNIST_PATH"):
        load_mnist()


def test_path_is_a_folder(tmp_path):
    with pytest.raises(MnistError, match="not a file"):
        load_mnist(tmp_path)


def test_missing_keys(tmp_path, valid_arrays):
    arrays = {k: v for k, v in valid_arrays.items() if k != "y_test"}
    with pytest.raises(MnistError, match=r"no array\(s\) \['y_test'\]"):
        load_mnist(write(tmp_path / "m.npz", arrays))


def test_wrong_shape(tmp_path, valid_arrays):
    arrays = dict(valid_arrays, x_test=np.zeros((10000, 784), np.uint8))
    with pytest.raises(MnistError, match="x_test has shape \\(10000, 784\\)"):
        load_mnist(write(tmp_path / "m.npz", arrays))


def test_wrong_dtype(tmp_path, valid_arrays):
    arrays = dict(valid_arrays, x_train=valid_arrays["x_train"].astype(np.float32))
    with pytest.raises(MnistError, match="dtype float32"):
        load_mnist(write(tmp_path / "m.npz", arrays))


def test_labels_outside_range(tmp_path, valid_arrays):
    y = valid_arrays["y_train"].copy()
    y[5] = 10
    with pytest.raises(MnistError, match=r"y_train holds labels \[10\] outside 0..9"):
        load_mnist(write(tmp_path / "m.npz", dict(valid_arrays, y_train=y)))


def test_truncated_file(tmp_path, valid_arrays):
    path = write(tmp_path / "m.npz", valid_arrays)
    blob = path.read_bytes()
    path.write_bytes(blob[: len(blob) // 2])
    with pytest.raises(MnistError, match="truncated or corrupt"):
        load_mnist(path)


def test_corrupt_bytes(tmp_path):
    path = tmp_path / "m.npz"
    path.write_bytes(os.urandom(4096))
    with pytest.raises(MnistError, match="m.npz"):
        load_mnist(path)


def test_file_needing_pickle_is_refused(tmp_path, valid_arrays):
    arrays = dict(valid_arrays, y_test=np.array([{"label": 1}] * 10000, dtype=object))
    with pytest.raises(MnistError, match="pickle"):
        load_mnist(write(tmp_path / "m.npz", arrays))


def test_plain_pickle_file_is_refused(tmp_path):
    path = tmp_path / "m.npz"
    path.write_bytes(pickle.dumps({"x_train": [1, 2, 3]}))
    with pytest.raises(MnistError, match="pickle"):
        load_mnist(path)


def test_single_npy_array_is_refused(tmp_path):
    path = tmp_path / "m.npy"
    np.save(path, np.zeros((3, 3)))
    with pytest.raises(MnistError, match="single array"):
        load_mnist(path)


def test_one_per_digit():
    labels = np.array([3, 1, 1, 0, 2, 3])
    assert one_per_digit(labels, [0, 1, 2, 3]).tolist() == [3, 1, 4, 0]
    with pytest.raises(ValueError, match="digit 9"):
        one_per_digit(labels, [9])


REAL_FILE = os.environ.get(data.ENV_VAR) or os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data", "mnist.npz")


@pytest.mark.skipif(not os.path.exists(REAL_FILE), reason="no local MNIST copy (set AE_MNIST_PATH)")
def test_real_mnist_file():
    path = REAL_FILE
    d = load_mnist(path)
    assert d.y_train[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert d.y_test[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    assert abs(d.x_train.mean() * 255 - 33.318) < 0.01
