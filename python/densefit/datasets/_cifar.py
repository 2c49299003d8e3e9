"""Reading the pickled batches of the CIFAR tarballs (Python 2 pickles with bytes keys) under
the same restriction as the `.npz` files: NumPy arrays and plain values only."""

from densefit.datasets._npz import RestrictedUnpickler


def load_batch(fpath, label_key="labels"):
    """`(data, labels)` of one batch file: uint8 `(n, 3, 32, 32)` and the list of labels."""
    with open(fpath, "rb") as f:
        d = RestrictedUnpickler(f, encoding="bytes").load()
    d = {k.decode("utf8"): v for k, v in d.items()}
    data = d["data"]
    return data.reshape(data.shape[0], 3, 32, 32), d[label_key]
