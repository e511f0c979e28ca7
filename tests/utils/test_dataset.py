"""`axone.utils.PyDataset` (and its alias `Sequence`): Keras 3's interface."""

import warnings

import numpy as np
import pytest

import axone


class Squares(axone.utils.PyDataset):
    def __init__(self, batches=3, **kwargs):
        super().__init__(**kwargs)
        self.batches = batches

    def __len__(self):
        return self.batches

    def __getitem__(self, index):
        x = np.arange(index * 2, index * 2 + 2, dtype="float32")[:, None]
        return x, x ** 2


def test_constructor_arguments_are_accepted_and_kept():
    dataset = Squares(workers=4, use_multiprocessing=True, max_queue_size=3)
    assert (dataset.workers, dataset.use_multiprocessing, dataset.max_queue_size) == (4, True, 3)
    default = Squares()
    assert (default.workers, default.use_multiprocessing, default.max_queue_size) == (1, False, 10)


def test_sequence_is_an_alias():
    assert axone.utils.Sequence is axone.utils.PyDataset
    assert isinstance(Squares(), axone.utils.Sequence)


def test_num_batches_is_the_length_and_iteration_gives_every_batch_in_order():
    dataset = Squares(batches=3)
    assert dataset.num_batches == 3
    xs = [x for x, _ in dataset]
    assert len(xs) == 3
    np.testing.assert_array_equal(np.concatenate(xs)[:, 0], np.arange(6))


def test_subclass_without_super_init_warns_and_gets_the_defaults():
    class Bare(axone.utils.PyDataset):
        def __init__(self):
            self.size = 2  # no super().__init__()

        def __len__(self):
            return 1

        def __getitem__(self, index):
            return np.zeros((2, 1), "float32"), np.zeros(2, "float32")

    with pytest.warns(UserWarning, match=r"super\(\).__init__\(\*\*kwargs\)"):
        assert Bare().workers == 1


def test_missing_methods_raise_not_implemented():
    class NoLength(axone.utils.PyDataset):
        pass

    dataset = NoLength()
    with pytest.raises(NotImplementedError, match="__getitem__"):
        dataset[0]
    with pytest.raises(NotImplementedError, match="__len__"):
        dataset.num_batches


def test_endless_dataset_trains_for_steps_per_epoch():
    class Endless(Squares):
        @property
        def num_batches(self):
            return None

        def __getitem__(self, index):
            self.last = index
            return super().__getitem__(index % 3)

    dataset = Endless()
    model = axone.Sequential([axone.Input((1,)), axone.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = model.fit(dataset, steps_per_epoch=4, epochs=2, verbose=0)
    assert history.epoch == [0, 1]
    assert dataset.last == 7  # read in order, 4 batches an epoch, the second epoch going on
    assert not any("shuffle" in str(w.message) for w in caught)  # Keras ignores it silently
