"""The compute limit of the large case: its FLOPs over numpy's measured float32 GEMM rate.

FLOPs of one training step on a batch of B samples, for layers of sizes (n_0, ..., n_L),
counting only the matrix products (2 FLOPs per multiply-add):

    forward   z_l = a_{l-1} W_l           2 B n_{l-1} n_l   for every layer
    weights   dW_l = a_{l-1}^T dz_l       2 B n_{l-1} n_l   for every layer
    inputs    da_{l-1} = dz_l W_l^T       2 B n_{l-1} n_l   for every layer but the first

Elementwise work, biases and the loss are left out: the limit is a lower bound on time.

Two measurements of it:

- ``epoch_of_products``: one epoch's products, timed by the runner between the
  implementations' runs (same pauses, same machine state). The shares of the limit use
  its median: on a shared VM the same code can run 50% slower from one minute to the next.
- ``compute_limit``: the best rate over a few hot loops, after the cases (the BLAS's peak on
  these shapes, and on a 1024^3 product), as context.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable

import numpy as np

from .cases import Case


def flops_per_sample(layer_sizes: tuple[int, ...]) -> int:
    """Matrix-product FLOPs of one sample's forward and backward pass (see module doc)."""
    products = [n_in * n_out for n_in, n_out in itertools.pairwise(layer_sizes)]
    return 2 * sum(products) + 2 * sum(products) + 2 * sum(products[1:])


def flops_per_epoch(case: Case, n_samples: int) -> int:
    """Matrix-product FLOPs of one epoch over ``n_samples`` samples."""
    return flops_per_sample(case.layer_sizes) * n_samples


def _best_seconds(function, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def _step_products(layer_sizes: tuple[int, ...], batch: int, rng: np.random.Generator) -> list[tuple]:
    """(left, right, out) for every matrix product of one step on ``batch`` samples."""
    products = []
    for position, (n_in, n_out) in enumerate(itertools.pairwise(layer_sizes)):
        a = rng.random((batch, n_in), dtype=np.float32)
        W = rng.random((n_in, n_out), dtype=np.float32)
        dz = rng.random((batch, n_out), dtype=np.float32)
        products.append((a, W, np.empty((batch, n_out), np.float32)))  # forward
        products.append((a.T, dz, np.empty((n_in, n_out), np.float32)))  # weights
        if position > 0:
            products.append((dz, W.T, np.empty((batch, n_in), np.float32)))  # inputs
    return products


def epoch_of_products(case: Case, n_samples: int) -> Callable[[], None]:
    """A function that runs the matrix products of one epoch of ``case`` and nothing else.

    Same shapes and number of steps as training (a shorter last batch included), operands
    preallocated, results written into ``out``: the time a NumPy engine would need if every
    other part of a step were free. The benchmark times it interleaved with the
    implementations, under the same conditions, so that the share of the limit compares
    like with like.
    """
    rng = np.random.default_rng(0)
    batch = min(case.batch_size, n_samples)
    full_steps, last = divmod(n_samples, batch)
    full = _step_products(case.layer_sizes, batch, rng)
    short = _step_products(case.layer_sizes, last, rng) if last else []

    def run() -> None:
        for _ in range(full_steps):
            for left, right, out in full:
                np.matmul(left, right, out=out)
        for left, right, out in short:
            np.matmul(left, right, out=out)

    return run


def gemm_rate_case_shapes(case: Case, *, steps: int = 50, repeats: int = 7) -> float:
    """FLOP/s of numpy float32 matmul on exactly the products of one step of ``case``.

    Operands are preallocated and every product writes into a preallocated ``out``: the
    fastest a NumPy engine could run these products, with nothing else in the step.
    """
    batch = case.batch_size
    sizes = case.layer_sizes
    products = _step_products(sizes, batch, np.random.default_rng(0))

    def run():
        for _ in range(steps):
            for left, right, out in products:
                np.matmul(left, right, out=out)

    run()
    seconds = _best_seconds(run, repeats)
    return flops_per_sample(sizes) * batch * steps / seconds


def gemm_rate_square(size: int = 1024, *, repeats: int = 7) -> float:
    """FLOP/s of numpy float32 matmul on one square product of ``size`` (the BLAS peak)."""
    rng = np.random.default_rng(0)
    a = rng.random((size, size), dtype=np.float32)
    b = rng.random((size, size), dtype=np.float32)
    out = np.empty_like(a)
    np.matmul(a, b, out=out)
    seconds = _best_seconds(lambda: np.matmul(a, b, out=out), repeats)
    return 2.0 * size**3 / seconds


def compute_limit(case: Case, n_samples: int) -> dict:
    """The FLOPs of one epoch, both GEMM rates and the epoch time each rate allows."""
    flops = flops_per_epoch(case, n_samples)
    case_rate = gemm_rate_case_shapes(case)
    square_rate = gemm_rate_square()
    return {
        "case": case.name,
        "flops_per_epoch": flops,
        "gemm_gflops_case_shapes": case_rate / 1e9,
        "gemm_gflops_square_1024": square_rate / 1e9,
        "limit_seconds": flops / case_rate,
        "limit_seconds_square_rate": flops / square_rate,
    }
