"""What surrounds one fit: its random seed and its share of the BLAS threads.

Seeds: `random_state` seeds every unseeded draw of the fit (initial weights,
shuffling, dropout) through `axone.backend.seed_scope`, which neither reads
nor changes NumPy's global random state.

Threads: in a worker process of a parallel search (joblib's loky workers
under `GridSearchCV(n_jobs=k)`, Dask or Ray workers), the backend sets
`OMP_NUM_THREADS` to the worker's share of the cores (joblib: the cores
divided by `n_jobs`; Dask and Ray: 1). The fit then limits the BLAS thread
pools found when the process first fits (NumPy's BLAS among them) to that
share with threadpoolctl, even where the BLAS was loaded before the variable
was set, and restores them after, so `k` workers do not fight over the cores. Outside such
a worker (no `OMP_NUM_THREADS`) nothing is limited.
"""

from __future__ import annotations

import contextlib
import functools
import os

import numpy as np

from axone import backend

THREADS_VARIABLE = "OMP_NUM_THREADS"


def seed_of(random_state, draw: int = 0) -> int | None:
    """The seed of one fit: None (unseeded), or an int derived from `random_state`.

    `draw` numbers the successive calls of a warm start or `partial_fit`, so
    that each gets its own, still reproducible, seed (the first is `random_state`).
    """
    if random_state is None:
        return None
    if isinstance(random_state, np.random.RandomState):
        return int(random_state.randint(0, 2**31 - 1))
    if not isinstance(random_state, (int, np.integer)) or isinstance(random_state, bool) or random_state < 0:
        raise ValueError("random_state must be None, an int >= 0 or a numpy.random.RandomState. "
                         f"Received: random_state={random_state!r}")
    if draw == 0:
        return int(random_state) % 2**32
    return int(np.random.SeedSequence([int(random_state), draw]).generate_state(1)[0])


def thread_share() -> int | None:
    """The BLAS threads this process should use, or None for no limit."""
    value = os.environ.get(THREADS_VARIABLE, "")
    return int(value) if value.isdigit() and int(value) > 0 else None


@functools.lru_cache(maxsize=1)
def _controller():
    """threadpoolctl's view of the loaded thread pools, made once (a scan of the libraries)."""
    from threadpoolctl import ThreadpoolController
    return ThreadpoolController()


@contextlib.contextmanager
def fit_scope(seed: int | None):
    """Run a fit seeded by `seed` (None: unseeded) and within its thread share."""
    with contextlib.ExitStack() as stack:
        if seed is not None:
            stack.enter_context(backend.seed_scope(seed))
        share = thread_share()
        if share is not None:
            stack.enter_context(_controller().limit(limits=share, user_api="blas"))
        yield
