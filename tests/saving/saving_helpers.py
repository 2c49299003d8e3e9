"""Helpers shared by the saving tests."""

import numpy as np

import densefit as keras
from densefit.layers import Dense, Dropout


def small_model(seed=7, optimizer="adam", dropout=0.25):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([Dense(8, activation="relu", input_shape=(6,)), Dropout(dropout),
                              Dense(1, activation="sigmoid")])
    model.compile(optimizer=optimizer, loss="binary_crossentropy", metrics=["accuracy"])
    return model


def max_diff(a, b):
    return max(float(np.max(np.abs(x - y))) for x, y in zip(a, b))
