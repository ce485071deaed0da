"""utils/baselines.py: PCA, k-NN, the linear probe, the classical denoisers and anomaly detectors, t-SNE's map."""

import numpy as np
import pytest

from utils.baselines import (FIXED_PROBE, PROBE_CS, ProbeSetting, baseline_scores, best_filter, best_setting,
                             choose_probe, classical_denoisers, fit_pca, isolation_forest_score, knn_accuracy,
                             knn_distance, knn_distance_matrix, linear_probe, ocsvm_score, pca_error,
                             pca_reconstruct, tsne_map)
from utils.metrics import mse_per_pixel, psnr
from utils.noise import corrupt


def test_pca_with_all_components_is_lossless_and_few_components_lose():
    x = np.random.default_rng(0).random((100, 10)).astype(np.float32)
    assert mse_per_pixel(x, pca_reconstruct(fit_pca(x, 10), x)) < 1e-10
    assert mse_per_pixel(x, pca_reconstruct(fit_pca(x, 2), x)) > 0.01
    assert fit_pca(x, np.int64(3)).n_components == 3
    for bad in (11, 0, True, 2.0):
        with pytest.raises(ValueError, match="n_components"):
            fit_pca(x, bad)


def test_knn_accuracy_on_separable_and_on_random_labels():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 200)
    codes = np.c_[y * 10.0 + rng.normal(size=200), rng.normal(size=200)]
    assert knn_accuracy(codes[:100], y[:100], codes[100:], y[100:], k=5) == 1.0
    noise = rng.normal(size=(200, 2))
    assert knn_accuracy(noise[:100], y[:100], noise[100:], y[100:], k=1) < 0.75
    for bad in (0, True):
        with pytest.raises(ValueError, match="k must"):
            knn_accuracy(codes, y, codes, y, k=bad)


def test_linear_probe_reads_linearly_separable_features():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, 300)
    f = np.eye(3)[y] * 5 + rng.normal(size=(300, 3))
    assert linear_probe(f[:200], y[:200], f[200:], y[200:]) > 0.95
    assert linear_probe(rng.normal(size=(200, 3)), y[:200], rng.normal(size=(100, 3)), y[200:]) < 0.6
    with pytest.raises(ValueError, match="same length"):
        linear_probe(f, y[:10], f, y)


def test_choose_probe_picks_the_setting_that_cross_validation_favours():
    rng = np.random.default_rng(0)
    y = np.repeat(np.arange(3), 40)
    # one informative feature, twenty of pure noise
    informative = y[:, None] + rng.normal(0, 0.2, (120, 1))
    f = np.hstack([informative, rng.normal(0, 1, (120, 20))])
    s = choose_probe(f, y, seed=0)
    assert isinstance(s, ProbeSetting) and s.c in PROBE_CS and 0 <= s.cv_accuracy <= 1
    assert s.cv_accuracy > 0.8, s  # far above chance (1 in 3)
    # the choice is the best mean fold accuracy of the grid, as computed by hand
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    folds = StratifiedKFold(3, shuffle=True, random_state=0)

    def cv(c, standardise):
        clf = LogisticRegression(C=c, max_iter=1000)
        clf = make_pipeline(StandardScaler(), clf) if standardise else clf
        return cross_val_score(clf, f, y, cv=folds).mean()
    assert s.cv_accuracy == pytest.approx(max(cv(c, st) for st in (False, True) for c in PROBE_CS))
    assert s.cv_accuracy == pytest.approx(cv(s.c, s.standardise))
    # worker processes change only the speed: the same choice and the same scores as in one process
    assert choose_probe(f, y, seed=0, n_jobs=1) == s == choose_probe(f, y, seed=0, n_jobs=2)
    assert str(ProbeSetting(0.1, False)) == "C = 0.1, unscaled" and str(FIXED_PROBE) == "C = 1, standardised"
    # the fixed setting is used as given; the default tunes
    acc = linear_probe(f[:90], y[:90], f[90:], y[90:], setting=FIXED_PROBE)
    assert 0 <= acc <= 1


