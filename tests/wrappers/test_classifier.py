"""KerasClassifier: labels of any type, target types, probabilities, weights, meta, routing."""

import warnings

import numpy as np
import pytest

pytest.importorskip("sklearn")
from sklearn.datasets import load_iris, make_blobs, make_multilabel_classification  # noqa: E402

import axone  # noqa: E402
from axone.wrappers import KerasClassifier  # noqa: E402
from builders import classifier_model, small_classifier  # noqa: E402

X_IRIS, Y_IRIS = load_iris(return_X_y=True)
X_IRIS = (X_IRIS - X_IRIS.mean(0)) / X_IRIS.std(0)
NAMES = load_iris().target_names[Y_IRIS]


@pytest.mark.parametrize("labels", [NAMES, Y_IRIS + 10, Y_IRIS.astype(float)], ids=["str", "int", "float"])
def test_multiclass_labels_of_any_type(labels):
    clf = small_classifier().fit(X_IRIS, labels)
    assert clf.target_type_ == "multiclass" and clf.n_classes_ == 3
    assert np.array_equal(clf.classes_, np.unique(labels))
    predicted = clf.predict(X_IRIS)
    assert predicted.dtype == labels.dtype and set(predicted) <= set(labels)
    assert clf.score(X_IRIS, labels) > 0.9
    proba = clf.predict_proba(X_IRIS)
    assert proba.shape == (150, 3) and np.allclose(proba.sum(1), 1.0, atol=1e-5)
    assert np.array_equal(clf.classes_[proba.argmax(1)], predicted)


def test_binary_booleans_with_one_sigmoid_unit():
    y = Y_IRIS == 0
    clf = small_classifier().fit(X_IRIS, y)
    assert clf.target_type_ == "binary" and clf.n_units_ == 1
    assert clf.model_._compile_args["loss"] == "binary_crossentropy"
    assert clf.predict(X_IRIS).dtype == bool
    proba = clf.predict_proba(X_IRIS)
    assert proba.shape == (150, 2) and np.allclose(proba.sum(1), 1.0)
    assert clf.score(X_IRIS, y) == 1.0


def test_categorical_loss_gets_one_hot_targets():
    clf = small_classifier(loss="categorical_crossentropy").fit(X_IRIS, NAMES)
    encoded = clf.target_encoder_.encode(NAMES[:3], "categorical_crossentropy", 3)
    assert encoded.tolist() == [[1, 0, 0]] * 3
    assert clf.score(X_IRIS, NAMES) > 0.9


def test_multilabel_targets():
    X, Y = make_multilabel_classification(n_samples=120, n_features=6, n_classes=3, random_state=0)
    clf = small_classifier(epochs=40).fit(X, Y)
    assert clf.target_type_ == "multilabel-indicator" and clf.n_outputs_ == 3
    assert clf.predict(X).shape == (120, 3) and set(np.unique(clf.predict(X))) <= {0, 1}
    assert clf.predict_proba(X).shape == (120, 3)
    assert clf.score(X, Y) > 0.3  # exact-match accuracy on three labels


def test_meta_given_to_the_build_function():
    seen = {}

    def build(meta, compile_kwargs, params):
        seen.update(meta=meta, compile_kwargs=compile_kwargs, params=params)
        return classifier_model(meta)

    KerasClassifier(build, epochs=1, verbose=0, optimizer="sgd").fit(X_IRIS.astype(np.float32), NAMES)
    meta = seen["meta"]
    assert meta["n_features_in_"] == 4 and meta["n_classes_"] == 3 and meta["n_outputs_"] == 1
    assert meta["target_type_"] == "multiclass" and meta["classes_"].tolist() == ["setosa", "versicolor",
                                                                                 "virginica"]
    assert meta["X_dtype_"] == np.float32 and meta["y_dtype_"].kind == "U"
    assert type(seen["compile_kwargs"]["optimizer"]).__name__ == "SGD"
    assert seen["params"]["epochs"] == 1


def test_class_weight_balanced_equals_the_sample_weights_it_stands_for():
    X, y = make_blobs(n_samples=[80, 20], centers=[[0, 0], [1.5, 1.5]], random_state=0)
    balanced = small_classifier(class_weight="balanced").fit(X, y)
    weights = np.where(y == 0, 100 / (2 * 80), 100 / (2 * 20))
    manual = small_classifier().fit(X, y, sample_weight=weights)
    assert np.array_equal(balanced.predict_proba(X), manual.predict_proba(X))
    plain = small_classifier().fit(X, y)
    # Weighting the rare class predicts it more often.
    assert (balanced.predict(X) == 1).sum() > (plain.predict(X) == 1).sum()


