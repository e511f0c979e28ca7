"""The same search on a cluster: joblib's Dask backend and Ray's, on local clusters of 2 processes.

Both give the very best_params_ and cv_results_ of joblib's default backend for the same
random_state; predict over a chunked Dask array equals predict in memory.
"""

import joblib
import numpy as np
import pytest

pytest.importorskip("sklearn")
import builders  # noqa: E402
from builders import assert_same_search, course_search  # noqa: E402


@pytest.fixture(scope="module")
def serial_search():
    return course_search(1)


@pytest.fixture(scope="module")
def dask_client():
    pytest.importorskip("dask")
    distributed = pytest.importorskip("distributed")
    import cloudpickle
    # The workers do not have this folder on their path: send the build functions by value.
    cloudpickle.register_pickle_by_value(builders)
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None, silence_logs=40)
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()
    cloudpickle.unregister_pickle_by_value(builders)


def test_dask_backend_finds_the_same(serial_search, dask_client):
    serial, X = serial_search
    assert len(dask_client.scheduler_info()["workers"]) == 2
    with joblib.parallel_backend("dask"):
        on_dask, _ = course_search(-1)
    assert_same_search(serial, on_dask)


def test_predict_over_a_chunked_dask_array(serial_search, dask_client):
    import dask.array as da

    serial, X = serial_search
    estimator = serial.best_estimator_
    in_memory = estimator.predict(X)
    for chunk in (32, 64, 50):
        chunked = da.from_array(X, chunks=(chunk, X.shape[1]))
        predicted = chunked.map_blocks(estimator.predict, drop_axis=1, dtype=np.float64)
        result = dask_client.compute(predicted).result()
        if chunk % 32 == 0:  # chunks made of whole batches (batch_size 32): the same products, bit for bit
            assert np.array_equal(result, in_memory), chunk
        else:  # other batches: the products of float32 rows round alike only to about 1e-7
            np.testing.assert_allclose(result, in_memory, rtol=1e-5, atol=1e-6)


def test_ray_backend_finds_the_same(serial_search):
    ray = pytest.importorskip("ray")
    from ray.util.joblib import register_ray

    serial, _ = serial_search
    ray.cloudpickle.register_pickle_by_value(builders)
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    try:
        register_ray()
        with joblib.parallel_backend("ray"):
            on_ray, _ = course_search(-1)
    finally:
        ray.shutdown()
        ray.cloudpickle.unregister_pickle_by_value(builders)
    assert_same_search(serial, on_ray)
