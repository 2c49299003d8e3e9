"""Logs after a native run: the loss and every compiled metric's result, read in one call."""


def logs(names, network):
    """{name: value} for the loss and each compiled metric, in compile order: a float, or a
    float32 array for a metric with several values (per threshold or class, a matrix)."""
    return dict(zip(names, network.result_values()))
