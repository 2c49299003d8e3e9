"""Keras's debugging caps (config.set_max_epochs / set_max_steps_per_epoch, or the
KERAS_MAX_EPOCHS / KERAS_MAX_STEPS_PER_EPOCH environment variables), applied where Keras
applies them: epochs in fit, before the callbacks see them; steps in every epoch iterator
(fit's epochs and validation, evaluate, predict), never in the *_on_batch calls."""

import warnings

from densefit import config


def epochs(epochs):
    cap = config.max_epochs()
    if cap and cap < epochs:
        warnings.warn("Limiting epochs to %d" % cap, stacklevel=3)
        return cap
    return epochs


def steps(steps):
    """`steps` (None: all of the data) under the cap. As in Keras, a capped run with arrays
    and no batch_size spreads the data over the capped steps (batch_size = ceil(n / steps))."""
    cap = config.max_steps_per_epoch()
    if cap and (not steps or cap < steps):
        warnings.warn("Limiting steps_per_epoch to %d" % cap, stacklevel=3)
        return cap
    return steps
