"""MNIST loader: the real file, and every way a file or the download can be wrong."""

import gzip
import os
import pickle
import warnings

import numpy as np
import pytest

from utils import data
from utils.data import (MnistError, NotCanonicalMnistWarning, balanced_subset, binarize, load_data,
                        load_mnist, one_per_digit, shift_right)

# The synthetic files below have MNIST's layout but not its content; that warning is tested on its own.
pytestmark = pytest.mark.filterwarnings("ignore::utils.data.NotCanonicalMnistWarning")


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


def test_load_data_keeps_the_keras_layout(tmp_path, valid_arrays, monkeypatch):
    (x_train, y_train), (x_test, y_test) = load_data(write(tmp_path / "m.npz", valid_arrays))
    assert x_train.shape == (60000, 28, 28) and x_train.dtype == np.uint8 and x_test.max() == 255
    assert y_train[:3].tolist() == [0, 1, 2] and len(y_test) == 10000
    monkeypatch.setenv(data.ENV_VAR, str(tmp_path / "m.npz"))
    assert load_data()[1][0].max() == 255  # the environment variable names the file
    with pytest.raises(MnistError, match="missing|not found|does not exist"):
        load_data(tmp_path / "absent.npz")


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
    def offline():
        raise Exception("URL fetch failure on https://storage.googleapis.com/...: None -- [Errno -3]")

    monkeypatch.setattr(data, "_keras_mnist_loader", lambda: offline)  # keras.datasets.mnist.load_data, offline
    with pytest.raises(MnistError, match="could not be downloaded.*AE_MNIST_PATH"):
        load_mnist()


def test_download_path_is_validated(monkeypatch, valid_arrays):
    bad = dict(valid_arrays, y_test=np.full(10000, 12, np.uint8))
    monkeypatch.setattr(data, "_keras_mnist_loader",
                        lambda: lambda: ((bad["x_train"], bad["y_train"]), (bad["x_test"], bad["y_test"])))
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


@pytest.mark.parametrize("keep", [0.5, 0.99, 10])
def test_truncated_file(tmp_path, valid_arrays, keep):
    path = write(tmp_path / "m.npz", valid_arrays)
    blob = path.read_bytes()
    path.write_bytes(blob[: int(len(blob) * keep) if keep < 1 else keep])
    with pytest.raises(MnistError, match="is a truncated .npz archive.*Copy the file again") as err:
        load_mnist(path)
    assert "pickle" not in str(err.value)


def test_corrupt_archive(tmp_path, valid_arrays):
    path = write(tmp_path / "m.npz", valid_arrays)
    blob = bytearray(path.read_bytes())
    blob[len(blob) // 3] ^= 0xFF  # inside x_train's data: the archive's checksum no longer matches
    path.write_bytes(bytes(blob))
    with pytest.raises(MnistError, match="is a corrupt .npz archive.*CRC"):
        load_mnist(path)


RANDOM_BYTES = np.random.default_rng(0).bytes(4096)


@pytest.mark.parametrize("content, what", [
    (b"x_train,y_train\n0,5\n0,0\n",
     "is not an .npz archive: it is a text file \\(it starts with 'x_train,y_train'\\)"),
    (b"version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 11490434\n", "Git LFS pointer"),
    (b"<!DOCTYPE html><html><body>404 Not Found</body></html>", "web page"),
    (gzip.compress(b"PK\x03\x04" + bytes(100), mtime=0), "is not an .npz archive: it is a gzip-compressed file"),
    (RANDOM_BYTES, "is not an .npz archive: it is binary data of no known format"),
    (b"", "empty file"),
    (b"\x00\x00\x08\x03" + bytes(12), "original IDX format"),
    (pickle.dumps({"x_train": [1, 2, 3]}), "is not an .npz archive: it is a Python pickle.*never read"),
])
def test_not_an_npz_archive_says_what_the_file_is(tmp_path, content, what):
    path = tmp_path / "m.npz"
    path.write_bytes(content)
    with pytest.raises(MnistError, match=what) as err:
        load_mnist(path)
    assert "AE_MNIST_PATH" in str(err.value)
    if "pickle" not in what:
        assert "pickle" not in str(err.value), "only a pickle is called one"


def test_file_needing_pickle_is_refused(tmp_path, valid_arrays):
    arrays = dict(valid_arrays, y_test=np.array([{"label": 1}] * 10000, dtype=object))
    with pytest.raises(MnistError, match="array 'y_test' stores Python objects.*pickle"):
        load_mnist(write(tmp_path / "m.npz", arrays))


def test_single_npy_array_is_refused(tmp_path):
    path = tmp_path / "m.npy"
    np.save(path, np.zeros((3, 3)))
    with pytest.raises(MnistError, match="single array"):
        load_mnist(path)


def test_fingerprint_depends_on_the_arrays_not_the_file(valid_arrays):
    fp = data.content_fingerprint(valid_arrays)
    assert fp == data.content_fingerprint({k: v.copy() for k, v in reversed(valid_arrays.items())})
    assert fp != data.MNIST_FINGERPRINT
    changed = dict(valid_arrays, y_test=np.roll(valid_arrays["y_test"], 1))
    assert data.content_fingerprint(changed) != fp


def test_other_content_warns_once(tmp_path, valid_arrays):
    path = write(tmp_path / "m.npz", valid_arrays)
    with pytest.warns(NotCanonicalMnistWarning) as caught:
        load_mnist(path)
    assert len(caught) == 1
    message = str(caught[0].message)
    assert "not canonical MNIST" in message and "numbers will differ" in message and "m.npz" in message


def test_balanced_subset():
    labels = np.arange(100) % 10
    idx = balanced_subset(labels, 20, seed=0)
    assert np.bincount(labels[idx]).tolist() == [2] * 10
    assert balanced_subset(labels, np.int64(20), seed=0).tolist() == idx.tolist()
    for bad in (15, 0, True, 20.0):
        with pytest.raises(ValueError, match="n must be a positive multiple of 10"):
            balanced_subset(labels, bad, seed=0)
    with pytest.raises(ValueError, match="class 0 has 10"):
        balanced_subset(labels, 200, seed=0)


def test_one_per_digit():
    labels = np.array([3, 1, 1, 0, 2, 3])
    assert one_per_digit(labels, [0, 1, 2, 3]).tolist() == [3, 1, 4, 0]
    with pytest.raises(ValueError, match="digit 9"):
        one_per_digit(labels, [9])


REAL_FILE = os.environ.get(data.ENV_VAR) or os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data",
                                                         "mnist.npz")