def test_choose_probe_refuses_what_it_cannot_cross_validate():
    f, y = np.zeros((20, 2)), np.array([0] * 18 + [1] * 2)
    with pytest.raises(ValueError, match="at least 3 labelled images of every class"):
        choose_probe(f, y)
    with pytest.raises(ValueError, match="same length"):
        choose_probe(f, y[:5])
    with pytest.raises(ValueError, match="cs must be positive"):
        choose_probe(f, y, cs=(0.0, 1.0))
    with pytest.raises(ValueError, match="cs must be positive"):
        choose_probe(f, y, cs=())
    with pytest.raises(ValueError, match="n_jobs"):
        choose_probe(np.zeros((9, 2)), np.repeat([0, 1, 2], 3), n_jobs=0)


def test_choose_probe_subsamples_many_labels_stratified():
    rng = np.random.default_rng(1)
    y = rng.integers(0, 4, 3000)
    f = np.eye(4)[y] * 3 + rng.normal(size=(3000, 4))
    s = choose_probe(f, y, max_images=200, seed=3)
    assert s.cv_accuracy > 0.8 and s == choose_probe(f, y, max_images=200, seed=3)  # seeded: the same choice


def test_classical_denoisers_and_best_setting():
    rng = np.random.default_rng(0)
    clean = np.zeros((200, 28, 28), np.float32)
    for i, col in enumerate(rng.integers(4, 20, 200)):
        clean[i, 8:20, col:col + 4] = 1.0  # bars: smooth, so filters help against pixel noise
    clean = clean.reshape(200, 784)
    noisy = np.clip(clean + rng.normal(0, 0.3, clean.shape), 0, 1).astype(np.float32)
    grids = {"median_sizes": (3, 5), "blur_sigmas": (1.0,), "pca_components": (16, 128)}
    denoisers = classical_denoisers(clean[:150], **grids)
    assert set(denoisers) == {"median filter", "Gaussian blur", "PCA projection"}
    assert list(denoisers["PCA projection"]) == [16, 128]
    setting, f = best_setting(denoisers["median filter"], clean[150:], noisy[150:])
    assert setting in (3, 5) and psnr(clean[150:], f(noisy[150:])) > psnr(clean[150:], noisy[150:])
    with pytest.raises(ValueError, match="at least that many"):
        classical_denoisers(clean[:10], **grids)
    with pytest.raises(ValueError, match="at least one setting"):
        classical_denoisers(clean[:150], **{**grids, "blur_sigmas": ()})
    with pytest.raises(ValueError, match="no settings"):
        best_setting({}, clean, noisy)
    # blur + threshold: only with thresholds; every (sigma, threshold) pair; faint pixels set to 0
    with_threshold = classical_denoisers(clean[:150], **grids, thresholds=(0.2, 0.4))
    assert list(with_threshold["blur + threshold"]) == [(1.0, 0.2), (1.0, 0.4)]
    out = with_threshold["blur + threshold"][(1.0, 0.4)](noisy[150:])
    blurred = with_threshold["Gaussian blur"][1.0](noisy[150:])
    assert np.array_equal(out, np.where(blurred < 0.4, 0, blurred))
    assert psnr(clean[150:], out) > psnr(clean[150:], blurred)  # the background noise is gone
    with pytest.raises(ValueError, match="thresholds are pixel values"):
        classical_denoisers(clean[:150], **grids, thresholds=(1.5,))


def test_best_filter_tunes_a_filter_on_held_out_images():
    rng = np.random.default_rng(1)
    clean = np.zeros((120, 28, 28), np.float32)
    for i, col in enumerate(rng.integers(4, 20, 120)):
        clean[i, 8:20, col:col + 4] = 1.0
    clean = clean.reshape(120, 784)
    filters = classical_denoisers(clean[:80], median_sizes=(3, 5), blur_sigmas=(0.5, 1.0), pca_components=(8,))
    tuning = clean[80:]
    for name in filters:
        setting, f = best_filter(filters, name, tuning, "gaussian", 0.3, seed=7)
        expected = best_setting(filters[name], tuning, corrupt(tuning, "gaussian", 0.3, seed=7))
        assert setting == expected[0] and f is expected[1], name  # the notebooks' former closure, written out
    with pytest.raises(ValueError, match="no filter named"):
        best_filter(filters, "wiener", tuning, "gaussian", 0.3, seed=7)
    with pytest.raises(ValueError, match="unknown noise model"):
        best_filter(filters, "median filter", tuning, "speckle", 0.3, seed=7)


