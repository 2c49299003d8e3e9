"""The seed behind initializers, shuffling and dropout (one counter-based stream family)."""

import os

_state = {"seed": None, "next_stream": 0}


def set_random_seed(seed):
    """Makes initial weights, shuffling and dropout reproducible, as keras.utils.set_random_seed.
    """
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise ValueError(f"seed must be an int, got {seed!r}")
    _state["seed"] = seed & 0xFFFFFFFFFFFFFFFF
    _state["next_stream"] = 0


def global_seed():
    if _state["seed"] is None:
        _state["seed"] = int.from_bytes(os.urandom(8), "little")
    return _state["seed"]


def next_stream():
    """A fresh stream id for one unseeded draw (an initializer, a network's dropout/shuffle)."""
    _state["next_stream"] += 1
    return _state["next_stream"]
