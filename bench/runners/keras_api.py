"""Builds a workload as a Keras-API model and times its fit(): shared by the densefit runner
and the Keras runner, which pass their own module (`import densefit as keras` or Keras 3).
One model definition for both is also the compatibility claim in practice."""

from bench.runners.protocol import epochs_to_time, summarize


def build_model(keras, workload, metrics=None):
    """Sequential([Input, (Flatten), Dense(relu)..., Dense(output)]) compiled with "adam" and
    `metrics` (None: the workload's own)."""
    layers = [keras.Input(shape=workload.input_shape)]
    if workload.flatten:
        layers.append(keras.layers.Flatten())
    layers += [keras.layers.Dense(units, activation="relu") for units in workload.hidden]
    layers.append(keras.layers.Dense(workload.outputs, activation=workload.output_activation))
    model = keras.Sequential(layers)
    if metrics is None:
        metrics = list(workload.metrics) or None
    model.compile(optimizer="adam", loss=workload.loss, metrics=metrics)
    return model


def time_fit(keras, model, x, y, workload, budget, clock):
    """The timing protocol (bench/runners/protocol.py) over fit(..., verbose=0, shuffle=True).

    The first and calibration epochs are fit(epochs=1) calls of their own. The N timed epochs
    run in one fit(epochs=N) and are split by a callback that reads the clock at every
    epoch end, so each interval holds one whole epoch (shuffle, steps, metric updates,
    callbacks) and the fit() set-up falls into the first interval only. Reading the loss in
    the callback makes asynchronous backends (JAX) finish the epoch before the clock reads.
    """
    ticks = []

    class EpochClock(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            float((logs or {}).get("loss", 0.0))
            ticks.append(clock())

    def fit(epochs, callbacks=None):
        return model.fit(x, y, batch_size=workload.batch_size, epochs=epochs, verbose=0,
                         shuffle=True, callbacks=callbacks)

    t0 = clock()
    first_history = fit(1)
    first = clock() - t0
    n = epochs_to_time(lambda: fit(1), budget, clock)
    start = clock()
    history = fit(n, callbacks=[EpochClock()])
    total = clock() - start
    bounds = [start] + ticks
    result = summarize(first, [b - a for a, b in zip(bounds[:-1], bounds[1:])])
    result["fit_call_s_per_epoch"] = total / n
    result["loss_first"] = float(first_history.history["loss"][0])
    result["loss_last"] = float(history.history["loss"][-1])
    if "accuracy" in history.history:
        result["accuracy_last"] = float(history.history["accuracy"][-1])
    return result
