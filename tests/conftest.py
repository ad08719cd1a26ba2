"""Test configuration: hypothesis profiles, float warnings as errors, shared helpers."""

from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("dev", deadline=None, max_examples=25)
settings.register_profile(
    "ci",
    deadline=None,
    max_examples=25,
    derandomize=True,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("ci" if os.environ.get("CI") else os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture(autouse=True)
def _numpy_float_errors():
    """A silent overflow, invalid operation or division by zero fails the test."""
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        yield
