"""Logs after a native run: the loss and every compiled metric's result, read in one call."""


def logs(names, network):
    """{name: value} for the loss and each compiled metric, in compile order: a float, or a
    float32 array for a metric with several values (per threshold or class, a matrix).
    A network binding without result_values (another backend) gives each metric's first
    value."""
    read = getattr(network, "result_values", None)
    return dict(zip(names, read() if read is not None else network.results()))