def test_anomaly_detectors_score_an_outlier_above_the_normal_images():
    rng = np.random.default_rng(0)
    normal = rng.normal(0, 0.1, (200, 8)).astype(np.float32)
    normal[:, 0] += np.linspace(-1, 1, 200)  # the normal data lie along one direction
    test = np.vstack([normal[:20], np.full((1, 8), 2.0, np.float32)])
    scores = baseline_scores(normal, test, pca_components=1, knn_k=3, n_trees=50, ocsvm_nu=0.1,
                             ocsvm_max_train=100, seed=0)
    assert set(scores) == {"PCA-1 error", "3-NN distance", "isolation forest", "one-class SVM"}
    for name, s in scores.items():
        assert s.shape == (21,) and s[-1] > s[:-1].max(), name
    assert knn_distance(normal, normal[:1], 1)[0] == pytest.approx(0, abs=1e-3)  # itself is its nearest neighbour
    with pytest.raises(ValueError, match="larger than"):
        knn_distance(normal[:2], test, 3)
    with pytest.raises(ValueError, match="k must be a positive int"):
        knn_distance(normal, test, 0)
    with pytest.raises(ValueError, match="nu"):
        ocsvm_score(normal, test, nu=0)
    with pytest.raises(ValueError, match="max_train must be a positive int or None"):
        ocsvm_score(normal, test, max_train=0)
    with pytest.raises(ValueError, match="flattened images"):
        pca_error(normal, test.reshape(21, 2, 4), 1)
    assert pca_error(normal, test, 1).shape == (21,)
    a, b = isolation_forest_score(normal, test, 20, seed=1), isolation_forest_score(normal, test, 20, seed=1)
    assert np.array_equal(a, b)  # seeded


def test_tsne_map_places_test_images_in_the_frame_of_the_training_map():
    # openTSNE's transform shifts the training map (it centres it) before placing new points: a test image that
    # is a near copy of a training image must land next to that image's code, not next to a shifted copy of it
    rng = np.random.default_rng(0)
    centres = rng.normal(scale=8.0, size=(3, 10))
    sizes = (120, 50, 30)  # unequal clusters: the map's bounding box is off centre
    x_train = np.concatenate([c + rng.normal(size=(n, 10)) for c, n in zip(centres, sizes)]).astype(np.float32)
    x_test = x_train[::10] + rng.normal(scale=0.01, size=x_train[::10].shape).astype(np.float32)
    train, test, seconds = tsne_map(x_train, x_test, perplexity=10.0, seed=0)
    assert train.shape == (200, 2) and test.shape == (20, 2) and seconds >= 0
    extent = np.ptp(train, axis=0).max()
    gap = np.linalg.norm(test - train[::10], axis=1)
    assert np.median(gap) < 0.05 * extent, (np.median(gap), extent)


def test_knn_distance_matrix_keeps_each_rows_nearest_and_is_symmetric():
    # umap_map gives umap-learn this sparse matrix instead of all distances: each row's k nearest must be those
    # of the dense matrix, its own 0 among them, and the structure symmetric (umap-learn refuses it otherwise)
    from sklearn.metrics import euclidean_distances

    x = np.random.default_rng(0).random((60, 5)).astype(np.float32)
    dense = euclidean_distances(x)
    m = knn_distance_matrix(dense, 4)
    assert m.shape == (60, 60) and (m != m.T).nnz == 0
    assert (m.getnnz(axis=1) >= 4).all() and np.array_equal(m.diagonal(), np.zeros(60))
    for i in range(60):
        row = m.getrow(i)
        assert i in row.indices  # the explicit zero is stored, not dropped
        nearest = row.indices[np.argsort(row.data, kind="stable")[:4]]
        assert set(nearest) == set(np.argsort(dense[i], kind="stable")[:4])
    for bad in (dense[:10], dense[None]):
        with pytest.raises(ValueError, match="square"):
            knn_distance_matrix(bad, 4)
    with pytest.raises(ValueError, match="n_neighbors"):
        knn_distance_matrix(dense, 0)
