"""Small files in exactly the formats Keras downloads (npz, gzipped IDX, json word indexes,
tar.gz of pickled CIFAR batches), written into a cache folder, so that the loaders of both
libraries read them without the network."""

import gzip
import hashlib
import io
import json
import os
import pickle
import struct
import tarfile

import numpy as np

# The real CIFAR batches are Python 2 pickles of {bytes: value}; protocol 3 keeps bytes keys
# and pickles arrays with the same three NumPy globals the restricted unpicklers allow
# (protocol 2 would add `_codecs.encode`, protocol 5 `numpy._core.numeric._frombuffer`).
_PICKLE_PROTOCOL = 3


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def md5(path):
    with open(path, "rb") as f:
        return hashlib.md5(f.read()).hexdigest()


def _sequences(rng, n, vocab, min_len=1, max_len=12):
    # Python lists of ints, as in Keras's files (the object arrays pickle them as lists).
    return [[int(w) for w in rng.integers(1, vocab, size=rng.integers(min_len, max_len + 1))]
            for _ in range(n)]


def _object_array(seqs):
    out = np.empty(len(seqs), dtype=object)
    out[:] = seqs
    return out


def write_mnist(folder, n_train=30, n_test=12, seed=0):
    rng = np.random.default_rng(seed)
    path = os.path.join(folder, "mnist.npz")
    np.savez(path, x_train=rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
             y_train=rng.integers(0, 10, n_train, dtype=np.uint8),
             x_test=rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
             y_test=rng.integers(0, 10, n_test, dtype=np.uint8))
    return path


def _idx(kind_magic, array):
    header = struct.pack(">i", kind_magic) + b"".join(struct.pack(">i", d) for d in array.shape)
    return header + array.tobytes()


def write_fashion_mnist(home, n_train=20, n_test=8, seed=1):
    """The four IDX files, gzipped, in `<home>/datasets/fashion-mnist`; returns their paths."""
    rng = np.random.default_rng(seed)
    folder = os.path.join(home, "datasets", "fashion-mnist")
    os.makedirs(folder, exist_ok=True)
    paths = []
    for prefix, n in (("train", n_train), ("t10k", n_test)):
        labels = rng.integers(0, 10, n, dtype=np.uint8)
        images = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
        for name, data in ((f"{prefix}-labels-idx1-ubyte.gz", _idx(2049, labels)),
                           (f"{prefix}-images-idx3-ubyte.gz", _idx(2051, images))):
            paths.append(os.path.join(folder, name))
            with gzip.open(paths[-1], "wb") as f:
                f.write(data)
    return paths


def write_imdb(folder, n_train=40, n_test=30, vocab=60, seed=2):
    rng = np.random.default_rng(seed)
    path = os.path.join(folder, "imdb.npz")
    np.savez(path, x_train=_object_array(_sequences(rng, n_train, vocab)),
             y_train=rng.integers(0, 2, n_train),
             x_test=_object_array(_sequences(rng, n_test, vocab)),
             y_test=rng.integers(0, 2, n_test))
    return path


def write_reuters(folder, n=50, vocab=80, seed=3):
    rng = np.random.default_rng(seed)
    path = os.path.join(folder, "reuters.npz")
    np.savez(path, x=_object_array(_sequences(rng, n, vocab)), y=rng.integers(0, 46, n))
    return path


def write_word_index(folder, name, n_words=25, seed=4):
    rng = np.random.default_rng(seed)
    words = {f"w{i}{chr(97 + int(c))}": int(r)
             for i, (c, r) in enumerate(zip(rng.integers(0, 26, n_words),
                                            rng.permutation(n_words) + 1))}
    words["naïve"] = n_words + 1  # the real files hold non-ASCII words
    path = os.path.join(folder, name)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(words, f)
    return path


def write_housing(folder, name, n, features, dtype, seed=5):
    rng = np.random.default_rng(seed)
    path = os.path.join(folder, name)
    np.savez(path, x=rng.normal(size=(n, features)).astype(dtype),
             y=rng.uniform(5, 50, size=n).astype(dtype))
    return path


def _batch_bytes(data, labels, label_keys):
    d = {b"batch_label": b"a test batch", b"data": data,
         b"filenames": [f"img_{i}.png".encode() for i in range(len(data))]}
    for key in label_keys:
        d[key.encode()] = labels[key]
    return pickle.dumps(d, protocol=_PICKLE_PROTOCOL)


def _pattern(n, seed):
    # Periodic bytes: not constant, yet compressible and fast to write at CIFAR's real size.
    base = ((np.arange(251) * (7 + seed)) % 251).astype(np.uint8)
    return np.resize(base, (n, 3072))


def _write_tar(path, members):
    with tarfile.open(path, "w:gz", compresslevel=1) as tar:
        for name, payload in members:
            info = tarfile.TarInfo(name)
            info.size = len(payload)
            tar.addfile(info, io.BytesIO(payload))


def write_cifar10(folder, per_batch=10000, n_test=10000):
    """Keras's cached archive `cifar-10-batches-py-target_archive` (Keras's loader needs the
    real sizes: it fills 50,000 rows, 10,000 a batch)."""
    members = []
    for i in range(1, 6):
        labels = {"labels": [int(v) for v in (np.arange(per_batch) * i) % 10]}
        members.append((f"cifar-10-batches-py/data_batch_{i}",
                        _batch_bytes(_pattern(per_batch, i), labels, ["labels"])))
    labels = {"labels": [int(v) for v in (np.arange(n_test) * 3 + 1) % 10]}
    members.append(("cifar-10-batches-py/test_batch",
                    _batch_bytes(_pattern(n_test, 9), labels, ["labels"])))
    members.append(("cifar-10-batches-py/batches.meta", pickle.dumps({b"label_names": []}, 3)))
    path = os.path.join(folder, "cifar-10-batches-py-target_archive")
    _write_tar(path, members)
    return path


def write_cifar100(folder, n_train=40, n_test=16):
    members = []
    for name, n, seed in (("train", n_train, 1), ("test", n_test, 2)):
        labels = {"fine_labels": [int(v) for v in (np.arange(n) * 7 + seed) % 100],
                  "coarse_labels": [int(v) for v in (np.arange(n) * 3 + seed) % 20]}
        members.append((f"cifar-100-python/{name}",
                        _batch_bytes(_pattern(n, seed), labels, ["fine_labels", "coarse_labels"])))
    path = os.path.join(folder, "cifar-100-python-target_archive")
    _write_tar(path, members)
    return path
