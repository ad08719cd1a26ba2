"""A playground Session on a network it is given (the notebook widget's case): trained in place,
and refused by name when the playground could not draw or train it."""

from __future__ import annotations

import re

import numpy as np
import pytest

import neuralab as nl
from neuralab.playground import Config, Session, toy_dataset
from neuralab.playground.errors import PlaygroundInputError

DATA = toy_dataset("circles", n_samples=80, noise=0.1, seed=4)


def test_a_given_network_is_built_for_the_data_trained_in_place_and_reset_to_its_start():
    network = nl.Sequential([nl.Dense(3, "tanh"), nl.Dense(1, "sigmoid")])
    session = Session("s", Config(seed=4), DATA, network)
    assert session.network is network and network.layers[0].weights.shape == (2, 3)
    start = network.get_weights()
    session.train(2)
    assert session.epoch == 2
    assert not np.allclose(start[0], network.layers[0].weights)
    assert session.frame()["weights"][0] == network.layers[0].weights.astype(np.float64).tolist()
    session.reset()
    np.testing.assert_array_equal(network.layers[0].weights, start[0])


DROPOUT = [nl.Dense(3, "relu"), nl.Dropout(0.5), nl.Dense(1, "sigmoid")]
NO_BIAS = [nl.Dense(3, "relu", use_bias=False), nl.Dense(1, "sigmoid")]
WIDE = [nl.Dense(17, "relu"), nl.Dense(1, "sigmoid")]
LINEAR_OUTPUT = [nl.Dense(3, "relu"), nl.Dense(1, "linear")]
FOUR_INPUTS = [nl.Dense(3, "relu", input_dim=4), nl.Dense(1, "sigmoid")]


@pytest.mark.parametrize(
    ("layers", "message"),
    [
        (DROPOUT, "Layer 2 of the network is a Dropout"),
        (NO_BIAS, "Layer 1 of the network has no biases"),
        (WIDE, "Hidden layer 1 has 17 units; the playground draws at most 16"),
        (
            LINEAR_OUTPUT,
            "for the two classes of this data the playground trains Dense(1, 'sigmoid') with "
            "binary_cross_entropy. End the network in Dense(1, 'sigmoid').",
        ),
        (FOUR_INPUTS, "The network takes 4 inputs but the data has 2 features (x1, x2)."),
    ],
)
def test_a_network_the_playground_cannot_draw_or_train_is_refused_by_name(layers, message):
    with pytest.raises(PlaygroundInputError, match=re.escape(message)):
        Session("s", Config(), DATA, nl.Sequential(layers))