@pytest.mark.skipif(not os.path.exists(REAL_FILE), reason="no local MNIST copy (set AE_MNIST_PATH)")
def test_real_mnist_file():
    path = REAL_FILE
    d = load_mnist(path)
    assert d.y_train[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert d.y_test[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    assert abs(d.x_train.mean() * 255 - 33.318) < 0.01


@pytest.mark.skipif(not os.path.exists(REAL_FILE), reason="no local MNIST copy (set AE_MNIST_PATH)")
def test_real_mnist_is_canonical_and_so_is_a_resaved_copy(tmp_path):
    with np.load(REAL_FILE, allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    assert data.content_fingerprint(arrays) == data.MNIST_FINGERPRINT
    resaved = tmp_path / "resaved.npz"
    np.savez(resaved, **{k: arrays[k] for k in reversed(list(arrays))})  # other bytes: uncompressed, other order
    assert resaved.read_bytes() != open(REAL_FILE, "rb").read()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # canonical: no warning at all
        load_mnist(resaved, n_train=10, n_test=10)


@pytest.mark.skipif(not os.path.exists(REAL_FILE), reason="no local MNIST copy (set AE_MNIST_PATH)")
@pytest.mark.parametrize("change", ["inverted images", "shuffled labels"])
def test_modified_real_mnist_loads_with_one_warning(tmp_path, change):
    with np.load(REAL_FILE, allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    if change == "inverted images":
        arrays["x_test"] = 255 - arrays["x_test"]
    else:
        arrays["y_train"] = np.random.default_rng(0).permutation(arrays["y_train"])
    path = tmp_path / "mnist.npz"
    np.savez(path, **arrays)
    with pytest.warns(NotCanonicalMnistWarning, match="lectures' numbers will differ") as caught:
        d = load_mnist(path, n_train=10, n_test=10)
    assert len(caught) == 1 and d.x_train.shape == (10, 28, 28)


def test_binarize_is_a_fixed_bernoulli_draw():
    b = binarize(np.full((1000, 784), 0.3, "float32"), seed=5)
    assert set(np.unique(b)) == {0.0, 1.0} and abs(b.mean() - 0.3) < 0.01
    assert np.array_equal(b, binarize(np.full((1000, 784), 0.3, "float32"), seed=5))
    with pytest.raises(ValueError, match="seed"):
        binarize(np.full((4, 12), 0.5, "float32"), seed=-1)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        binarize(np.full((4, 12), 2.0, "float32"), seed=0)


def test_shift_right_moves_columns_and_fills_background():
    rng = np.random.default_rng(0)
    images = rng.random((5, 28, 28, 1), dtype=np.float32)
    for pixels in (0, 1, 4, 27):
        moved = shift_right(images, pixels)
        expected = np.zeros_like(images)  # notebook 05's and the benchmark's former copies, written out
        expected[:, :, pixels:] = images[:, :, :28 - pixels]
        assert np.array_equal(moved, expected) and moved.dtype == images.dtype
        assert not moved[:, :, :pixels].any()  # the columns that come in are background
        np.testing.assert_array_equal(shift_right(images[..., 0], pixels), moved[..., 0])  # (n, 28, 28) too
    same = shift_right(images, 0)
    assert np.array_equal(same, images) and same is not images and not np.shares_memory(same, images)


@pytest.mark.parametrize("images, pixels, message", [
    (np.zeros((2, 28, 28)), 28, "pixels"),
    (np.zeros((2, 28, 28)), -1, "pixels"),
    (np.zeros((2, 28, 28)), 1.5, "pixels"),
    (np.zeros((2, 784)), 1, "shape"),
    (np.zeros((2, 28, 28, 3)), 1, "shape"),
])
def test_shift_right_rejects_bad_arguments(images, pixels, message):
    with pytest.raises(ValueError, match=message):
        shift_right(images, pixels)
