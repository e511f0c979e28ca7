"""Where axone's time goes: one epoch of the MNIST benchmark under a profiler.

    python benchmarks/profile_mnist.py [--epochs 1] [--subset N] [--html out.html]

Trains the same model as `bench_mnist.py` (on the same data) for a warm-up
epoch, then profiles the next `--epochs` with pyinstrument (installed by
`make bench`) and prints the call tree, slowest calls first. Per-step
functions show as a share of the epoch; NumPy's matrix products appear
under the layers' `forward` and `backward`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))  # this checkout's axone

import axone as keras  # noqa: E402

from bench_mnist import prepare  # noqa: E402
from workers import MLPSpec, _keras_model  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=1, help="profiled epochs (default 1)")
    parser.add_argument("--subset", type=int, help="train on the first N samples only")
    parser.add_argument("--html", type=Path, help="also write pyinstrument's HTML report here")
    args = parser.parse_args()
    try:
        from pyinstrument import Profiler
    except ImportError:
        sys.exit("pyinstrument is not installed: run `make bench` once, or pip install pyinstrument")

    spec = MLPSpec(task="classification", input_shape=[28, 28], hidden=[300, 100], outputs=10)
    data, source = prepare(seed=0)
    x, y = data["x_train"][: args.subset], data["y_train"][: args.subset]
    print(f"data: {source}; {len(x):,} training samples")
    keras.utils.set_random_seed(0)
    model = _keras_model(keras, spec)
    model.fit(x, y, batch_size=spec.batch_size, epochs=1, verbose=0)  # warm-up, not profiled

    profiler = Profiler(interval=0.0005)
    profiler.start()
    model.fit(x, y, batch_size=spec.batch_size, epochs=args.epochs, verbose=0)
    profiler.stop()
    print(profiler.output_text(unicode=False, color=False, show_all=False))
    if args.html:
        args.html.write_text(profiler.output_html())
    return 0


if __name__ == "__main__":
    sys.exit(main())