def test_sample_weight_zero_removes_samples_from_the_loss():
    weights = np.where(Y_IRIS == 1, 0.0, 1.0)  # versicolor, between the two others, weighs nothing
    plain = small_classifier().fit(X_IRIS, Y_IRIS).predict(X_IRIS)
    weighted = small_classifier().fit(X_IRIS, Y_IRIS, sample_weight=weights).predict(X_IRIS)
    assert (plain == 1).sum() > 40 and (weighted == 1).sum() < 10
    with pytest.raises(ValueError, match="shape"):
        small_classifier().fit(X_IRIS, Y_IRIS, sample_weight=weights[:-1])


def test_partial_fit_with_classes():
    clf = small_classifier()
    clf.partial_fit(X_IRIS[:50], NAMES[:50], classes=np.unique(NAMES))
    assert clf.n_classes_ == 3 and len(clf.history_["loss"]) == 1
    clf.partial_fit(X_IRIS, NAMES)
    assert len(clf.history_["loss"]) == 2
    with pytest.raises(ValueError, match="only one class"):
        small_classifier().fit(X_IRIS[:50], NAMES[:50])


def test_routed_parameters_reach_their_consumers():
    seen = []

    class Record(axone.callbacks.Callback):
        def __init__(self, tag):
            super().__init__()
            self.tag = tag

        def on_epoch_end(self, epoch, logs=None):
            seen.append((self.tag, epoch))

    clf = KerasClassifier(classifier_model, model__hidden=3, optimizer=axone.optimizers.SGD,
                          optimizer__learning_rate=0.05, optimizer__momentum=0.5, callbacks=[Record],
                          callbacks__tag="t", fit__epochs=2, compile__metrics=["accuracy"],
                          predict__batch_size=7, verbose=0)
    clf.fit(X_IRIS, NAMES)
    assert clf.model_.layers[0].units == 3
    assert clf.model_.optimizer.learning_rate == pytest.approx(0.05)
    assert clf.model_.optimizer.momentum == 0.5
    assert seen == [("t", 0), ("t", 1)]
    assert set(clf.history_) == {"loss", "accuracy"}
    assert clf.get_params()["model__hidden"] == 3


def test_bad_parameters_are_named():
    with pytest.raises(ValueError, match="hiden.*does not take"):
        KerasClassifier(classifier_model, hiden=3, verbose=0).fit(X_IRIS, NAMES)
    with pytest.raises(ValueError, match="Invalid parameter 'modle__hidden'"):
        KerasClassifier(classifier_model).set_params(modle__hidden=3)
    with pytest.raises(ValueError, match="needs model="):
        KerasClassifier(verbose=0).fit(X_IRIS, NAMES)
    with pytest.raises(ValueError, match="Received: epochs=-1"):
        KerasClassifier(classifier_model, epochs=-1).fit(X_IRIS, NAMES)
    with pytest.raises(ValueError, match="optimizer__ parameters.*already made"):
        KerasClassifier(classifier_model, optimizer=axone.optimizers.SGD(), optimizer__momentum=0.9,
                        verbose=0).fit(X_IRIS, NAMES)
    with pytest.raises(ValueError, match="Unknown label type"):
        small_classifier().fit(X_IRIS, X_IRIS[:, 0])

    def needs_units(meta, units):
        return classifier_model(meta)

    with pytest.raises(TypeError, match=r"needs units: pass KerasClassifier\(needs_units, units=...\)"):
        KerasClassifier(needs_units, verbose=0).fit(X_IRIS, NAMES)


def test_a_model_instance_is_copied_for_each_fit():
    model = classifier_model({"target_type_": "multiclass", "n_classes_": 3, "n_features_in_": 4})
    model.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
    before = [w.copy() for w in model.get_weights()]
    clf = KerasClassifier(model, epochs=2, verbose=0).fit(X_IRIS, NAMES)
    assert clf.model_ is not model
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
    first = clf.predict_proba(X_IRIS)
    assert np.array_equal(KerasClassifier(model, epochs=2, verbose=0, random_state=1).fit(
        X_IRIS, NAMES).predict_proba(X_IRIS), KerasClassifier(model, epochs=2, verbose=0, random_state=1).fit(
        X_IRIS, NAMES).predict_proba(X_IRIS))
    assert first.shape == (150, 3)


def test_dataframe_feature_names():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(X_IRIS, columns=["a", "b", "c", "d"])
    clf = small_classifier().fit(frame, NAMES)
    assert clf.feature_names_in_.tolist() == ["a", "b", "c", "d"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        clf.predict(frame)
